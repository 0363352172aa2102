"""Stacks meet the draft: unfurling one under its paragraph, and what the writer does with its variants.

The draft view places the unfurled stack; the generation controller writes
variants; the undo stack changes cards. This connects them: a click on a
peek (or Ctrl+Space) unfurls a stack, Alt+1…4 reach the unfurled one,
Accept, Pin and Discard go through the undo stack, Refine and More variants
through the generation controller. While a stack is unfurled it follows its
card: new variants, progress and accepted text show at once (and count as
seen: the peek's "new" mark clears when a stack is unfurled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject

from cardwriter.domain.model import VariantKind
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.stack.unfurled_stack import UnfurledStack

if TYPE_CHECKING:
    from cardwriter.gui.shell.main_window import MainWindow


class StackActions(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window

    @property
    def panel(self) -> UnfurledStack | None:
        """The unfurled stack on show, if any."""
        view = self.window.view
        widget = view.unfurled_widget() if view is not None else None
        return widget if isinstance(widget, UnfurledStack) else None

    def attach(self) -> None:
        """Connect a freshly shown draft's view and model."""
        view, model = self.window.view, self.window.model
        if view is None or model is None:
            return
        view.peek_clicked.connect(self.unfurl)
        view.folded.connect(self._folded)
        model.dataChanged.connect(self._data_changed)

    # -- unfurling -----------------------------------------------------------------

    def toggle(self) -> None:
        """Ctrl+Space: fold the unfurled stack, or unfurl the current card's."""
        view = self.window.view
        if view is None:
            return
        if view.unfurled_id():
            view.fold()
        elif view.current_card_id():
            self.unfurl(view.current_card_id())
        self.window.menu.unfurl.setChecked(bool(view.unfurled_id()))

    def unfurl(self, card_id: str) -> None:
        window = self.window
        view, model = window.view, window.model
        if view is None or model is None or model.row_of(card_id) is None:
            return
        window.save_typing()
        # The panel lives in this draft's view, so its requests are for this draft's model.
        panel = UnfurledStack(card_id, window.backend.angles, window.prefs.show_changes)
        panel.closeness = window.voice.closenesses  # each variant card's "voice" mark
        panel.accept_requested.connect(lambda c, v: window.push_stack_change(undo_commands.accept(model, c, v)))
        panel.pin_requested.connect(lambda c, v, p: window.push_stack_change(undo_commands.pin(model, c, v, p)))
        panel.discard_requested.connect(lambda c, v: window.push_stack_change(undo_commands.discard(model, c, v)))
        panel.refine_requested.connect(window.generation.refine)
        panel.generate_requested.connect(lambda c, k, a: window.generation.generate(c, VariantKind(k), a or None))
        panel.cancel_requested.connect(window.generation.cancel)
        panel.fold_requested.connect(self.fold)
        panel.show_changes_toggled.connect(self._remember_show_changes)
        self._refresh(panel)
        view.unfurl(card_id, panel)
        window.menu.unfurl.setChecked(True)
        panel.setFocus()

    def fold(self) -> None:
        view = self.window.view
        if view is not None:
            view.fold()

    def _folded(self, card_id: str) -> None:
        self.window.menu.unfurl.setChecked(False)
        view = self.window.view
        if view is not None and view.current_card_id() == card_id:
            view.write_in(card_id)  # back to writing in the paragraph

    # -- keeping the unfurled stack up to date -----------------------------------------

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        panel, model = self.panel, self.window.model
        if panel is None or model is None:
            return
        row = model.row_of(panel.card_id)
        if row is not None and top_left.row() <= row <= bottom_right.row():
            self._refresh(panel)

    def refresh(self) -> None:
        if self.panel is not None:
            self._refresh(self.panel)

    def _refresh(self, panel: UnfurledStack) -> None:
        model = self.window.model
        if model is None:
            return
        index = model.index_of_card(panel.card_id)
        if not index.isValid():
            return
        if index.data(CardRole.NEW_COUNT):
            model.mark_seen(panel.card_id)  # on show, variants are not new any more
        panel.show_stack(
            index.data(CardRole.STACK),
            model.card_at(index.row()).text,
            bool(index.data(CardRole.BUSY)),
            index.data(CardRole.PROGRESS),
        )

    def accept_shown(self, n: int) -> bool:
        """Alt+1…4: accept the ``n``-th variant (from 0) of the unfurled stack."""
        if self.panel is None:
            self.window.statusBar().showMessage("Unfurl a stack first (click it, or Ctrl+Space).", 4000)
            return False
        return self.panel.accept_shown(n)

    def _remember_show_changes(self, on: bool) -> None:
        window = self.window
        window.prefs.show_changes = on
        window.settings.save_preferences(window.prefs)
