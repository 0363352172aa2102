"""Edit ▸ Mark as My Writing: the writer says a paragraph is theirs, whatever the model put in it.

A card marked "mine" joins the baseline of the writer's voice and its words
count as the writer's in the voice meter (``voice_meter``), even after
accepted variants. The mark is one undoable step (a ``SavingCommand``, so a
failed save is reported and refused like any other edit), and the action is a
check box: triggered again on a marked card, it takes the mark off. The
action itself is the menu's (``MainMenu.mark_mine``), handed in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction

from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.undo_commands import SavingCommand
from cardwriter.gui.workspace import Workspace


class MarkMine(SavingCommand):
    """Mark a card as the writer's own (or take the mark off); undo puts the old mark back."""

    def __init__(self, model: CardListModel, card_id: str, mine: bool, after: Callable[[], None]):
        super().__init__(model, "Mark as my writing" if mine else "Unmark as my writing")
        self.card_id, self.mine, self.after = card_id, mine, after
        self.was = card_id in model.session.project.mine_cards([card_id])

    def do(self) -> None:
        self._set(self.mine)

    def undo_it(self) -> None:
        self._set(self.was)

    def _set(self, mine: bool) -> None:
        self.model.session.project.set_mine(self.card_id, mine)
        self.after()


class MineMarker:
    """Keeps the menu's "Mark as My Writing" check box (``MainMenu.mark_mine``) for the card the writer is in."""

    def __init__(self, workspace: Workspace, action: QAction, after: Callable[[], None]):
        self.workspace, self.action, self.after = workspace, action, after
        action.setCheckable(True)
        action.triggered.connect(self.mark)

    def current_card(self) -> str:
        ws = self.workspace
        return ws.view.current_card_id() if ws.view is not None and ws.model is not None else ""

    def update(self) -> None:
        """Enabled on a card; checked when that card is marked (the window calls it as the menu opens)."""
        card_id = self.current_card()
        self.action.setEnabled(bool(card_id))
        project = self.workspace.project
        self.action.setChecked(bool(card_id) and project is not None and card_id in project.mine_cards([card_id]))

    def mark(self, mine: bool) -> None:
        card_id, model = self.current_card(), self.workspace.model
        if not card_id or model is None:
            return
        self.workspace.push(MarkMine(model, card_id, mine, self.after))
        self.workspace.say(
            "This paragraph counts as your own writing in your voice."
            if mine
            else "This paragraph counts by who wrote its words again.",
            5000,
        )
