"""A/B of the streaming stack fill's batch ramp: first shown variant, full stack and quality per schedule.

usage:
    python benchmarks/ramp_ab.py --input PARAGRAPHS.jsonl [--limit K] [-n 8] [--ramps 0 2:8 4:4 ...]

Each ramp is ``START:EVERY`` (the batch starts with START candidates, one more joins
every EVERY steps; ``0`` is no ramp: all candidates start together, today's way).
Every schedule fills the same paragraphs with the same seeds (those of ``cardwriter
bench stack``) on one loaded model and embedder; the order of the schedules rotates
from paragraph to paragraph, so a busy moment of the shared machine does not fall on
one schedule only. Each fill is printed to stderr as a JSON line as it comes; the
table at the end is ``cardwriter bench stack``'s (medians of the times, the diversity
report's quality figures), one row per schedule.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from cardwriter.cli.generation_commands import open_embedder
from cardwriter.domain.model import VariantKind
from cardwriter.evaluation.diversity_input import load_paragraphs
from cardwriter.evaluation.stack_bench import StackBench, _scored, fill_timed, format_table, summarise_ways
from cardwriter.generation.llama import LlamaEngine
from cardwriter.services.stack_filling import FillRequest, StackFiller


def parse_ramp(text: str) -> tuple[int, int]:
    if text == "0":
        return 0, 1
    start, every = text.split(":")
    return int(start), int(every)


def label(ramp: tuple[int, int]) -> str:
    return "no-ramp" if ramp[0] == 0 else f"ramp-{ramp[0]}:{ramp[1]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("-n", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ramps", nargs="+", default=["0", "2:8", "4:4"])
    args = parser.parse_args()

    ramps = [parse_ramp(r) for r in args.ramps]
    paragraphs = load_paragraphs(args.input, args.limit)
    engine = LlamaEngine(n_threads=args.threads)
    embedder = open_embedder()
    filler = StackFiller(embedder)
    template = FillRequest(source="", wanted=args.n, kind=VariantKind.REWRITE, streaming=True)
    bench = StackBench(model=engine.model_name, n=args.n, preset=template.preset, overgenerate=template.overgenerate)
    vectors = {p.id: embedder.encode([p.text])[0] for p in paragraphs}
    warm = dataclasses.replace(template, source=paragraphs[0].text, wanted=1, max_rounds=1, max_tokens=4)
    filler.fill(engine, warm)
    for number, paragraph in enumerate(paragraphs):
        para_seed = (args.seed + 1009 * number) & 0x3FFFFFFF  # as cardwriter bench stack
        for k in range(len(ramps)):
            ramp = ramps[(number + k) % len(ramps)]
            request = dataclasses.replace(
                template, source=paragraph.text, seed=para_seed, ramp_start=ramp[0], ramp_every=ramp[1]
            )
            texts, first, full, candidates, tokens, seconds = fill_timed(filler, engine, request)
            row = _scored(
                label(ramp), paragraph, texts, first, full, candidates, tokens, seconds, vectors, embedder, args.n
            )
            bench.results.append(row)
            print(json.dumps(row.as_dict()), file=sys.stderr, flush=True)
    engine.close()
    bench.summaries = summarise_ways(bench.results, [label(r) for r in ramps], args.n)
    print(format_table(bench))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
