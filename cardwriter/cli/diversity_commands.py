"""``cardwriter diversity``: our stack-filling pipeline against other apps' default samplers."""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cardwriter.cli.numbers import FROM_ONE, MMR_LAMBDA, OVERGENERATE, REPORT_VARIANTS, number, whole
from cardwriter.errors import UserError
from cardwriter.evaluation import diversity_run
from cardwriter.evaluation.diversity_input import load_paragraphs
from cardwriter.evaluation.diversity_plot import plot
from cardwriter.evaluation.diversity_render import format_markdown, format_table
from cardwriter.evaluation.diversity_scores import ParagraphResult
from cardwriter.generation.presets import AUTO, PRESETS
from cardwriter.generation.setting_ranges import SEED, THREADS
from cardwriter.safe_write import check_target, open_append
from cardwriter.services.stack_filling import FillRequest

if TYPE_CHECKING:
    from cardwriter.embedding.embedder import Embedder
    from cardwriter.generation.protocol import TextGenerator

PROGRESS_WIDTH = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diversity",
        help="measure how different and usable variants are: our pipeline against other apps' samplers",
        description=(
            'For each paragraph of FILE.jsonl (one {"text": ...} object a line) get N variants per preset: '
            "'ours' is the full stack-filling pipeline (over-generate, filter, deduplicate, MMR); "
            "llamacpp-default, ollama-default and neutral are N plain rewrites with those apps' default samplers. "
            "Prints a table of diversity metrics; optionally Markdown, JSON and a bar chart."
        ),
    )
    parser.add_argument(
        "--input", required=True, metavar="FILE.jsonl", help='paragraphs, one JSON object with "text" a line'
    )
    parser.add_argument(
        "-n", type=whole(REPORT_VARIANTS), default=8, help="variants per paragraph and preset, 2 to 64 (default 8)"
    )
    parser.add_argument(
        "--presets",
        default=",".join(diversity_run.DEFAULT_PRESETS),
        metavar="LIST",
        help=f"comma-separated presets to compare (default {','.join(diversity_run.DEFAULT_PRESETS)})",
    )
    parser.add_argument("--limit", type=whole(FROM_ONE), metavar="K", help="only the first K paragraphs")
    parser.add_argument(
        "--ours-preset",
        default=diversity_run.OURS_PRESET,
        metavar="PRESET",
        help=f"sampler preset of the pipeline's candidates (default {diversity_run.OURS_PRESET})",
    )
    parser.add_argument(
        "--overgenerate",
        type=number(OVERGENERATE),
        default=diversity_run.OURS_OVERGENERATE,
        metavar="X",
        help=f"the pipeline generates X times the variants wanted per round (default {diversity_run.OURS_OVERGENERATE:g})",
    )
    parser.add_argument(
        "--mmr-lambda",
        type=number(MMR_LAMBDA),
        default=diversity_run.OURS_MMR_LAMBDA,
        metavar="L",
        help=f"MMR weight of relevance against novelty, 0 to 1 (default {diversity_run.OURS_MMR_LAMBDA:g})",
    )
    parser.add_argument("--seed", type=whole(SEED), default=1234, help="base seed (default 1234)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the whole report (with every variant) as JSON")
    out.add_argument("--markdown", action="store_true", help="print the report as Markdown")
    parser.add_argument("--plot", metavar="OUT.png", help="draw a bar chart of the metrics to this PNG file")
    parser.add_argument(
        "--details", metavar="OUT.jsonl", help="append each paragraph's scored variants here as they finish"
    )
    parser.add_argument("--model", metavar="PATH|URL", help="a .gguf file, or an OpenAI-compatible server URL")
    parser.add_argument(
        "--threads", type=whole(THREADS), help="CPU threads for the local model (1 to this computer's cores)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument(
        "--judge",
        action="store_true",
        help="judge every shown variant as a writer would: our keepability rule and all-mpnet-base-v2 as a "
        "second judge (keepable, invented names and numbers, labels)",
    )
    parser.set_defaults(handler=run_diversity)


