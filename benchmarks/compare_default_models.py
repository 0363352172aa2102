"""Compare candidate default models on the dev paragraphs: speed and usable, different variants.

usage: python benchmarks/compare_default_models.py MODEL.gguf [MODEL.gguf ...] [--paragraphs 10] [-n 4]

A variant counts as usable when it has at least 5 words, is not an echo of the
source (word-set Jaccard similarity below 0.9) and is not a near copy of an
earlier sibling (below 0.8). Crude on purpose: it catches empty, copied and
collapsed output, which is what separated the candidates.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.protocol import GenerationRequest
from cardwriter.generation.results import collect

DEV = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl"


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def jaccard(a: str, b: str) -> float:
    x, y = words(a), words(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def usable(source: str, texts: list[str]) -> int:
    kept: list[str] = []
    for t in texts:
        if len(t.split()) >= 5 and jaccard(t, source) < 0.9 and all(jaccard(t, k) < 0.8 for k in kept):
            kept.append(t)
    return len(kept)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="+")
    parser.add_argument("--paragraphs", type=int, default=10)
    parser.add_argument("-n", type=int, default=4)
    parser.add_argument("--dev", default=str(DEV))
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.dev, encoding="utf-8")][: args.paragraphs]
    for model in args.models:
        engine = LlamaEngine(model, n_threads=2)
        tokens = seconds = good = empty = 0
        for i, row in enumerate(rows):
            t0 = time.perf_counter()
            results = collect(engine, GenerationRequest(source=row["text"], n=args.n, seed=100 + i))
            seconds += time.perf_counter() - t0
            tokens += sum(r.tokens for r in results)
            good += usable(row["text"], [r.text for r in results])
            empty += sum(1 for r in results if not r.text.strip())
        total = len(rows) * args.n
        mode = "chat template" if engine.template else "plain completion (no chat template)"
        print(
            f"{engine.model_name}: {mode}; {tokens / seconds:.1f} tok/s; {seconds / len(rows):.1f} s per paragraph; "
            f"usable different variants {good}/{total}; empty {empty}/{total}"
        )
        engine.close()


if __name__ == "__main__":
    main()
