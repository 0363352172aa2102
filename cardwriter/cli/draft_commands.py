"""``cardwriter drafts list|rename|delete``: a project's drafts as a whole."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardwriter.cli.output import shown
from cardwriter.cli.project_commands import NAMING
from cardwriter.services import drafts
from cardwriter.services.transfer import choose_draft
from cardwriter.storage.project import Project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("drafts", help="list, rename or delete a project's drafts")
    commands = parser.add_subparsers(title="drafts commands", metavar="COMMAND", required=True)

    listing = commands.add_parser("list", help="the drafts, numbered, with their card counts")
    listing.add_argument("project", type=Path)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=cmd_list)

    rename = commands.add_parser(
        "rename", help="give a draft a new title (one no other draft has; a title in use is refused)"
    )
    rename.add_argument("project", type=Path)
    rename.add_argument("draft", metavar="TITLE", help=f"which draft: {NAMING}")
    rename.add_argument("new_title", metavar="NEW_TITLE")
    rename.set_defaults(handler=cmd_rename)

    delete = commands.add_parser("delete", help="delete a draft with its cards and their stacks")
    delete.add_argument("project", type=Path)
    delete.add_argument("draft", metavar="TITLE", help=f"which draft: {NAMING}")
    delete.set_defaults(handler=cmd_delete)


def cmd_list(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        found = drafts.list_drafts(project)
    if args.json:
        rows = [{"number": i, "id": d.id, "title": d.title, "cards": d.card_count} for i, d in enumerate(found, 1)]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    shared = {d.title for d in found if sum(other.title == d.title for other in found) > 1}
    for number, draft in enumerate(found, 1):
        name_by = f"  id {draft.id}" if draft.title in shared else ""  # a title two drafts share names neither
        print(f"{number:>5}  {shown(draft.title)}  ({draft.card_count} cards){name_by}")
    print(f"{len(found)} drafts", file=sys.stderr)
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        renamed_from = project.load_draft(choose_draft(project, args.draft)).title
        renamed = drafts.rename_draft(project, args.draft, args.new_title)
    print(f"renamed '{shown(renamed_from)}' to '{shown(renamed.title)}'", file=sys.stderr)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        gone = drafts.delete_draft(project, args.draft)
    print(f"deleted '{shown(gone.title)}' ({gone.card_count} cards) from {shown(args.project)}", file=sys.stderr)
    return 0