def open_embedder() -> Embedder:
    """The embedder the report scores with (tests replace this)."""
    import os

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # our own bar is the only one on stderr
    from cardwriter.embedding.cache import default_embedder

    return default_embedder()


def open_generator(model: str | None, threads: int | None) -> TextGenerator:
    from cardwriter.generation import factory

    return factory.open_generator(model, n_threads=threads)


class ProgressBar:
    """A one-line progress bar on stderr: count, bar, elapsed and remaining time, current step."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        import time

        self._time = time.perf_counter
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = self._time()
        self._draw("starting")

    def step(self, label: str) -> None:
        self.done += 1
        self._draw(label)

    def _draw(self, label: str) -> None:
        if not self.enabled:
            return
        elapsed = self._time() - self.started
        filled = int(PROGRESS_WIDTH * self.done / self.total)
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        bar = "#" * filled + "." * (PROGRESS_WIDTH - filled)
        line = f"[{bar}] {self.done}/{self.total} {_clock(elapsed)} elapsed, ~{_clock(eta)} left  {label[:40]:<40}"
        # On a terminal the bar redraws in place; in a log file each step is a line.
        tty = getattr(self.stream, "isatty", lambda: False)()
        self.stream.write("\r" + line if tty else line.rstrip() + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and getattr(self.stream, "isatty", lambda: False)():
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else f"{seconds // 60}:{seconds % 60:02d}"
    )


def run_diversity(args: argparse.Namespace) -> int:
    REPORT_VARIANTS.check(args.n, "-n")  # the parser checks the numbers already: for a caller with its own
    if args.limit is not None:
        FROM_ONE.check(args.limit, "--limit")
    if args.plot and not args.plot.lower().endswith(".png"):
        raise UserError(f"--plot writes a PNG; give a file name ending in .png, not {args.plot}")
    if args.plot:
        check_target(Path(args.plot))  # refused now, not after the whole run
    presets = diversity_run.check_presets(args.presets.split(","))
    paragraphs = load_paragraphs(args.input, args.limit)
    if args.ours_preset not in PRESETS and args.ours_preset != AUTO:
        raise UserError(f"--ours-preset must be one of our presets: {', '.join(PRESETS)}")
    OVERGENERATE.check(args.overgenerate, "--overgenerate")
    MMR_LAMBDA.check(args.mmr_lambda, "--mmr-lambda")
    ours = FillRequest.build(
        source="", preset=args.ours_preset, overgenerate=args.overgenerate, mmr_lambda=args.mmr_lambda
    )
    config = diversity_run.ReportConfig(n=args.n, presets=presets, seed=args.seed, ours=ours)

    # Whatever happens (a failure, Ctrl+C), the details file is closed, the model released
    # and the bar's line ended: the cleanup runs in the reverse order of these steps.
    with contextlib.ExitStack() as cleanup:
        details = cleanup.enter_context(open_append(args.details)) if args.details else None
        generator = open_generator(args.model, args.threads)
        close = getattr(generator, "close", None)
        if close is not None:
            cleanup.callback(close)
        embedder = open_embedder()
        keep = None
        if args.judge:
            from cardwriter.evaluation.keep_judge import KeepJudge
            from cardwriter.evaluation.second_embedder import load_second_embedder

            keep = KeepJudge(embedder, load_second_embedder())
        bar = ProgressBar(len(paragraphs) * len(presets), enabled=not args.no_progress)
        cleanup.callback(bar.close)
        cancel = threading.Event()

        def save(result: ParagraphResult) -> None:
            if details is not None:
                details.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
                details.flush()

        try:
            report = diversity_run.run_report(
                generator, embedder, paragraphs, config, progress=bar.step, on_result=save, cancel=cancel, keep=keep
            )
        except KeyboardInterrupt:
            cancel.set()
            raise

    if args.plot:
        plot(report, args.plot)
        print(f"chart written to {args.plot}", file=sys.stderr)
    if args.json:
        json.dump(report.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        command = (
            "cardwriter " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["diversity"] else None
        )
        sys.stdout.write(format_markdown(report, command))
    else:
        print(format_table(report))
    return 0
