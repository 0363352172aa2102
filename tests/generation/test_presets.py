"""Sampler presets are named, documented and complete."""

import pytest

from cardwriter.errors import UserError
from cardwriter.generation import presets
from cardwriter.generation.presets import DEFAULT_PRESET, PRESETS, get_preset


def test_the_named_presets_exist_and_are_documented():
    assert {"faithful", "balanced", "bold", "steady"} <= set(PRESETS)
    assert DEFAULT_PRESET in PRESETS
    for name in PRESETS:
        assert f"``{name}``" in presets.__doc__


def test_presets_grow_bolder():
    f, b, x = (get_preset(n) for n in ("faithful", "balanced", "bold"))
    assert f.temperature < b.temperature < x.temperature
    assert f.min_p > b.min_p > x.min_p
    assert f.xtc_probability < b.xtc_probability < x.xtc_probability


def test_the_chain_uses_the_modern_samplers_somewhere():
    used = {
        "min_p": any(p.min_p > 0 for p in PRESETS.values()),
        "top_n_sigma": any(p.top_n_sigma for p in PRESETS.values()),
        "xtc": any(p.xtc_probability > 0 for p in PRESETS.values()),
        "dry": any(p.dry_multiplier > 0 for p in PRESETS.values()),
        "typical": any(p.typical_p < 1 for p in PRESETS.values()),
        "mirostat": any(p.mirostat_tau for p in PRESETS.values()),
    }
    assert all(used.values()), used


def test_unknown_preset_is_a_user_error():
    with pytest.raises(UserError, match="unknown sampler preset 'wild'.*faithful"):
        get_preset("wild")


def test_settings_are_plain_data():
    assert get_preset("bold").settings()["temperature"] == 1.3
