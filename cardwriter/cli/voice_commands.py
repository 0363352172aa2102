"""``cardwriter voice PROJECT``: the voice meter of a draft, its history, and a plot of it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardwriter.cli.output import shown
from cardwriter.cli.project_commands import NAMING
from cardwriter.errors import UserError
from cardwriter.services import transfer, voice_meter
from cardwriter.storage.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "voice", help="how much of a draft came from the model, and how far it sits from your own voice"
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--draft", metavar="TITLE", help=f"which draft (default: the first): {NAMING}")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--plot", type=Path, metavar="OUT.png", help="draw the history as a PNG (Qt, offscreen)")
    parser.set_defaults(handler=cmd_voice)


def cmd_voice(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        try:
            draft_id = voice_meter.find_draft(project, args.draft)
        except transfer.AmbiguousDraft as exc:
            raise UserError(f"{exc}{'' if exc.by_prefix else ' (--draft ID)'}") from exc
        reading = voice_meter.measure(project, draft_id)
        history = project.voice_points(draft_id)
    if args.plot is not None:
        from cardwriter.gui.voice.voice_plot import (
            save_history_png,  # Qt only when a plot is asked for
        )

        save_history_png(history, args.plot)
        print(f"wrote {shown(args.plot)}", file=sys.stderr)
    if args.json:
        data = reading.as_dict() | {
            "draft_id": draft_id,
            "history": [{"at": p.at, "model_share": p.model_share, "distance": p.distance} for p in history],
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    distance = "n/a" if reading.distance is None else f"{reading.distance:.2f}"
    print(
        f"{shown(reading.title)}: {reading.model_words} of {reading.words} words from the model "
        f"({reading.model_share:.0%}); distance from your voice {distance} "
        f"(1.0 = as different as your own paragraphs; baseline {reading.baseline_paragraphs} paragraphs)"
    )
    if reading.distance is None and reading.baseline_paragraphs == 0:
        print("too few paragraphs of your own for a baseline (3 needed)", file=sys.stderr)
    for point in history:
        d = "n/a" if point.distance is None else f"{point.distance:.2f}"
        print(f"  {point.at}  model {point.model_share:.0%}  distance {d}")
    return 0
