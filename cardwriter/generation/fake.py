"""A deterministic ``TextGenerator`` for testing the logic around generation.

It writes each variant by shuffling the words of each of the source's
sentences with the sequence's seed, a sentence's last word kept last (so a
variant has the source's sentences, each ending as it did, as a finished
rewrite does), and prefixes its angle. It streams the words one at a time,
honours the token budget and the cancel event, and can be told to fail. It is
a stand-in for tests of callers, never for tests of generation itself.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

from cardwriter.domain.model import VariantKind
from cardwriter.domain.sentences import sentence_texts
from cardwriter.errors import UserError
from cardwriter.generation import prompts
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_LENGTH,
    FINISH_STOP,
    Event,
    GenerationRequest,
    SequenceDone,
    TextPiece,
)


class FakeGenerator:
    """Deterministic variants: the same request always streams the same events."""

    def __init__(self, model_name: str = "fake", delay: float = 0.0, fail_with: str | None = None) -> None:
        self.model_name = model_name
        self.delay = delay  # seconds per word, to give a cancel time to land
        self.fail_with = fail_with
        self.requests: list[GenerationRequest] = []

    def text_for(self, plan: prompts.SequencePlan, request: GenerationRequest) -> list[str]:
        """The words sequence ``plan.index`` writes."""
        if request.kind is VariantKind.RECOMBINE:  # a fusion draws on every parent
            text = " ".join((request.source, *request.notes))
        else:
            text = request.source or " ".join(request.notes)
        shuffle = random.Random(plan.seed).shuffle
        words: list[str] = []
        for sentence in sentence_texts(text) or [text]:  # each sentence ends as it did, as in a rewrite
            body = sentence.split()
            inner = body[:-1]
            shuffle(inner)
            words += _apart(inner) + body[-1:]
        head = [f"[{plan.angle}]"] if plan.angle else []
        return head + words

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        self.requests.append(request)
        plans = prompts.plan(request)
        if self.fail_with:
            raise UserError(self.fail_with)
        started = time.perf_counter()
        words = [self.text_for(p, request) for p in plans]
        texts = [""] * len(plans)
        counts = [0] * len(plans)
        live = list(range(len(plans)))
        while live:
            still: list[int] = []
            for at, i in enumerate(live):
                if cancel is not None and cancel.is_set():
                    for j in still + live[at:]:
                        yield SequenceDone(
                            j, prompts.clean(texts[j]), counts[j], FINISH_CANCELLED, time.perf_counter() - started
                        )
                    return
                if self.delay:
                    time.sleep(self.delay)
                if counts[i] == len(words[i]):
                    yield SequenceDone(
                        i, prompts.clean(texts[i]), counts[i], FINISH_STOP, time.perf_counter() - started
                    )
                    continue
                piece = ("" if counts[i] == 0 else " ") + words[i][counts[i]]
                texts[i] += piece
                counts[i] += 1
                yield TextPiece(i, piece)
                if counts[i] >= plans[i].max_tokens:
                    yield SequenceDone(
                        i, prompts.clean(texts[i]), counts[i], FINISH_LENGTH, time.perf_counter() - started
                    )
                    continue
                still.append(i)
            live = still


def _apart(words: list[str]) -> list[str]:
    """``words`` reordered so that no word comes right after the same word (a shuffle can make "the the",
    which no rewrite has): each next word is the first left that differs from the one before, when one does."""
    left, out = list(words), list[str]()
    while left:
        at = next((k for k, w in enumerate(left) if not out or w.lower() != out[-1].lower()), 0)
        out.append(left.pop(at))
    return out
