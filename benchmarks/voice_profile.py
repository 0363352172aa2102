"""Does the style profile tell authors apart, do SmolLM2's rewrites drift from an author, and does "keep my voice" help?

Each of the four authors in dev_paragraphs.jsonl has exactly ten paragraphs
(ids NNNN-00 to NNNN-09). They are split in two halves by number: the
even-numbered five of each author (00, 02, 04, 06, 08) are for tuning, the
odd-numbered five (01 ... 09) for reporting. The profile's weights and its
word-habit smoothing were chosen on the tuning half only.

1. AUC per author: the chance that a paragraph of the author is closer to their
   profile than a paragraph of another author; ties count half. Three ways,
   old profile (``--old-commit``, the profile as it was before this change,
   read from git) and new side by side:
   - tune: inside the even half, leave-one-out (a baseline of 4, the fifth
     against the other authors' 15 even paragraphs), pooled over the 5 folds;
   - report: the author's 5 even paragraphs are the baseline; their 5 odd
     paragraphs against the other authors' 15 odd paragraphs (none of these
     20 was seen while tuning);
   - all ten: the earlier protocol, leave-one-out over all ten (a baseline of
     9), for comparison with the numbers before; it includes tuning paragraphs.
2. Rewrites kept in a file (no model): benchmarks/calibration_rewrites.jsonl
   holds 36 raw SmolLM2 rewrites (three seeds each of paragraphs 00-02 of every
   author, unfiltered, made for the dedup calibration). Each is measured against
   its author's other nine paragraphs, beside the rewritten paragraph itself.
3. Rewrites (with the model): each odd (held-out) paragraph (the first
   ``--rewrite-limit`` of each author) is rewritten by the
   app's own stack filler (the default model, SmolLM2, its default preset; the
   variants the stack would show). The rewrites' distance from the author's
   profile (the even half) is set beside the odd paragraphs' own. Distances are
   in units of the writer's own spread: 1.0 is how far the writer's own
   paragraphs sit from the others'.
4. Keep my voice on vs off (with the model), on the first ``--limit`` odd
   paragraphs of every author, both settings in one run with the same seed per
   paragraph: a stack of ``--n`` variants, its mean closeness to the author's
   profile (the even half) and its usable distinct of n (the diversity report's
   own ``score``). Both settings get the very same candidates (``Replay``), so
   only the selection differs; the "on" fill's seconds are the selection alone.

    PYTHONPATH=. python benchmarks/voice_profile.py [--input FILE.jsonl] [--no-model]
        [--rewrites 1] [--rewrite-limit 5] [--limit 1] [--n 8] [--weight 0.3] [--threads N]
        [--skip-rewrites] [--skip-keep]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from cardwriter.domain.style import build_profile
from cardwriter.services.english_reference import english_reference
from cardwriter.services.stack_filling import FillRequest

SEED = 4242
OLD_COMMIT = "8f1539a"  # the last commit with the profile before word habits
Distances = Callable[[list[str]], list[float]]
MakeProfile = Callable[[list[str]], Distances]


def auc(own: list[float], other: list[float]) -> float:
    """Share of (own, other) pairs where the own paragraph is closer; ties count half."""
    wins = sum((a < b) + 0.5 * (a == b) for a in own for b in other)
    return wins / (len(own) * len(other))


def by_author(path: Path) -> dict[str, list[str]]:
    """The paragraphs of each author, in file order (the author is the name in brackets of ``source``)."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        author = row["source"].split("(")[1].split(")")[0] if "(" in row["source"] else row["source"]
        found.setdefault(author, []).append(row["text"])
    return found


def halves(authors: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(tuning, report): each author's even-numbered paragraphs and their odd-numbered ones."""
    return {a: t[0::2] for a, t in authors.items()}, {a: t[1::2] for a, t in authors.items()}


def new_profile(texts: list[str]) -> Distances:
    profile = build_profile(texts, reference=english_reference())
    assert profile is not None  # four paragraphs of real prose always make one
    return profile.distances


def old_profile_maker(commit: str) -> MakeProfile:
    """The profile as it was at ``commit``: its style.py, read from git and loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{commit}:cardwriter/domain/style.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    spec = importlib.util.spec_from_loader(f"old_style_{commit}", loader=None)
    assert spec is not None
    module = ModuleType(spec.name)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    exec(compile(source, f"{commit}:cardwriter/domain/style.py", "exec"), module.__dict__)  # noqa: S102

    def make(texts: list[str]) -> Distances:
        profile = module.build_profile(texts)
        assert profile is not None
        return profile.distances

    return make


def leave_one_out(authors: dict[str, list[str]], make: MakeProfile) -> dict[str, float]:
    """Per author: each paragraph against the profile of their others, the other authors' paragraphs likewise."""
    found = {}
    for author, texts in authors.items():
        others = [t for a, ts in authors.items() if a != author for t in ts]
        own, other = [], []
        for i in range(len(texts)):
            distances = make(texts[:i] + texts[i + 1 :])
            own += distances([texts[i]])
            other += distances(others)
        found[author] = auc(own, other)
    return found


def baseline_then_scored(baseline: dict[str, list[str]], scored: dict[str, list[str]], make: MakeProfile):
    """Per author: the profile of their ``baseline`` paragraphs; their ``scored`` ones against the others'."""
    found = {}
    for author, texts in baseline.items():
        distances = make(texts)
        others = [t for a, ts in scored.items() if a != author for t in ts]
        found[author] = auc(distances(scored[author]), distances(others))
    return found


def author_table(authors: dict[str, list[str]], old: MakeProfile) -> None:
    tune, report = halves(authors)
    protocols = {
        "tune (even half, leave-one-out, baseline 4)": lambda make: leave_one_out(tune, make),
        "report (baseline: even 5; scored: odd 5 vs others' odd 15)": lambda make: baseline_then_scored(
            tune, report, make
        ),
        "all ten, leave-one-out (baseline 9; includes the tuning half)": lambda make: leave_one_out(authors, make),
    }
    names = list(authors)
    print("| protocol | profile | " + " | ".join(names) + " | mean |")
    print("|---|---|" + "---:|" * (len(names) + 1))
    for protocol, run in protocols.items():
        for label, make in (("old", old), ("new", new_profile)):
            got = run(make)
            cells = " | ".join(f"{got[a]:.3f}" for a in names)
            print(f"| {protocol} | {label} | {cells} | {statistics.fmean(got.values()):.3f} |")


def rewrites_table(
    authors: dict[str, list[str]], filler, engine, per_paragraph: int, old: MakeProfile, limit: int
) -> None:
    """Held-out own paragraphs (the first ``limit`` odd ones) against the stack filler's rewrites of them, per author."""
    tune, report = halves(authors)
    report = {author: texts[:limit] for author, texts in report.items()}
    print(
        "\n| author | own held-out: mean distance | rewrites: mean distance | rewrites "
        "| AUC own closer than rewrite (new) | same, old profile |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    pooled: dict[str, list[float]] = {"own": [], "rewrites": [], "old own": [], "old rewrites": []}
    for number, (author, texts) in enumerate(report.items()):
        distances, old_distances = new_profile(tune[author]), old(tune[author])
        rewritten: list[str] = []
        for i, text in enumerate(texts):
            request = FillRequest(source=text, wanted=per_paragraph, seed=SEED + 100 * number + i)
            variants = [v.text for v in filler.fill(engine, request).variants]
            rewritten += variants
            print(f"  {author} odd {i}: {len(variants)} rewrites", file=sys.stderr, flush=True)
        own, rew = distances(texts), distances(rewritten)
        old_own, old_rew = old_distances(texts), old_distances(rewritten)
        for key, values in zip(pooled, (own, rew, old_own, old_rew), strict=True):
            pooled[key] += values
        print(
            f"| {author} | {statistics.fmean(own):.2f} | {statistics.fmean(rew):.2f} | {len(rew)} "
            f"| {auc(own, rew):.3f} | {auc(old_own, old_rew):.3f} |",
            flush=True,
        )
    print(
        f"| all | {statistics.fmean(pooled['own']):.2f} | {statistics.fmean(pooled['rewrites']):.2f} "
        f"| {len(pooled['rewrites'])} | {auc(pooled['own'], pooled['rewrites']):.3f} "
        f"| {auc(pooled['old own'], pooled['old rewrites']):.3f} |"
    )


class Replay:
    """The engine, remembering each generation and score it gave: asked again, it answers the same at no cost.

    Keep my voice changes which candidates a stack shows, not which are written;
    with the same seed the "on" fill asks for exactly what the "off" fill asked,
    so it gets the very same candidates, and the comparison is of selection alone
    (at half the cost on a machine shared with others).
    """

    def __init__(self, engine):
        self.engine, self.model_name = engine, engine.model_name
        self._streams: dict[str, list] = {}
        self._scores: dict[str, float] = {}

    def stream(self, generation, cancel):
        key = repr(generation)
        if key not in self._streams:
            self._streams[key] = list(self.engine.stream(generation, cancel))
        yield from self._streams[key]

    def score(self, texts: list[str]) -> list[float]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._scores]
        if missing:
            self._scores.update(zip(missing, self.engine.score(missing), strict=True))
        return [self._scores[t] for t in texts]


def stored_rewrites_table(path: Path, dev: Path, old: MakeProfile) -> None:
    """Rewrites kept in a file ({"id": paragraph id, "text": ...} a line) against the paragraphs they rewrite.

    Each rewrite is measured against the profile of its author's other nine
    paragraphs (the rewritten one left out), and so is the rewritten paragraph
    itself: the two are compared on the same footing.
    """
    ids: dict[str, tuple[str, int]] = {}
    authors: dict[str, list[str]] = {}
    for line in dev.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        author = row["source"].split("(")[1].split(")")[0] if "(" in row["source"] else row["source"]
        authors.setdefault(author, []).append(row["text"])
        ids[row["id"]] = (author, len(authors[author]) - 1)
    rewrites: dict[tuple[str, int], list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rewrites.setdefault(ids[row["id"]], []).append(row["text"])
    print(f"\nStored rewrites ({path.name}): each against its author's other nine paragraphs.\n")
    print(
        "| author | paragraphs rewritten | own: mean distance | rewrites: mean distance | rewrites | AUC (new) | AUC (old) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    pooled: dict[str, list[float]] = {"own": [], "rewrites": [], "old own": [], "old rewrites": []}
    for author, texts in authors.items():
        got: dict[str, list[float]] = {key: [] for key in pooled}
        done = sorted(i for a, i in rewrites if a == author)
        for i in done:
            others = texts[:i] + texts[i + 1 :]
            for label, make in (("", new_profile), ("old ", old)):
                distances = make(others)
                got[label + "own"] += distances([texts[i]])
                got[label + "rewrites"] += distances(rewrites[author, i])
        for key in pooled:
            pooled[key] += got[key]
        print(
            f"| {author} | {len(done)} | {statistics.fmean(got['own']):.2f} | {statistics.fmean(got['rewrites']):.2f} "
            f"| {len(got['rewrites'])} | {auc(got['own'], got['rewrites']):.3f} "
            f"| {auc(got['old own'], got['old rewrites']):.3f} |"
        )
    print(
        f"| all | | {statistics.fmean(pooled['own']):.2f} | {statistics.fmean(pooled['rewrites']):.2f} "
        f"| {len(pooled['rewrites'])} | {auc(pooled['own'], pooled['rewrites']):.3f} "
        f"| {auc(pooled['old own'], pooled['old rewrites']):.3f} |"
    )


def keep_my_voice_table(authors: dict[str, list[str]], filler, engine, embedder, limit: int, n: int, weight: float):
    """The same held-out paragraphs filled with closeness off and on, side by side.

    Both fills run the classic way (``streaming=False``: every candidate to its end,
    then the filters and one selection), so closeness weighs in on the whole stack;
    streaming shows the first half of a stack as it passes, before any selection.
    """
    replay = Replay(engine)
    from cardwriter.evaluation.diversity_input import Paragraph
    from cardwriter.evaluation.diversity_scores import score

    tune, report = halves(authors)
    rows: dict[str, list[tuple[float, int, int, float]]] = {"off": [], "on": []}
    for number, (author, texts) in enumerate(report.items()):
        profile = build_profile(tune[author], reference=english_reference())
        assert profile is not None
        for i in range(min(limit, len(texts))):
            paragraph = Paragraph(f"{author} odd {i}", texts[i])
            source_vec = embedder.encode([paragraph.text])[0]
            for setting in ("off", "on"):
                request = FillRequest(
                    source=paragraph.text,
                    wanted=n,
                    seed=SEED + 100 * number + i,
                    closeness=profile.closenesses if setting == "on" else None,
                    closeness_weight=weight,
                    streaming=False,
                )
                started = time.perf_counter()
                texts_shown = [v.text for v in filler.fill(replay, request).variants]
                seconds = time.perf_counter() - started
                scored = score(paragraph, setting, texts_shown, source_vec, embedder, n=n)
                close = statistics.fmean(profile.closenesses(texts_shown)) if texts_shown else float("nan")
                rows[setting].append((close, scored.usable_distinct, len(texts_shown), seconds))
                print(
                    f"  {paragraph.id} keep-my-voice {setting}: closeness {close:.3f}, "
                    f"usable distinct {scored.usable_distinct} of {n}, shown {len(texts_shown)}, {seconds:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    count = len(rows["off"])
    print(f"\nKeep my voice, {count} held-out paragraphs ({limit} per author), n = {n}, closeness weight {weight}:\n")
    print(
        "| setting | mean closeness of the stack | usable distinct of n (mean) | min | shown (mean) | seconds per stack |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for setting, got in rows.items():
        print(
            f"| {setting} | {statistics.fmean(r[0] for r in got):.3f} | {statistics.fmean(r[1] for r in got):.2f} "
            f"| {min(r[1] for r in got)} | {statistics.fmean(r[2] for r in got):.2f} "
            f"| {statistics.fmean(r[3] for r in got):.0f} |"
        )
    rises = sum(on[0] > off[0] for on, off in zip(rows["on"], rows["off"], strict=True))
    print(f"\nCloseness rose on {rises} of {count} paragraphs.")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--input", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_paragraphs.jsonl"
    )
    parser.add_argument("--no-model", action="store_true", help="only the AUC table (no model, seconds)")
    parser.add_argument("--old-commit", default=OLD_COMMIT, help="the commit whose profile is 'old'")
    parser.add_argument("--rewrites", type=int, default=1, help="variants per held-out paragraph (default 1)")
    parser.add_argument("--rewrite-limit", type=int, default=5, help="rewritten paragraphs per author (default 5)")
    parser.add_argument("--limit", type=int, default=1, help="keep-my-voice paragraphs per author (default 1)")
    parser.add_argument("--n", type=int, default=8, help="variants per keep-my-voice stack (default 8)")
    parser.add_argument("--weight", type=float, default=FillRequest.closeness_weight, help="closeness weight")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-rewrites", action="store_true", help="only the keep-my-voice comparison")
    parser.add_argument("--skip-keep", action="store_true", help="only the rewrites table")
    parser.add_argument(
        "--stored-rewrites",
        type=Path,
        default=Path(__file__).resolve().parent / "calibration_rewrites.jsonl",
        help="rewrites kept in a file, measured without the model (default: the dedup calibration's)",
    )
    args = parser.parse_args()
    authors = by_author(args.input)
    old = old_profile_maker(args.old_commit)
    author_table(authors, old)
    if args.stored_rewrites.exists():
        stored_rewrites_table(args.stored_rewrites, args.input, old)
    if args.no_model:
        return
    from cardwriter.cli.generation_commands import open_embedder
    from cardwriter.generation.factory import open_generator
    from cardwriter.services.stack_filling import StackFiller

    engine, embedder = open_generator(None, n_threads=args.threads), open_embedder()
    filler = StackFiller(embedder)
    filler.fill(engine, dataclasses.replace(FillRequest(source="Warm up.", wanted=1), max_rounds=1, max_tokens=4))
    print(f"\nModel: {engine.model_name}; the stack filler's defaults (preset {FillRequest.preset}).", flush=True)
    if not args.skip_rewrites:
        rewrites_table(authors, filler, engine, args.rewrites, old, args.rewrite_limit)
    if not args.skip_keep:
        keep_my_voice_table(authors, filler, engine, embedder, args.limit, args.n, args.weight)


if __name__ == "__main__":
    main()
