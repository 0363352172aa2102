"""open_generator with the GPU setting, on this machine's CPU-only llama-cpp-python build."""

from __future__ import annotations

import pytest

from cardwriter.errors import UserError
from cardwriter.generation.factory import open_generator
from cardwriter.generation.protocol import GenerationRequest
from cardwriter.generation.results import collect

from .conftest import SOURCE


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["auto", 99])
def test_a_cpu_build_reports_no_layers_offloaded_and_still_generates(setting):
    generator = open_generator(None, n_threads=2, gpu_layers=setting)
    try:
        assert generator.gpu_layers == 0 and generator.backend == "CPU"
        results = collect(generator, GenerationRequest(source=SOURCE, n=1, seed=3, max_tokens=12))
        assert results[0].tokens > 0
    finally:
        generator.close()


def test_a_bad_gpu_setting_is_refused_before_anything_loads():
    with pytest.raises(UserError, match="GPU layers must be 'auto' or a whole number"):
        open_generator(None, gpu_layers="many")


def test_a_server_reports_itself_as_the_backend():
    generator = open_generator("http://127.0.0.1:9", gpu_layers="auto")
    assert generator.backend == "server" and generator.gpu_layers == 0
