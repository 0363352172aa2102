"""Does recombine fuse its parents? Judged by two embedders, on a held-out half of the dev pairs.

usage: python benchmarks/recombine_quality.py [--split tune|report] [--limit 10] [-n 4] [--seeds 3]
                                              [--modes fusion,blend,plain] [--json OUT.json]
                                              [--blend-strength 1.0]
                                              [--model PATH|URL] [--threads 2] [--seed 1234]

Pairs, splits, modes and scores are described in cardwriter/evaluation/recombine_bench.py
and recombine_scores.py. Tune on ``--split tune``; quote only ``--split report``.
The second embedder (all-mpnet-base-v2) comes from the ``eval`` extra.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from cardwriter.embedding.cache import CachedEmbedder
from cardwriter.embedding.embedder import SentenceTransformerEmbedder
from cardwriter.evaluation.recombine_bench import (
    SPLITS,
    BenchConfig,
    blend_mode,
    format_summary,
    fusion_mode,
    load_rows,
    make_pairs,
    plain_mode,
    run_mode,
    split_pairs,
)
from cardwriter.evaluation.second_embedder import load_second_embedder
from cardwriter.generation.factory import open_generator
from cardwriter.services.stack_filling import StackFiller

DEV = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="tune")
    parser.add_argument("--limit", type=int, default=10, help="pairs of the split (default 10)")
    parser.add_argument("-n", type=int, default=4, help="variants per pair (default 4)")
    parser.add_argument("--seeds", type=int, default=3, help="runs with different seeds (default 3)")
    parser.add_argument("--modes", default="fusion,plain", help="comma-separated: fusion, blend, plain")
    parser.add_argument("--blend-strength", type=float, default=1.0, help="control-vector strength (default 1)")
    parser.add_argument("--json", metavar="OUT", help="also write every variant and score to this JSON file")
    parser.add_argument("--model", metavar="PATH|URL")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--dev", default=str(DEV))
    args = parser.parse_args(argv)
    if args.limit < 1 or args.n < 1 or args.seeds < 1:
        parser.error("--limit, -n and --seeds must be at least 1")
    config = BenchConfig(split=args.split, limit=args.limit, n=args.n, seeds=args.seeds, seed=args.seed)
    pairs = split_pairs(make_pairs(load_rows(Path(args.dev))), args.split)[: args.limit]
    minilm = CachedEmbedder(SentenceTransformerEmbedder())
    second = load_second_embedder()
    generator = open_generator(args.model, n_threads=args.threads)
    modes = {
        "fusion": fusion_mode(StackFiller(minilm)),
        "blend": blend_mode(StackFiller(minilm), args.blend_strength),
        "plain": plain_mode,
    }
    chosen = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in modes]
    if unknown:
        parser.error(f"unknown mode(s) {unknown}; choose from {sorted(modes)}")
    command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
    try:
        results = [
            run_mode(
                m,
                modes[m],
                generator,
                pairs,
                minilm,
                second,
                config,
                lambda line: print(line, file=sys.stderr, flush=True),
            )
            for m in chosen
        ]
    finally:
        close = getattr(generator, "close", None)
        if close is not None:
            close()
    print(format_summary(results, config, command))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"command": command, "config": vars(config), "results": results}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
