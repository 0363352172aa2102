"""llama.cpp's process-wide set-up: a clear message without it, set up once."""

from __future__ import annotations

import sys

import pytest

from cardwriter.errors import UserError
from cardwriter.generation.llama.backend import Backend, import_llama_cpp


def test_a_missing_llama_cpp_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail
    with pytest.raises(UserError, match=r"pip install llama-cpp-python.*server URL"):
        import_llama_cpp()


def test_the_backend_is_set_up_once_and_keeps_the_verbose_choice():
    lib = Backend.ensure(verbose=False)
    assert Backend.ensure(verbose=True) is lib
    assert Backend.verbose is True
    Backend.ensure(verbose=False)
    assert Backend.verbose is False
