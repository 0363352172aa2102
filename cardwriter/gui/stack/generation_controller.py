"""When a card's stack is filled, and whether a finished fill still belongs to its card.

The window only connects this controller to the widgets; the policy lives
here so it can be tested with a card model and a queue, no window at all:

- a fill request is built from a snapshot of the card taken when it is asked
  for (the job may run seconds later);
- the *stale-result rule*: a result is written only into the card it was made
  for, and only if that card's text is still the text it was made from. It
  holds for each variant that arrives while the stack fills (the peek count
  rises) as for the end: an arrival for a changed or deleted card is dropped;
  variants that arrived while the card still fitted stay (the writer may be
  reading them), and the end adds only those not already added;
- the *fill-after-pause policy*: when the writer pauses on a paragraph of a few
  words whose stack was not already filled from that very text, fill it;
- the *order of work*: requests and the card the writer is on (``attend_to``) go first; a pause's fill
  for a card left waits, and one that gave way (``preempted``) is queued again, behind;
- "Fill All" progress: how many of the cards asked for are done;
- "keep my voice": with the preference on, each fill gets the writer's profile
  as it is when the fill is asked for (``voice_profile``, a frozen
  ``StyleProfile``, never the project), and its closeness becomes the third
  term of the stack's selection.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from cardwriter.domain.model import Note, Variant, VariantKind
from cardwriter.domain.style import StyleProfile
from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.stack.fill_progress import CountingGenerator
from cardwriter.gui.stack.generation_queue import GenerationQueue, Priority
from cardwriter.gui.workspace import Workspace
from cardwriter.services.fusion_filters import ASSOCIATION
from cardwriter.services.stack_filling import FillRequest, FillResult, StackFiller

PAUSE_BEFORE_FILL_MS = 1500
MIN_WORDS_TO_FILL = 4


@dataclass(frozen=True)
class CardSnapshot:
    """What a fill was made from: handed to the queue with the job and back with its result."""

    card_id: str
    text: str


class Verdict(Enum):
    FITS = "fits"
    CARD_GONE = "card gone"
    CARD_CHANGED = "card changed"


DROPPED_MESSAGES = {
    Verdict.CARD_GONE: "Variants for a deleted card were dropped.",
    Verdict.CARD_CHANGED: "The paragraph changed while its variants were written; they were dropped.",
}


def judge_result(snapshot: CardSnapshot, card_id: str, current_text: str | None) -> Verdict:
    """The stale-result rule. ``current_text`` is the card's saved text now, None if it was deleted."""
    if current_text is None or card_id != snapshot.card_id:
        return Verdict.CARD_GONE
    if current_text != snapshot.text:
        return Verdict.CARD_CHANGED
    return Verdict.FITS


def should_fill_after_pause(text: str, filled_from: str | None, background_fill: bool) -> bool:
    """The fill-after-pause policy: enough words to vary, and not already filled from this text."""
    return background_fill and len(text.split()) >= MIN_WORDS_TO_FILL and filled_from != text


def progress_text(pending: int, fill_all_total: int) -> str:
    """The status bar's line about queued work ("" when there is none)."""
    if pending == 0:
        return ""
    if fill_all_total:
        return f"Filling stacks: {max(0, fill_all_total - pending)} of {fill_all_total}"
    return f"Writing variants for {pending} card{'s' if pending != 1 else ''}"


