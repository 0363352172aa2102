"""A/B of the llama.cpp engine: the old one-file engine against the ``cardwriter.generation.llama`` package.

usage:
    git show main:cardwriter/generation/llama_engine.py > /tmp/old_llama_engine.py
    python benchmarks/engine_ab.py ab [--old /tmp/old_llama_engine.py] [--rounds 5] [--n 4 8 16]
    python benchmarks/engine_ab.py settings [--rounds 3] [--n 4 8 16]
    python benchmarks/engine_ab.py profile [--n 8]
    python benchmarks/engine_ab.py summary LOG [LOG ...] [--new new --baseline old]

The work is that of ``cardwriter bench generation``'s warm batched run: one
restyle request for the bench paragraph with N angles, seed 1234, 96 tokens per
sequence, end-of-generation banned and no paragraph stop, so every sequence
runs its whole budget; the shared prefix is already cached (each engine does a
short warm-up run first). Other work shares the CPUs, so the engines alternate
within every round (A B, then B A) and the medians are compared.

Each measurement is also printed to stderr as a JSON line as it comes;
``summary`` reads such lines from several runs (one cut short included) and
gives medians and ratios of complete rounds. ``ab`` also checks that both engines write the same text for the same seeds.
``settings`` compares the new engine's flash attention (auto, which llama.cpp
turns on for the CPU, and off) and
``kv_unified`` (False, True). ``profile`` runs the new engine under cProfile
and splits the run into llama_decode, sampling and Python bookkeeping (ctypes
calls are not profiled on their own, so their time is the own time of the thin
methods that make them: ``DecodingContext.decode``, ``SamplerFactory.sample``
and ``sample_first``).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardwriter.domain.model import VariantKind
from cardwriter.evaluation.generation_bench import BENCH_PARAGRAPH
from cardwriter.generation import prompts
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.llama.backend import import_llama_cpp
from cardwriter.generation.llama.model_params import patch_default_params
from cardwriter.generation.model_files import packaged_model
from cardwriter.generation.presets import get_preset
from cardwriter.generation.protocol import GenerationRequest, SequenceDone

SEED = 1234
TOKENS = 96
PRESET = "balanced"
THREADS = 2


def load_old_engine(path: Path) -> type:
    """The old engine class, from a file extracted from main (it loads models as the new one does)."""
    patch_default_params(import_llama_cpp())  # the old engine knew nothing of the AMX fault in some VMs
    spec = importlib.util.spec_from_file_location("old_llama_engine", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    engine_class: type = module.LlamaEngine
    return engine_class


class Workload:
    """The bench's prompts for N sequences, run on one engine."""

    def __init__(self, engine: LlamaEngine, n: int) -> None:  # or the old engine: the same methods
        request = GenerationRequest(
            source=BENCH_PARAGRAPH, kind=VariantKind.RESTYLE, n=n, seed=SEED, max_tokens=TOKENS, preset=PRESET
        )
        plans = prompts.plan(request)
        self.engine = engine
        self.texts = [engine.render(p) for p in plans]
        self.seeds = [p.seed for p in plans]
        self.n = n

    def run(self, budget: int = TOKENS) -> tuple[float, float, list[str]]:
        """Tokens per second of wall time and of this process's CPU time, and the texts written.

        On a crowded CPU the CPU-time rate is the steadier one: time spent waiting
        for a core does not count (with one llama.cpp thread all the work is on this one).
        """
        t0, c0 = time.perf_counter(), time.process_time()
        events = self.engine.stream_prompts(
            self.texts,
            seeds=self.seeds,
            preset=get_preset(PRESET),
            max_tokens=[budget] * self.n,
            ban_eog=True,
            stop_at_paragraph_end=False,
        )
        done = sorted((e for e in events if isinstance(e, SequenceDone)), key=lambda e: e.index)
        seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
        tokens = sum(e.tokens for e in done)
        return tokens / seconds, tokens / cpu_seconds, [e.text for e in done]


def alternate(engines: dict[str, LlamaEngine], ns: list[int], rounds: int) -> dict[str, Any]:
    """Tokens/s of every engine at every N, the engines taking turns in every round."""
    report: dict[str, Any] = {}
    for n in ns:
        loads = {name: Workload(engine, n) for name, engine in engines.items()}
        for load in loads.values():
            load.run(4)  # warm-up: the context made, the prefix decoded and cached
        rates: dict[str, list[float]] = {name: [] for name in engines}
        cpu_rates: dict[str, list[float]] = {name: [] for name in engines}
        texts: dict[str, list[str]] = {}
        names = list(engines)
        for r in range(rounds):
            for name in names if r % 2 == 0 else names[::-1]:
                rate, cpu_rate, texts[name] = loads[name].run()
                rates[name].append(rate)
                cpu_rates[name].append(cpu_rate)
                # each measurement as it comes, so a run cut short still leaves its figures
                line = {
                    "n": n,
                    "engine": name,
                    "round": r,
                    "tokens_per_s": round(rate, 2),
                    "tokens_per_cpu_s": round(cpu_rate, 2),
                }
                print(json.dumps(line), file=sys.stderr, flush=True)
        same = len({tuple(t) for t in texts.values()}) == 1
        print(json.dumps({"n": n, "same_text": same}), file=sys.stderr, flush=True)
        report[str(n)] = {
            "tokens_per_s": {name: [round(x, 1) for x in xs] for name, xs in rates.items()},
            "median": {name: round(statistics.median(xs), 1) for name, xs in rates.items()},
            "tokens_per_cpu_s": {name: [round(x, 1) for x in xs] for name, xs in cpu_rates.items()},
            "median_cpu": {name: round(statistics.median(xs), 1) for name, xs in cpu_rates.items()},
            "same_text": same,
        }
        print(
            f"N={n}: " + ", ".join(f"{k} {v}" for k, v in report[str(n)]["median"].items()), file=sys.stderr, flush=True
        )
    return report


