"""Commands on project files: new, import, notes add, export, show, backup."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cardwriter.cli.numbers import BACKUPS, FROM_ONE, NOTES, WIDTH, whole
from cardwriter.cli.output import shown
from cardwriter.domain.counts import Counts, count_draft, count_project
from cardwriter.domain.model import Note
from cardwriter.errors import UserError
from cardwriter.services import backup, transfer
from cardwriter.services.backup import DEFAULT_KEEP
from cardwriter.services.documents import exchange
from cardwriter.services.documents.exchange import PdfWriter
from cardwriter.services.note_search import ProjectSearch
from cardwriter.services.notes_library import NotesLibrary
from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX, remove_project_file

if TYPE_CHECKING:
    from cardwriter.embedding.embedder import Embedder


def register(subparsers: argparse._SubParsersAction) -> None:
    new = subparsers.add_parser("new", help="create an empty project file")
    new.add_argument("project", type=Path, help=f"the new project file (*{SUFFIX})")
    new.set_defaults(handler=cmd_new)

    imp = subparsers.add_parser(
        "import",
        help="import a Markdown, text, Word or OpenDocument file as a draft (or a JSON export as a whole project)",
        description="Import FILE into PROJECT, creating PROJECT if it does not exist. A .md, .txt, .docx or "
        ".odt file becomes a new draft, one card per paragraph (document headings become '#' heading cards, "
        "bold and italic become Markdown; tables and images are skipped and named); a .json project export "
        "fills an empty project.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("project", type=Path)
    imp.set_defaults(handler=cmd_import)

    notes = subparsers.add_parser("notes", help="manage the notes library")
    notes_sub = notes.add_subparsers(title="notes commands", metavar="COMMAND", required=True)
    add = notes_sub.add_parser("add", help="add notes from files or folders of Markdown and text")
    add.add_argument("project", type=Path)
    add.add_argument("paths", type=Path, nargs="+", metavar="FILE_OR_FOLDER")
    add.add_argument("--split", action="store_true", help="one note per paragraph instead of one per file")
    add.set_defaults(handler=cmd_notes_add)

    listing = notes_sub.add_parser("list", help="list the notes, numbered, with their sources and tags")
    listing.add_argument("project", type=Path)
    listing.add_argument("--width", type=whole(WIDTH), default=72, help="characters of each note to show")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=cmd_notes_list)

    search = notes_sub.add_parser(
        "search",
        help="find notes by meaning and by the words in them",
        description="Rank the notes by meaning (all-MiniLM-L6-v2) and by plain-text match together. "
        "Note embeddings are cached in the project file, so later searches only embed the query.",
    )
    search.add_argument("project", type=Path)
    search.add_argument("query")
    search.add_argument("-k", type=whole(NOTES), default=10, help="at most this many notes (default 10)")
    search.add_argument("--width", type=whole(WIDTH), default=72, help="characters of each note to show")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(handler=cmd_notes_search)

    related = notes_sub.add_parser("related", help="the notes nearest in meaning to a card of a draft")
    related.add_argument("project", type=Path)
    related.add_argument(
        "--card",
        type=whole(FROM_ONE),
        required=True,
        metavar="N",
        help="card number, as 'cardwriter show' numbers them",
    )
    related.add_argument("--draft", metavar="TITLE", help=f"which draft, when the project has several: {NAMING}")
    related.add_argument("-k", type=whole(NOTES), default=3, help="at most this many notes (default 3)")
    related.add_argument("--width", type=whole(WIDTH), default=72, help="characters of each note to show")
    related.add_argument("--json", action="store_true", help="print JSON")
    related.set_defaults(handler=cmd_notes_related)

    export = subparsers.add_parser(
        "export", help="export a draft as Markdown, text, Word, OpenDocument, HTML or PDF, or the project as JSON"
    )
    export.add_argument("project", type=Path)
    export.add_argument(
        "--format",
        choices=transfer.EXPORT_FORMATS + exchange.DOCUMENT_FORMATS,
        default="md",
        help="docx, odt, html and pdf keep headings, paragraphs, bold and italic (default md)",
    )
    export.add_argument("--draft", metavar="TITLE", help=f"which draft, when the project has several: {NAMING}")
    export.add_argument("-o", "--output", type=Path, help="write here instead of to standard output")
    export.set_defaults(handler=cmd_export)

    backup = subparsers.add_parser(
        "backup",
        help="write a complete copy of a project (default: the backups folder, newest kept)",
        description="Copy PROJECT, everything committed included, to DEST: a new file, or a folder to "
        "put a timestamped copy in. Without DEST the copy goes to Cardwriter's backups folder for this "
        "project, where only the newest --keep copies are kept. Prints the path written.",
    )
    backup.add_argument("project", type=Path)
    backup.add_argument("dest", type=Path, nargs="?", help="a new file, or an existing folder")
    backup.add_argument(
        "--keep",
        type=whole(BACKUPS),
        default=DEFAULT_KEEP,
        help=f"copies kept in the backups folder (default {DEFAULT_KEEP})",
    )
    backup.set_defaults(handler=cmd_backup)

    show = subparsers.add_parser("show", help="list a project's drafts and cards with their stack sizes, and counts")
    show.add_argument("project", type=Path)
    show.add_argument("--width", type=whole(WIDTH), default=72, help="characters of each card to show")
    show.set_defaults(handler=cmd_show)


def cmd_new(args: argparse.Namespace) -> int:
    Project.create(args.project).close()
    print(f"created {shown(args.project)}", file=sys.stderr)
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
    print(shown(message), file=sys.stderr)
    return 0


def cmd_notes_add(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        result = NotesLibrary(project).add_files(args.paths, split=args.split)
    for problem in result.refused:
        print(f"cardwriter: skipped: {shown(problem)}", file=sys.stderr)
    print(f"added {len(result.added)} notes to {shown(args.project)}", file=sys.stderr)
    return 1 if result.refused else 0


NAMING = "its title or its id; id:ID names it by id alone (needed when that id is also another draft's title)"


def choose_draft(project: Project, title: str | None) -> str:
    """The service's "which draft?" rule, with the command line's own hint."""
    try:
        return transfer.choose_draft(project, title)
    except transfer.DraftChoiceNeeded as exc:
        raise UserError(f"{exc}: choose one with --draft TITLE") from exc
    except transfer.AmbiguousDraft as exc:
        raise UserError(f"{exc}{'' if exc.by_prefix else ' (--draft ID)'}") from exc  # id:ID is named already


def cmd_export(args: argparse.Namespace) -> int:
    if args.format in exchange.DOCUMENT_FORMATS:
        return _export_document(args)
    with Project.open(args.project) as project:
        draft_id = choose_draft(project, args.draft) if args.format != "json" else None
        if args.output is None:
            text = transfer.export_project(project, args.format, draft_id)
        else:
            transfer.export_to_file(project, args.output, args.format, draft_id)
    if args.output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        print(f"exported to {shown(args.output)}", file=sys.stderr)
    return 0


def _export_document(args: argparse.Namespace) -> int:
    """docx, odt, html or pdf: to a file (atomically), or to standard output when it is not a terminal."""
    binary = args.format != "html"
    if args.output is None and binary and sys.stdout.isatty():
        raise UserError(f"a {args.format} file is binary: give -o FILE (or redirect standard output)")
    pdf_writer: PdfWriter | None = None
    if args.format == "pdf":  # Qt draws the PDF; loaded only when asked for
        from cardwriter.gui.files.pdf_export import draft_pdf_bytes as pdf_writer
    with Project.open(args.project) as project:
        draft_id = choose_draft(project, args.draft)
        if args.output is None:
            data = exchange.document_bytes(project.load_draft(draft_id), args.format, pdf_writer)
        else:
            exchange.export_document(project, args.output, args.format, draft_id, pdf_writer)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"exported to {shown(args.output)}", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        if args.dest is None:
            written = backup.rotate(project, keep=args.keep)
        elif args.dest.is_dir():
            written = backup.rotate(project, args.dest, keep=None)
        else:
            written = backup.back_up(project, args.dest)
    print(f"backed up {shown(args.project)} to", file=sys.stderr)
    print(written)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        drafts = project.load_drafts()
        notes = len(project.notes())
    if not drafts:
        print(f"{shown(args.project)}: no drafts yet; {notes} notes")
    for draft in drafts:
        print(f"{shown(draft.title)}  ({len(draft.cards)} cards, {_counted(count_draft(draft))})")
        for number, card in enumerate(draft.cards, 1):
            print(f"{number:>5}  [{len(card.stack()):>2}]  {_one_line(card.text, args.width)}")
    if drafts:
        print(f"project: {len(drafts)} draft{'s' if len(drafts) != 1 else ''}, {_counted(count_project(drafts))}")
        print(f"{notes} notes")
    return 0


def _counted(counts: Counts) -> str:
    return f"{counts.words:,} words, {counts.characters:,} characters"


# -- notes list, search, related ---------------------------------------------


def open_note_embedder() -> Embedder:
    """The embedder notes are searched with (tests replace this)."""
    from cardwriter.embedding.cache import default_embedder

    return default_embedder()


def _one_line(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: max(1, width - 1)] + "…"


def _note_json(note: Note, number: int) -> dict[str, object]:
    return {
        "number": number,
        "id": note.id,
        "text": note.text,
        "source": note.source,
        "tags": list(note.tags),
        "created": note.created,
    }


def cmd_notes_list(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        notes = NotesLibrary(project).notes()
    if args.json:
        json.dump([_note_json(n, i) for i, n in enumerate(notes, 1)], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for number, note in enumerate(notes, 1):
        extra = "".join(
            [
                f"  — {_one_line(note.source, 40)}" if note.source else "",
                f"  [{', '.join(note.tags)}]" if note.tags else "",
            ]
        )
        print(f"{number:>5}  {_one_line(note.text, args.width)}{extra}")
    print(f"{len(notes)} notes", file=sys.stderr)
    return 0


def _print_hits(args: argparse.Namespace, found: ProjectSearch) -> None:
    print(f"embedded {found.embedded} notes, {found.cached} from the project's cache", file=sys.stderr)
    if args.json:
        rows = [
            {
                **_note_json(h.note, h.index + 1),
                "score": round(h.score, 4),
                "cosine": round(h.cosine, 4),
                "text_match": round(h.text_match, 4),
            }
            for h in found.hits
        ]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for hit in found.hits:
        print(f"{hit.index + 1:>5}  {hit.score:5.2f}  {_one_line(hit.note.text, args.width)}")
    if not found.hits:
        print("no notes found", file=sys.stderr)


def _check_k(k: int) -> None:
    NOTES.check(k, "-k")  # the parser checks it already: for a caller with its own arguments


def cmd_notes_search(args: argparse.Namespace) -> int:
    _check_k(args.k)
    with Project.open(args.project) as project:
        found = NotesLibrary(project).search(open_note_embedder(), args.query, limit=args.k)
    _print_hits(args, found)
    return 0


def cmd_notes_related(args: argparse.Namespace) -> int:
    _check_k(args.k)
    with Project.open(args.project) as project:
        draft_id = choose_draft(project, args.draft)
        card_ids = project.card_ids(draft_id)
        if not 1 <= args.card <= len(card_ids):
            raise UserError(
                f"the draft has cards 1 to {len(card_ids)}, not {args.card}; 'cardwriter show' numbers them"
            )
        paragraph = project.card(card_ids[args.card - 1]).text
        found = NotesLibrary(project).related(open_note_embedder(), paragraph, k=args.k)
    _print_hits(args, found)
    return 0
