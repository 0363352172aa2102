"""Commands on project files: new, import, notes add, export, show."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cardwriter.services import transfer
from cardwriter.services.text_files import write_text_atomically
from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX, remove_project_file


def register(subparsers: argparse._SubParsersAction) -> None:
    new = subparsers.add_parser("new", help="create an empty project file")
    new.add_argument("project", type=Path, help=f"the new project file (*{SUFFIX})")
    new.set_defaults(handler=cmd_new)

    imp = subparsers.add_parser(
        "import",
        help="import a Markdown or text file as a draft (or a JSON export as a whole project)",
        description="Import FILE into PROJECT, creating PROJECT if it does not exist. A .md or .txt "
        "file becomes a new draft, one card per paragraph; a .json project export fills an empty project.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("project", type=Path)
    imp.set_defaults(handler=cmd_import)

    notes = subparsers.add_parser("notes", help="manage the notes library")
    notes_sub = notes.add_subparsers(title="notes commands", metavar="COMMAND", required=True)
    add = notes_sub.add_parser("add", help="add notes from files or folders of Markdown and text")
    add.add_argument("project", type=Path)
    add.add_argument("paths", type=Path, nargs="+", metavar="FILE_OR_FOLDER")
    add.add_argument(
        "--split", action="store_true", help="one note per paragraph instead of one per file"
    )
    add.set_defaults(handler=cmd_notes_add)

    export = subparsers.add_parser("export", help="export a draft as Markdown or text, or the project as JSON")
    export.add_argument("project", type=Path)
    export.add_argument("--format", choices=transfer.EXPORT_FORMATS, default="md")
    export.add_argument("--draft", metavar="TITLE", help="which draft, when the project has several")
    export.add_argument("-o", "--output", type=Path, help="write here instead of to standard output")
    export.set_defaults(handler=cmd_export)

    show = subparsers.add_parser("show", help="list a project's drafts and cards with their stack sizes")
    show.add_argument("project", type=Path)
    show.add_argument("--width", type=int, default=72, help="characters of each card to show")
    show.set_defaults(handler=cmd_show)


def cmd_new(args: argparse.Namespace) -> int:
    Project.create(args.project).close()
    print(f"created {args.project}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    created = not args.project.exists()
    project = Project.create(args.project) if created else Project.open(args.project)
    try:
        message = transfer.import_file(project, args.file)
    except BaseException:
        project.close()
        if created:  # leave no empty project behind for an import that failed
            remove_project_file(args.project)
        raise
    project.close()
    print(message, file=sys.stderr)
    return 0


def cmd_notes_add(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        result = transfer.add_notes_from_paths(project, args.paths, split=args.split)
    for problem in result.refused:
        print(f"cardwriter: skipped: {problem}", file=sys.stderr)
    print(f"added {len(result.added)} notes to {args.project}", file=sys.stderr)
    return 1 if result.refused else 0


def cmd_export(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        draft_id = transfer.find_draft_id(project, args.draft) if args.draft else None
        text = transfer.export_project(project, args.format, draft_id)
    if args.output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        write_text_atomically(args.output, text)
        print(f"exported to {args.output}", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        drafts = project.load_drafts()
        notes = len(project.notes())
    if not drafts:
        print(f"{args.project}: no drafts yet; {notes} notes")
    for draft in drafts:
        print(f"{draft.title}  ({len(draft.cards)} cards)")
        for number, card in enumerate(draft.cards, 1):
            line = " ".join(card.text.split())
            if len(line) > args.width:
                line = line[: args.width - 1] + "…"
            print(f"{number:>5}  [{len(card.stack()):>2}]  {line}")
    if drafts:
        print(f"{notes} notes")
    return 0
