"""Step time of a batch whose live sequences sit side by side, or with gaps between their slots.

usage:
    python benchmarks/kv_gaps.py [--threads 2]

16 sequences start together (the packaged model, balanced preset, every one to its
budget); half of them end after 20 tokens, the rest after 60. Either slots 0-7 end
(the 8 left are side by side) or every other slot does (the 8 left have gaps), as
when a streaming stack fill's batch drains. Printed: the median milliseconds of one
``llama_decode`` step with 16 and with 8 live sequences, for a KV cache with one
stream per sequence and for one unified stream.

Measured 2026-11-29, quiet machine, 2 threads: own streams 43 ms side by side, 134
ms with gaps; unified 43 and 42 ms; with all 16 live, 65-70 ms own, 58-64 unified.
"""

from __future__ import annotations

import argparse
import statistics
import time

from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.llama import context as context_module
from cardwriter.generation.presets import get_preset

PROMPT = (
    "<|im_start|>user\nWrite a long story about the sea and a lighthouse keeper.<|im_end|>\n<|im_start|>assistant\n"
)


def step_times(engine: LlamaEngine, budgets: list[int]) -> dict[int, float]:
    """Median milliseconds of a decode step, by how many sequences it held (the prompt left out)."""
    steps: list[tuple[int, float]] = []
    decode = context_module.DecodingContext.decode

    def timed(self: context_module.DecodingContext) -> None:
        started = time.perf_counter()
        decode(self)
        steps.append((self._batch.n_tokens, time.perf_counter() - started))

    context_module.DecodingContext.decode = timed  # type: ignore[method-assign]
    try:
        events = engine.stream_prompts(
            [PROMPT] * len(budgets),
            seeds=list(range(len(budgets))),
            preset=get_preset("balanced"),
            max_tokens=budgets,
            ban_eog=True,
            stop_at_paragraph_end=False,
        )
        for _ in events:
            pass
    finally:
        context_module.DecodingContext.decode = decode  # type: ignore[method-assign]
    by_size: dict[int, list[float]] = {}
    for size, seconds in steps[2:]:  # the prompt and the tails
        by_size.setdefault(size, []).append(seconds)
    return {size: 1000 * statistics.median(times) for size, times in by_size.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"{'KV cache':<12}{'8 left':<14}{'ms, 16 live':>12}{'ms, 8 live':>12}")
    for unified in (False, True):
        with LlamaEngine(n_threads=args.threads, kv_unified=unified) as engine:
            for layout, budgets in (("side by side", [20] * 8 + [60] * 8), ("with gaps", [20, 60] * 8)):
                ms = step_times(engine, budgets)
                label = "one stream" if unified else "own streams"
                print(f"{label:<12}{layout:<14}{ms.get(16, float('nan')):>12.1f}{ms.get(8, float('nan')):>12.1f}")


if __name__ == "__main__":
    main()
