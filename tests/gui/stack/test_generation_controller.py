"""The generation policy without a window: a real card model over a real project, a real queue, a fake generator."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.stack.generation_controller import (
    DROPPED_MESSAGES,
    CardSnapshot,
    GenerationController,
    Verdict,
    judge_result,
    progress_text,
    should_fill_after_pause,
)
from cardwriter.services.stack_filling import StackFiller

# -- the rules as plain functions ---------------------------------------------------


def test_a_result_fits_only_the_unchanged_card_it_was_made_for():
    made_from = CardSnapshot("card-1", "The keeper climbed the stairs.")
    assert judge_result(made_from, "card-1", "The keeper climbed the stairs.") is Verdict.FITS
    assert judge_result(made_from, "card-1", "The keeper ran down the stairs.") is Verdict.CARD_CHANGED
    assert judge_result(made_from, "card-1", None) is Verdict.CARD_GONE
    assert judge_result(made_from, "card-2", "The keeper climbed the stairs.") is Verdict.CARD_GONE


def test_a_pause_fills_a_paragraph_of_a_few_words_once_per_text():
    text = "The lamp flickered in the wind."
    assert should_fill_after_pause(text, filled_from=None, background_fill=True)
    assert not should_fill_after_pause(text, filled_from=text, background_fill=True), "already filled from this text"
    assert should_fill_after_pause(text, filled_from="The lamp flickered.", background_fill=True), "the text changed"
    assert not should_fill_after_pause("Too short here", filled_from=None, background_fill=True)
    assert not should_fill_after_pause(text, filled_from=None, background_fill=False), "the writer turned it off"


def test_progress_counts_fill_all_cards_done_or_cards_pending():
    assert progress_text(0, 5) == ""
    assert progress_text(3, 5) == "Filling stacks: 2 of 5"
    assert progress_text(1, 0) == "Writing variants for 1 card"
    assert progress_text(2, 0) == "Writing variants for 2 cards"


# -- the controller with a real queue -----------------------------------------------


@pytest.fixture
def model(qtbot, session):
    return CardListModel(session)


def make_controller(qtbot, model, prefs=None, generator=None):
    generator = generator or FakeGenerator(delay=0.002)
    controller = GenerationController(StackFiller(FakeEmbedder()), lambda: generator, prefs or Preferences())
    controller.set_model(model)
    return controller


@pytest.fixture
def controller(qtbot, model):
    controller = make_controller(qtbot, model)
    yield controller
    controller.shutdown()


def test_a_fill_adds_variants_to_its_card_and_clears_busy(qtbot, controller, model, session):
    card_id = session.cards[0].id
    with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
        assert controller.generate(card_id, VariantKind.REWRITE)
        assert controller.is_busy(card_id)
    assert len(session.card(card_id).stack()) == Preferences().variants_shown
    assert not controller.is_busy(card_id)
    assert session.card(card_id).text.startswith("The old keeper"), "the card's own text is untouched"


def test_a_result_for_a_card_changed_meanwhile_is_dropped_with_a_message(qtbot, controller, model, session):
    card_id = session.cards[1].id
    messages = []
    controller.message.connect(lambda text, ms: messages.append(text))
    with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
        controller.generate(card_id, VariantKind.REWRITE)
        model.apply_text(card_id, "The writer rewrote this paragraph meanwhile, completely.")
    assert session.card(card_id).variants == []
    assert messages == [DROPPED_MESSAGES[Verdict.CARD_CHANGED]]


def test_a_result_for_a_deleted_card_is_dropped_with_a_message(qtbot, controller, model, session):
    doomed = session.cards[2].id
    messages = []
    controller.message.connect(lambda text, ms: messages.append(text))
    with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
        controller.generate(doomed, VariantKind.REWRITE)
        model.apply_delete(doomed)
    assert all(not c.variants for c in session.cards)
    assert messages == [DROPPED_MESSAGES[Verdict.CARD_GONE]]


def test_an_empty_card_is_not_sent_to_the_model(qtbot, controller, model, session):
    card_id = session.cards[0].id
    model.apply_text(card_id, "   ")
    messages = []
    controller.message.connect(lambda text, ms: messages.append(text))
    assert not controller.generate(card_id, VariantKind.REWRITE)
    assert controller.queue.pending() == 0 and messages == ["Write something in the card first."]


def test_a_pause_fills_the_stack_once_and_not_again_for_the_same_text(qtbot, controller, session):
    controller.pause_timer.setInterval(10)
    card_id = session.cards[0].id
    with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
        controller.typing_paused(card_id)
    filled = len(session.card(card_id).stack())
    assert filled == Preferences().variants_shown
    with qtbot.assertNotEmitted(controller.queue.queue_changed, wait=300):  # nothing was queued
        controller.typing_paused(card_id)
    assert len(session.card(card_id).stack()) == filled


def test_no_fill_after_a_pause_when_the_writer_turned_it_off(qtbot, model, session):
    prefs = Preferences(background_fill=False)
    controller = make_controller(qtbot, model, prefs)
    controller.pause_timer.setInterval(10)
    with qtbot.assertNotEmitted(controller.queue.started, wait=300):
        controller.typing_paused(session.cards[0].id)
    assert controller.queue.pending() == 0
    controller.shutdown()


@pytest.fixture
def slow_controller(qtbot, model):
    """A generator slow enough that a cancel always lands before a fill is done."""
    controller = make_controller(qtbot, model, generator=FakeGenerator(delay=0.05))
    yield controller
    controller.shutdown()


def test_fill_all_reports_progress_and_cancel_all_stops_it(qtbot, slow_controller, session):
    controller = slow_controller
    lines = []
    controller.progress.connect(lines.append)
    assert controller.fill_all() == 3
    assert lines[-1] == "Filling stacks: 0 of 3"
    cancelled = []
    controller.queue.cancelled.connect(cancelled.append)
    controller.cancel_all()
    # the running fill stops on the worker thread; its end reaches the GUI by a queued signal, and the
    # idle line ("") is the last thing it sends
    qtbot.waitUntil(lambda: lines[-1] == "", timeout=10_000)
    assert controller.queue.pending() == 0
    assert set(cancelled) == {c.id for c in session.cards}, "every queued or running fill was cancelled"
    assert all(not c.variants for c in session.cards)


def test_fill_all_skips_short_paragraphs_and_cards_with_a_stack(qtbot, controller, model, session):
    model.apply_text(session.cards[2].id, "Too short.")
    with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
        controller.generate(session.cards[0].id, VariantKind.REWRITE)
    assert controller.fill_all() == 1  # only the second card is long enough and has no stack yet
    qtbot.waitUntil(lambda: bool(session.cards[1].stack()), timeout=20_000)
    qtbot.waitUntil(lambda: controller.queue.pending() == 0, timeout=20_000)
    assert not session.cards[2].stack()


def test_switching_drafts_cancels_what_was_queued_for_the_old_one(qtbot, slow_controller, session):
    controller = slow_controller
    controller.fill_all()
    cancelled = []
    controller.queue.cancelled.connect(cancelled.append)
    controller.set_model(None)
    # the running fill reports its cancel from the worker thread by a queued signal: wait for it
    qtbot.waitUntil(lambda: len(cancelled) == 3, timeout=10_000)
    assert controller.queue.pending() == 0
    assert all(not c.variants for c in session.cards)


# -- keep my voice ----------------------------------------------------------------------


class RecordingFiller(StackFiller):
    """The real filler, noting each request it fills and the thread it fills it on."""

    def __init__(self):
        super().__init__(FakeEmbedder())
        self.seen: list[tuple[object, object]] = []

    def fill(self, generator, request, cancel=None, on_piece=None, on_variant=None):
        import threading

        closeness = request.selection.closeness([TERSE, ORNATE]) if request.selection.closeness else None
        self.seen.append((request, threading.current_thread(), closeness))
        return super().fill(generator, request, cancel, on_piece, on_variant)


TERSE = "He shut the door. The hall was dark. Nobody answered. He went up."
ORNATE = (
    "It was, I confess, with a melancholy that I could neither explain nor entirely resist, that I "
    "wandered; for the evening, which had promised so much, had dissolved into a long and wearisome silence."
)
MINE = [
    "He walked in. The room was cold. Nobody spoke. He sat down.",
    "She left early. The car would not start. She walked home. It rained.",
    "The dog barked. Then it stopped. The street was empty again. I waited.",
    "We ate bread. The soup was thin. Nobody complained. Night came on.",
]


def test_keep_my_voice_gives_each_fill_the_writers_profile_built_on_the_gui_thread(qtbot, model, session):
    import threading

    from cardwriter.domain.style import build_profile

    filler = RecordingFiller()
    asked: list[object] = []
    profile = build_profile(MINE)
    controller = GenerationController(
        filler,
        lambda: FakeGenerator(delay=0.002),
        Preferences(keep_my_voice=True, variants_shown=2),
        voice_profile=lambda: asked.append(threading.current_thread()) or profile,
    )
    controller.set_model(model)
    card_id = session.cards[0].id
    try:
        with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
            assert controller.generate(card_id, VariantKind.REWRITE)
        assert asked == [threading.main_thread()], "the profile is taken once, before dispatch, on the GUI thread"
        request, thread, closeness = filler.seen[0]
        assert thread is not threading.main_thread(), "the fill ran on the worker"
        assert request.selection.closeness is not None and closeness[0] > closeness[1], (
            "the writer's terse voice is closer"
        )

        controller.set_preferences(Preferences(keep_my_voice=False, variants_shown=2))
        with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
            assert controller.generate(card_id, VariantKind.REWRITE)
        assert filler.seen[1][0].selection.closeness is None and len(asked) == 1, "off: no closeness, no profile"
    finally:
        controller.shutdown()


def test_keep_my_voice_without_a_baseline_fills_as_usual_and_says_why_once(qtbot, model, session):
    filler = RecordingFiller()
    controller = GenerationController(
        filler, lambda: FakeGenerator(delay=0.002), Preferences(keep_my_voice=True, variants_shown=2)
    )
    controller.set_model(model)
    messages: list[str] = []
    controller.message.connect(lambda text, _ms: messages.append(text))
    card_id = session.cards[0].id
    try:
        for _ in range(2):
            with qtbot.waitSignal(controller.queue.finished, timeout=20_000):
                assert controller.generate(card_id, VariantKind.REWRITE)
        assert [r.selection.closeness for r, _t, _c in filler.seen] == [None, None]
        assert len(session.card(card_id).stack()) == 4
        assert sum("three paragraphs of your own" in m for m in messages) == 1
    finally:
        controller.shutdown()


def test_the_embedder_is_ready_before_the_first_stack_is_asked_for(qtbot, model):
    class Counting(FakeEmbedder):
        calls = 0

        def encode(self, texts):
            Counting.calls += 1
            return super().encode(texts)

    controller = GenerationController(StackFiller(Counting()), lambda: FakeGenerator(delay=0.002), Preferences())
    controller.set_model(model)
    qtbot.waitUntil(lambda: Counting.calls == 1, timeout=5000)  # loaded with the model, no stack asked for
    controller.shutdown()