def ratios(report: dict[str, Any], new: str, old: str) -> None:
    """Add ``new``'s rate over ``old``'s: of the medians, and the spread of the per-round ratios."""
    for row in report.values():
        for rates, medians, label in (("tokens_per_s", "median", "wall"), ("tokens_per_cpu_s", "median_cpu", "cpu")):
            if rates not in row:
                continue
            pairs = [b / a for a, b in zip(row[rates][old], row[rates][new], strict=True)]
            row[f"ratio_{new}_over_{old}_{label}"] = {
                "of_medians": round(row[medians][new] / row[medians][old], 3),
                "per_round_min": round(min(pairs), 3),
                "per_round_max": round(max(pairs), 3),
            }


def summarise(paths: list[Path], new: str, old: str) -> dict[str, Any]:
    """Medians and ratios from the measurement lines several (possibly cut short) runs printed."""
    rates: dict[int, dict[str, dict[str, list[float]]]] = {}
    for path in paths:
        for line in path.read_text().splitlines():
            m = json.loads(line) if line.startswith("{") else {}
            for key in ("tokens_per_s", "tokens_per_cpu_s"):
                if key in m:
                    rates.setdefault(m["n"], {}).setdefault(key, {}).setdefault(m["engine"], []).append(m[key])
    report: dict[str, Any] = {}
    for n, by_key in sorted(rates.items()):
        row: dict[str, Any] = {}
        for key, medians in (("tokens_per_s", "median"), ("tokens_per_cpu_s", "median_cpu")):
            by_engine = by_key.get(key, {})
            if len(by_engine) < 2:
                continue
            rounds = min(len(xs) for xs in by_engine.values())
            row[key] = {name: xs[:rounds] for name, xs in by_engine.items()}  # complete rounds only
            row[medians] = {name: round(statistics.median(xs[:rounds]), 1) for name, xs in by_engine.items()}
        report[str(n)] = row
    ratios(report, new, old)
    return report


def profile(n: int, threads: int) -> dict[str, float]:
    engine = LlamaEngine(packaged_model(), n_threads=threads)
    load = Workload(engine, n)
    load.run(4)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.runcall(load.run)
    wall = time.perf_counter() - t0
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def own(test: Callable[[str, str], bool]) -> float:
        return sum(tt for (file, _, name), (_, _, tt, _, _) in stats.items() if test(file, name))

    def cumulative(test: Callable[[str, str], bool]) -> float:
        return sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items() if test(file, name))

    decode = own(lambda f, name: f.endswith("llama/context.py") and name == "decode")
    # llama.cpp's sampling through ctypes (its time is the wrapper's own), and the step sampler's numpy
    # passes and the chain it hands the few kept tokens (all of it under StepSampler.sample)
    sampling = own(lambda f, name: f.endswith("llama/samplers.py") and name in ("sample", "sample_first"))
    sampling += cumulative(lambda f, name: f.endswith("llama/step_sampling.py") and name == "sample")
    total = sum(tt for (_, _, tt, _, _) in stats.values())
    engine.close()
    return {
        "n": n,
        "wall_s": round(wall, 3),
        "profiled_s": round(total, 3),
        "llama_decode_s": round(decode, 3),
        "sampling_s": round(sampling, 3),
        "python_bookkeeping_s": round(total - decode - sampling, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["ab", "settings", "profile", "summary"])
    parser.add_argument(
        "logs", type=Path, nargs="*", help="summary: files holding the measurement lines of earlier runs"
    )
    parser.add_argument("--new", default="new", help="summary: the engine to compare")
    parser.add_argument("--baseline", default="old", help="summary: the engine to compare it with")
    parser.add_argument("--old", type=Path, default=Path("/tmp/old_llama_engine.py"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument(
        "--threads", type=int, default=THREADS, help="llama.cpp threads (1 holds up better on a crowded CPU)"
    )
    args = parser.parse_args()
    if args.mode == "summary":
        print(json.dumps(summarise(args.logs, args.new, args.baseline), indent=2))
        return
    model = packaged_model()
    if args.mode == "profile":
        print(json.dumps([profile(n, args.threads) for n in args.n], indent=2))
        return
    if args.mode == "ab":
        old_class = load_old_engine(args.old)
        engines = {
            "old": old_class(model, n_threads=args.threads),
            "new": LlamaEngine(model, n_threads=args.threads, flash_attn=None),
        }  # the old settings
        report = alternate(engines, args.n, args.rounds)
        ratios(report, "new", "old")
    else:
        engines = {
            f"fa_{fa}_kv_unified_{kv}": LlamaEngine(model, n_threads=args.threads, flash_attn=flag, kv_unified=kv)
            for fa, flag in (("auto", None), ("off", False))  # on the CPU llama.cpp's auto turns it on
            for kv in (False, True)
        }
        report = alternate(engines, args.n, args.rounds)
        ratios(report, "fa_auto_kv_unified_False", "fa_off_kv_unified_False")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
