"""A/B of streaming stack fill settings: first shown variant, full stack, tokens and quality per setting.

usage:
    python benchmarks/stack_ab.py --input PARAGRAPHS.jsonl [--half tune|report] [--ids ID ...] [--limit K] [-n 8]
        [--ways base pool=1.0 ramp_start=2,ramp_every=8 ...] [--threads 1]

A way is ``base`` (the app's defaults) or comma-separated ``FIELD=VALUE`` changes of
a field of ``FillRequest``'s parts (``pool``, ``overgenerate``, ``ramp_start``, ``ramp_every``,
``mmr_lambda``, ``max_candidates``, ``preset``, ``max_tokens``, ``streaming=false`` for the classic
way ...), of its ``Selection.fusion`` as ``fusion.FIELD=VALUE`` (``none`` is None:
``fusion.rescore_below=none`` scores every candidate afresh) or of its ``Selection.keep`` as
``keep.FIELD=VALUE`` (``keep.meaning=false`` lets rewrites that lose the meaning through). ``--half
tune`` takes the paragraphs with even ids (NNNN-00, -02 ...), ``report`` the odd ones:
choose on one half, report on the other.

Every way fills the same paragraphs with the same seeds (those of ``cardwriter
bench stack``) on one loaded model and embedder; the order of the ways rotates
from paragraph to paragraph, so a busy moment of the shared machine does not fall on
one way only. Each fill is printed to stderr as a JSON line as it comes; the
table at the end is ``cardwriter bench stack``'s (medians of the times, the diversity
report's quality figures), one row per way.

On a shared, crowded machine wall times mostly measure the neighbours. With
``--threads 1`` (llama.cpp and torch both on one thread) the process's CPU time
is the work itself, so each fill also reports ``first_cpu_s`` and ``full_cpu_s``:
CPU seconds from the request to the first shown variant and to the full stack,
which a quiet single core would take in about as many wall seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time

from cardwriter.cli.generation_commands import open_embedder
from cardwriter.domain.model import Variant, VariantKind
from cardwriter.evaluation.diversity_input import load_paragraphs
from cardwriter.evaluation.stack_bench import StackBench, _scored, format_table, model_label, summarise_ways
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.presets import preset_for
from cardwriter.services.fusion_filters import FusionConfig
from cardwriter.services.keepability import KeepConfig
from cardwriter.services.stack_filling import FillRequest, FillResult, StackFiller

NESTED = {"fusion": FusionConfig, "keep": KeepConfig}
"""``PREFIX.FIELD=VALUE`` changes a field of the ``Selection`` field ``PREFIX``, a config of these types."""


def parse_way(text: str) -> dict[str, object]:
    """``base`` -> no change; ``pool=1.0,ramp_start=2`` -> those ``FillRequest`` fields, typed as their defaults.

    ``fusion.NAME=VALUE`` changes a field of the request's ``FusionConfig`` (``Selection.fusion``),
    ``keep.NAME=VALUE`` one of its ``KeepConfig`` (``Selection.keep``); ``none`` is None. The result
    goes to ``FillRequest.changed``.
    """
    if text == "base":
        return {}
    changes: dict[str, object] = {}
    nested: dict[str, dict[str, object]] = {}
    for part in text.split(","):
        name, value = part.split("=")
        prefix, dot, field = name.partition(".")
        if dot:
            config = NESTED.get(prefix)
            if config is None:
                raise SystemExit(f"{prefix!r} is not one of {', '.join(NESTED)}")
            defaults = config()
            if not hasattr(defaults, field):
                raise SystemExit(f"{config.__name__} has no field {field!r}")
            nested.setdefault(prefix, {})[field] = _typed(value, getattr(defaults, field))
            continue
        try:
            default = FillRequest.field_default(name)
        except KeyError:
            raise SystemExit(f"FillRequest has no field {name!r}") from None
        changes[name] = _typed(value, default)
    for prefix, fields in nested.items():
        changes[prefix] = dataclasses.replace(NESTED[prefix](), **fields)  # type: ignore[arg-type]
    return changes


def _typed(value: str, default: object) -> object:
    """``value`` as the type of the field's ``default``: ``none`` is None, ``false``/``true`` a bool; a field
    whose default is None (``max_tokens``, ``seed``) takes a whole number, or else a float."""
    if value == "none":
        return None
    if isinstance(default, bool):
        if value.lower() not in ("true", "false"):
            raise SystemExit(f"{value!r} is not true or false")
        return value.lower() == "true"
    if default is None:
        try:
            return int(value)
        except ValueError:
            return float(value)
    return type(default)(value)


def in_half(paragraph_id: str, half: str | None) -> bool:
    """Even ids (NNNN-00, -02 ...) are the tune half, odd ones the report half."""
    if half is None:
        return True
    number = int(paragraph_id.rsplit("-", 1)[1])
    return (number % 2 == 0) == (half == "tune")


def timed_fill(filler: StackFiller, engine: LlamaEngine, request: FillRequest) -> tuple:
    """``stack_bench.fill_timed``'s figures, CPU seconds to the first shown variant and to the full stack,
    where the tokens went: ``{"shown": tokens, "stopped early": tokens, <drop reason>: tokens ...}``, and the
    wall seconds at which each variant was shown."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    walls: list[float] = []
    cpus: list[float] = []

    def arrived(_variant: Variant) -> None:
        walls.append(time.perf_counter() - wall0)
        cpus.append(time.process_time() - cpu0)

    result = filler.fill(engine, request, on_variant=arrived)
    end_wall, end_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    full_at = request.ask.wanted - 1
    return (
        [v.text for v in result.variants],
        walls[0] if walls else float("nan"),
        walls[full_at] if len(walls) > full_at else end_wall,
        len(result.candidates) + result.stopped_early,
        result.tokens,
        end_wall,
        cpus[0] if cpus else float("nan"),
        cpus[full_at] if len(cpus) > full_at else end_cpu,
        tokens_by_fate(result),
        walls,
    )


