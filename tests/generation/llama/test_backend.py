"""llama.cpp's process-wide set-up: a clear message without it, no AMX buffers where AMX faults."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cardwriter.errors import UserError
from cardwriter.generation.llama.backend import Backend, import_llama_cpp, use_extra_buffers


def test_a_missing_llama_cpp_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail
    with pytest.raises(UserError, match=r"pip install llama-cpp-python.*server URL"):
        import_llama_cpp()


def test_extra_buffers_are_off_on_a_cpu_that_advertises_amx(tmp_path: Path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f amx_bf16 amx_tile amx_int8\n")
    assert use_extra_buffers(cpuinfo) is False
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 fma\n")
    assert use_extra_buffers(cpuinfo) is True
    assert use_extra_buffers(tmp_path / "absent") is True  # not Linux: llama.cpp decides


def test_the_backend_is_set_up_once_and_keeps_the_verbose_choice():
    lib = Backend.ensure(verbose=False)
    assert Backend.ensure(verbose=True) is lib
    assert Backend.verbose is True
    Backend.ensure(verbose=False)
    assert Backend.verbose is False