class GenerationController(QObject):
    """Owns the generation queue and the fill state of the open draft."""

    message = Signal(str, int)  # a line for the status bar, and for how many ms
    progress = Signal(str)  # the queued-work line ("" when idle)
    model_state = Signal(str, str)  # relayed from the queue: "loading" | "ready" | "failed", detail
    stacks_changed = Signal()  # a stack or its busy state changed: show the current one again
    needs_saved_text = Signal()  # about to read cards: the view should save what is being typed
    unfurl_wanted = Signal(str)  # card id: the first variant of a fill asked with ``unfurl=True`` is in

    def __init__(
        self,
        filler: StackFiller,
        load: Callable[[], Any],
        prefs: Preferences,
        parent=None,
        voice_profile: Callable[[], StyleProfile | None] = lambda: None,
    ):
        """``voice_profile`` gives the writer's voice now (``VoiceActions.profile``; None: no baseline)."""
        super().__init__(parent)
        self.filler = filler
        self.prefs = prefs
        self.model: CardListModel | None = None
        self.filled_from: dict[str, str] = {}  # card id -> the text its stack was last filled from
        self._arrived: dict[str, set[str]] = {}  # card id -> ids of the variants already added by arrivals
        self._to_unfurl: set[str] = set()  # cards whose stack unfurls when their fill's first variant is in
        self._fill_all_total = 0
        self._paused_card = ""
        self._attention: frozenset[str] = frozenset()  # the cards the writer is on or has unfurled
        self.pause_timer = QTimer(self, singleShot=True, interval=PAUSE_BEFORE_FILL_MS)
        self.pause_timer.timeout.connect(self.fill_after_pause)
        self.queue = self._make_queue(load)
        self.voice_profile = voice_profile
        self._said_no_baseline = False

    # -- what the controller works on ------------------------------------------

    def follow(self, workspace: Workspace) -> None:
        """Work on whichever draft the workspace shows, and fill a paragraph's stack when the writer pauses on it."""
        if workspace.view is not None:
            self._draft_shown(workspace.view)
        workspace.draft_shown.connect(self._draft_shown)
        workspace.draft_closing.connect(lambda: self.set_model(None))

    def _draft_shown(self, view: DraftView) -> None:
        self.set_model(view.card_model())
        view.typing_paused.connect(self.typing_paused)

    def set_model(self, model: CardListModel | None) -> None:
        """Work on another draft's cards (or none): everything queued for the old one is cancelled."""
        self.queue.cancel_all()
        self.pause_timer.stop()
        self.model = model
        self.filled_from.clear()
        self._fill_all_total = 0

    def set_preferences(self, prefs: Preferences, load: Callable[[], Any] | None = None) -> None:
        """New preferences; a new ``load`` (another model) restarts the queue with it."""
        self.prefs = prefs
        if load is not None:
            self.queue.shutdown()
            self.queue = self._make_queue(load)

    def _make_queue(self, load: Callable[[], Any]) -> GenerationQueue:
        # the embedder loads with the model, not with the first stack (it took seconds of the first fill)
        queue = GenerationQueue(load, self, warm_up=lambda: self.filler.embedder.encode(["Ready."]))
        queue.set_focus(self._attention)
        queue.model_state.connect(self.model_state)
        queue.started.connect(self._started)
        queue.progress.connect(self._progress)
        queue.finished.connect(self._finished)
        queue.arrived.connect(self._variant_arrived)
        queue.failed.connect(self._failed)
        queue.cancelled.connect(self._cancelled)
        queue.preempted.connect(self._preempted)
        queue.queue_changed.connect(self._queue_changed)
        queue.start()
        return queue

    def is_busy(self, card_id: str) -> bool:
        return self.queue.is_queued(card_id)

    # -- asking for variants -----------------------------------------------------

    def generate(
        self,
        card_id: str,
        kind: VariantKind,
        angle: str | None = None,
        source: str | None = None,
        parent_id: str | None = None,
        notes: Sequence[Note] = (),
        priority: Priority = Priority.REQUEST,
        unfurl: bool = False,
    ) -> bool:
        """Queue a fill of ``card_id``'s stack; the inputs are copied now, before the job runs.

        ``priority`` says who asked: the writer (a request), Fill All, or a pause (see the queue's order).
        ``unfurl``: ``unfurl_wanted`` says when the first variant is in (a note dropped on the card).
        """
        if self.model is None or self.model.row_of(card_id) is None:
            return False
        self.needs_saved_text.emit()
        session = self.model.session
        card = session.card(card_id)
        source = card.text if source is None else source
        if not source.strip() and len(notes) < 2 and angle != ASSOCIATION:
            self.message.emit("Write something in the card first.", 4000)
            return False
        before, after = session.neighbours(card_id)
        request = FillRequest.build(
            source=source,
            kind=kind,
            angle=angle,
            wanted=self.prefs.variants_shown,
            overgenerate=self.prefs.overgenerate,
            preset=self.prefs.preset,
            seed=random.randrange(1 << 30),
            before=before,
            after=after,
            existing=tuple(v.text for v in card.variants) + (card.text,),
            parent_id=parent_id,
            notes=tuple(n.text for n in notes),
            note_ids=tuple(n.id for n in notes),
            duplicate_cosine=self.prefs.dedup_threshold,
            closeness=self._closeness(),
        )
        filler = self.filler
        self.filled_from[card_id] = card.text
        # The filler sees the real generator's text; the column only ever sees counts (fill_progress).
        self._arrived.pop(card_id, None)
        self.model.begin_request(card_id)  # what this request adds comes first in the stack (stack_order)
        if unfurl:
            self._to_unfurl.add(card_id)
        else:
            self._to_unfurl.discard(card_id)
        self.queue.submit(
            card_id,
            lambda gen, cancel, report, arrive: filler.fill(
                CountingGenerator(gen, report), request, cancel, on_variant=arrive
            ),
            CardSnapshot(card_id, card.text),
            streams=True,
            priority=priority,
        )
        self.model.set_busy(card_id, True)
        self.stacks_changed.emit()
        return True

    def _closeness(self) -> Callable[[list[str]], list[float]] | None:
        """Keep my voice: closeness to the writer's profile as it is now; None when off or without a baseline."""
        if not self.prefs.keep_my_voice:
            return None
        profile = self.voice_profile()
        if profile is None and not self._said_no_baseline:
            self._said_no_baseline = True
            self.message.emit(
                "Keep my voice needs three paragraphs of your own; until then stacks fill as usual.", 6000
            )
        return None if profile is None else profile.closenesses

    def refine(self, card_id: str, variant_id: str) -> bool:
        """Variants of a variant: same kind, angle and notes, the variant as source, a lineage link."""
        if self.model is None or self.model.row_of(card_id) is None:
            return False
        variant = next((v for v in self.model.session.card(card_id).variants if v.id == variant_id), None)
        if variant is None:
            return False
        kind = variant.provenance.kind
        kind = VariantKind.REWRITE if kind is VariantKind.ORIGINAL else kind
        note_ids = variant.provenance.note_ids if kind is VariantKind.RECOMBINE else ()
        kept = {n.id: n for n in self.model.session.project.notes()} if note_ids else {}
        if any(i not in kept for i in note_ids):  # the provenance keeps ids only: a deleted note's text is gone
            which = "The note this fusion was made from" if len(note_ids) == 1 else "A note this fusion drew on"
            self.message.emit(f"{which} has been deleted, so it cannot be fused again.", 6000)
            return False
        notes = [kept[i] for i in note_ids]
        angle = variant.provenance.angle
        return self.generate(card_id, kind, angle, source=variant.text, parent_id=variant.id, notes=notes)

    def fill_all(self) -> int:
        """Fill every paragraph long enough and still without a stack; returns how many were queued."""
        if self.model is None:
            return 0
        todo = [c.id for c in self.model.session.cards if len(c.text.split()) >= MIN_WORDS_TO_FILL and not c.stack()]
        self._fill_all_total = len(todo)
        for card_id in todo:
            self.generate(card_id, VariantKind.REWRITE, priority=Priority.FILL_ALL)
        if not todo:
            self.message.emit("Every paragraph already has a stack.", 4000)
        return len(todo)

    def cancel(self, card_id: str) -> None:
        self.queue.cancel(card_id)

    def cancel_all(self) -> None:
        self._fill_all_total = 0  # first, so the line no longer counts a Fill All that is gone
        self.queue.cancel_all()

    def shutdown(self) -> None:
        self.pause_timer.stop()
        self.queue.shutdown()

    # -- the writer pauses ----------------------------------------------------------

    def typing_paused(self, card_id: str) -> None:
        """The writer stopped typing in ``card_id``: fill its stack if they stay paused a moment."""
        self._paused_card = card_id
        self.pause_timer.start()

    def fill_after_pause(self) -> bool:
        card_id = self._paused_card
        if self.model is None or self.model.row_of(card_id) is None:
            return False
        text = self.model.session.card(card_id).text
        if should_fill_after_pause(text, self.filled_from.get(card_id), self.prefs.background_fill):
            return self.generate(card_id, VariantKind.REWRITE, priority=Priority.PAUSE)
        return False

    # -- what comes back from the queue ------------------------------------------

    def _started(self, card_id: str) -> None:
        if self.model is not None:
            self.model.set_busy(card_id, True)

    def _progress(self, card_id: str, done: int, total: int) -> None:
        if self.model is not None and self.model.row_of(card_id) is not None:
            self.model.set_progress(card_id, done, total)

    def _variant_arrived(self, card_id: str, variant: Variant, snapshot: CardSnapshot) -> None:
        """A variant passed the filters while the stack fills: into the card now, if it still fits."""
        if self.model is None:
            return
        row = self.model.row_of(card_id)
        if judge_result(snapshot, card_id, None if row is None else self.model.card_at(row).text) is not Verdict.FITS:
            return  # the end of the fill says so once
        self.model.add_variants(card_id, [variant])
        self._arrived.setdefault(card_id, set()).add(variant.id)
        self.stacks_changed.emit()
        self._unfurl_if_wanted(card_id)

    def _unfurl_if_wanted(self, card_id: str) -> None:
        if card_id in self._to_unfurl:
            self._to_unfurl.discard(card_id)
            self.unfurl_wanted.emit(card_id)

    def _finished(self, card_id: str, result: FillResult, snapshot: CardSnapshot) -> None:
        if self.model is None:
            return
        unfurl = card_id in self._to_unfurl  # no variant arrived before the end: the first are these
        self._stop_showing_work(card_id)
        arrived = self._arrived.pop(card_id, set())
        row = self.model.row_of(card_id)
        verdict = judge_result(snapshot, card_id, None if row is None else self.model.card_at(row).text)
        if verdict is not Verdict.FITS:
            self.message.emit(DROPPED_MESSAGES[verdict], 5000)
            return
        later = [v for v in result.variants if v.id not in arrived]
        if later:
            self.model.add_variants(card_id, later)
        if result.shortfall:
            self.message.emit(result.shortfall_message(), 6000)
        self.stacks_changed.emit()
        if later and unfurl:
            self.unfurl_wanted.emit(card_id)

    def _failed(self, card_id: str, message: str) -> None:
        self._stop_showing_work(card_id)
        self.filled_from.pop(card_id, None)  # a pause may try again
        self.message.emit(f"Could not write variants: {message}", 8000)

    def attend_to(self, *card_ids: str) -> None:
        """The cards the writer is on or has unfurled ("" for none): their fills go first."""
        self._attention = frozenset(c for c in card_ids if c)
        self.queue.set_focus(self._attention)

    def _preempted(self, card_id: str) -> None:
        """A fill after a pause, for a card the writer left, gave way: queue it again, behind."""
        if self.queue.is_queued(card_id) or self.model is None or self.model.row_of(card_id) is None:
            return  # a newer fill for it is already in line, or the card is gone
        self._cancelled(card_id)
        if should_fill_after_pause(self.model.session.card(card_id).text, None, self.prefs.background_fill):
            self.generate(card_id, VariantKind.REWRITE, priority=Priority.PAUSE)

    def _cancelled(self, card_id: str) -> None:
        if self.queue.is_queued(card_id):
            return  # an older job's end: a newer one for this card is in line, busy
        self._arrived.pop(card_id, None)  # what arrived before the cancel stays in the card
        self._stop_showing_work(card_id)
        self.filled_from.pop(card_id, None)

    def _stop_showing_work(self, card_id: str) -> None:
        self._to_unfurl.discard(card_id)  # ended: a fill that failed or was cancelled unfurls nothing
        if self.model is not None and self.model.row_of(card_id) is not None:
            self.model.clear_progress(card_id)
            self.model.set_busy(card_id, False)

    def _queue_changed(self, pending: int) -> None:
        if pending == 0:
            self._fill_all_total = 0
        self.progress.emit(progress_text(pending, self._fill_all_total))
        self.stacks_changed.emit()
