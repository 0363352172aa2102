"""Finding notes on a small labelled set: the method before and the method now, side by side.

usage: python benchmarks/note_search_quality.py [--half tune|report|all] [--sweep]

The set is ``benchmarks/data/note_search.jsonl`` (40 notes, 44 queries; see
benchmarks/data/README.md). Embeddings are the app's: all-MiniLM-L6-v2 through
``default_embedder``.

- **Search** (one word, a phrase, a paraphrase sharing no word with its note): hits@1 and
  hits@3 are the share of queries whose first (first three) results hold a note marked
  relevant; "shown" is how many notes the filtered list keeps on average.
- **Near this paragraph** (paragraphs, over the whole library, at most three offered):
  precision is the share of offered notes that are relevant; "missed" the share of
  paragraphs with a relevant note where none is offered; "offered on unrelated" the
  share of paragraphs with no relevant note where something is offered anyway.
- **Two notes** (the writer's case): for each paragraph with a relevant note, a library of
  that note and one other (every other note in turn): how often the relevant note is
  offered, and how often the other one is.

Tune on ``--half tune`` (``--sweep`` prints the grid there); quote ``--half report``.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from cardwriter.domain.model import Note
from cardwriter.embedding.cache import default_embedder
from cardwriter.services import note_search as ns

DATA = Path(__file__).resolve().parent / "data" / "note_search.jsonl"
SEARCH_TYPES = ("word", "phrase", "paraphrase")


@dataclass(frozen=True)
class Method:
    name: str
    expand: bool  # embed short queries through ns.expand_query
    min_cosine: float  # meaning alone makes a search hit from here (longer queries)
    short_min_cosine: float  # ... and from here for queries of ns.SHORT_QUERY_WORDS words or fewer
    related_min_cosine: float  # "Near this paragraph" offers notes from here


BEFORE = Method("before", False, 0.3, 0.3, 0.4)  # the method of 2026-11 (no expansion, one threshold)
NOW = Method("now", True, ns.SEARCH_MIN_COSINE, ns.SHORT_QUERY_MIN_COSINE, ns.RELATED_MIN_COSINE)


def load(path: Path = DATA) -> tuple[list[Note], list[dict]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    notes = [Note(r["text"], id=r["id"]) for r in rows if r["kind"] == "note"]
    return notes, [r for r in rows if r["kind"] == "query"]


class Vectors:
    """Every text embedded once: notes, queries as typed, queries expanded."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], notes: Sequence[Note], queries: Sequence[dict]):
        texts = [n.text for n in notes]
        for q in queries:
            texts += [q["text"], ns.expand_query(q["text"])]
        unique = list(dict.fromkeys(texts))
        matrix = encode(unique)
        self._by_text = {t: matrix[i] for i, t in enumerate(unique)}
        self.notes = np.stack([self._by_text[n.text] for n in notes])

    def __call__(self, text: str) -> np.ndarray:
        return self._by_text[text]


def search_ranks(method: Method, notes: list[Note], queries: list[dict], vec: Vectors) -> list[tuple[dict, int, int]]:
    """(query, rank of the first relevant note or 0 when not shown, notes shown) for each search query."""
    index = ns.index_words(notes)
    out = []
    for q in queries:
        text = q["text"]
        query_vector = vec(ns.expand_query(text) if method.expand else text)
        short = ns.is_short_query(text)
        floor = method.short_min_cosine if short else method.min_cosine
        hits = ns.search_notes(text, notes, vec.notes, query_vector, 50, min_cosine=floor, note_words=index)
        found = [h.note.id for h in hits]
        ranks = [found.index(r) + 1 for r in q["relevant"] if r in found]
        out.append((q, min(ranks) if ranks else 0, len(found)))
    return out


def offered(method: Method, paragraph: str, notes: list[Note], vectors: np.ndarray, vec: Vectors) -> list[str]:
    hits = ns.related_notes(vec(paragraph), notes, vectors, 3, method.related_min_cosine, paragraph=paragraph)
    return [h.note.id for h in hits]


def search_figures(method: Method, notes, queries, vec) -> dict[str, float]:
    ranked = search_ranks(method, notes, [q for q in queries if q["type"] in SEARCH_TYPES], vec)
    figures = {}
    for label, rows in [("all", ranked)] + [(t, [r for r in ranked if r[0]["type"] == t]) for t in SEARCH_TYPES]:
        n = len(rows) or 1
        figures[f"{label} hits@1"] = sum(0 < r <= 1 for _, r, _ in rows) / n
        figures[f"{label} hits@3"] = sum(0 < r <= 3 for _, r, _ in rows) / n
    figures["shown"] = sum(s for _, _, s in ranked) / (len(ranked) or 1)
    return figures


