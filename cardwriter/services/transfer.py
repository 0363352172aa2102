"""Import and export: text files become drafts and notes; drafts and projects leave as files.

Importing is all-or-nothing per file: a file that cannot be read adds
nothing, and the project is left as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cardwriter.domain.model import Draft, Note
from cardwriter.domain.paragraphs import draft_from_text, split_paragraphs
from cardwriter.errors import ImportRefused, UserError
from cardwriter.services import project_json
from cardwriter.services.text_files import read_text_file, text_files_in
from cardwriter.storage.project import Project

EXPORT_FORMATS = ("md", "txt", "json")


def import_draft(project: Project, path: Path, title: str | None = None) -> Draft:
    """Add the Markdown or text file at ``path`` to the project as a new draft."""
    path = Path(path)
    draft = draft_from_text(title or path.stem, read_text_file(path))
    project.add_draft(draft)
    return draft


def import_project_json(project: Project, path: Path) -> None:
    """Fill an empty project from a JSON export (``export --format json``)."""
    path = Path(path)
    text = read_text_file(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    project_json.load_project_dict(project, data, str(path))


def import_file(project: Project, path: Path) -> str:
    """Import by file type: a JSON export fills the project, anything else becomes a draft.

    Returns a one-line description of what was imported.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        import_project_json(project, path)
        return f"imported project export {path}"
    draft = import_draft(project, path)
    return f"imported {path} as draft {draft.title!r} ({len(draft.cards)} cards)"


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
            result.added.extend(notes_from_text(read_text_file(path), str(path), split))
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
    drafts = project.drafts()
    if not drafts:
        raise UserError(f"{project.path} has no drafts to export; import a file first")
    if draft_id is None:
        if len(drafts) > 1:
            names = ", ".join(repr(d.title) for d in drafts)
            raise UserError(f"{project.path} has {len(drafts)} drafts ({names}); choose one with --draft TITLE")
        draft_id = drafts[0].id
    return export_draft_text(project.load_draft(draft_id), fmt)


def find_draft_id(project: Project, title_or_id: str) -> str:
    for summary in project.drafts():
        if title_or_id in (summary.id, summary.title):
            return summary.id
    raise UserError(f"{project.path} has no draft called {title_or_id!r}; 'cardwriter show' lists them")
