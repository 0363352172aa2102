"""Does recombine fuse its parents? An honest check on the dev paragraphs.

usage: python benchmarks/recombine_quality.py [--limit 10] [-n 4] [--json]
                                              [--model PATH|URL] [--threads 2] [--seed 1234]

Pairing. The dev file holds paragraphs from several novels (four, ten each). Sources are
taken in order of first appearance; the j-th paragraph of novel k is paired with the
j-th paragraph of novel k+1 (the last novel wraps round to the first), so the two
parents always come from different books. Pairs are ordered by j, then k, so
``--limit 10`` already uses every novel as a paragraph and as a note.

Recombining. Each pair goes through the app's own pipeline: ``StackFiller.fill`` with
kind RECOMBINE, the first paragraph as the source (the card) and the second as the note,
``wanted = n``, the default preset and overgeneration, seed ``--seed + pair index``.

Measure (all-MiniLM-L6-v2 cosines). For each variant v of parents a (paragraph) and b
(note): it "fuses" when cos(v, a) > cos(a, b) and cos(v, b) > cos(a, b), i.e. it is
closer to both parents than they are to each other. The headline is the share of all
variants that fuse; the mean cosines are printed beside it.

Caveats, stated so the figure is read rightly: the pipeline selects with the same
MiniLM (MMR relevance to the source), so the measure is not independent of the
selection; and a text that simply pastes both parents together would pass, so the
share of variants that copy an 8-word run verbatim from a parent is reported too.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.cache import CachedEmbedder
from cardwriter.embedding.embedder import SentenceTransformerEmbedder
from cardwriter.embedding.tokens import ngrams, words
from cardwriter.generation.factory import open_generator
from cardwriter.services.stack_filling import FillRequest, StackFiller

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev_paragraphs.jsonl"
COPY_RUN = 8  # words: a run this long taken verbatim from a parent counts as copying


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
        raise SystemExit("the dev file needs paragraphs from at least two sources")
    pairs = []
    for j in range(max(len(b) for b in books)):
        for k, book in enumerate(books):
            if j < len(book):
                other = books[(k + 1) % len(books)]
                pairs.append((book[j], other[j % len(other)]))
    return pairs


def copies_a_run(text: str, parents: tuple[str, str], n: int = COPY_RUN) -> bool:
    grams = set(ngrams(words(text), n))
    return any(grams & set(ngrams(words(p), n)) for p in parents)


def evaluate(args: argparse.Namespace) -> dict:
    rows = load_rows(Path(args.dev))
    pairs = make_pairs(rows)[: args.limit]
    embedder = CachedEmbedder(SentenceTransformerEmbedder())
    filler = StackFiller(embedder)
    generator = open_generator(args.model, n_threads=args.threads)
    per_pair = []
    started = time.perf_counter()
    try:
        for i, (a, b) in enumerate(pairs):
            t0 = time.perf_counter()
            fill = filler.fill(
                generator,
                FillRequest(
                    source=a["text"],
                    kind=VariantKind.RECOMBINE,
                    notes=(b["text"],),
                    note_ids=(b["id"],),
                    wanted=args.n,
                    seed=args.seed + i,
                ),
            )
            texts = [v.text for v in fill.variants]
            va, vb = embedder.encode([a["text"], b["text"]])
            parent_cos = float(va @ vb)
            vecs = embedder.encode(texts) if texts else np.zeros((0, va.shape[0]), np.float32)
            to_a = [float(x) for x in vecs @ va]
            to_b = [float(x) for x in vecs @ vb]
            per_pair.append(
                {
                    "paragraph": a["id"],
                    "note": b["id"],
                    "parents_cosine": parent_cos,
                    "variants": [
                        {
                            "text": t,
                            "cos_paragraph": ca,
                            "cos_note": cb,
                            "fuses": ca > parent_cos and cb > parent_cos,
                            "copies": copies_a_run(t, (a["text"], b["text"])),
                        }
                        for t, ca, cb in zip(texts, to_a, to_b, strict=True)
                    ],
                    "shortfall": fill.shortfall,
                    "candidates": len(fill.candidates),
                    "seconds": time.perf_counter() - t0,
                }
            )
            done = per_pair[-1]
            fused = sum(v["fuses"] for v in done["variants"])
            print(
                f"[{i + 1}/{len(pairs)}] {a['id']} + {b['id']}: {fused}/{len(texts)} fuse; cosines: parents "
                f"{parent_cos:.3f}, to paragraph {np.mean(to_a) if texts else float('nan'):.3f}, to note "
                f"{np.mean(to_b) if texts else float('nan'):.3f}; {len(fill.candidates)} candidates, "
                f"{done['seconds']:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    finally:
        close = getattr(generator, "close", None)
        if close is not None:
            close()

    variants = [v for p in per_pair for v in p["variants"]]

    def mean(xs: list) -> float:
        return float(np.mean(xs)) if xs else float("nan")

    return {
        "command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
        "model": generator.model_name,
        "embedder": embedder.model_name,
        "pairs": len(per_pair),
        "n": args.n,
        "variants": len(variants),
        "shortfall": sum(p["shortfall"] for p in per_pair),
        "fuse_share": mean([v["fuses"] for v in variants]),
        "pairs_with_a_fusing_variant": sum(any(v["fuses"] for v in p["variants"]) for p in per_pair),
        "mean_parents_cosine": mean([p["parents_cosine"] for p in per_pair]),
        "mean_cos_to_paragraph": mean([v["cos_paragraph"] for v in variants]),
        "mean_cos_to_note": mean([v["cos_note"] for v in variants]),
        "closer_to_paragraph_share": mean(
            [v["cos_paragraph"] > p["parents_cosine"] for p in per_pair for v in p["variants"]]
        ),
        "closer_to_note_share": mean([v["cos_note"] > p["parents_cosine"] for p in per_pair for v in p["variants"]]),
        "copy_share": mean([v["copies"] for v in variants]),
        "seconds": time.perf_counter() - started,
        "per_pair": per_pair,
    }


def report(result: dict) -> str:
    return "\n".join(
        [
            f"command: {result['command']}",
            f"model {result['model']}, embedder {result['embedder']}",
            f"{result['pairs']} pairs x n={result['n']}: {result['variants']} variants "
            f"({result['shortfall']} short), {result['seconds']:.0f} s",
            f"closer to BOTH parents than they are to each other: {result['fuse_share']:.1%} of variants "
            f"({result['pairs_with_a_fusing_variant']}/{result['pairs']} pairs have at least one)",
            f"  closer to the paragraph than the parents are to each other: "
            f"{result['closer_to_paragraph_share']:.1%}; to the note: {result['closer_to_note_share']:.1%}",
            f"mean cosine: parents {result['mean_parents_cosine']:.3f}, variant-paragraph "
            f"{result['mean_cos_to_paragraph']:.3f}, variant-note {result['mean_cos_to_note']:.3f}",
            f"variants copying a {COPY_RUN}-word run from a parent: {result['copy_share']:.1%}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10, help="how many pairs (default 10)")
    parser.add_argument("-n", type=int, default=4, help="variants per pair (default 4)")
    parser.add_argument("--json", action="store_true", help="print JSON (with every variant) instead of a summary")
    parser.add_argument("--model", metavar="PATH|URL", help="a .gguf file or server URL (default: the packaged model)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--dev", default=str(DEV), help="the paragraphs (JSONL with id, source, text)")
    args = parser.parse_args(argv)
    if args.limit < 1 or args.n < 1:
        parser.error("--limit and -n must be at least 1")
    result = evaluate(args)
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
