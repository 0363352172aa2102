"""Which candidates the fluency check scores afresh: gates on the log-probability the model gave its own tokens.

The stack filler drops word salad by the model's own judgement. It used to score
each finished candidate afresh (``LlamaEngine.score``: a decode of the text alone,
with logits at every token, about as much work as writing it again, while the batch
waits). The engine now also reports, for free, the mean log-probability of each
token it wrote under the raw logits it was sampled from, given the prompt
(``SequenceDone.log_prob``). This script shows, for gates on that number, how many
candidates would still be scored afresh and how many drops of the fresh floor
(``fusion_filters.DEFAULT_MIN_LOG_PROB``, -4.6 nats a token) a gate would miss,
among the candidates that pass the cheaper filters (the fresh score is asked last).

For each dev paragraph it writes a rewrite request (the stack's own angles and
preset) and a recombine request (the next paragraph of another author as the note),
and keeps every finished candidate with both numbers. Paragraphs with even ids
(NNNN-00, -02 ...) are the tune half, the odd ids the report half.

    python benchmarks/calibrate_written_log_prob.py [--input FILE.jsonl] [--per-author 2] [--threads 2]
        [--preset bold] [--cache FILE.jsonl] [--no-model] [--also MORE.jsonl ...]

``--cache`` keeps the candidates and their two numbers as they come (a paragraph
already in it is not redone); ``--no-model`` only analyses a cache. The candidates
behind ``fusion_filters.DEFAULT_RESCORE_BELOW`` are kept beside this script:

    python benchmarks/calibrate_written_log_prob.py --no-model --cache benchmarks/written_log_prob_candidates.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import degenerate_reason
from cardwriter.evaluation.diversity_input import load_paragraphs
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.presets import DEFAULT_PRESET
from cardwriter.generation.prompts import REWRITE_MIX
from cardwriter.generation.protocol import FINISH_CANCELLED, GenerationRequest, SequenceDone
from cardwriter.services.fusion_filters import DEFAULT_MIN_LOG_PROB

DEV = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl"
REWRITES, FUSIONS = 8, 4
GATES = (-1.5, -2.0, -2.25, -2.5, -3.0)


def author(paragraph_id: str) -> str:
    return paragraph_id.split("-")[0]


def is_tune(paragraph_id: str) -> bool:
    return int(paragraph_id.rsplit("-", 1)[1]) % 2 == 0


def collect(engine: LlamaEngine, input_path: str, per_author: int, cache: Path | None, preset: str) -> list[dict]:
    """Candidates of the first ``per_author`` paragraphs of every author, each line added to ``cache`` as it comes."""
    paragraphs = load_paragraphs(input_path)
    chosen = [p for p in paragraphs if int(p.id.rsplit("-", 1)[1]) < per_author]
    rows = (
        [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
        if cache and cache.exists()
        else []
    )
    done_ids = {r["id"] for r in rows}
    for number, paragraph in enumerate(chosen):
        if paragraph.id in done_ids:  # a cache cut short: go on where it stopped
            continue
        note = next(p for p in paragraphs[number + 1 :] + paragraphs if author(p.id) != author(paragraph.id))
        seed = (1234 + 1009 * number) & 0x3FFFFFFF
        requests = [
            GenerationRequest(
                paragraph.text, VariantKind.REWRITE, n=REWRITES, angles=REWRITE_MIX, seed=seed, preset=preset
            ),
            GenerationRequest(
                paragraph.text, VariantKind.RECOMBINE, n=FUSIONS, notes=(note.text,), seed=seed, preset=preset
            ),
        ]
        for request in requests:
            done = [e for e in engine.stream(request) if isinstance(e, SequenceDone)]
            done = [e for e in done if e.finish_reason != FINISH_CANCELLED and e.text.strip()]
            fresh = engine.score([e.text for e in done])
            for event, score in zip(done, fresh, strict=True):
                rows.append(
                    row := {
                        "id": paragraph.id,
                        "kind": request.kind.value,
                        "preset": preset,
                        "written": event.log_prob,
                        "fresh": score,
                        "tokens": event.tokens,
                        "text": event.text,
                    }
                )
                if cache is not None:
                    with cache.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(row) + "\n")
        print(f"{paragraph.id}: {len(rows)} candidates so far", file=sys.stderr, flush=True)
    return rows


def relevant(rows: list[dict], sources: dict[str, str]) -> list[dict]:
    """The candidates the fluency check would see: those the cheaper filters (too short, looping ...) keep."""
    return [r for r in rows if degenerate_reason(r["text"], sources[r["id"]], VariantKind(r["kind"])) is None]


def gate_row(rows: list[dict], gate: float) -> tuple[int, int, int, int]:
    """(candidates, scored afresh with this gate, dropped by the fresh score, of those missed by the gate)."""
    drops = [r for r in rows if r["fresh"] < DEFAULT_MIN_LOG_PROB]
    return (
        len(rows),
        sum(r["written"] < gate for r in rows),
        len(drops),
        sum(r["written"] >= gate for r in drops),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", default=str(DEV))
    parser.add_argument("--per-author", type=int, default=4, help="paragraphs NNNN-00 .. of every author")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    parser.add_argument("--cache", help="a JSONL of candidates, added to as they come; a paragraph in it is not redone")
    parser.add_argument("--no-model", action="store_true", help="only the analysis of the candidates in --cache")
    parser.add_argument("--also", nargs="*", default=[], help="more caches to analyse with it (other presets)")
    args = parser.parse_args()
    cache = Path(args.cache) if args.cache else None
    if args.no_model:
        rows = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()] if cache else []
    else:
        engine = LlamaEngine(n_threads=args.threads)
        try:
            rows = collect(engine, args.input, args.per_author, cache, args.preset)
        finally:
            engine.close()
    for extra in args.also:
        rows += [json.loads(line) for line in Path(extra).read_text(encoding="utf-8").splitlines()]
    sources = {p.id: p.text for p in load_paragraphs(args.input)}
    seen = relevant(rows, sources)
    print(
        f"{len(rows)} candidates, {len(seen)} pass the cheaper filters; old rule: fresh score < {DEFAULT_MIN_LOG_PROB}"
    )
    print("gate: scored afresh only when written below it; 'missed' = dropped by the fresh score, not scored")
    presets = sorted({r.get("preset", DEFAULT_PRESET) for r in seen})
    print(f"{'half':<7}{'preset':<10}{'gate':>6}{'cands':>7}{'scored':>8}{'dropped':>9}{'missed':>8}")
    for half, test in (("tune", True), ("report", False)):
        for preset in presets:
            part = [r for r in seen if is_tune(r["id"]) == test and r.get("preset", DEFAULT_PRESET) == preset]
            for gate in GATES:
                n, scored, dropped, missed = gate_row(part, gate)
                print(f"{half:<7}{preset:<10}{gate:>6.2f}{n:>7}{scored:>8}{dropped:>9}{missed:>8}")
    print("dropped by the fresh score (fresh, written, preset, text):")
    for row in sorted(seen, key=lambda r: r["fresh"]):
        if row["fresh"] < DEFAULT_MIN_LOG_PROB:
            print(
                f"  {row['fresh']:.2f} {row['written']:.2f} {row.get('preset', DEFAULT_PRESET)} {row['text'][:110]!r}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
