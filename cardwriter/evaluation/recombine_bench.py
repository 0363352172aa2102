"""The recombine benchmark: fused variants of dev-paragraph pairs, scored by two embedders.

Pairing. The dev file holds paragraphs from several novels. Sources are taken in
order of first appearance; the j-th paragraph of novel k is paired with the j-th
paragraph of novel k+1 (the last wraps round), so the parents always come from
different books. Pairs are ordered by j, then k.

Split. The even-numbered pairs are the **tune** split (thresholds and prompts are
chosen on them), the odd-numbered ones the **report** split (held out: the figures a
README may quote). ``limit`` takes the first pairs of the split.

Modes. ``fusion``: the app's own pipeline (``StackFiller.fill``, kind RECOMBINE, the
first paragraph as the card and the second as the note). ``plain``: the same
recombine prompt, one request of ``n`` with llama.cpp's default sampler and no
filters or selection: the baseline. ``blend``: the app's REWRITE pipeline on the
paragraph alone, generated with the note's control vector applied at the given
strength (``generation/llama/blend.py``; a local model only). Each mode runs with ``seeds`` seeds; figures are
means over the seeds (with their standard deviation), because two runs of the same
pairs differ.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.embedder import Embedder
from cardwriter.errors import UserError
from cardwriter.evaluation.recombine_scores import closeness, mean_over_seeds, score_stack, stack_vendi, summarise
from cardwriter.generation.protocol import GenerationRequest, TextGenerator
from cardwriter.generation.results import collect
from cardwriter.services.stack_filling import FillRequest, StackFiller

SPLITS = ("tune", "report")
SEED_STEP = 1000


def load_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def make_pairs(rows: list[dict]) -> list[tuple[dict, dict]]:
    """(paragraph, note) pairs: j-th of novel k with j-th of novel k+1, ordered by j then k."""
    by_source: dict[str, list[dict]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    books = list(by_source.values())
    if len(books) < 2:
        raise ValueError("the dev file needs paragraphs from at least two sources")
    pairs = []
    for j in range(max(len(b) for b in books)):
        for k, book in enumerate(books):
            if j < len(book):
                other = books[(k + 1) % len(books)]
                pairs.append((book[j], other[j % len(other)]))
    return pairs


def split_pairs(pairs: list, split: str) -> list:
    """The tune split is the even-numbered pairs, the report split the odd-numbered ones."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    return pairs[0::2] if split == "tune" else pairs[1::2]


Mode = Callable[[TextGenerator, dict, dict, int, int], tuple[list[str], int]]


def fusion_mode(filler: StackFiller, **overrides) -> Mode:
    """The app's pipeline: a RECOMBINE stack of ``n`` for the paragraph with the note."""

    def run(generator: TextGenerator, a: dict, b: dict, n: int, seed: int) -> tuple[list[str], int]:
        fill = filler.fill(
            generator,
            FillRequest.build(
                source=a["text"],
                kind=VariantKind.RECOMBINE,
                notes=(b["text"],),
                note_ids=(b["id"],),
                wanted=n,
                seed=seed,
                **overrides,
            ),
        )
        return [v.text for v in fill.variants], fill.shortfall

    return run


def blend_mode(filler: StackFiller, strength: float) -> Mode:
    """The blend inside the model: a REWRITE stack of the paragraph, steered by the note's control vector."""
    from cardwriter.generation.llama.blend import BlendedGenerator
    from cardwriter.generation.llama.engine import LlamaEngine

    def run(generator: TextGenerator, a: dict, b: dict, n: int, seed: int) -> tuple[list[str], int]:
        if not isinstance(generator, LlamaEngine):
            raise UserError("the blend needs a local model (llama.cpp), not a server")
        blended = BlendedGenerator.for_note(generator, b["text"], strength)
        fill = filler.fill(blended, FillRequest.build(source=a["text"], kind=VariantKind.REWRITE, wanted=n, seed=seed))
        return [v.text for v in fill.variants], fill.shortfall

    return run


def plain_mode(generator: TextGenerator, a: dict, b: dict, n: int, seed: int) -> tuple[list[str], int]:
    """The baseline: the recombine prompt, llama.cpp's default sampler, every sequence shown."""
    request = GenerationRequest(
        source=a["text"], kind=VariantKind.RECOMBINE, notes=(b["text"],), n=n, preset="llamacpp-default", seed=seed
    )
    return [g.text.strip() for g in collect(generator, request)], 0


