"""A project's drafts as a whole: list, rename and delete them.

Chapters and several drafts per project are planned (issue 14); the command line
(``cardwriter drafts``) uses these now and the GUI will. Editing inside a draft is
``DraftSession``'s. A draft is named by its title (or its id); titles stay unique,
so a title always finds one draft.
"""

from __future__ import annotations

from cardwriter.errors import UserError
from cardwriter.services.transfer import find_draft_id
from cardwriter.storage.project import DraftSummary, Project


def list_drafts(project: Project) -> list[DraftSummary]:
    """The drafts in order, with their card counts."""
    return project.drafts()


def rename_draft(project: Project, title_or_id: str, new_title: str) -> DraftSummary:
    """Give a draft a new title; returns it renamed.

    The title is stripped of surrounding whitespace; an empty title or one another
    draft already has is refused (``UserError``) and nothing changes.
    """
    draft_id = find_draft_id(project, title_or_id)
    title = " ".join(new_title.split())
    if not title:
        raise UserError("a draft needs a title with some words in it")
    clash = next((d for d in project.drafts() if d.title == title and d.id != draft_id), None)
    if clash is not None:
        raise UserError(f"{project.path} already has a draft called {title!r}; choose another title")
    project.rename_draft(draft_id, title)
    return next(d for d in project.drafts() if d.id == draft_id)


def delete_draft(project: Project, title_or_id: str) -> DraftSummary:
    """Delete a draft with its cards and their stacks (one transaction); returns what was deleted."""
    draft_id = find_draft_id(project, title_or_id)
    gone = next(d for d in project.drafts() if d.id == draft_id)
    project.delete_draft(draft_id)
    return gone
