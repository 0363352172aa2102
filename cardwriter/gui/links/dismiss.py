"""'Not Relevant' on a link card, as an undoable step: the link goes at once and is never offered again
for that paragraph (kept in the project file); undo brings it back, in its place."""

from __future__ import annotations

from cardwriter.domain.links import Link, LinkKind
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.undo_commands import SavingCommand
from cardwriter.services.projects import Project


class DismissLink(SavingCommand):
    def __init__(self, model: CardListModel, project: Project, card_id: str, link: Link):
        what = "note" if link.kind is LinkKind.NOTE else "echo"
        super().__init__(model, f"Set aside a linked {what}")
        self.project, self.card_id, self.link = project, card_id, link

    def do(self) -> None:
        self.project.dismiss_link(self.card_id, self.link.target_id)
        self.model.remove_link(self.card_id, self.link.target_id)

    def undo_it(self) -> None:
        self.project.restore_link(self.card_id, self.link.target_id)
        self.model.add_link(self.card_id, self.link)
