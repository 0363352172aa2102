"""``cardwriter echoes PROJECT``: paragraphs that say again what another paragraph already says."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cardwriter.cli.output import shown
from cardwriter.cli.project_commands import NAMING, choose_draft
from cardwriter.services import echoes
from cardwriter.storage.project import Project

if TYPE_CHECKING:
    from cardwriter.embedding.embedder import Embedder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "echoes", help="pairs of paragraphs that say the same thing in other words, across all drafts"
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--draft", metavar="TITLE", help=f"only echoes with a paragraph in this draft: {NAMING}")
    parser.add_argument(
        "--min-similarity",
        type=similarity,
        default=echoes.ECHO_MIN_SIMILARITY,
        metavar="X",
        help=f"offer pairs from this cosine up (default {echoes.ECHO_MIN_SIMILARITY}; 1.0 = same meaning)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=cmd_echoes)


def similarity(text: str) -> float:
    """A similarity bar from -1 to 1 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not -1.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from -1 to 1, not {text}")
    return value


def open_echo_embedder() -> Embedder:
    """The embedder paragraphs are compared with (tests replace this)."""
    from cardwriter.embedding.cache import default_embedder

    return default_embedder()


def cmd_echoes(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        draft_id = choose_draft(project, args.draft) if args.draft is not None else None
        report = echoes.find_echoes(
            project, open_echo_embedder(), draft_id=draft_id, min_similarity=args.min_similarity
        )
    print(
        f"compared {report.cards} paragraphs (embedded {report.embedded}, {report.cached} from the project's cache)",
        file=sys.stderr,
    )
    if args.json:
        json.dump([e.as_dict() for e in report.echoes], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for number, echo in enumerate(report.echoes, 1):
        if number > 1:
            print()
        print(f"{number}. similarity {echo.similarity:.2f}")
        for card in (echo.first, echo.second):
            print(f"  {shown(card.draft_title)}, card {card.position + 1}:")
            print(f"    {shown(card.text)}")
    count = len(report.echoes)
    print(f"{count} echo{'es' if count != 1 else ''} found", file=sys.stderr)
    return 0
