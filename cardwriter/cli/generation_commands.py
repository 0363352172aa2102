"""``cardwriter variants``, ``recombine`` and ``bench generation`` (``models`` is in model_commands).

``variants`` and ``recombine`` fill a stack the way the app does
(``services.stack_filling``): over-generate, drop degenerate, off-topic and
near-duplicate candidates, pick a varied set by MMR, top up a bounded number of
times. ``--raw`` skips all that and prints the N sequences as generated.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from cardwriter.cli.numbers import whole
from cardwriter.domain.model import VariantKind
from cardwriter.errors import UserError
from cardwriter.generation.presets import AUTO, DEFAULT_PRESET, PRESETS
from cardwriter.generation.prompts import ANGLES
from cardwriter.generation.protocol import GenerationRequest
from cardwriter.generation.results import Generated
from cardwriter.generation.setting_ranges import SEED, THREADS, TOKENS, VARIANTS, cpu_cores
from cardwriter.services.text_decoding import decode_text

GENERATED_KINDS = ("rewrite", "restyle", "continue")


def register(subparsers: argparse._SubParsersAction) -> None:
    variants = subparsers.add_parser(
        "variants",
        help="write N variants of a paragraph with the local model (or a server)",
        description="Write N variants of a paragraph. Reads the paragraph from TEXT, or from stdin with '-'.",
    )
    variants.add_argument("-n", type=whole(VARIANTS), default=4, help="how many variants, 1 to 64 (default 4)")
    variants.add_argument("--kind", choices=GENERATED_KINDS, default="rewrite", help="what to do (default rewrite)")
    _common(variants)
    variants.set_defaults(handler=run_variants)

    recombine = subparsers.add_parser(
        "recombine",
        help="fuse a note into a paragraph, or two notes into something new",
        description="Fuse each --note into the paragraph; with no paragraph and two notes, join the notes.",
    )
    recombine.add_argument("--note", action="append", required=True, metavar="TEXT", help="a note (repeat for two)")
    recombine.add_argument("-n", type=whole(VARIANTS), default=4, help="how many variants, 1 to 64 (default 4)")
    _common(recombine)
    recombine.set_defaults(handler=run_recombine)

    bench = subparsers.add_parser("bench", help="measure performance")
    targets = bench.add_subparsers(title="targets", metavar="TARGET")
    generation = targets.add_parser(
        "generation",
        help="plain one-at-a-time completions against the batched engine",
        description="Run the same prompts, seeds and budgets as N plain create_chat_completion calls "
        "and through the batched engine; print wall times, tokens/s, peak RSS and the speedup.",
    )
    generation.add_argument("-n", type=whole(VARIANTS), default=4, help="sequences, 1 to 64 (default 4)")
    generation.add_argument("--tokens", type=whole(TOKENS), default=96, help="new tokens per sequence (default 96)")
    threads = min(2, cpu_cores())
    generation.add_argument("--threads", type=whole(THREADS), default=threads, help=f"CPU threads (default {threads})")
    generation.add_argument("--seed", type=whole(SEED), default=1234)
    generation.add_argument("--preset", choices=sorted(PRESETS), default=DEFAULT_PRESET)
    generation.add_argument("--model", metavar="PATH", help="a .gguf file (default: the packaged model)")
    generation.add_argument("--json", action="store_true", help="print JSON")
    generation.set_defaults(handler=run_bench_generation)
    from cardwriter.cli.stack_bench_commands import register_target

    register_target(targets)
    bench.set_defaults(handler=lambda args: _usage(bench))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--angle",
        action="append",
        choices=list(ANGLES),
        metavar="ANGLE",
        help=f"an angle for restyle (repeat to give each variant its own): {', '.join(ANGLES)}",
    )
    parser.add_argument(
        "--preset",
        choices=[AUTO, *sorted(PRESETS)],
        default=AUTO,
        help=f"sampler preset (default {AUTO}: faithful for a small model, {DEFAULT_PRESET} for a larger one)",
    )
    parser.add_argument(
        "--seed", type=whole(SEED), help="seed of the first variant (default: random; variant i uses seed+i)"
    )
    parser.add_argument(
        "--max-tokens", type=whole(TOKENS), help="token budget per variant (default: scaled with the paragraph)"
    )
    parser.add_argument("--model", metavar="PATH|URL", help="a .gguf file, or an OpenAI-compatible server URL")
    parser.add_argument(
        "--threads", type=whole(THREADS), help="CPU threads for the local model (1 to this computer's cores)"
    )
    parser.add_argument(
        "--gpu-layers",
        default="auto",
        metavar="auto|N",
        help="model layers to put on the GPU (default auto: all where llama-cpp-python has a GPU backend, else 0)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of variants")
    parser.add_argument(
        "--raw",
        action="store_true",
        help="print N sequences exactly as generated: no over-generation, filtering or selection",
    )
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the paragraph, or '-' for stdin")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 2


def read_stdin() -> str:
    """Standard input as text: bytes that are not UTF-8 are refused as they are in a file."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # already text (a test's StringIO)
        return sys.stdin.read()
    text = decode_text(raw.read(), "standard input").text
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it


