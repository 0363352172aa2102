"""The GPU offload setting: "auto" or a number of layers, and what a CPU-only build makes of it."""

from __future__ import annotations

import pytest

from cardwriter.errors import UserError
from cardwriter.generation.gpu import (
    ALL_LAYERS,
    AUTO,
    backend_label,
    layers_to_offload,
    parse_gpu_layers,
    supports_gpu_offload,
)


def test_auto_means_every_layer_on_a_gpu_build_and_none_on_a_cpu_build():
    assert layers_to_offload("auto", gpu=True) == ALL_LAYERS
    assert layers_to_offload(None, gpu=True) == ALL_LAYERS
    assert layers_to_offload("auto", gpu=False) == 0


def test_a_number_is_used_on_a_gpu_build_and_ignored_on_a_cpu_build():
    assert layers_to_offload("12", gpu=True) == 12
    assert layers_to_offload(0, gpu=True) == 0
    assert layers_to_offload(12, gpu=False) == 0


@pytest.mark.parametrize("bad", ["lots", "-3", "1.5"])
def test_a_bad_setting_says_what_is_allowed(bad):
    with pytest.raises(UserError, match="'auto' or a whole number from 0 up"):
        parse_gpu_layers(bad)


def test_parse_keeps_auto_and_numbers():
    assert parse_gpu_layers(" Auto ") == AUTO and parse_gpu_layers("0") == 0 and parse_gpu_layers(7) == 7


def test_the_label_says_cpu_or_gpu():
    assert backend_label(0) == "CPU" and backend_label(ALL_LAYERS) == "GPU" and backend_label(5) == "GPU"


def test_this_build_is_cpu_only():
    """The test machine's llama-cpp-python has no GPU backend: "auto" must mean 0 layers here."""
    assert supports_gpu_offload() is False
    assert layers_to_offload("auto") == 0


def test_more_layers_than_any_model_has_is_refused():
    assert parse_gpu_layers("10000") == 10000
    with pytest.raises(UserError, match="from 0 up to 10000 .*not '100000'"):
        parse_gpu_layers("100000")
