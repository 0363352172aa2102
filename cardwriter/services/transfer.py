"""Import and export: text files become drafts and notes; drafts and projects leave as files.

Importing is all-or-nothing per file: a file that cannot be read adds
nothing, and the project is left as it was. An imported draft is titled
after its file name (bytes that are not UTF-8 shown as ``\\xNN``); a title
the project already has gets a number, "chapter (2)", since a title must
find one draft.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cardwriter.domain.model import Draft, Note
from cardwriter.domain.paragraphs import draft_from_text, split_paragraphs
from cardwriter.errors import ImportRefused, UserError
from cardwriter.services import project_json
from cardwriter.services.documents import exchange
from cardwriter.services.text_decoding import escaped, escaped_controls, has_lone_surrogates
from cardwriter.services.text_files import (
    read_text,
    read_text_file,
    refuse_database_target,
    text_files_in,
    write_text_atomically,
)
from cardwriter.storage.project import Project

EXPORT_FORMATS = ("md", "txt", "json")


def import_draft(project: Project, path: Path, title: str | None = None) -> Draft:
    """Add the Markdown, text, .docx or .odt file at ``path`` to the project as a new draft."""
    return _import_draft(project, Path(path), title)[0]


def title_from_name(path: Path) -> str:
    """A draft title for the file at ``path``: its name without the suffix, on one line, printable and storable.

    Control and text-direction characters in the name are written as escapes (``\\x1b``), as bytes
    that are not UTF-8 are, so the title is safe to print.
    """
    return escaped_controls(" ".join(escaped(Path(path).stem).split())) or "Draft"


def _import_draft(project: Project, path: Path, title: str | None = None) -> tuple[Draft, str]:
    if exchange.is_document(path):  # .docx, .odt
        return exchange.import_document(project, path, title or title_from_name(path))[0], "UTF-8"
    decoded = read_text(path)
    draft = draft_from_text(title or title_from_name(path), decoded.text)
    project.add_draft(draft)  # gives the draft a free title: "chapter (2)"
    return draft, decoded.encoding


def import_project_json(project: Project, path: Path) -> None:
    """Fill an empty project from a JSON export (``export --format json``)."""
    path = Path(path)
    data = project_json.parse_project_json(read_text_file(path), str(path))
    project_json.load_project_dict(project, data, str(path))


def import_file(project: Project, path: Path) -> str:
    """Import by file type: a JSON export fills the project, anything else becomes a draft.

    Returns a one-line description of what was imported.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        import_project_json(project, path)
        return f"imported project export {path}"
    wanted = title_from_name(path)
    notes = []
    if exchange.is_document(path):
        draft, skipped = exchange.import_document(project, path, wanted)
        if skipped:
            notes.append(f"skipped {skipped}")
    else:
        draft, encoding = _import_draft(project, path, wanted)
        if encoding != "UTF-8":
            notes.append(f"read as {encoding}, exports will be UTF-8")
    if has_lone_surrogates(path.stem):
        notes.append("the file name has bytes that are not UTF-8; the title shows them as \\x escapes")
    if draft.title != wanted:
        taken_as = "whose id is" if any(d.id == wanted for d in project.drafts()) else "called"
        notes.append(f"the project already has a draft {taken_as} '{wanted}'")
    extra = "".join(f"; {note}" for note in notes)
    return f"imported {path} as draft '{draft.title}' ({len(draft.cards)} cards{extra})"


@dataclass
class NotesImport:
    added: list[Note] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one message per file that was skipped


def notes_from_text(text: str, source: str, split: bool) -> list[Note]:
    """One note for the whole text, or one per paragraph when ``split``."""
    if not split:
        return [Note(text=text.strip(), source=source)]
    _, blocks = split_paragraphs(text)
    return [Note(text=body.strip(), source=source) for body, _ in blocks if body.strip()]


def add_notes_from_paths(project: Project, paths: list[Path], split: bool = False) -> NotesImport:
    """Add each file (and each Markdown or text file inside each folder) as notes.

    A file that cannot be read is reported in ``refused`` and skipped; the
    others are added together in one transaction.
    """
    result = NotesImport()
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = text_files_in(path)
            if not inside:
                result.refused.append(f"{path} holds no Markdown or text files")
            files.extend(inside)
        else:
            files.append(path)
    for path in files:
        try:
            result.added.extend(notes_from_text(read_text_file(path), escaped(str(path)), split))
        except ImportRefused as exc:
            result.refused.append(str(exc))
    project.add_notes(result.added)
    return result


