"""Paragraphs, a per-preset generator and a report runner shared by the diversity report's tests.

The fakes know nothing of meaning, so the tests built on them pin down bookkeeping
(what is run, counted, averaged, printed and drawn), never quality; the real
pipeline runs end to end in tests/cli/test_diversity_commands.py (slow).
"""

from __future__ import annotations

from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.evaluation.diversity_input import Paragraph
from cardwriter.evaluation.diversity_run import DEFAULT_PRESETS, ReportConfig, run_report
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.protocol import SequenceDone, TextPiece

PARAGRAPHS = [
    Paragraph(
        "a", "The old keeper climbed the winding stairs of the lighthouse every evening, counting the steps aloud."
    ),
    Paragraph(
        "b", "Rain fell on the harbour all night, and by morning the fishing boats sat low and grey at their moorings."
    ),
]


class PerPresetGenerator:
    """Baselines repeat one sentence (a collapse); everything else goes to the fake generator."""

    model_name = "per-preset"

    def __init__(self, same: str):
        self.same = same
        self.fake = FakeGenerator("per-preset")
        self.requests = []

    def stream(self, request, cancel=None):
        self.requests.append(request)
        if request.preset == "ollama-default":
            for i in range(request.n):
                yield TextPiece(i, self.same)
                yield SequenceDone(i, self.same, 7, "stop", 0.01)
            return
        yield from self.fake.stream(request, cancel)


def run(presets=DEFAULT_PRESETS, n=4, generator=None, **kwargs):
    return run_report(
        generator or FakeGenerator("fake-model"),
        FakeEmbedder(),
        PARAGRAPHS,
        ReportConfig(n=n, presets=presets),
        **kwargs,
    )
