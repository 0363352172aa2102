"""Stacks meet the draft: unfurling one under its paragraph, and what the writer does with its variants.

The draft view places the unfurled stack; the generation controller writes
variants; the undo stack changes cards. This connects them: a click on a
peek (or Ctrl+Space) unfurls a stack, Alt+1…4 reach the unfurled one,
Accept, Pin and Discard go through the workspace's undo stack, Refine and More variants
through the generation controller, which is told the cards the writer is on and has unfurled
(their fills go first). While a stack is unfurled it follows its
card: new variants, progress and accepted text show at once (and count as
seen: the peek's "new" mark clears when a stack is unfurled). It follows the
``Workspace`` itself: each shown draft's view and model are connected here.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit

from cardwriter.domain.model import VariantKind
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.stack.generation_controller import GenerationController
from cardwriter.gui.stack.unfurled_stack import Closeness, UnfurledStack
from cardwriter.gui.workspace import Workspace

TEXT_FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)  # where the writer may be typing


class StackActions(QObject):
    """Unfurling stacks and acting on their variants, in the workspace's shown draft.

    ``generation`` refines and writes more variants; ``angles`` are the restyle
    angles the unfurled stack offers; ``closeness`` (optional) gives each shown
    variant its closeness to the writer's voice. ``unfurled_changed`` says whether a
    stack is unfurled now (the window checks its menu's Unfurl Stack item with it).
    """

    unfurled_changed = Signal(bool)

    def __init__(
        self,
        workspace: Workspace,
        generation: GenerationController,
        angles: list[str],
        closeness: Closeness | None = None,
    ):
        super().__init__(workspace)
        self.workspace, self.generation = workspace, generation
        self.angles, self.closeness = angles, closeness
        workspace.draft_shown.connect(self.attach)
        generation.stacks_changed.connect(self.refresh)
        generation.unfurl_wanted.connect(self._unfurl_by_itself)
        if workspace.view is not None:  # made while a draft is shown: catch up
            self.attach(workspace.view)

    @property
    def panel(self) -> UnfurledStack | None:
        """The unfurled stack on show, if any."""
        view = self.workspace.view
        widget = view.unfurled_widget() if view is not None else None
        return widget if isinstance(widget, UnfurledStack) else None

    def attach(self, view: DraftView) -> None:
        """Connect a freshly shown draft's view and model."""
        view.peek_clicked.connect(self.unfurl)
        view.folded.connect(self._folded)
        view.current_card_changed.connect(self._attend)
        self._attend()
        view.card_model().dataChanged.connect(self._data_changed)

    # -- unfurling -----------------------------------------------------------------

    def toggle(self) -> None:
        """Ctrl+Space: fold the unfurled stack, or unfurl the current card's."""
        view = self.workspace.view
        if view is None:
            return
        if view.unfurled_id():
            view.fold()
        elif view.current_card_id():
            self.unfurl(view.current_card_id())
        self.unfurled_changed.emit(bool(view.unfurled_id()))

    def unfurl(self, card_id: str, by_itself: bool = False) -> None:
        """Unfurl ``card_id``'s stack and give it the keyboard; ``by_itself`` (no click asked for it): its
        fill's variants take their places while they come, and a text field keeps the keyboard."""
        workspace, generation = self.workspace, self.generation
        view, model = workspace.view, workspace.model
        if view is None or model is None or model.row_of(card_id) is None:
            return
        workspace.save_typing()
        # The panel lives in this draft's view, so its requests are for this draft's model.
        panel = UnfurledStack(card_id, self.angles, workspace.prefs.show_changes, closeness=self.closeness)
        panel.accept_requested.connect(lambda c, v: workspace.push(undo_commands.accept(model, c, v)))
        panel.pin_requested.connect(lambda c, v, p: workspace.push(undo_commands.pin(model, c, v, p)))
        panel.discard_requested.connect(lambda c, v: workspace.push(undo_commands.discard(model, c, v)))
        panel.refine_requested.connect(generation.refine)
        panel.generate_requested.connect(lambda c, k, a: generation.generate(c, VariantKind(k), a or None))
        panel.cancel_requested.connect(generation.cancel)
        panel.fold_requested.connect(self.fold)
        panel.show_changes_toggled.connect(self._remember_show_changes)
        if by_itself:
            panel.follow_fill()
        self._refresh(panel)
        view.unfurl(card_id, panel)
        self._attend()
        self.unfurled_changed.emit(True)
        if not (by_itself and isinstance(QApplication.focusWidget(), TEXT_FIELDS)):
            panel.setFocus()

    def _unfurl_by_itself(self, card_id: str) -> None:
        """A dropped note's first fusion is in: unfurl its stack, unless that would take something from the
        writer (typing in another card, or another stack unfurled); then only the peek says new."""
        view = self.workspace.view
        if view is None or view.unfurled_id():
            return
        editor = view.editor()
        if editor is None or view.editing_id() == card_id or not editor.hasFocus():
            self.unfurl(card_id, by_itself=True)

    def fold(self) -> None:
        view = self.workspace.view
        if view is not None:
            view.fold()

    def _attend(self, *_: object) -> None:
        """Tell the generation which cards the writer is on or has unfurled: their fills go first."""
        view = self.workspace.view
        if view is not None:
            self.generation.attend_to(view.current_card_id(), view.unfurled_id())

    def _folded(self, card_id: str) -> None:
        self._attend()
        self.unfurled_changed.emit(False)
        view = self.workspace.view
        if view is not None and view.current_card_id() == card_id:
            view.write_in(card_id)  # back to writing in the paragraph

    # -- keeping the unfurled stack up to date -----------------------------------------

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        panel, model = self.panel, self.workspace.model
        if panel is None or model is None:
            return
        row = model.row_of(panel.card_id)
        if row is not None and top_left.row() <= row <= bottom_right.row():
            self._refresh(panel)

    def refresh(self) -> None:
        if self.panel is not None:
            self._refresh(self.panel)

    def _refresh(self, panel: UnfurledStack) -> None:
        model = self.workspace.model
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
            self.workspace.say("Unfurl a stack first (click it, or Ctrl+Space).", 4000)
            return False
        return self.panel.accept_shown(n)

    def _remember_show_changes(self, on: bool) -> None:
        workspace = self.workspace
        workspace.prefs.show_changes = on
        workspace.settings.save_preferences(workspace.prefs)