def read_text(arg: str | None, required: bool = True) -> str:
    if arg == "-" or (arg is None and not sys.stdin.isatty() and required):
        text = read_stdin()
    else:
        text = arg or ""
    if required and not text.strip():
        raise UserError("no paragraph given: pass it as TEXT, or '-' to read it from stdin")
    return text.strip()


def _check_counts(n: int, max_tokens: int | None) -> None:
    """The parser checks them already; this is for a caller that builds its own arguments."""
    VARIANTS.check(n, "-n")
    if max_tokens is not None:
        TOKENS.check(max_tokens, "--max-tokens")


def open_embedder():  # an Embedder
    """The embedder the stack-filling pipeline dedups and selects with (tests replace this)."""
    from cardwriter.embedding.cache import default_embedder

    return default_embedder()


def _generate(args: argparse.Namespace, request: GenerationRequest) -> int:
    from cardwriter.generation.factory import open_generator
    from cardwriter.generation.results import collect

    generator = open_generator(args.model, n_threads=args.threads, gpu_layers=args.gpu_layers)
    try:
        if args.raw:
            results = collect(generator, request)
        else:
            results = _fill(generator, request)
    finally:
        close = getattr(generator, "close", None)
        if close is not None:
            close()
    _print_results(results, as_json=args.json)
    return 0 if any(r.text for r in results) else 1


def _fill(generator, request: GenerationRequest) -> list[Generated]:  # a TextGenerator
    """The request's N variants through the stack-filling pipeline, as ``Generated`` rows."""
    from cardwriter.services.stack_filling import FillRequest, StackFiller

    fill = StackFiller(open_embedder()).fill(
        generator,
        FillRequest.build(
            source=request.source,
            kind=request.kind,
            angles=tuple(a for a in request.angles if a),
            wanted=request.n,
            preset=request.preset,
            seed=request.seed,
            notes=request.notes,
            max_tokens=request.max_tokens,
        ),
    )
    if fill.shortfall:
        print(
            f"found {len(fill.variants)} different usable variants of the {request.n} asked for "
            f"({len(fill.candidates)} candidates in {fill.rounds} rounds); use --raw to see everything generated",
            file=sys.stderr,
        )
    return fill.picked


def _print_results(results: list[Generated], as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "text": r.text,
                "kind": r.kind.value,
                "angle": r.angle,
                "preset": r.preset,
                "seed": r.seed,
                "model": r.model,
                "tokens": r.tokens,
                "seconds": round(r.seconds, 3),
                "finish_reason": r.finish_reason,
            }
            for r in results
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for number, r in enumerate(results, 1):
        label = r.kind.value + (f", {r.angle}" if r.angle else "")
        print(f"[{number}] ({label}; seed {r.seed})")
        print(r.text if r.text else "(empty)")
        print()
    if results:
        print(f"{results[0].model}, preset {results[0].preset}", file=sys.stderr)


