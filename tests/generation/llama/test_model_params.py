"""Keeping llama.cpp off its crashing AMX path, decided from the CPU's flags."""

from __future__ import annotations

import types

from cardwriter.generation.llama import model_params

XEON = "processor\t: 0\nflags\t\t: fpu sse avx512f amx_bf16 amx_tile amx_int8\n"
LAPTOP = "processor\t: 0\nflags\t\t: fpu sse avx2 fma\n"


def test_amx_is_read_from_the_flags_line():
    assert model_params.cpu_has_amx(XEON)
    assert not model_params.cpu_has_amx(LAPTOP)
    assert not model_params.cpu_has_amx("model name : amx_tile lookalike\n")


def fake_lib():
    params = types.SimpleNamespace(use_extra_bufts=True)
    return types.SimpleNamespace(llama_model_default_params=lambda: types.SimpleNamespace(**vars(params)))


def test_extra_buffers_go_off_on_an_amx_cpu_unless_the_writer_opts_in(monkeypatch):
    monkeypatch.setattr(model_params, "cpu_has_amx", lambda cpuinfo=None: True)
    assert model_params.default_model_params(fake_lib()).use_extra_bufts is False
    monkeypatch.setenv(model_params.OPT_IN, "1")
    assert model_params.default_model_params(fake_lib()).use_extra_bufts is True


def test_other_cpus_keep_llama_cpp_defaults(monkeypatch):
    monkeypatch.setattr(model_params, "cpu_has_amx", lambda cpuinfo=None: False)
    assert model_params.default_model_params(fake_lib()).use_extra_bufts is True


def test_patching_llama_cpp_defaults_is_idempotent(monkeypatch):
    monkeypatch.setattr(model_params, "cpu_has_amx", lambda cpuinfo=None: True)
    lib = fake_lib()
    model_params.patch_default_params(lib)
    model_params.patch_default_params(lib)
    assert lib.llama_model_default_params().use_extra_bufts is False
