"""What the current language model makes of a text: how likely it finds it, and how often the text says what it expected.

Models pull text toward what they find most likely, so a text a model wrote (or
a writer who keeps accepting model wordings) uses the model's first choices more
often than a writer's own prose does. ``TextLikelihood`` holds three readings of
one text, all from one decode of it (``generation.llama.scoring.likelihood_texts``):

- ``log_prob``: the mean token log-probability (nats per token; higher is more
  expected);
- ``top1``: the share of its tokens that were the model's single most likely
  next token at their position;
- ``top10``: the share that were among the model's ten most likely.

The style profile (``domain.style``) uses them as features of the writer's voice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLikelihood:
    log_prob: float
    top1: float
    top10: float
