"""The ceiling for ``cardwriter bench generation``: llama.cpp's own ``llama-batched-bench``, when built.

``benchmarks/llama_batched_bench.sh`` builds the binary from the llama.cpp sources
vendored in llama-cpp-python (several minutes on 2 cores, so never automatically).
When it is there, the generation bench runs it on the same model, threads, prompt
length, token budget and N, with flash attention as the engine has it, and prints
how close the engine comes. llama-batched-bench samples nothing, so the ratio is
the share of pure decode speed that the engine's sampling and Python bookkeeping
leave.

Its weights sit where the engine's do: where the engine keeps llama.cpp's extra
(AMX) buffer types off (``model_params.avoid_extra_buffers``), the bench runs with
``--no-repack`` too; otherwise it would multiply on AMX tiles the engine cannot use,
and the ceiling would measure another matrix path, not the engine's overhead.

Two ceilings, both in generated tokens per second: *warm* (the shared prompt
already in the KV cache: N*TG / T_TG) for the engine's warm run, which reuses the
prefix; *cold* (the prompt decoded too: N*TG / (T_PP + T_TG)) for its cold run.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cardwriter.generation.llama.model_params import avoid_extra_buffers

BINARY_ENV = "CARDWRITER_BATCHED_BENCH"
"""An explicit path to a ``llama-batched-bench`` binary (default: where the script builds it)."""


@dataclass(frozen=True)
class Ceiling:
    """llama-batched-bench's generated tokens per second at one N."""

    warm_tokens_per_s: float
    cold_tokens_per_s: float


def bench_binary() -> Path | None:
    """The binary the benchmark script built (its ``WORK`` default), or ``$CARDWRITER_BATCHED_BENCH``."""
    explicit = os.environ.get(BINARY_ENV)
    if explicit:
        path = Path(explicit)
    else:
        work = Path(os.environ.get("WORK") or Path(tempfile.gettempdir()) / "cardwriter-batched-bench")
        path = work / "build" / "bin" / "llama-batched-bench"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def ceiling_from_output(output: str, n: int) -> Ceiling | None:
    """The row for ``n`` sequences in llama-batched-bench's ``--output-format jsonl`` output."""
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        if row.get("pl") != n:
            continue
        generated = row["pl"] * row["tg"]
        return Ceiling(
            warm_tokens_per_s=round(generated / row["t_tg"], 1),
            cold_tokens_per_s=round(generated / (row["t_pp"] + row["t_tg"]), 1),
        )
    return None


def measure_ceiling(
    binary: Path,
    model: Path,
    *,
    n: int,
    prompt_tokens: int,
    tokens: int,
    threads: int,
    flash_attn: bool | None,
    unified: bool = False,
) -> Ceiling | None:
    """Run llama-batched-bench the way the script does, for one N; None if it fails or prints no row."""
    ctx = -(-(n * (prompt_tokens + tokens)) // 256) * 256  # room for every sequence's prompt and tokens
    fa = {None: "auto", False: "off", True: "on"}[flash_attn]
    command = [str(binary), "-m", str(model), "-t", str(threads), "-tb", str(threads), "-c", str(ctx)]
    command += ["-b", "2048", "-ub", "512", "-npp", str(prompt_tokens), "-ntg", str(tokens), "-npl", str(n)]
    command += ["-pps", "-fa", fa, "--output-format", "jsonl"]
    if unified:
        command.append("-kvu")  # one KV stream for all sequences, as the engine has it
    if avoid_extra_buffers():
        command.append("--no-repack")  # the engine's weights stay in plain CPU buffers here too
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return ceiling_from_output(done.stdout, n)
