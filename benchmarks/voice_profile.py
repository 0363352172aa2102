"""Does the style profile tell authors apart? AUC per author on the dev paragraphs.

Each of the four authors in dev_paragraphs.jsonl has exactly ten paragraphs, so a
baseline of ten leaves none of theirs to test: this uses leave-one-out instead
(a baseline of nine, the tenth held out, ten times). Per author, the AUC is the
chance that a held-out paragraph of theirs is closer to their profile than a
paragraph of another author (the other 30), pooled over the ten folds.

    PYTHONPATH=. python benchmarks/voice_profile.py [--input FILE.jsonl]

Not yet here (see the voice branch report): SmolLM2 rewrites of each author's
paragraphs, and "keep my voice" on vs off.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cardwriter.domain.style import build_profile


def auc(own: list[float], other: list[float]) -> float:
    """Share of (own, other) pairs where the own paragraph is closer; ties count half."""
    wins = sum((a < b) + 0.5 * (a == b) for a in own for b in other)
    return wins / (len(own) * len(other))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--input", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_paragraphs.jsonl"
    )
    args = parser.parse_args()
    by_author: dict[str, list[str]] = {}
    for line in args.input.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        author = row["source"].split("(")[1].split(")")[0] if "(" in row["source"] else row["source"]
        by_author.setdefault(author, []).append(row["text"])
    print("| author | paragraphs | own distance (mean) | others' distance (mean) | AUC |")
    print("|---|---:|---:|---:|---:|")
    aucs = []
    for author, texts in by_author.items():
        others = [t for a, ts in by_author.items() if a != author for t in ts]
        own, other = [], []
        for i in range(len(texts)):
            profile = build_profile(texts[:i] + texts[i + 1 :])
            own.append(profile.distance(texts[i]))
            other.extend(profile.distances(others))
        aucs.append(auc(own, other))
        print(
            f"| {author} | {len(texts)} | {sum(own) / len(own):.2f} | {sum(other) / len(other):.2f} | {aucs[-1]:.3f} |"
        )
    print(f"| mean | | | | {sum(aucs) / len(aucs):.3f} |")


if __name__ == "__main__":
    main()
