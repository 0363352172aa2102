"""A project's drafts as a whole: list, add, rename, reorder and delete them; a draft's headings.

Chapters and several drafts per project are planned (issue 14); the command line
(``cardwriter drafts``) uses these now and the GUI will. Editing inside a draft is
``DraftSession``'s. A draft is named by its title (or its id); titles stay unique,
so a title always finds one draft: adding or renaming to a title another draft has
is refused, and an import takes the next free "title (2)" (``Project.add_draft``).
A project from before may hold two drafts of one title: naming that title is then
refused with their ids, and the id names the one meant.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardwriter.domain.model import Card
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.services.text_decoding import escaped, escaped_controls, has_lone_surrogates, unsafe_characters
from cardwriter.services.transfer import find_draft_id
from cardwriter.storage.project import DraftSummary, Project


def list_drafts(project: Project) -> list[DraftSummary]:
    """The drafts in order, with their card counts."""
    return project.drafts()


@dataclass(frozen=True)
class Heading:
    card_id: str
    level: int  # 1 for "# ", 2 for "## " ...
    title: str


def headings(cards: list[Card]) -> list[Heading]:
    """The cards that are Markdown headings ("# Chapter One"), in order: a draft's chapters and scenes."""
    found = []
    for card in cards:
        text = card.text.strip()
        marks = len(text) - len(text.lstrip("#"))
        if 1 <= marks <= 6 and (len(text) == marks or text[marks] == " "):
            found.append(Heading(card.id, marks, text[marks:].strip().splitlines()[0] if text[marks:].strip() else ""))
    return found


def _clean_title(project: Project, new_title: str, draft_id: str = "") -> str:
    title = " ".join(new_title.split())
    if not title:
        raise UserError("a draft needs a title with some words in it")
    if has_lone_surrogates(title):
        raise UserError(
            f"the title '{escaped(title)}' has bytes that are not UTF-8 text (shown as \\x escapes); "
            "give it in UTF-8 (is the terminal set to UTF-8?)"
        )
    unsafe = unsafe_characters(title)
    if unsafe:
        raise UserError(
            f"the title '{escaped_controls(title)}' holds control or text-direction characters "
            f"({', '.join(unsafe)}); a title is shown in terminals and lists: give one without them"
        )
    others = [d for d in project.drafts() if d.id != draft_id]
    if any(d.title == title for d in others):
        raise UserError(f"{project.path} already has a draft called '{title}'; choose another title")
    if any(d.id == title for d in others):
        raise UserError(
            f"'{title}' is the id of another draft in {project.path}, so the title would name two drafts; "
            "choose another title"
        )
    return title


def add_draft(project: Project, title: str) -> DraftSummary:
    """A new, empty draft at the end of the project, under a title no other draft has."""
    draft = draft_from_text(_clean_title(project, title), "")
    project.add_draft(draft)
    return next(d for d in project.drafts() if d.id == draft.id)


def move_draft(project: Project, title_or_id: str, index: int) -> list[DraftSummary]:
    """Put a draft at ``index`` (0 is first) in the project's order; returns the drafts in their new order."""
    project.move_draft(find_draft_id(project, title_or_id), index)
    return project.drafts()


def rename_draft(project: Project, title_or_id: str, new_title: str) -> DraftSummary:
    """Give a draft a new title; returns it renamed.

    The title is stripped of surrounding whitespace; an empty title, one another
    draft already has, or one with bytes that are not UTF-8 is refused (``UserError``)
    and nothing changes.
    """
    draft_id = find_draft_id(project, title_or_id)
    title = _clean_title(project, new_title, draft_id)
    project.rename_draft(draft_id, title)
    return next(d for d in project.drafts() if d.id == draft_id)


def delete_draft(project: Project, title_or_id: str) -> DraftSummary:
    """Delete a draft with its cards and their stacks (one transaction); returns what was deleted."""
    draft_id = find_draft_id(project, title_or_id)
    gone = next(d for d in project.drafts() if d.id == draft_id)
    project.delete_draft(draft_id)
    return gone
