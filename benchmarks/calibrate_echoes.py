"""Echoes: calibrate the similarity bar on pairs of paragraphs written for it.

usage: python benchmarks/calibrate_echoes.py [--half tune|report|all] [--sweep] [--threshold X]
       python benchmarks/calibrate_echoes.py --timing [--cards 5000]

The set is ``benchmarks/data/echo_pairs.jsonl``: 60 pairs, each ``label`` "echo" (the
second paragraph says what the first says, in other words), "same_topic" (same subject,
another claim or scene: must not be offered) or "unrelated", and ``half`` "tune" or
"report". Embeddings are the app's: all-MiniLM-L6-v2 through ``default_embedder``.

The threshold is chosen on the tune half alone: among thresholds 0.30 to 0.90 (step
0.01) whose precision is at least 0.8, the best recall, then the best precision, then
the middle of the thresholds still tied. A pair is offered when its cosine reaches the
threshold; precision is the share of offered pairs that are echoes, recall the share of
echoes offered. ``--half report`` prints the figures at the chosen threshold (or
``--threshold``, by default the app's ``ECHO_MIN_SIMILARITY``) on the report half.

``--timing`` times ``echo_pairs`` over ``--cards`` random unit vectors of MiniLM's size
(384) and, with ``--embed``, embedding that many short synthetic paragraphs too.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from cardwriter.services.echoes import ECHO_MIN_SIMILARITY, echo_pairs

DATA = Path(__file__).resolve().parent / "data" / "echo_pairs.jsonl"
PRECISION_FLOOR = 0.8
GRID = [round(0.30 + 0.01 * i, 2) for i in range(61)]


def load(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cosines(rows: list[dict]) -> np.ndarray:
    from cardwriter.embedding.cache import default_embedder

    embedder = default_embedder()
    a = embedder.encode([r["a"] for r in rows])
    b = embedder.encode([r["b"] for r in rows])
    return np.einsum("ij,ij->i", a, b)


def figures(rows: list[dict], sims: np.ndarray, threshold: float) -> dict[str, float | int]:
    echo = np.array([r["label"] == "echo" for r in rows])
    offered = sims >= threshold
    hits = int((offered & echo).sum())
    precision = hits / int(offered.sum()) if offered.any() else 1.0
    recall = hits / int(echo.sum()) if echo.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "offered": int(offered.sum()),
        "echoes_offered": hits,
        "echoes": int(echo.sum()),
        "same_topic_offered": int((offered & np.array([r["label"] == "same_topic" for r in rows])).sum()),
        "unrelated_offered": int((offered & np.array([r["label"] == "unrelated" for r in rows])).sum()),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def choose(rows: list[dict], sims: np.ndarray) -> float:
    """The tune-half rule of the module docstring."""
    grid = [figures(rows, sims, t) for t in GRID]
    good = [g for g in grid if g["precision"] >= PRECISION_FLOOR] or grid
    best = max((g["recall"], g["precision"]) for g in good)
    tied = [float(g["threshold"]) for g in good if (g["recall"], g["precision"]) == best]
    return round(tied[len(tied) // 2], 2)


def line(name: str, f: dict[str, float | int]) -> str:
    return (
        f"{name:6}  threshold {f['threshold']:.2f}  precision {f['precision']:.2f} "
        f"({f['echoes_offered']} of {f['offered']} offered are echoes)  recall {f['recall']:.2f} "
        f"({f['echoes_offered']} of {f['echoes']} echoes)  F1 {f['f1']:.2f}  "
        f"same-topic offered {f['same_topic_offered']}, unrelated offered {f['unrelated_offered']}"
    )


def timing(cards: int, embed: bool) -> None:
    rng = np.random.default_rng(7)
    base = rng.normal(size=(cards, 384)).astype(np.float32)
    base[1::50] = base[0::50][: len(base[1::50])] + 0.3 * rng.normal(size=(len(base[1::50]), 384))  # planted echoes
    start = time.perf_counter()
    pairs = echo_pairs(base, ECHO_MIN_SIMILARITY)
    print(f"echo_pairs over {cards} vectors: {time.perf_counter() - start:.2f} s, {len(pairs)} pairs")
    if embed:
        from cardwriter.embedding.cache import default_embedder

        words = "river lamp window winter letter harbour garden kitchen train bread storm road bell field".split()
        texts = [" ".join(rng.choice(words, size=14)) + f" number {i}." for i in range(cards)]
        embedder = default_embedder()
        embedder.encode(texts[:8])  # load the model outside the timing
        start = time.perf_counter()
        vectors = embedder.encode(texts)
        middle = time.perf_counter()
        pairs = echo_pairs(vectors, ECHO_MIN_SIMILARITY)
        print(
            f"embedding {cards} paragraphs: {middle - start:.1f} s; pairing them: "
            f"{time.perf_counter() - middle:.2f} s ({len(pairs)} pairs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=["tune", "report", "all"], default="tune")
    parser.add_argument("--sweep", action="store_true", help="print the grid on the chosen half")
    parser.add_argument("--threshold", type=float, help="the bar to report at (default: the app's)")
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--embed", action="store_true", help="with --timing: embed synthetic paragraphs too")
    args = parser.parse_args()
    if args.timing:
        timing(args.cards, args.embed)
        return
    rows = load()
    sims = cosines(rows)
    tune = [i for i, r in enumerate(rows) if r["half"] == "tune"]
    chosen = choose([rows[i] for i in tune], sims[tune])
    threshold = ECHO_MIN_SIMILARITY if args.threshold is None else args.threshold
    print(f"chosen on tune: {chosen:.2f}; reporting at {threshold:.2f} (the app's is {ECHO_MIN_SIMILARITY})")
    halves = ["tune", "report"] if args.half == "all" else [args.half]
    for half in halves:
        picked = [i for i, r in enumerate(rows) if r["half"] == half]
        print(line(half, figures([rows[i] for i in picked], sims[picked], threshold)))
        if args.sweep:
            for t in GRID:
                print("   " + line(half, figures([rows[i] for i in picked], sims[picked], t)))
    if args.half == "all":
        print(line("all", figures(rows, sims, threshold)))


if __name__ == "__main__":
    main()
