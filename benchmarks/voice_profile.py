"""Does the style profile tell authors apart, do SmolLM2's rewrites drift from an author, and does "keep my voice" help?

Each of the four authors in dev_paragraphs.jsonl has exactly ten paragraphs
(ids NNNN-00 to NNNN-09). They are split in two halves by number: the
even-numbered five of each author (00, 02, 04, 06, 08) are for tuning, the
odd-numbered five (01 ... 09) for reporting. The profile's weights and its
word-habit smoothing were chosen on the tuning half only.

1. AUC per author (``cardwriter.evaluation.voice_auc``): the chance that a
   paragraph of the author is closer to their profile than another author's;
   old profile (``--old-commit``, read from git) and new side by side. Tune:
   leave-one-out inside the even half; report: the even five as the baseline,
   the odd five against the other authors' odd fifteen; all ten: leave-one-out
   over all ten (the earlier protocol; it includes the tuning half).
   ``--model-features``: the same with the model's groups (top-1 and top-10
   shares, mean log-probability; one decode per paragraph), their weights
   chosen on the tuning half only, beside the profile without them.
2. Rewrites kept in a file (no model): benchmarks/calibration_rewrites.jsonl
   holds 36 raw SmolLM2 rewrites (three seeds each of paragraphs 00-02 of every
   author, unfiltered, made for the dedup calibration). Each is measured against
   its author's other nine paragraphs, beside the rewritten paragraph itself
   (with ``--model-features`` also with the model's readings).
3. Rewrites (with the model): each odd (held-out) paragraph (the first
   ``--rewrite-limit`` of each author) is rewritten by the
   app's own stack filler (the default model, SmolLM2, its default preset; the
   variants the stack would show). The rewrites' distance from the author's
   profile (the even half) is set beside the odd paragraphs' own. Distances are
   in units of the writer's own spread: 1.0 is how far the writer's own
   paragraphs sit from the others'. Side by side: the new profile without the
   model, with the model's readings at the profile's own WEIGHTS ("new + model"),
   with every model group at weight 1 (for comparison), and the old profile.
4. Keep my voice on vs off (with the model), on the first ``--limit`` odd
   paragraphs of every author, both settings in one run with the same seed per
   paragraph: a stack of ``--n`` variants, its mean closeness to the author's
   profile (the even half) and its usable distinct of n (the diversity report's
   own ``score``). Both settings get the very same candidates (``Replay``), so
   only the selection differs; the "on" fill's seconds are the selection alone.

    PYTHONPATH=. python benchmarks/voice_profile.py [--input FILE.jsonl] [--no-model]
        [--rewrites 1] [--rewrite-limit 5] [--limit 1] [--n 8] [--weight 0.3] [--threads N]
        [--skip-rewrites] [--skip-keep] [--model-features]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

from cardwriter.domain.style import build_profile
from cardwriter.evaluation.voice_auc import (
    MODEL_GROUPS,
    Distances,
    MakeProfile,
    RememberedScorer,
    auc,
    author_of,
    baseline_then_scored,
    by_author,
    halves,
    leave_one_out,
    model_features_tables,
    profile_maker,
)
from cardwriter.generation.presets import preset_for
from cardwriter.services.english_reference import english_reference
from cardwriter.services.stack_filling import FillRequest

SEED = 4242
OLD_COMMIT = "8f1539a"  # the last commit with the profile before word habits


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


def _distance_cells(profiles: dict[str, tuple[list[float], list[float]]]) -> str:
    """Per profile: the own paragraphs' mean distance, the rewrites' mean distance, and the AUC own closer."""
    return " | ".join(
        f"{statistics.fmean(own):.2f} | {statistics.fmean(rew):.2f} | {auc(own, rew):.3f}"
        for own, rew in profiles.values()
    )


def _distance_header(first: str, labels: list[str]) -> str:
    cells = " | ".join(f"own ({label}) | rewrites ({label}) | AUC ({label})" for label in labels)
    return f"| {first} | rewrites | {cells} |\n|---|---:|" + "---:|---:|---:|" * len(labels)


def rewrites_table(
    authors: dict[str, list[str]], filler, engine, per_paragraph: int, profiles: dict[str, MakeProfile], limit: int
) -> None:
    """Held-out own paragraphs (the first ``limit`` odd ones) against the stack filler's rewrites of them, per author.

    Each author's row is printed as soon as it is done, and every paragraph's
    distances on stderr as it is rewritten, so a run stopped early still says
    what it measured.
    """
    tune, report = halves(authors)
    report = {author: texts[:limit] for author, texts in report.items()}
    print("\nMean distances from the author's even five; AUC: the author's own held-out paragraph is closer.\n")
    print(_distance_header("author", list(profiles)), flush=True)
    pooled: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in profiles}
    for number, (author, texts) in enumerate(report.items()):
        distances = {label: make(tune[author]) for label, make in profiles.items()}
        got: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in profiles}
        for i, text in enumerate(texts):
            request = FillRequest.build(source=text, wanted=per_paragraph, seed=SEED + 100 * number + i)
            variants = [v.text for v in filler.fill(engine, request).variants]
            print(json.dumps({"author": author, "odd": i, "rewrites": variants}), file=sys.stderr, flush=True)
            for label, measure in distances.items():
                own, rew = measure([text]), measure(variants)
                got[label][0].extend(own)
                got[label][1].extend(rew)
                print(
                    f"  {author} odd {i} ({label}): own {own[0]:.2f}, rewrites " + ", ".join(f"{d:.2f}" for d in rew),
                    file=sys.stderr,
                    flush=True,
                )
        for label, (own, rew) in got.items():
            pooled[label][0].extend(own)
            pooled[label][1].extend(rew)
        count = len(next(iter(got.values()))[1])
        print(f"| {author} | {count} | {_distance_cells(got)} |", flush=True)
    print(f"| all | {len(next(iter(pooled.values()))[1])} | {_distance_cells(pooled)} |", flush=True)


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


def stored_rewrites_table(path: Path, dev: Path, profiles: dict[str, MakeProfile]) -> None:
    """Rewrites kept in a file ({"id": paragraph id, "text": ...} a line) against the paragraphs they rewrite.

    Each rewrite is measured against the profile of its author's other nine
    paragraphs (the rewritten one left out), and so is the rewritten paragraph
    itself: the two are compared on the same footing.
    """
    ids: dict[str, tuple[str, int]] = {}
    authors: dict[str, list[str]] = {}
    for line in dev.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        author = author_of(row["source"])
        authors.setdefault(author, []).append(row["text"])
        ids[row["id"]] = (author, len(authors[author]) - 1)
    rewrites: dict[tuple[str, int], list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rewrites.setdefault(ids[row["id"]], []).append(row["text"])
    print(f"\nStored rewrites ({path.name}): each against its author's other nine paragraphs.\n")
    print(_distance_header("author", list(profiles)))
    pooled: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in profiles}
    for author, texts in authors.items():
        got: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in profiles}
        for i in sorted(i for a, i in rewrites if a == author):
            for label, make in profiles.items():
                distances = make(texts[:i] + texts[i + 1 :])
                got[label][0].extend(distances([texts[i]]))
                got[label][1].extend(distances(rewrites[author, i]))
        for label, (own, rew) in got.items():
            pooled[label][0].extend(own)
            pooled[label][1].extend(rew)
        print(f"| {author} | {len(next(iter(got.values()))[1])} | {_distance_cells(got)} |")
    print(f"| all | {len(next(iter(pooled.values()))[1])} | {_distance_cells(pooled)} |")


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
                request = FillRequest.build(
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
        "--input",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl",
    )
    parser.add_argument("--no-model", action="store_true", help="only the AUC table (no model, seconds)")
    parser.add_argument("--old-commit", default=OLD_COMMIT, help="the commit whose profile is 'old'")
    parser.add_argument("--rewrites", type=int, default=1, help="variants per held-out paragraph (default 1)")
    parser.add_argument("--rewrite-limit", type=int, default=5, help="rewritten paragraphs per author (default 5)")
    parser.add_argument("--limit", type=int, default=1, help="keep-my-voice paragraphs per author (default 1)")
    parser.add_argument("--n", type=int, default=8, help="variants per keep-my-voice stack (default 8)")
    parser.add_argument(
        "--weight", type=float, default=FillRequest.field_default("closeness_weight"), help="closeness weight"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-rewrites", action="store_true", help="only the keep-my-voice comparison")
    parser.add_argument("--skip-keep", action="store_true", help="only the rewrites table")
    parser.add_argument(
        "--stored-rewrites",
        type=Path,
        default=Path(__file__).resolve().parent / "calibration_rewrites.jsonl",
        help="rewrites kept in a file, measured without the model (default: the dedup calibration's)",
    )
    parser.add_argument(
        "--model-features",
        action="store_true",
        help="the author table with the model's groups (top-1/top-10 shares, log-probability) tuned on the even half",
    )
    args = parser.parse_args()
    if args.no_model and args.model_features:
        parser.error("--model-features needs the model: leave out --no-model")
    authors = by_author(args.input)
    old = old_profile_maker(args.old_commit)
    author_table(authors, old)
    stored = args.stored_rewrites.exists()
    if stored and not args.model_features:
        stored_rewrites_table(args.stored_rewrites, args.input, {"new": new_profile, "old": old})
    if args.no_model:
        return
    from cardwriter.generation.factory import open_generator

    engine = open_generator(None, n_threads=args.threads)
    scorer = RememberedScorer(engine.likelihoods)
    with_model = profile_maker(english_reference(), scorer)  # the profile's own WEIGHTS
    # for comparison only: every model group at weight 1 (what the model's readings can do when they count)
    model_at_1 = profile_maker(english_reference(), scorer, dict.fromkeys(MODEL_GROUPS, 1.0))
    if args.model_features:
        started = time.perf_counter()
        scorer([t for texts in authors.values() for t in texts])
        print(f"\nModel: {engine.model_name}; read {len(scorer.readings)} paragraphs in one call, ", end="")
        print(f"{time.perf_counter() - started:.0f} s.", flush=True)
        with_model = model_features_tables(authors, scorer)
        if stored:
            profiles = {"new": new_profile, "new + model": with_model, "model groups at 1": model_at_1, "old": old}
            stored_rewrites_table(args.stored_rewrites, args.input, profiles)
        return
    from cardwriter.cli.generation_commands import open_embedder
    from cardwriter.services.stack_filling import StackFiller

    embedder = open_embedder()
    filler = StackFiller(embedder)
    filler.fill(engine, FillRequest.build(source="Warm up.", wanted=1, max_rounds=1, max_tokens=4))
    preset = preset_for(FillRequest.field_default("preset"), engine)
    print(f"\nModel: {engine.model_name}; the stack filler's defaults (preset {preset}).", flush=True)
    if not args.skip_rewrites:
        profiles = {"new": new_profile, "new + model": with_model, "model groups at 1": model_at_1, "old": old}
        rewrites_table(authors, filler, engine, args.rewrites, profiles, args.rewrite_limit)
    if not args.skip_keep:
        keep_my_voice_table(authors, filler, engine, embedder, args.limit, args.n, args.weight)


if __name__ == "__main__":
    main()
