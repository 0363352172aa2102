"""Edit ▸ Mark as My Writing: the writer says a paragraph is theirs, whatever the model put in it.

A card marked "mine" joins the baseline of the writer's voice and its words
count as the writer's in the voice meter (``voice_meter``), even after
accepted variants. The mark is one undoable step (a ``SavingCommand``, so a
failed save is reported and refused like any other edit), and the action is a
check box: triggered again on a marked card, it takes the mark off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.undo_commands import SavingCommand

if TYPE_CHECKING:
    from cardwriter.gui.shell.main_window import MainWindow

MARK_TEXT = "Mark as My &Writing"


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


def edit_menu(window: MainWindow) -> QMenu:
    """The window's Edit menu (built by ``main_menu``)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == "Edit":
            return menu
    raise LookupError("the main menu has no Edit menu")


class MineMarker:
    """The Edit menu's "Mark as My Writing" check box, for the card the writer is in."""

    def __init__(self, window: MainWindow, after: Callable[[], None]):
        self.window, self.after = window, after
        menu = edit_menu(window)
        self.action = QAction(MARK_TEXT, window)
        self.action.setCheckable(True)
        self.action.setToolTip(
            "Count this paragraph as your own writing in your voice's baseline and the voice meter, "
            "whatever the model put in it"
        )
        self.action.triggered.connect(self.mark)
        menu.addSeparator()
        menu.addAction(self.action)
        menu.aboutToShow.connect(self.update)

    def current_card(self) -> str:
        view = self.window.view
        return view.current_card_id() if view is not None and self.window.model is not None else ""

    def update(self) -> None:
        """Enabled on a card; checked when that card is marked."""
        card_id = self.current_card()
        self.action.setEnabled(bool(card_id))
        project = self.window.project
        self.action.setChecked(bool(card_id) and project is not None and card_id in project.mine_cards([card_id]))

    def mark(self, mine: bool) -> None:
        card_id, model = self.current_card(), self.window.model
        if not card_id or model is None:
            return
        self.window.push_stack_change(MarkMine(model, card_id, mine, self.after))
        self.window.status.showMessage(
            "This paragraph counts as your own writing in your voice."
            if mine
            else "This paragraph counts by who wrote its words again.",
            5000,
        )
