"""Named sampler presets: how far a variant may stray from the likeliest words.

Each preset is a llama.cpp sampler chain, applied in this order (the order
llama.cpp's own tools use):

1. **DRY** ("don't repeat yourself") penalises tokens that would extend a
   sequence already present in the text: ``dry_multiplier`` scales the
   penalty, ``dry_base`` ** (match length - ``dry_allowed_length``) grows it,
   over the last ``dry_penalty_last_n`` tokens. Stops small models looping.
2. **top-nσ** keeps only tokens whose logit is within ``top_n_sigma`` standard
   deviations of the best one. It ignores temperature, so it lets a high
   temperature explore the plausible tail without reaching gibberish.
   ``None`` turns it off.
3. **typical** (locally typical sampling) keeps tokens whose surprise is close
   to the expected surprise, up to mass ``typical_p``; 1.0 turns it off.
4. **min-p** drops tokens less likely than ``min_p`` times the best token.
5. **XTC** ("exclude top choices"): with probability ``xtc_probability``, all
   tokens above ``xtc_threshold`` except the least likely of them are removed,
   nudging away from the most predictable wording. 0 turns it off.
6. **temperature** flattens (above 1) or sharpens (below 1) what is left.
7. **mirostat v2** (when ``mirostat_tau`` is set) picks the token adaptively
   to hold the text's surprise near ``mirostat_tau`` with learning rate
   ``mirostat_eta``; otherwise **dist** draws a token at random. Either way
   with the sequence's own seed.

The presets:

- ``faithful``: close to the source. temp 0.7, min-p 0.10, DRY 0.8; no XTC.
- ``balanced`` (default): clearly different wording, still on topic. temp 1.0,
  min-p 0.05, top-nσ 2.0, XTC 0.25 above 0.15, DRY 0.8.
- ``bold``: takes liberties. temp 1.3, top-nσ 1.5 (which keeps the raised
  temperature coherent), typical 0.95, min-p 0.03, XTC 0.5 above 0.1, DRY 1.0.
- ``steady``: mirostat v2 at tau 4.0, eta 0.1, temp 1.0, DRY 0.8: a steady
  level of surprise whatever the paragraph.

Baselines: other apps' default samplers, for ``cardwriter diversity`` to compare
against (``BASELINES``; ``get_preset`` finds them, the app does not offer them).
They use three older samplers our own presets leave off, which the chain applies
where llama.cpp's tools do: the **repetition penalty** (``repeat_penalty`` over the
last ``repeat_last_n`` generated tokens; 1.0 turns it off) first, **top-k**
(``top_k`` most likely tokens; 0 turns it off) after top-nσ, and **top-p**
(nucleus: the likeliest tokens up to mass ``top_p``; 1.0 turns it off) after
typical. None of them uses DRY.

- ``llamacpp-default``: llama.cpp's defaults (``llama-cli``, ``llama-server``):
  temp 0.8, top-k 40, top-p 0.95, min-p 0.05.
- ``ollama-default``: Ollama's defaults: temp 0.8, top-k 40, top-p 0.9,
  repeat penalty 1.1 over the last 64 tokens, no min-p.
- ``neutral``: the model's own distribution: temp 1.0, no truncation at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cardwriter.errors import UserError

DRY_SEQUENCE_BREAKERS = ("\n", ":", '"', "*")


@dataclass(frozen=True)
class SamplerPreset:
    name: str
    description: str
    temperature: float = 1.0
    min_p: float = 0.05
    top_n_sigma: float | None = None
    typical_p: float = 1.0
    xtc_probability: float = 0.0
    xtc_threshold: float = 0.1
    dry_multiplier: float = 0.8
    dry_base: float = 1.75
    dry_allowed_length: int = 2
    dry_penalty_last_n: int = 256
    mirostat_tau: float | None = None
    mirostat_eta: float = 0.1
    top_k: int = 0  # 0: off
    top_p: float = 1.0  # 1.0: off
    repeat_penalty: float = 1.0  # 1.0: off
    repeat_last_n: int = 64

    def settings(self) -> dict[str, object]:
        """The preset as plain data, for ``--json`` output and provenance."""
        return asdict(self)


PRESETS: dict[str, SamplerPreset] = {
    p.name: p
    for p in (
        SamplerPreset("faithful", "close to the source, other wording", temperature=0.7, min_p=0.10),
        SamplerPreset(
            "balanced",
            "clearly different wording, still on topic",
            temperature=1.0,
            min_p=0.05,
            top_n_sigma=2.0,
            xtc_probability=0.25,
            xtc_threshold=0.15,
        ),
        SamplerPreset(
            "bold",
            "takes liberties with wording and images",
            temperature=1.3,
            min_p=0.03,
            top_n_sigma=1.5,
            typical_p=0.95,
            xtc_probability=0.5,
            xtc_threshold=0.1,
            dry_multiplier=1.0,
        ),
        SamplerPreset("steady", "mirostat: a steady level of surprise", temperature=1.0, min_p=0.0, mirostat_tau=4.0),
    )
}

DEFAULT_PRESET = "balanced"
"""The preset a bare ``GenerationRequest`` uses unless told otherwise."""

AUTO = "auto"
"""Not a preset but a choice by the model's size (``preset_for``): what a stack fill uses unless told otherwise."""

SMALL_MODEL_PARAMS = 1_000_000_000
"""Below this many parameters a model gets the ``faithful`` preset under ``auto``.

SmolLM2-135M pushed by the balanced preset (top-nσ at temperature 1, XTC) and
the rewrite angles invents names and numbers and drifts from the paragraph's
meaning; with the faithful preset more of its candidates keep the facts and the
meaning (tune half, ``benchmarks/calibrate_keepability.py``). A larger model keeps
its meaning under the push and gets its freedom: ``balanced``."""


def is_small_model(generator: object) -> bool:
    """Whether ``generator`` says its model has fewer than ``SMALL_MODEL_PARAMS`` parameters."""
    params = getattr(generator, "n_params", None)
    return isinstance(params, int) and 0 < params < SMALL_MODEL_PARAMS


def preset_for(name: str, generator: object) -> str:
    """The preset to sample with: ``name``, or for ``auto`` the one that suits ``generator``'s model.

    A generator that does not say its size (a server) gets ``DEFAULT_PRESET``.
    """
    if name != AUTO:
        return name
    return "faithful" if is_small_model(generator) else DEFAULT_PRESET


BASELINES: dict[str, SamplerPreset] = {
    p.name: p
    for p in (
        SamplerPreset(
            "llamacpp-default",
            "llama.cpp's default sampler",
            temperature=0.8,
            top_k=40,
            top_p=0.95,
            min_p=0.05,
            dry_multiplier=0.0,
        ),
        SamplerPreset(
            "ollama-default",
            "Ollama's default sampler",
            temperature=0.8,
            top_k=40,
            top_p=0.9,
            min_p=0.0,
            repeat_penalty=1.1,
            repeat_last_n=64,
            dry_multiplier=0.0,
        ),
        SamplerPreset(
            "neutral", "the model's own distribution, untruncated", temperature=1.0, min_p=0.0, dry_multiplier=0.0
        ),
    )
}
"""Other apps' default samplers, to measure our presets against; not offered in the app."""


def get_preset(name: str) -> SamplerPreset:
    """A preset of ``PRESETS`` or ``BASELINES`` by name (``auto`` without a model: ``DEFAULT_PRESET``)."""
    found = PRESETS.get(DEFAULT_PRESET if name == AUTO else name) or BASELINES.get(name)
    if found is None:
        raise UserError(f"unknown sampler preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return found
