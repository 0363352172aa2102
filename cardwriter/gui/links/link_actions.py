"""Link cards meet the draft: worked out in the background, shown in the stacks, acted on.

Every card of the shown draft is offered the notes closest in meaning to it and the
paragraphs of the project that say the same thing (``services.link_index``). This feature
keeps those links up to date and carries out what their buttons ask.

Keeping them up to date
-----------------------
A refresh gathers, on the GUI thread and a chunk per turn of the event loop (no turn
takes long, even in a 5,000-paragraph draft), every card of the project (the shown
draft's from its live session; the other drafts' loaded once per shown draft) and the
notes, and reads the vectors the project file has cached for texts the index has not
seen. It hands the rest to one ``BackgroundCall``: the index embeds what is new (one
paragraph after a typing pause; everything the first time a project is opened) and works
out the links of the shown draft's cards, a hundred at a time with a pause between (the
work is Python, and holds the lock the GUI thread needs for every row it lays out). They
come back to the model (``set_links``, which announces only the rows that changed; the
card at the top of the view stays put while rows above it grow a peek), and what was
embedded goes into the project's cache, a chunk per turn (the rest at once when the
project closes).

Refreshes are throttled: a draft shown, a typing pause, any undoable change (typing saved,
a variant accepted, a card inserted, a note added or edited, an undo) restarts one timer
(``REFRESH_AFTER_MS``), and one asked for while another runs starts when that one ends (so
results keep landing while the writer types, and the first embedding of a big project is
never started over).

Acting on them
--------------
Insert as Card and Fuse go through the notes feature (as a note dropped between or on
cards); Open Note shows the note in the notes dock; Not Relevant is an undoable step
(``DismissLink``); Go There shows the echo's draft if need be and goes to its paragraph;
Compare opens the two paragraphs side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal

from cardwriter.domain.links import Link
from cardwriter.domain.model import Note
from cardwriter.embedding.cache import text_hash
from cardwriter.embedding.embedder import Embedder
from cardwriter.errors import ProjectError
from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.common.background import BackgroundCall
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.links.compare_dialog import CompareDialog, compare_titles
from cardwriter.gui.links.dismiss import DismissLink
from cardwriter.gui.links.link_work import set_in_place, work_out
from cardwriter.gui.notes.note_actions import NoteActions
from cardwriter.gui.stack.stack_actions import StackActions
from cardwriter.gui.stack.unfurled_stack import UnfurledStack
from cardwriter.gui.workspace import Workspace
from cardwriter.services.echoes import EchoCard, takes_part
from cardwriter.services.link_index import LinkIndex
from cardwriter.services.project_embeddings import ProjectEmbeddingStore
from cardwriter.services.projects import Project

REFRESH_AFTER_MS = 600  # after the last reason to refresh (a pause, a change), the links are worked out again
CACHE_CHUNK = 200  # text hashes looked up in the project's cache per turn of the event loop
STORE_CHUNK = 100  # vectors written to it per turn (a write is slower, the more so while the worker runs)
CARDS_CHUNK = 500  # cards of the shown draft gathered per turn of the event loop


class LinkActions(QObject):
    """Link cards in the workspace's shown draft.

    ``notes`` inserts, fuses and shows notes; ``stacks`` says which stack is unfurled (its
    panel shows the links); ``embedder`` is the app's sentence embedder (the notes finder's),
    used only in the background. ``make_index`` builds the index of each opened project.
    ``links_set`` says a refresh reached the model (tests wait for it).
    """

    links_set = Signal()

    def __init__(
        self,
        workspace: Workspace,
        notes: NoteActions,
        stacks: StackActions,
        embedder: Embedder,
        make_index: Callable[[Embedder], LinkIndex] = LinkIndex,
    ):
        super().__init__(workspace)
        self.workspace, self.notes, self.stacks, self.embedder = workspace, notes, stacks, embedder
        self.make_index = make_index
        self.index: LinkIndex | None = None
        self.store: ProjectEmbeddingStore | None = None
        self.enabled = workspace.prefs.link_cards
        self.dialog: CompareDialog | None = None  # the last Compare opened
        self._others: list[EchoCard] | None = None  # the cards of the drafts not shown (loaded once per draft shown)
        self._asked: set[str] = set()  # text hashes already looked for in the project's cache
        self._hashes: dict[str, str] = {}  # text -> its hash (the same text objects come back every refresh)
        self._panel: UnfurledStack | None = None
        self.call = BackgroundCall(self, doing="Finding link cards")
        self.call.finished.connect(self._arrived)
        self.call.failed.connect(lambda message: workspace.say(message, 6000))
        self.call.failed.connect(self._ended)
        self._again = False  # asked to refresh while one ran: another once it ends
        self.timer = QTimer(self, singleShot=True, interval=REFRESH_AFTER_MS)
        self.timer.timeout.connect(self.refresh)
        self._steps: Iterator[None] | None = None  # a refresh's gathering, a chunk per turn of the event loop
        self._unstored: dict[str, np.ndarray] = {}  # embedded in the background, not yet in the project's cache
        self._stepper = QTimer(self, interval=0)
        self._stepper.timeout.connect(self._step)
        workspace.project_opened.connect(self._project_opened)
        workspace.draft_shown.connect(self._draft_shown)
        workspace.draft_closing.connect(self._stop)
        workspace.project_closing.connect(self._project_closing)
        workspace.project_closed.connect(self._project_closed)
        workspace.preferences_changed.connect(self._preferences_changed)
        workspace.undo_stack.indexChanged.connect(self.schedule)  # typing saved, accepted, inserted, undone…
        stacks.unfurled_changed.connect(self._unfurled)
        if workspace.project is not None:  # made while a project is open: catch up
            self._project_opened(workspace.project)
        if workspace.view is not None:
            self._draft_shown(workspace.view)

    # -- following the workspace ---------------------------------------------------------------

    def _project_opened(self, project: Project) -> None:
        self.index = self.make_index(self.embedder)
        self.store = ProjectEmbeddingStore(project)
        self._asked, self._hashes = set(), {}

    def _draft_shown(self, view: DraftView) -> None:
        self._others = None  # the draft that was shown is one of the others now
        view.typing_paused.connect(self.schedule)
        view.card_model().dataChanged.connect(self._data_changed)
        self.schedule()

    def _stop(self) -> None:
        self.timer.stop()
        self._stepper.stop()
        self._steps = None
        self._again = False
        self.call.cancel()
        self._panel = None

    def _project_closing(self) -> None:
        """Keep in the project's cache, now, what was embedded and not stored yet (the first opening's work)."""
        if self._unstored and self.store is not None:
            try:
                self.store.put_many(self.embedder.model_name, self._unstored)
            except (ProjectError, ValueError):
                pass  # (only a cache)
        self._unstored = {}

    def _project_closed(self) -> None:
        self._stop()
        self.index = self.store = self._others = None

    def _preferences_changed(self, prefs: Preferences) -> None:
        if prefs.link_cards == self.enabled:
            return
        self.enabled = prefs.link_cards
        model = self.workspace.model
        if not self.enabled:
            self._stop()
            if model is not None:
                model.set_links({card.id: [] for card in model.session.cards})
        self.schedule()

    def schedule(self, *_: object) -> None:
        """Work the links out again a moment from now (each call restarts the wait)."""
        if self.enabled and self.workspace.session is not None:
            self.timer.start()

    # -- working the links out -------------------------------------------------------------------

    def refresh(self) -> None:
        """Gather what the links are worked out from, a chunk per turn, then work them out in the background."""
        if not self.enabled or self.workspace.session is None or self.index is None:
            return
        if self._steps is not None or self.call.running:  # one at a time: the next starts when this one ends
            self._again = True
            return
        self._steps = self._gather()
        self._stepper.start()

    def _step(self) -> None:
        """One turn's share of the GUI-thread work: a step of gathering, else a chunk of vectors stored."""
        if self._steps is not None:
            try:
                next(self._steps)
                return
            except StopIteration:
                self._steps = None
                return
        if self._unstored and self.store is not None:
            chunk = dict(list(self._unstored.items())[:STORE_CHUNK])
            for key in chunk:
                del self._unstored[key]
            try:
                self.store.put_many(self.embedder.model_name, chunk)
            except (ProjectError, ValueError):  # (only a cache: what is not kept is embedded again next time)
                self._unstored = {}
            return
        self._stepper.stop()

    def _gather(self) -> Iterator[None]:
        workspace, index, store = self.workspace, self.index, self.store
        project, session = workspace.project, workspace.session
        assert project is not None and session is not None and index is not None and store is not None
        if self._others is None:
            others: list[EchoCard] = []
            for summary in project.drafts():
                if summary.id != session.draft.id:
                    draft = project.load_draft(summary.id)
                    others.extend(
                        EchoCard(card.id, draft.id, draft.title, n, card.text)
                        for n, card in enumerate(draft.cards)
                        if takes_part(card.text)
                    )
                    yield
            self._others = others
        draft, taking = session.draft, list(session.cards)
        cards: list[EchoCard] = []
        for start in range(0, len(taking), CARDS_CHUNK):
            cards.extend(
                EchoCard(c.id, draft.id, draft.title, n, c.text)
                for n, c in enumerate(taking[start : start + CARDS_CHUNK], start)
                if takes_part(c.text)
            )
            yield
        cards += self._others
        card_ids = [c.id for c in taking]
        notes: list[Note] = self.notes.panel.model.all_notes() if self.notes.panel else project.notes()
        wanted = dict.fromkeys(self._hash(t) for t in [c.text for c in cards] + [n.text for n in notes])
        unasked = [h for h in wanted if h not in self._asked]
        for start in range(0, len(unasked), CACHE_CHUNK):
            chunk = unasked[start : start + CACHE_CHUNK]
            self._asked.update(chunk)
            found = store.get_many(self.embedder.model_name, chunk)
            if found:
                index.add_vectors(found)
            yield
        dismissed = project.dismissed_links(card_ids)
        self.call.start(lambda task: work_out(task, index, draft.id, cards, notes, card_ids, dismissed))

    def _hash(self, text: str) -> str:
        found = self._hashes.get(text)
        if found is None:
            found = self._hashes[text] = text_hash(text)
        return found

    def _ended(self, *_: object) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _arrived(self, result: tuple[str, dict[str, list[Link]], dict[str, np.ndarray]] | None) -> None:
        self._ended()
        if result is None:
            return
        draft_id, links, vectors = result
        model, session = self.workspace.model, self.workspace.session
        if model is None or session is None or session.draft.id != draft_id or not self.enabled:
            return
        set_in_place(
            self.workspace.view, model, links
        )  # (an unfurled stack whose links changed follows: ``_data_changed``)
        if vectors:
            self._unstored.update(vectors)
            self._stepper.start()
        self.links_set.emit()

    # -- the unfurled stack shows the links of its card -----------------------------------------

    def _unfurled(self, on: bool) -> None:
        if on:
            self._show_on_panel()
        else:
            self._panel = None

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        panel, model = self.stacks.panel, self.workspace.model
        if panel is not None and model is not None:
            row = model.row_of(panel.card_id)
            if row is not None and top_left.row() <= row <= bottom_right.row():
                self._show_on_panel()

    def _show_on_panel(self) -> None:
        panel, model, session = self.stacks.panel, self.workspace.model, self.workspace.session
        if panel is None or model is None or session is None:
            return
        if panel is not self._panel:
            panel.link_action.connect(self.act)
            self._panel = panel
        row = model.row_of(panel.card_id)
        if row is not None:
            panel.show_links(model.index(row).data(CardRole.LINKS) or [], session.draft.id, row)

    # -- what the buttons do -------------------------------------------------------------------

    def act(self, card_id: str, action: str, link: Link) -> None:
        """Carry out a link card's button: insert, fuse, open, dismiss (notes); go, compare, dismiss (echoes)."""
        workspace, model = self.workspace, self.workspace.model
        if model is None or workspace.project is None or model.row_of(card_id) is None:
            return
        if action in ("insert", "fuse") and not self.notes.notes([link.target_id]):
            workspace.say("That note is no longer in your notes.")
        elif action == "insert":
            self.notes.insert_notes_as_cards((model.row_of(card_id) or 0) + 1, [link.target_id])
        elif action == "fuse":
            self.notes.recombine_with_notes(card_id, [link.target_id])
        elif action == "open":
            self.open_note(link.target_id)
        elif action == "dismiss":
            workspace.push(DismissLink(model, workspace.project, card_id, link))
        elif action == "go":
            self.go_to(link)
        elif action == "compare":
            self.compare(card_id, link)

    def open_note(self, note_id: str) -> None:
        self.notes.dock.show()
        self.notes.dock.raise_()
        if self.notes.panel is None or not self.notes.panel.show_note(note_id):
            self.workspace.say("That note is no longer in your notes.")

    def go_to(self, link: Link) -> None:
        """To the echo's paragraph, in its own draft."""
        workspace = self.workspace
        if workspace.project is None or workspace.session is None:
            return
        if link.draft_id and link.draft_id != workspace.session.draft.id:
            if link.draft_id not in {d.id for d in workspace.project.drafts()}:
                workspace.say("That draft is no longer in the project.")
                return
            workspace.show_draft(link.draft_id)
        view, model = workspace.view, workspace.model
        if view is None or model is None or model.row_of(link.target_id) is None:
            workspace.say("That paragraph is no longer there.")
            return
        view.fold()
        view.go_to_card(link.target_id)

    def compare(self, card_id: str, link: Link) -> None:
        """This paragraph and its echo side by side."""
        session, model = self.workspace.session, self.workspace.model
        if session is None or model is None:
            return
        row = model.row_of(card_id) or 0
        here, there = compare_titles(link, session.draft.id, session.draft.title, row)
        dialog = CompareDialog((here, session.cards[row].text), (there, link.text), self.workspace.dialog_parent)
        dialog.go_requested.connect(lambda: self.go_to(link))
        self.dialog = dialog
        dialog.open()
