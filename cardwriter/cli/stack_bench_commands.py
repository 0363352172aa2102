"""``cardwriter bench stack``: time to the first shown variant and to a full stack, against plain calls."""

from __future__ import annotations

import argparse
import json
import sys

from cardwriter.cli.numbers import FROM_ONE, STACK_VARIANTS, whole
from cardwriter.errors import UserError
from cardwriter.generation.setting_ranges import SEED, THREADS, cpu_cores
from cardwriter.services.fill_request import WriterAsk


def register_target(targets: argparse._SubParsersAction) -> None:
    stack = targets.add_parser(
        "stack",
        help="fill stacks with the app's defaults: first variant, full stack, cost and quality, against plain calls",
    )
    stack.add_argument(
        "--input",
        required=True,
        action="append",
        metavar="FILE.jsonl",
        help='paragraphs, one JSON object with a "text" a line (repeat for several files)',
    )
    stack.add_argument(
        "--half",
        choices=("tune", "report"),
        help="only the paragraphs whose id ends in an even number (tune) or an odd one (report)",
    )
    stack.add_argument("--ids", nargs="+", metavar="ID", help="only the paragraphs with these ids")
    stack.add_argument("--limit", type=whole(FROM_ONE), metavar="K", help="only the first K paragraphs")
    stack.add_argument(
        "-n",
        type=whole(STACK_VARIANTS),
        default=WriterAsk.wanted,
        help=f"variants in the stack, 1 to 32 (default {WriterAsk.wanted}, as the app)",
    )
    stack.add_argument(
        "--compare", action="store_true", help="also the classic way (no early stopping, no continuous batching)"
    )
    stack.add_argument("--no-plain", action="store_true", help="skip the plain-calls baseline")
    threads = min(2, cpu_cores())
    stack.add_argument("--threads", type=whole(THREADS), default=threads, help=f"CPU threads (default {threads})")
    stack.add_argument("--seed", type=whole(SEED), default=1234)
    stack.add_argument("--model", metavar="PATH", help="a .gguf file (default: the packaged model)")
    stack.add_argument(
        "--no-judge",
        action="store_true",
        help="do not judge the shown variants (our keepability rule and all-mpnet-base-v2 as a second judge)",
    )
    stack.add_argument("--json", action="store_true", help="print JSON (with every paragraph's variants)")
    stack.set_defaults(handler=run_bench_stack)


def run_bench_stack(args: argparse.Namespace) -> int:
    STACK_VARIANTS.check(args.n, "-n")  # the parser checks them already: for a caller with its own arguments
    if args.limit is not None:
        FROM_ONE.check(args.limit, "--limit")
    from cardwriter.embedding.cache import default_embedder
    from cardwriter.evaluation.diversity_input import half_of, load_paragraphs
    from cardwriter.evaluation.keep_judge import KeepJudge
    from cardwriter.evaluation.plain_calls import open_plain_llama
    from cardwriter.evaluation.second_embedder import load_second_embedder
    from cardwriter.evaluation.stack_bench import format_table, run_stack_bench
    from cardwriter.generation.llama import LlamaEngine

    paragraphs = [p for path in args.input for p in load_paragraphs(path)]
    if args.half is not None:
        paragraphs = half_of(paragraphs, args.half)
    if args.ids:
        paragraphs = [p for p in paragraphs if p.id in set(args.ids)]
    paragraphs = paragraphs[: args.limit] if args.limit is not None else paragraphs
    if not paragraphs:
        raise UserError(f"no paragraphs in the {args.half} half of the input")
    embedder = default_embedder()
    keep = None if args.no_judge else KeepJudge(embedder, load_second_embedder())
    engine = LlamaEngine(args.model, n_threads=args.threads)
    path = str(engine.weights)  # the file the engine runs: both sides on the same weights
    plain = None if args.no_plain else (lambda: open_plain_llama(path, args.threads))
    bench = run_stack_bench(
        engine,
        embedder,
        paragraphs,
        n=args.n,
        seed=args.seed,
        compare=args.compare,
        plain=plain,
        progress=lambda label: print(label, file=sys.stderr),
        keep=keep,
    )
    if args.json:
        json.dump(bench.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(format_table(bench))
    return 0
