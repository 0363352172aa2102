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

The tree of tries (``show_tree``: the unfurled stack's Tree button, Stack ▸ Tree of
Tries) is one window at a time over one card; it follows that card's stack the same
way, and its Accept and Refine go the same ways as the unfurled stack's.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit

from cardwriter.domain.model import VariantKind
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.stack.generation_controller import GenerationController
from cardwriter.gui.stack.tree_of_tries import TreeOfTries
from cardwriter.gui.stack.unfurled_stack import Closeness, UnfurledStack
from cardwriter.gui.workspace import Workspace
from cardwriter.services.tries import build_tree

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
        self.tree: TreeOfTries | None = None  # the tree of tries on show, if any
        workspace.draft_shown.connect(self.attach)
        workspace.draft_closing.connect(self.close_tree)
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
        view.card_model().rowsRemoved.connect(self._tree_card_gone)

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
        panel.tree_requested.connect(self.show_tree)
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
        panel, tree, model = self.panel, self.tree, self.workspace.model
        if model is None:
            return

        def changed(card_id: str) -> bool:
            row = model.row_of(card_id)
            return row is not None and top_left.row() <= row <= bottom_right.row()

        if panel is not None and changed(panel.card_id):
            self._refresh(panel)
        if tree is not None and changed(tree.card_id):
            self._refresh_tree()

    def refresh(self) -> None:
        if self.panel is not None:
            self._refresh(self.panel)
        self._refresh_tree()

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

    def redraw_marks(self) -> None:
        """The writer's voice was measured again: the unfurled stack's tiles show its closeness anew."""
        if self.panel is not None:
            self.panel.redraw()

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

    # -- the tree of tries --------------------------------------------------------------

    def show_tree(self, card_id: str = "") -> TreeOfTries | None:
        """Open the tree of tries of ``card_id`` (when none is given: the unfurled stack's card, else the
        current card's), or bring it up."""
        view, model = self.workspace.view, self.workspace.model
        if view is None or model is None:
            return None
        card_id = card_id or view.unfurled_id() or view.current_card_id()
        if not card_id or model.row_of(card_id) is None:
            self.workspace.say("Click in a paragraph first: the tree shows its tries.", 4000)
            return None
        self.workspace.save_typing()
        tree = self.tree
        if tree is None:
            tree = self.tree = TreeOfTries(card_id, view.window())
            tree.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            tree.accept_requested.connect(self._accept_from_tree)
            tree.refine_requested.connect(self._refine_from_tree)
            tree.undo_requested.connect(self.workspace.undo)
            tree.redo_requested.connect(self.workspace.redo)
            tree.finished.connect(lambda _result, tree=tree: self._tree_gone(tree))
        tree.card_id = card_id
        self._refresh_tree()
        tree.show()
        tree.raise_()
        tree.activateWindow()
        tree.tree.setFocus()
        return tree

    def close_tree(self) -> None:
        if self.tree is not None:
            self.tree.close()

    def _tree_card_gone(self, *_: object) -> None:
        model = self.workspace.model
        if self.tree is not None and (model is None or model.row_of(self.tree.card_id) is None):
            self.tree.close()

    def _tree_gone(self, tree: TreeOfTries) -> None:
        if self.tree is tree:
            self.tree = None

    def _refresh_tree(self) -> None:
        tree, model, project = self.tree, self.workspace.model, self.workspace.project
        if tree is None:
            return
        row = model.row_of(tree.card_id) if model is not None else None
        if model is None or project is None or row is None:  # its card is gone
            tree.close()
            return
        card = model.session.card(tree.card_id)
        root = build_tree(card, project.acceptances(card.id))
        fused = {note_id for node in root.walk() for note_id in node.note_ids}
        notes = {note.id: note.text for note in project.notes() if note.id in fused} if fused else {}
        tree.show_tree(row + 1, root, card.text, notes)

    def _accept_from_tree(self, card_id: str, variant_id: str) -> None:
        model = self.workspace.model
        if model is not None and model.row_of(card_id) is not None:
            self.workspace.push(undo_commands.accept(model, card_id, variant_id))

    def _refine_from_tree(self, card_id: str, variant_id: str) -> None:
        """Variants of the try (of the card's text, for a root kept as no variant): they grow under it."""
        if variant_id:
            asked = self.generation.refine(card_id, variant_id)
        else:
            asked = self.generation.generate(card_id, VariantKind.REWRITE)
        if asked:
            self.workspace.say("Writing variants of that try: they grow under it in the tree.", 4000)
