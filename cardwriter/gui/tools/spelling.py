"""Spelling as you type: red wavy lines in the card editor and in painted cards, fixes on right-click.

``Spelling`` follows the draft view: every card editor gets a
``SpellHighlighter`` (Qt re-highlights only the paragraph being typed, and
the checker caches every word it has seen, so typing never waits), painted
cards get the same marks through the card delegate, and the editor's context
menu offers suggestions and "Add to Dictionary" (the word is kept in the
project file). Off in Settings means no checking at all.

A right-click comes to the widget under the pointer: the editor's viewport
(not the editor, which gets the Menu key's), or, over a card not being edited,
the draft view's viewport; there the card is opened for editing and the click
handed to its editor, so the menu is the same wherever the word is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QContextMenuEvent, QSyntaxHighlighter, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from cardwriter.errors import UserError
from cardwriter.gui.common.text_marks import MISSPELT, char_format
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.services.spell_checker import SpellChecker

MAX_PAINT_CACHE = 20_000


class SpellHighlighter(QSyntaxHighlighter):
    def __init__(self, document, spelling: Spelling):  # document: the editor's QTextDocument
        super().__init__(document)
        self.spelling = spelling
        self._format = char_format(MISSPELT)

    def highlightBlock(self, text: str) -> None:
        checker = self.spelling.checker
        if checker is None:
            return
        for start, end, _word in checker.misspelt(text):
            self.setFormat(start, end - start, self._format)


class Spelling(QObject):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.checker: SpellChecker | None = None
        self.project = self.view = None
        self._highlighters: dict[int, SpellHighlighter] = {}
        self._painted: dict[str, list[tuple[int, int, str]]] = {}
        self.menu: QMenu | None = None  # the last context menu shown (tests look at it)

    def configure(self, on: bool, language: str, project) -> str:  # a Project or None
        """Check in ``language`` with ``project``'s own words (or not at all); returns a problem, if any."""
        self.project = project
        self.checker, problem = None, ""
        if on and project is not None:
            try:
                self.checker = SpellChecker(language, project.dictionary_words())
            except UserError as exc:
                problem = str(exc)
        self._refresh()
        return problem

    def attach(self, view) -> None:  # a DraftView, or None
        self.view = view
        self._highlighters.clear()
        if view is not None:
            view.delegate.mark_sources.append(self)
            view.viewport().installEventFilter(self)  # right-clicks on cards not being edited
            view.delegate.editor_created.connect(lambda editor, _id: self._watch(editor))
            if view.editor() is not None:  # a card was already being edited when the draft came to us
                self._watch(view.editor())

    def _watch(self, editor) -> None:  # a CardEditor
        self._highlighters[id(editor)] = SpellHighlighter(editor.document(), self)
        editor.installEventFilter(self)  # the Menu key
        editor.viewport().installEventFilter(self)  # the mouse
        key = id(editor)  # the editor is gone when destroyed fires, so its id is taken now
        editor.destroyed.connect(lambda *_: self._highlighters.pop(key, None))

    def highlighter_for(self, editor) -> SpellHighlighter | None:  # editor: a CardEditor
        return self._highlighters.get(id(editor))

    def marks_for(self, card_id: str, text: str) -> list[tuple[int, int, str]]:
        """The card delegate's question, for cards painted but not edited (cached per text)."""
        if self.checker is None:
            return []
        marks = self._painted.get(text)
        if marks is None:
            if len(self._painted) > MAX_PAINT_CACHE:
                self._painted.clear()
            marks = self._painted[text] = [(s, e, MISSPELT) for s, e, _w in self.checker.misspelt(text)]
        return marks

    # -- the context menu --------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QContextMenuEvent):
            return super().eventFilter(watched, event)
        if self.view is not None and watched is self.view.viewport():
            return self._open_card_for_menu(event)
        editor = watched if isinstance(watched, CardEditor) else watched.parent()  # the editor or its viewport
        if self.checker is not None and isinstance(editor, CardEditor):
            self.show_menu(editor, event)
            return True
        return super().eventFilter(watched, event)

    def _open_card_for_menu(self, event: QContextMenuEvent) -> bool:
        """A right-click on a painted card: edit that card and hand the click to its editor."""
        view = self.view
        index = view.indexAt(event.pos())
        if not index.isValid() or not view.delegate.card_rect(view.option_for(index), index).contains(event.pos()):
            return False
        view.write_in(view.card_model().card_at(index.row()).id)
        editor = view.editor()
        if editor is None:
            return False
        pos = editor.viewport().mapFrom(view.viewport(), event.pos())
        QApplication.sendEvent(editor.viewport(), QContextMenuEvent(event.reason(), pos, event.globalPos()))
        return True

    def show_menu(self, editor, event: QContextMenuEvent) -> None:  # editor: a CardEditor
        """The editor's own menu, with suggestions and "Add to Dictionary" on top for a misspelt word."""
        menu = editor.createStandardContextMenu(event.pos())
        cursor = editor.cursorForPosition(event.pos())
        found = self.misspelt_at(editor, cursor.position())
        if found is not None:
            start, end, word = found
            first = menu.actions()[0] if menu.actions() else None
            suggestions = self.checker.suggestions(word) if self.checker is not None else []
            for suggestion in suggestions:
                action = menu.addAction(suggestion)
                action.triggered.connect(lambda _=False, s=suggestion: self.replace(editor, start, end, s))
                menu.insertAction(first, action)
            if not suggestions:
                menu.insertAction(first, menu.addAction("No suggestions")).setEnabled(False)
            add = menu.addAction(f"Add “{word}” to Dictionary")
            add.triggered.connect(lambda _=False: self.add_word(word))
            menu.insertAction(first, add)
            menu.insertSeparator(first)
        self.menu = menu
        menu.popup(event.globalPos())

    def misspelt_at(self, editor, position: int) -> tuple[int, int, str] | None:  # editor: a CardEditor
        """The misspelt word at ``position`` in the editor's text, if there is one."""
        if self.checker is None:
            return None
        for start, end, word in self.checker.misspelt(editor.toPlainText()):
            if start <= position <= end:
                return start, end, word
        return None

    def replace(self, editor, start: int, end: int, word: str) -> None:  # editor: a CardEditor
        """Put ``word`` in place of the misspelling, as typing (saved and undone like typing)."""
        cursor = QTextCursor(editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(word)

    def add_word(self, word: str) -> None:
        """Accept ``word`` in this project from now on, kept in the project file."""
        if self.project is None or self.checker is None:
            return
        self.project.add_dictionary_word(word)
        self.checker.add(word)
        self._refresh()

    def _refresh(self) -> None:
        self._painted.clear()
        for highlighter in list(self._highlighters.values()):
            highlighter.rehighlight()
        if self.view is not None:
            self.view.viewport().update()
