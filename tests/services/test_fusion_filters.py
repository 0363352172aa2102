import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.protocol import SequenceDone, TextPiece
from cardwriter.services.fusion_filters import (
    FusionConfig,
    fluency_reason,
    fusion_reason,
    improbable,
    model_scores,
    screen,
)
from cardwriter.services.stack_filling import FillRequest, StackFiller

PARAGRAPH = "The old keeper climbed the winding stairs of the lighthouse every evening to light the great lamp."
NOTE = "She kept her mother's letters in a drawer and read them again whenever the house was quiet."
FUSED = "The keeper climbed the winding stairs each evening with his mother's letters, reading them by the lamp."
ONLY_PARAGRAPH = "Every evening the old keeper climbed the winding lighthouse stairs and lit the great lamp again."


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


PARENT_VECS = np.stack([unit(1, 0, 0), unit(0, 1, 0)])


def test_fluency_drops_labels_and_other_languages_for_any_text():
    assert fluency_reason("Original: " + PARAGRAPH, [PARAGRAPH])[0] is DropReason.LABEL_OPENING
    assert fluency_reason("El guardián subió las escaleras del faro cada tarde y miró el mar gris.", [PARAGRAPH])[
        0
    ] is (DropReason.WRONG_LANGUAGE)
    assert fluency_reason(FUSED, [PARAGRAPH, NOTE]) is None


def test_a_fusion_must_take_words_from_both_and_lean_towards_both():
    assert fusion_reason(FUSED, unit(1, 1, 0), [PARAGRAPH, NOTE], PARENT_VECS) is None
    reason, detail, _ = fusion_reason(ONLY_PARAGRAPH, unit(1, 1, 0), [PARAGRAPH, NOTE], PARENT_VECS)
    assert reason is DropReason.IGNORES_PARENT and "parent 2" in detail
    reason, detail, cos = fusion_reason(FUSED, unit(1, -0.1, 0), [PARAGRAPH, NOTE], PARENT_VECS)
    assert reason is DropReason.IGNORES_PARENT and cos < 0 and "leans away" in detail


def test_a_paste_of_a_parent_is_a_copy():
    reason, _, _ = fusion_reason(PARAGRAPH + " " + NOTE, unit(1, 1, 0), [PARAGRAPH, NOTE], PARENT_VECS)
    assert reason is DropReason.COPIES_SOURCE


def test_improbable_drops_texts_below_the_floor_only_when_scored():
    texts = [FUSED, FUSED]
    asked: list[list[str]] = []

    def scorer(scores):
        def score(batch):
            asked.append(batch)
            return scores

        return score

    dropped = improbable(texts, [None, None], scorer([-3.0, -6.0]))
    assert [d.index for d in dropped] == [1] and dropped[0].reason is DropReason.IMPROBABLE
    assert "-6.00 nats a token" in dropped[0].detail
    assert improbable(texts, [None, None], scorer(None)) == []  # a server cannot score: nothing dropped
    asked.clear()
    assert improbable(texts, [None, None], scorer([-6.0, -6.0]), FusionConfig(min_log_prob=None)) == []
    assert asked == []  # no floor: the model is not even asked (a decode saved)


def test_only_what_the_engine_wrote_off_its_course_is_scored_again():
    asked: list[list[str]] = []

    def scorer(batch):
        asked.append(batch)
        return [-6.0] * len(batch)

    config = FusionConfig(min_log_prob=-4.6, rescore_below=-2.5)
    dropped = improbable(["sure", "doubtful", "unknown"], [-1.5, -3.5, None], scorer, config)
    assert [d.index for d in dropped] == [1, 2] and "-6.00 nats a token" in dropped[0].detail
    assert asked == [["doubtful", "unknown"]]  # the confidently written text was not decoded again
    asked.clear()
    improbable(["sure", "doubtful"], [-1.5, -3.5], scorer, FusionConfig(rescore_below=None))
    assert asked == [["sure", "doubtful"]]  # no gate: every text scored, the way before


def test_screen_leaves_the_model_out():
    texts = [FUSED, "Here is the fused paragraph: " + FUSED]
    kept, dropped = screen(texts, np.stack([unit(1, 1, 0)] * 2), [PARAGRAPH, NOTE], PARENT_VECS, fuse=True)
    assert kept == [0] and [d.reason for d in dropped] == [DropReason.LABEL_OPENING]


def test_model_scores_is_none_for_a_generator_that_cannot_score():
    assert model_scores(object(), ["a"]) is None

    class Scorer:
        def score(self, texts):
            return [-1.0] * len(texts)

    assert model_scores(Scorer(), ["a", "b"]) == [-1.0, -1.0]


class ScriptedGenerator:
    """Writes the given texts in turn; scores every text at -3 (fluent)."""

    model_name = "scripted"

    def __init__(self, texts):
        self.texts = texts

    def stream(self, request, cancel=None):
        for i in range(request.n):
            text = self.texts[i % len(self.texts)]
            yield TextPiece(i, text)
            yield SequenceDone(i, text, 10, "stop", 0.01)

    def score(self, texts):
        return [-3.0] * len(texts)


def test_the_stack_never_shows_labelled_foreign_or_one_sided_fusions():
    generator = ScriptedGenerator(
        [
            "Here is the fused paragraph: " + FUSED,
            "El guardián subió las escaleras del faro cada tarde y miró el mar gris durante mucho tiempo.",
            ONLY_PARAGRAPH,
        ]
    )
    result = StackFiller(FakeEmbedder()).fill(
        generator,
        FillRequest.build(source=PARAGRAPH, kind=VariantKind.RECOMBINE, notes=(NOTE,), wanted=2, seed=1, max_rounds=1),
    )
    assert result.variants == []
    reasons = {d.reason for d in result.dropped}
    assert {DropReason.LABEL_OPENING, DropReason.WRONG_LANGUAGE, DropReason.IGNORES_PARENT} <= reasons


def test_two_notes_are_both_parents():
    generator = ScriptedGenerator([ONLY_PARAGRAPH])
    result = StackFiller(FakeEmbedder()).fill(
        generator,
        FillRequest.build(
            source="", kind=VariantKind.RECOMBINE, notes=(PARAGRAPH, NOTE), wanted=1, seed=1, max_rounds=1
        ),
    )
    assert result.variants == [] and {d.reason for d in result.dropped} == {DropReason.IGNORES_PARENT}