def related_figures(method: Method, notes, queries, vec) -> dict[str, float]:
    paragraphs = [q for q in queries if q["type"] == "paragraph"]
    with_note = [q for q in paragraphs if q["relevant"]]
    without = [q for q in paragraphs if not q["relevant"]]
    shown = {q["id"]: offered(method, q["text"], notes, vec.notes, vec) for q in paragraphs}
    all_offered = [(q, i) for q in paragraphs for i in shown[q["id"]]]
    good = sum(i in q["relevant"] for q, i in all_offered)
    pair_hit = pair_other = pairs = 0
    for q in with_note:
        first = next(n for n in notes if n.id == q["relevant"][0])
        for other in notes:
            if other.id in q["relevant"]:
                continue
            two = [first, other]
            got = offered(method, q["text"], two, np.stack([vec(n.text) for n in two]), vec)
            pairs += 1
            pair_hit += first.id in got
            pair_other += other.id in got
    return {
        "precision": good / len(all_offered) if all_offered else 1.0,
        "missed": sum(not set(shown[q["id"]]) & set(q["relevant"]) for q in with_note) / (len(with_note) or 1),
        "offered on unrelated": sum(bool(shown[q["id"]]) for q in without) / (len(without) or 1),
        "two notes: the right one": pair_hit / (pairs or 1),
        "two notes: the other too": pair_other / (pairs or 1),
    }


def report(methods: Sequence[Method], notes, queries, vec) -> str:
    columns = [
        (m, {**search_figures(m, notes, queries, vec), **related_figures(m, notes, queries, vec)}) for m in methods
    ]
    lines = ["figure".ljust(28) + "".join(m.name.rjust(10) for m, _ in columns)]
    for key in columns[0][1]:
        cells = "".join((f"{f[key]:10.2f}" if key == "shown" else f"{f[key]:10.0%}") for _, f in columns)
        lines.append(key.ljust(28) + cells)
    return "\n".join(lines)


def failures(method: Method, notes, queries, vec) -> str:
    ranked = search_ranks(method, notes, [q for q in queries if q["type"] in SEARCH_TYPES], vec)
    lines = [f"  search miss at 1: {q['text']!r} (rank {r or 'not shown'})" for q, r, _ in ranked if r != 1]
    for q in (q for q in queries if q["type"] == "paragraph"):
        got = offered(method, q["text"], notes, vec.notes, vec)
        if set(got) - set(q["relevant"]) or (q["relevant"] and not set(got) & set(q["relevant"])):
            lines.append(f"  near {q['text'][:40]!r}…: offered {got}, relevant {q['relevant']}")
    return "\n".join(lines)


def sweep(notes, queries, vec) -> None:
    """The grid tried on the tune half: one line per setting, search and related apart."""
    print("search: expand, short floor, floor -> all hits@1, hits@3, shown")
    for expand, short, floor in itertools.product((False, True), (0.15, 0.2, 0.25, 0.3), (0.25, 0.3, 0.35)):
        f = search_figures(replace(NOW, expand=expand, short_min_cosine=short, min_cosine=floor), notes, queries, vec)
        print(f"  {expand!s:5} {short:.2f} {floor:.2f} -> {f['all hits@1']:.0%} {f['all hits@3']:.0%} {f['shown']:.1f}")
    print("related: floor -> precision, missed, offered on unrelated, two notes: the right one, the other too")
    for floor in (0.25, 0.3, 0.33, 0.35, 0.38, 0.4, 0.45, 0.5):
        f = related_figures(replace(NOW, related_min_cosine=floor), notes, queries, vec)
        print(f"  {floor:.2f} -> " + " ".join(f"{v:.0%}" for v in f.values()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tune", "report", "all"), default="report")
    parser.add_argument("--sweep", action="store_true", help="print the tuning grid (on the tune half)")
    parser.add_argument("--failures", action="store_true", help="list what the new method still gets wrong")
    args = parser.parse_args(argv)
    notes, queries = load()
    vec = Vectors(default_embedder().encode, notes, queries)
    chosen = [q for q in queries if args.half == "all" or q["half"] == args.half]
    if args.sweep:
        sweep(notes, [q for q in queries if q["half"] == "tune"], vec)
        return 0
    print(f"{len(notes)} notes, {len(chosen)} queries ({args.half} half), all-MiniLM-L6-v2\n")
    print(report([BEFORE, NOW], notes, chosen, vec))
    if args.failures:
        print("\n" + failures(NOW, notes, chosen, vec))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
