"""The engine against llama-batched-bench in CPU seconds per generated token: a ceiling ratio a crowded machine leaves alone.

usage:
    python benchmarks/ceiling_cpu.py [--n 4 8 16] [--rounds 2]

``cardwriter bench generation`` compares wall seconds, which on a shared 2-core
machine mostly measure the neighbours (and with 2 llama.cpp threads, whose
barriers spin, a crowded CPU costs several times over). Here both sides run on
one thread, and each side's *marginal* CPU time per generated token is taken:
the same work run with two budgets (``LOW`` and ``HIGH`` new tokens per
sequence), the difference in CPU seconds over the difference in tokens. Model
loading, context set-up and prompt decoding cancel out, so what is left is the
step loop: llama-batched-bench's decode alone, the engine's decode plus its
sampling and Python bookkeeping. Same model, N, prompt length (the generation
bench's), flash attention off and weights out of the extra buffers as the engine
has them. The two sides alternate within each round.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from cardwriter.domain.model import VariantKind
from cardwriter.evaluation.batched_ceiling import bench_binary
from cardwriter.evaluation.generation_bench import BENCH_PARAGRAPH
from cardwriter.generation import prompts
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.llama.model_params import avoid_extra_buffers
from cardwriter.generation.presets import get_preset
from cardwriter.generation.protocol import GenerationRequest, SequenceDone

LOW, HIGH = 32, 96
PRESET = "balanced"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ceiling_cpu(binary: str, model: str, n: int, prompt_tokens: int, tokens: int) -> float:
    """CPU seconds of one llama-batched-bench run (one thread)."""
    ctx = -(-(n * (prompt_tokens + tokens)) // 256) * 256
    command = [binary, "-m", model, "-t", "1", "-tb", "1", "-c", str(ctx), "-b", "2048", "-ub", "512"]
    command += ["-npp", str(prompt_tokens), "-ntg", str(tokens), "-npl", str(n), "-pps", "-fa", "off"]
    if avoid_extra_buffers():
        command.append("--no-repack")
    before = children_cpu()
    subprocess.run(command, capture_output=True, check=True)
    return children_cpu() - before


def engine_cpu(engine: LlamaEngine, texts: list[str], seeds: list[int], tokens: int) -> float:
    """CPU seconds of one warm batched run of the engine (prefix cached), every sequence to ``tokens``."""
    n = len(texts)
    before = time.process_time()
    events = engine.stream_prompts(
        texts,
        seeds=seeds,
        preset=get_preset(PRESET),
        max_tokens=[tokens] * n,
        ban_eog=True,
        stop_at_paragraph_end=False,
    )
    made = sum(e.tokens for e in events if isinstance(e, SequenceDone))
    assert made == n * tokens, made
    return time.process_time() - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    binary = bench_binary()
    if binary is None:
        raise SystemExit("build llama-batched-bench first: benchmarks/llama_batched_bench.sh")
    engine = LlamaEngine(n_threads=1)
    model = str(engine.weights)
    rows = []
    for n in args.n:
        request = GenerationRequest(
            source=BENCH_PARAGRAPH, kind=VariantKind.RESTYLE, n=n, seed=1234, max_tokens=HIGH, preset=PRESET
        )
        plans = prompts.plan(request)
        texts = [engine.render(p) for p in plans]
        seeds = [p.seed for p in plans]
        prompt_tokens = max(len(engine.tokenize(t)) for t in texts)
        # warm-up at the higher budget: the context is made big enough for both runs and the
        # prefix cached, so neither timed run pays for a new context or a cold prefix
        engine_cpu(engine, texts, seeds, HIGH)
        ours: list[float] = []
        theirs: list[float] = []

        for r in range(args.rounds):
            for side in ("ours", "theirs") if r % 2 == 0 else ("theirs", "ours"):
                if side == "ours":
                    low, high = engine_cpu(engine, texts, seeds, LOW), engine_cpu(engine, texts, seeds, HIGH)
                    ours.append(n * (HIGH - LOW) / (high - low))
                else:
                    low = ceiling_cpu(str(binary), model, n, prompt_tokens, LOW)
                    high = ceiling_cpu(str(binary), model, n, prompt_tokens, HIGH)
                    theirs.append(n * (HIGH - LOW) / (high - low))
            line = {"n": n, "round": r, "engine_tok_per_cpu_s": round(ours[-1], 1)}
            line["ceiling_tok_per_cpu_s"] = round(theirs[-1], 1)
            line["ratio"] = round(ours[-1] / theirs[-1], 3)
            print(json.dumps(line), file=sys.stderr, flush=True)
        rows.append(
            {
                "n": n,
                "engine_tok_per_cpu_s": round(statistics.median(ours), 1),
                "ceiling_tok_per_cpu_s": round(statistics.median(theirs), 1),
                "ratio": round(statistics.median(ours) / statistics.median(theirs), 3),
                "ratios_per_round": [round(a / b, 3) for a, b in zip(ours, theirs, strict=True)],
            }
        )
    engine.close()
    print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
