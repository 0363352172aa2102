"""Model parameters that keep llama.cpp off its AMX matrix path, which crashes on some Intel CPUs.

llama-cpp-python is compiled on the user's machine for that machine's CPU, so on a
CPU with Intel AMX (recent Xeons) llama.cpp's CPU backend adds an "extra" buffer type
that repacks the weights for AMX tiles. In llama-cpp-python 0.3.36 that path dies
with SIGSEGV in ``ggml_backend_amx_mul_mat`` on the first decode of more than a few
tokens: found on this project's reference machine (a Xeon reporting ``amx_tile``),
where every prompt of a sentence or more crashed, with our engine and with
llama-cpp-python's own ``Llama`` alike. Keeping the weights in plain CPU buffers
(``use_extra_bufts = False``) avoids it; on the default Q4_1 model it costs nothing,
since llama.cpp's other repacked layouts do not cover that type.

Set ``CARDWRITER_LLAMA_AMX=1`` to let llama.cpp use AMX anyway (a build where it works).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CPUINFO = Path("/proc/cpuinfo")
OPT_IN = "CARDWRITER_LLAMA_AMX"


def cpu_has_amx(cpuinfo: str | None = None) -> bool:
    """Whether the CPU reports Intel AMX tiles (Linux's ``amx_tile`` flag)."""
    if cpuinfo is None:
        try:
            cpuinfo = CPUINFO.read_text(errors="replace")
        except OSError:  # not Linux, or no /proc: no AMX detected, nothing to avoid
            return False
    for line in cpuinfo.splitlines():
        if line.startswith("flags") and ":" in line:
            return "amx_tile" in line.split(":", 1)[1].split()
    return False


def avoid_extra_buffers() -> bool:
    """True where llama.cpp's extra (AMX) buffer types must stay off."""
    return cpu_has_amx() and os.environ.get(OPT_IN, "") not in ("1", "true", "yes", "on")


def default_model_params(lib: Any) -> Any:
    """``llama_model_default_params()`` with the extra buffer types off where they crash."""
    params = lib.llama_model_default_params()
    if avoid_extra_buffers():
        params.use_extra_bufts = False
    return params


def patch_default_params(lib: Any) -> None:
    """Make ``lib.llama_model_default_params`` return our safe defaults, for code we do not own.

    For llama-cpp-python's own ``Llama`` and its server, which build their model
    parameters from that function: the generation bench's baseline and the HTTP
    backend's test server. Idempotent.
    """
    inner = getattr(lib, "llama_cpp", lib)  # the package re-exports the bindings module
    if getattr(inner, "_cardwriter_safe_params", False):
        return
    original = inner.llama_model_default_params

    def safe_defaults() -> Any:
        params = original()
        if avoid_extra_buffers():
            params.use_extra_bufts = False
        return params

    inner.llama_model_default_params = safe_defaults
    lib.llama_model_default_params = safe_defaults
    inner._cardwriter_safe_params = True
