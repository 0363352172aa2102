"""Does the style profile tell authors apart, do SmolLM2's rewrites drift from an author, and does "keep my voice" help?

Each of the four authors in dev_paragraphs.jsonl has exactly ten paragraphs, so
a baseline of ten leaves none of theirs to test: this uses leave-one-out
instead (a baseline of nine, the tenth held out, ten times).

1. AUC per author: the chance that a held-out paragraph of theirs is closer to
   their profile than a paragraph of another author (the other 30), pooled over
   the ten folds. No model needed.
2. Rewrites (with the model): each held-out paragraph is rewritten by the app's
   own stack filler (the default model, SmolLM2, its default preset; the
   variants the stack would show). Their distance from the profile of the
   author's other nine paragraphs is set beside the held-out paragraph's own.
   The rewrite's source is never in its baseline, exactly as for the own
   paragraph, so the two columns are comparable.
3. Keep my voice on vs off (with the model), on the first ``--limit`` paragraphs
   of every author, both settings in one run, with the same seed per paragraph:
   a stack of ``--n`` variants, its mean closeness to the author's profile (the
   other nine paragraphs) and its usable distinct of n (the diversity report's
   own ``score``).

    PYTHONPATH=. python benchmarks/voice_profile.py [--input FILE.jsonl] [--no-model]
        [--rewrites 2] [--limit 2] [--n 8] [--weight 0.3] [--threads N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

from cardwriter.domain.style import StyleProfile, build_profile
from cardwriter.services.stack_filling import FillRequest

SEED = 4242


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


def held_out_profiles(texts: list[str]) -> list[StyleProfile]:
    """For each paragraph, the profile of the author's other paragraphs."""
    profiles = []
    for i in range(len(texts)):
        profile = build_profile(texts[:i] + texts[i + 1 :])
        assert profile is not None  # nine paragraphs of real prose always make one
        profiles.append(profile)
    return profiles


def author_table(authors: dict[str, list[str]]) -> None:
    print("| author | paragraphs | own distance (mean) | others' distance (mean) | AUC |")
    print("|---|---:|---:|---:|---:|")
    aucs = []
    for author, texts in authors.items():
        others = [t for a, ts in authors.items() if a != author for t in ts]
        own, other = [], []
        for i, profile in enumerate(held_out_profiles(texts)):
            own.append(profile.distance(texts[i]))
            other.extend(profile.distances(others))
        aucs.append(auc(own, other))
        print(
            f"| {author} | {len(texts)} | {statistics.fmean(own):.2f} | {statistics.fmean(other):.2f} | {aucs[-1]:.3f} |"
        )
    print(f"| mean | | | | {statistics.fmean(aucs):.3f} |")


def rewrites_table(authors: dict[str, list[str]], filler, engine, per_paragraph: int) -> None:
    """Held-out own paragraphs against the stack filler's rewrites of them, per author."""
    print(
        "\n| author | own held-out: mean distance | rewrites: mean distance | rewrites | AUC own closer than rewrite |"
    )
    print("|---|---:|---:|---:|---:|")
    all_own, all_rewrites = [], []
    for number, (author, texts) in enumerate(authors.items()):
        own, rewritten = [], []
        for i, profile in enumerate(held_out_profiles(texts)):
            own.append(profile.distance(texts[i]))
            request = FillRequest(source=texts[i], wanted=per_paragraph, seed=SEED + 100 * number + i)
            variants = [v.text for v in filler.fill(engine, request).variants]
            rewritten.extend(profile.distances(variants))
            print(f"  {author} {i}: {len(variants)} rewrites", file=sys.stderr)
        all_own += own
        all_rewrites += rewritten
        print(
            f"| {author} | {statistics.fmean(own):.2f} | {statistics.fmean(rewritten):.2f} | {len(rewritten)} "
            f"| {auc(own, rewritten):.3f} |"
        )
    print(
        f"| all | {statistics.fmean(all_own):.2f} | {statistics.fmean(all_rewrites):.2f} | {len(all_rewrites)} "
        f"| {auc(all_own, all_rewrites):.3f} |"
    )


def keep_my_voice_table(authors: dict[str, list[str]], filler, engine, embedder, limit: int, n: int, weight: float):
    """The same paragraphs filled with closeness off and on, side by side."""
    from cardwriter.evaluation.diversity_input import Paragraph
    from cardwriter.evaluation.diversity_scores import score

    rows: dict[str, list[tuple[float, int, int, float]]] = {"off": [], "on": []}
    for number, (author, texts) in enumerate(authors.items()):
        profiles = held_out_profiles(texts)
        for i in range(min(limit, len(texts))):
            profile, paragraph = profiles[i], Paragraph(f"{author} {i}", texts[i])
            source_vec = embedder.encode([paragraph.text])[0]
            for setting in ("off", "on"):
                request = FillRequest(
                    source=paragraph.text,
                    wanted=n,
                    seed=SEED + 100 * number + i,
                    closeness=profile.closenesses if setting == "on" else None,
                    closeness_weight=weight,
                )
                started = time.perf_counter()
                texts_shown = [v.text for v in filler.fill(engine, request).variants]
                seconds = time.perf_counter() - started
                scored = score(paragraph, setting, texts_shown, source_vec, embedder, n=n)
                close = statistics.fmean(profile.closenesses(texts_shown)) if texts_shown else float("nan")
                rows[setting].append((close, scored.usable_distinct, len(texts_shown), seconds))
                print(
                    f"  {paragraph.id} keep-my-voice {setting}: closeness {close:.3f}, "
                    f"usable distinct {scored.usable_distinct} of {n}, shown {len(texts_shown)}, {seconds:.0f} s",
                    file=sys.stderr,
                )
    count = len(rows["off"])
    print(f"\nKeep my voice, {count} paragraphs ({limit} per author), n = {n}, closeness weight {weight}:\n")
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
    parser.add_argument("--no-model", action="store_true", help="only the AUC table (no model, a second)")
    parser.add_argument("--rewrites", type=int, default=2, help="variants per held-out paragraph (default 2)")
    parser.add_argument("--limit", type=int, default=2, help="keep-my-voice paragraphs per author (default 2)")
    parser.add_argument("--n", type=int, default=8, help="variants per keep-my-voice stack (default 8)")
    parser.add_argument("--weight", type=float, default=FillRequest.closeness_weight, help="closeness weight")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-rewrites", action="store_true", help="only the keep-my-voice comparison")
    args = parser.parse_args()
    authors = by_author(args.input)
    author_table(authors)
    if args.no_model:
        return
    from cardwriter.cli.generation_commands import open_embedder
    from cardwriter.generation.factory import open_generator
    from cardwriter.services.stack_filling import StackFiller

    engine, embedder = open_generator(None, n_threads=args.threads), open_embedder()
    filler = StackFiller(embedder)
    filler.fill(engine, dataclasses.replace(FillRequest(source="Warm up.", wanted=1), max_rounds=1, max_tokens=4))
    print(f"\nModel: {engine.model_name}; the stack filler's defaults (preset {FillRequest.preset}).")
    if not args.skip_rewrites:
        rewrites_table(authors, filler, engine, args.rewrites)
    keep_my_voice_table(authors, filler, engine, embedder, args.limit, args.n, args.weight)


if __name__ == "__main__":
    main()