@dataclass
class BenchConfig:
    split: str = "tune"
    limit: int = 10
    n: int = 4
    seeds: int = 3
    seed: int = 1234


def run_mode(
    name: str,
    mode: Mode,
    generator: TextGenerator,
    pairs: list[tuple[dict, dict]],
    minilm: Embedder,
    second: Embedder,
    config: BenchConfig,
    log: Callable[[str], None] = lambda line: None,
) -> dict:
    """One mode over the pairs and seeds: per-seed summaries, their mean, and every variant."""
    per_seed, records = [], []
    for s in range(config.seeds):
        stacks = []
        for i, (a, b) in enumerate(pairs):
            started = time.perf_counter()
            texts, shortfall = mode(generator, a, b, config.n, config.seed + s * SEED_STEP + i)
            m_rows = minilm.encode(texts + [a["text"], b["text"]])
            s_rows = second.encode(texts + [a["text"], b["text"]])
            k = len(texts)
            scores = score_stack(
                texts,
                a["text"],
                b["text"],
                (m_rows[:k], m_rows[k], m_rows[k + 1]),
                (s_rows[:k], s_rows[k], s_rows[k + 1]),
            )
            group = closeness(float(m_rows[k] @ m_rows[k + 1]))
            stacks.append({"scores": scores, "group": group, "vendi": stack_vendi(m_rows[:k]), "shortfall": shortfall})
            records.append(
                {
                    "mode": name,
                    "seed": s,
                    "paragraph": a["id"],
                    "note": b["id"],
                    "group": group,
                    "parents_cosine_minilm": float(m_rows[k] @ m_rows[k + 1]),
                    "variants": [vars(v) for v in scores],
                }
            )
            both = sum(v.between_both for v in scores)
            words = sum(v.words_from_both for v in scores)
            log(
                f"[{name} seed {s} pair {i + 1}/{len(pairs)}] {a['id']}+{b['id']} ({group}): {len(texts)} variants, "
                f"{both} between by both embedders, {words} with words from both, "
                f"{time.perf_counter() - started:.1f} s"
            )
        per_seed.append(summarise(stacks))
    return {"mode": name, "mean": mean_over_seeds(per_seed), "per_seed": per_seed, "records": records}


def format_summary(results: list[dict], config: BenchConfig, command: str) -> str:
    """A plain-text table: one row per mode, means over seeds (± sd)."""
    lines = [
        f"command: {command}",
        f"split {config.split}, {config.limit} pairs, n={config.n}, seeds {config.seeds} (from {config.seed})",
    ]
    head = (
        "mode",
        "variants",
        "short",
        "between MiniLM",
        "between mpnet",
        "between both",
        "words both",
        "boiler",
        "wrong lang",
        "Vendi",
        "close: MiniLM/mpnet/words",
        "far: MiniLM/mpnet/words",
    )
    lines.append(" | ".join(head))
    for r in results:
        m = r["mean"]

        def pct(key: str, m: dict = m) -> str:
            sd = m.get(f"{key}_sd")
            return f"{m[key]:.1%}" + (f" ±{sd:.1%}" if sd is not None and not np.isnan(sd) else "")

        def group(g: str, m: dict = m) -> str:
            if not m[f"{g}_variants"]:
                return "-"
            return (
                f"{m[f'{g}_between_minilm']:.0%}/{m[f'{g}_between_second']:.0%}/{m[f'{g}_words_from_both']:.0%}"
                f" of {m[f'{g}_variants']:.0f}"
            )

        lines.append(
            " | ".join(
                [
                    r["mode"],
                    f"{m['variants']:.1f}",
                    f"{m['shortfall']:.1f}",
                    pct("between_minilm"),
                    pct("between_second"),
                    pct("between_both"),
                    pct("words_from_both"),
                    f"{m['boilerplate']:.1f}",
                    f"{m['wrong_language']:.1f}",
                    f"{m['vendi']:.2f}",
                    group("close"),
                    group("far"),
                ]
            )
        )
    return "\n".join(lines)
