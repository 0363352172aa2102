"""One record per sequence of a batched run: what it has sampled, written and still needs.

A sequence is one variant being written: its index in the request, its own
sampler chain, its place in the KV cache, its text so far (decoded from UTF-8
bytes incrementally, as a token may end in the middle of a character), its
token count against its budget, and why it finished.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from cardwriter.generation import prompts
from cardwriter.generation.llama.backend import SamplerPointer
from cardwriter.generation.protocol import FINISH_LENGTH, FINISH_STOP, SequenceDone


def _utf8_decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


@dataclass(eq=False)
class SequenceState:
    """Sequence ``index`` of a request, written in batch slot ``slot``.

    ``slot`` is its llama.cpp sequence id in the KV cache (``index`` unless it
    took over the slot of a sequence that ended: continuous batching).
    ``n_past`` is the next KV position to fill; ``row`` is the batch row whose
    logits the next token is sampled from; ``tail`` holds prompt tokens still to
    decode (a sequence that joined a running batch). ``chain`` is None once the
    chain is freed (the sequence finished, or the run lost the context).
    """

    index: int
    chain: SamplerPointer | None
    max_tokens: int
    n_past: int
    slot: int = -1
    tail: tuple[int, ...] = ()
    row: int = 0
    text: str = ""
    tokens: int = 0
    next_token: int = -1
    finish_reason: str | None = None
    log_prob_sum: float = 0.0  # of the tokens written, each under the raw logits it was sampled from
    _decoder: codecs.IncrementalDecoder = field(default_factory=_utf8_decoder, repr=False)

    def __post_init__(self) -> None:
        if self.slot < 0:
            self.slot = self.index

    def take(self, token: int, piece: bytes | None, stop_at_paragraph_end: bool) -> str:
        """Add a sampled token (``piece`` None: end-of-generation); return the new visible text.

        Sets ``finish_reason`` when the model ended the text, the paragraph
        ended (the text is cut there) or the budget is spent.
        """
        if piece is None:
            self.finish_reason = FINISH_STOP
            return ""
        self.next_token = token
        self.tokens += 1
        before = self.text
        added = self._decoder.decode(piece)
        if added:
            text = before + added
            # a paragraph can only end where the new piece brings a line break
            end = prompts.paragraph_end(text) if stop_at_paragraph_end and "\n" in added else None
            if end is not None:
                text, self.finish_reason = text[:end], FINISH_STOP
            self.text = text
        if self.finish_reason is None and self.tokens >= self.max_tokens:
            self.finish_reason = FINISH_LENGTH
        return self.text[len(before) :]

    def done(self, reason: str, seconds: float) -> SequenceDone:
        """The sequence's end event: its whole text, cleaned, flushed of any half character."""
        self.text += self._decoder.decode(b"", final=True)
        log_prob = self.log_prob_sum / self.tokens if self.tokens else None
        return SequenceDone(self.index, prompts.clean(self.text), self.tokens, reason, seconds, log_prob)