def export_draft_text(draft: Draft, fmt: str) -> str:
    """A draft as Markdown or plain text: the cards joined back exactly as imported."""
    if fmt not in ("md", "txt"):
        raise UserError(f"unknown draft format {fmt!r}; choose md or txt")
    return draft.text()


def export_project(project: Project, fmt: str, draft_id: str | None = None) -> str:
    """The text of an export: a draft as md or txt, or the whole project as json."""
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "json":
        return json.dumps(project_json.project_to_dict(project), ensure_ascii=False, indent=2) + "\n"
    return export_draft_text(project.load_draft(draft_id or choose_draft(project, None)), fmt)


def export_to_file(project: Project, path: Path, fmt: str, draft_id: str | None = None) -> None:
    """Write an export to ``path`` atomically; never onto the project itself or any other database."""
    path = Path(path)
    if os.path.realpath(path) == os.path.realpath(project.path):
        raise UserError(f"will not write the export over the project {project.path} itself; choose another file name")
    refuse_database_target(path)
    write_text_atomically(path, export_project(project, fmt, draft_id))


class DraftChoiceNeeded(UserError):
    """The project has several drafts and the caller named none; ``titles`` lists them."""

    def __init__(self, message: str, titles: list[str]):
        super().__init__(message)
        self.titles = titles


class AmbiguousDraft(UserError):
    """The name given could mean more than one draft; the message lists them with their ids.

    Either several drafts have the title (a project from before titles were
    kept unique), or it is one draft's id and another's title: then
    ``by_prefix`` is true and only the ``id:ID`` form names one for sure.
    """

    def __init__(self, message: str, by_prefix: bool = False):
        super().__init__(message)
        self.by_prefix = by_prefix


ID_PREFIX = "id:"  # "id:ID" names a draft by its id only, never by its title


def choose_draft(project: Project, title_or_id: str | None) -> str:
    """Which draft an action means: the one named (by id or title), or the only one there is.

    The one rule for "which draft?", shared by the GUI and the command line;
    its messages name no command-line flag (the CLI adds its own hint). A
    name is never settled by guessing: a title that several drafts have is
    refused with their ids, and so is a string that is one draft's id and
    another draft's title (``AmbiguousDraft``). ``id:ID`` names a draft by its
    id alone. A title given with bytes that are not UTF-8 also finds the draft
    whose title shows them escaped.
    """
    drafts = project.drafts()
    if title_or_id is not None:
        if title_or_id.startswith(ID_PREFIX):
            wanted = title_or_id[len(ID_PREFIX) :]
            by_prefix = [d for d in drafts if d.id == wanted]
            if by_prefix:
                return by_prefix[0].id
        by_id = [d for d in drafts if d.id == title_or_id]
        matching = [d for d in drafts if d.title in (title_or_id, escaped(title_or_id))]
        others = [d for d in matching if not by_id or d.id != by_id[0].id]
        if by_id and others:
            listed = "; ".join(f"'{d.title}' (id {d.id}, {d.card_count} cards)" for d in others)
            raise AmbiguousDraft(
                f"in {project.path}, '{escaped(title_or_id)}' is the id of the draft '{by_id[0].title}' "
                f"and the title of another: {listed}; name the one you mean by its id, "
                f"written {ID_PREFIX}ID (e.g. {ID_PREFIX}{by_id[0].id})",
                by_prefix=True,
            )
        if by_id:
            return by_id[0].id
        if len(matching) == 1:
            return matching[0].id
        if matching:
            which = "; ".join(f"id {d.id} ({d.card_count} cards)" for d in matching)
            raise AmbiguousDraft(
                f"{project.path} has {len(matching)} drafts called '{escaped(title_or_id)}' ({which}); "
                "name the one you mean by its id"
            )
        names = ", ".join(f"'{d.title}'" for d in drafts) or "none"
        raise UserError(f"{project.path} has no draft called '{escaped(title_or_id)}' (its drafts: {names})")
    if not drafts:
        raise UserError(f"{project.path} has no drafts yet; import a file first")
    if len(drafts) > 1:
        names = ", ".join(f"'{d.title}'" for d in drafts)
        raise DraftChoiceNeeded(
            f"{project.path} has {len(drafts)} drafts ({names}); say which one", [d.title for d in drafts]
        )
    return drafts[0].id


def find_draft_id(project: Project, title_or_id: str) -> str:
    """The id of the draft with this title or id (kept for callers written before ``choose_draft``)."""
    return choose_draft(project, title_or_id)