def _seed(args: argparse.Namespace) -> int:
    return args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)


def run_variants(args: argparse.Namespace) -> int:
    _check_counts(args.n, args.max_tokens)
    kind = VariantKind(args.kind)
    if args.angle and kind is VariantKind.REWRITE:
        kind = VariantKind.RESTYLE  # an angle is a restyle
    request = GenerationRequest(
        source=read_text(args.text),
        kind=kind,
        n=args.n,
        angles=tuple(args.angle or ()),
        preset=args.preset,
        seed=_seed(args),
        max_tokens=args.max_tokens,
    )
    return _generate(args, request)


def run_recombine(args: argparse.Namespace) -> int:
    _check_counts(args.n, args.max_tokens)
    notes = tuple(n.strip() for n in args.note if n.strip())
    if not notes:
        raise UserError("recombine needs at least one note (--note TEXT)")
    request = GenerationRequest(
        source=read_text(args.text, required=len(notes) < 2),
        kind=VariantKind.RECOMBINE,
        n=args.n,
        notes=notes,
        angles=tuple(args.angle or ()),
        preset=args.preset,
        seed=_seed(args),
        max_tokens=args.max_tokens,
    )
    return _generate(args, request)


def run_bench_generation(args: argparse.Namespace) -> int:
    VARIANTS.check(args.n, "-n")
    TOKENS.check(args.tokens, "--tokens")
    from cardwriter.evaluation.generation_bench import run_generation_bench

    print(f"benchmarking {args.n} sequences x {args.tokens} tokens, {args.threads} threads ...", file=sys.stderr)
    result = run_generation_bench(
        n=args.n, tokens=args.tokens, model=args.model, seed=args.seed, threads=args.threads, preset=args.preset
    )
    if args.json:
        json.dump(result.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"model            {result.model} (prompt {result.prompt_tokens} tokens, {result.threads} threads)")
    print(
        f"(a) plain calls  {result.plain_seconds:8.2f} s  {result.plain_tokens:5d} tokens  {result.plain_tokens_per_s:7.1f} tok/s"
    )
    print(
        f"(b) batched      {result.batched_seconds:8.2f} s  {result.batched_tokens:5d} tokens  {result.batched_tokens_per_s:7.1f} tok/s"
    )
    print(f"speedup          {result.speedup:.2f}x  (b over a, tokens/s)")
    if result.ceiling_tokens_per_s is not None:
        print(
            f"ceiling          {result.ceiling_tokens_per_s:7.1f} tok/s warm, {result.ceiling_cold_tokens_per_s:.1f} "
            f"cold (llama-batched-bench): (b) at {result.ceiling_ratio:.0%} warm, {result.ceiling_cold_ratio:.0%} cold"
        )
    else:
        print("ceiling          not measured: build it with benchmarks/llama_batched_bench.sh")
    if result.decode_tokens_per_s is not None and result.batched_decode_share is not None:
        share = f": {result.decode_ceiling_ratio:.0%} of the ceiling" if result.decode_ceiling_ratio is not None else ""
        print(
            f"decode alone     {result.decode_tokens_per_s:7.1f} tok/s inside llama_decode, "
            f"{result.batched_decode_share:.0%} of (b)'s time{share}; the rest is sampling and bookkeeping"
        )
    if result.generating_tokens_per_s is not None and result.batched_prompt_seconds is not None:
        share = (
            f": {result.generating_ceiling_ratio:.0%} of the ceiling"
            if result.generating_ceiling_ratio is not None
            else ""
        )
        print(
            f"(b) generating   {result.generating_tokens_per_s:7.1f} tok/s without its {result.batched_prompt_seconds:.2f} s "
            f"of prompt tails (the ceiling is without its prompt){share}"
        )
    print(f"peak RSS         {result.peak_rss_mb_batched:.0f} MB after (b), {result.peak_rss_mb:.0f} MB overall")
    return 0