def tokens_by_fate(result: FillResult) -> dict[str, int]:
    """Generated tokens by what became of their candidate. The rest were stopped early or cancelled once the
    stack was full (not the drop reason "cut off mid-sentence": a candidate that ran out of tokens)."""
    fates: dict[str, int] = {"shown": sum(c.tokens for c in result.picked)}
    for dropped in result.dropped:
        fates[dropped.reason.label] = fates.get(dropped.reason.label, 0) + dropped.candidate.tokens
    fates["stopped early or cancelled"] = result.tokens - sum(fates.values())
    return fates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("-n", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--half", choices=["tune", "report"])
    parser.add_argument("--ids", nargs="+", help="these paragraphs only (after --half), e.g. 1342-01 84-01")
    parser.add_argument("--ways", nargs="+", default=["base", "pool=1.0"])
    args = parser.parse_args()

    ways = {way: parse_way(way) for way in args.ways}
    names = list(ways)
    if args.threads == 1:
        import torch

        torch.set_num_threads(1)  # the embedder's work in this thread too: CPU time is all the work
    paragraphs = [p for p in load_paragraphs(args.input) if in_half(p.id, args.half)]
    paragraphs = [p for p in paragraphs if args.ids is None or p.id in args.ids][: args.limit]
    engine = LlamaEngine(n_threads=args.threads)
    embedder = open_embedder()
    filler = StackFiller(embedder)
    template = FillRequest.build(source="", wanted=args.n, kind=VariantKind.REWRITE, streaming=True)
    preset = preset_for(template.ask.preset, engine)  # "auto": what the stack samples this model with
    bench = StackBench(model=model_label(engine), n=args.n, preset=preset, overgenerate=template.selection.overgenerate)
    vectors = {p.id: embedder.encode([p.text])[0] for p in paragraphs}
    warm = template.changed(source=paragraphs[0].text, wanted=1, max_rounds=1, max_tokens=4)
    filler.fill(engine, warm)
    cpu_times: dict[str, list[tuple[float, float]]] = {}
    for number, paragraph in enumerate(paragraphs):
        para_seed = (args.seed + 1009 * number) & 0x3FFFFFFF  # as cardwriter bench stack
        for k in range(len(names)):
            way = names[(number + k) % len(names)]
            request = template.changed(source=paragraph.text, seed=para_seed, **ways[way])
            texts, first, full, candidates, tokens, seconds, cpu_first, cpu_full, fates, arrivals = timed_fill(
                filler, engine, request
            )
            row = _scored(way, paragraph, texts, first, full, candidates, tokens, seconds, vectors, embedder, args.n)
            bench.results.append(row)
            cpu_times.setdefault(way, []).append((cpu_first, cpu_full))
            line = dict(
                row.as_dict(),
                first_cpu_s=round(cpu_first, 2),
                full_cpu_s=round(cpu_full, 2),
                tokens_by_fate=fates,
                arrivals=[round(t, 2) for t in arrivals],
            )
            print(json.dumps(line), file=sys.stderr, flush=True)
    engine.close()
    bench.summaries = summarise_ways(bench.results, names, args.n)
    print(format_table(bench))
    for way, times in cpu_times.items():
        first_cpu = statistics.median(t[0] for t in times)
        full_cpu = statistics.median(t[1] for t in times)
        print(f"{way:<24} median CPU s to first shown {first_cpu:.2f}, to full stack {full_cpu:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
