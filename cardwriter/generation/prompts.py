"""Prompts for each variant kind, the curated angles, and length budgets.

Every sequence of a request gets a ``SequencePlan``: chat messages (for
models with a chat template and for chat servers) and a plain completion
prompt (for base models and ``/v1/completions``). The paragraph comes first
and the per-sequence instruction last, so the prompts of N sequences share as
long a prefix as possible: the llama.cpp engine decodes that prefix once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cardwriter.domain.model import VariantKind
from cardwriter.domain.stopwords import key_words
from cardwriter.errors import UserError
from cardwriter.generation.protocol import GenerationRequest, sequence_seed

VOICE = "own voice"

# name -> instruction. Restyle cycles through these in this order.
ANGLES: dict[str, str] = {
    "plainer": "Rewrite it in plainer words: short sentences, everyday words, no ornament.",
    "more concrete": "Rewrite it to be more concrete: swap abstractions for specific, physical details.",
    "more vivid": "Rewrite it to be more vivid: sharper images, stronger verbs, sensory detail.",
    "terser": "Rewrite it tersely: cut it to about half its length and keep every key point.",
    "more formal": "Rewrite it in a more formal register, precise and measured.",
    "warmer": "Rewrite it in a warmer, more personal tone.",
    "more lyrical": "Rewrite it more lyrically, with rhythm and imagery.",
    "more tension": "Rewrite it so that it carries more tension and suspense.",
    VOICE: "Rewrite it in the writer's own voice, matching the style of their example paragraphs.",
}

# Rewrite intents: angles for plain rewrites that keep the meaning but push the
# wording in different directions. The stack-filling pipeline mixes them (with the
# plain instruction) across candidates so that siblings differ; ``REWRITE_MIX``.
REWRITE_ANGLES: dict[str, str] = {
    "restructured": "Rewrite the paragraph in other words, keeping its meaning but changing the order and shape of its sentences.",
    "fresh words": "Rewrite the paragraph in other words, keeping its meaning but finding new words for its key ideas.",
    "new opening": "Rewrite the paragraph in other words, keeping its meaning but beginning with a different detail.",
}
REWRITE_MIX: tuple[str | None, ...] = ("fresh words", None, "restructured", "new opening")
"""What the pipeline cycles through for rewrites when no angle is asked for.

"fresh words" first: the stack's first candidate runs alone (the ramp), and this
instruction's candidates passed the filters most often (77 of 89 finished, 0.87,
against 0.66-0.76 for the others; tune half, ``cardwriter bench stack`` seeds).
"""

# Fusion angles: what recombine takes from the note, cycled across candidates so that
# siblings fuse differently. Each prompt also names key words of both parents.
FUSION_ANGLES: dict[str, str] = {
    "image": "an image or a physical detail",
    "claim": "its main idea or claim",
    "turn of phrase": "a turn of phrase or a way of putting things",
}
ASSOCIATION = "association"
"""Angle of "What does this make you think of?": one note, no paragraph, a new paragraph it brings to mind."""

SYSTEM = (
    "You are a skilled writing assistant. Reply with the new paragraph only: "
    "no title, no preamble, no quotation marks, no explanation."
)

# Stop strings for plain completion prompts: a blank line ends a paragraph.
COMPLETION_STOP = ("\n\n",)

MIN_TOKENS = 32
MAX_TOKENS = 768


@dataclass(frozen=True)
class SequencePlan:
    """What sequence ``index`` of a request is asked to write."""

    index: int
    angle: str | None
    seed: int
    messages: tuple[dict[str, str], ...]
    completion_prompt: str
    max_tokens: int


def default_angles(request: GenerationRequest) -> tuple[str | None, ...]:
    """The angles sequences cycle through when the request names none."""
    if request.kind is VariantKind.RESTYLE:
        return tuple(a for a in ANGLES if a != VOICE or request.voice_examples)
    if request.kind is VariantKind.RECOMBINE:
        return tuple(FUSION_ANGLES)
    return (None,)


def angle_for(request: GenerationRequest, index: int) -> str | None:
    """The angle of sequence ``index``."""
    angles = request.angles or default_angles(request)
    return angles[index % len(angles)]


def validate(request: GenerationRequest) -> None:
    """Raise ``UserError`` for a request no prompt can be built from."""
    if request.kind is VariantKind.ORIGINAL:
        raise UserError(
            "'original' is not a kind of variant that can be generated; pick rewrite, restyle, continue or recombine"
        )
    for angle in request.angles:
        if (
            angle is not None
            and angle not in ANGLES
            and angle not in REWRITE_ANGLES
            and angle not in FUSION_ANGLES
            and angle != ASSOCIATION
        ):
            raise UserError(f"unknown angle {angle!r}; choose one of: {', '.join(ANGLES)}")
        if angle == VOICE and not request.voice_examples:
            raise UserError(f"the {VOICE!r} angle needs some of the writer's own paragraphs as examples")
    if request.kind is VariantKind.RECOMBINE:
        if not request.notes:
            raise UserError("recombine needs at least one note")
        if not request.source.strip() and len(request.notes) < 2 and ASSOCIATION not in request.angles:
            raise UserError("recombine needs a paragraph and a note, or two notes")
    elif not request.source.strip():
        raise UserError("there is no text to work on: give a paragraph")


def words(text: str) -> int:
    return len(text.split())


def token_budget(request: GenerationRequest, angle: str | None) -> int:
    """Tokens allowed for one sequence: scaled with the source (about 1.4 tokens a word)."""
    if request.max_tokens is not None:
        return request.max_tokens
    n_words = words(request.source)
    if request.kind is VariantKind.RECOMBINE:
        n_words += sum(words(n) for n in request.notes) // 2
    factor = 0.9 if angle == "terser" else 1.6
    budget = math.ceil(n_words * 1.4 * factor) + 16
    return max(MIN_TOKENS, min(MAX_TOKENS, budget))


def target_words(request: GenerationRequest, angle: str | None) -> int:
    n = words(request.source) or sum(words(x) for x in request.notes) // 2
    return max(10, n // 2 if angle == "terser" else n)


def instruction(request: GenerationRequest, angle: str | None) -> str:
    """The per-sequence instruction that ends the user message."""
    length = f"about {target_words(request, angle)} words"
    if request.kind is VariantKind.CONTINUE:
        text = f"Write the paragraph that comes next ({length}), continuing the story or argument."
    elif request.kind is VariantKind.RECOMBINE:
        text = fusion_instruction(request, angle, length)
    elif angle in REWRITE_ANGLES:
        text = f"{REWRITE_ANGLES[angle].rstrip('.')} ({length})."
    elif angle is not None:
        text = f"{ANGLES[angle]} ({length})"
    else:
        text = f"Rewrite the paragraph in other words, keeping its meaning ({length})."
    if angle in ANGLES and request.kind in (VariantKind.CONTINUE, VariantKind.RECOMBINE):
        text += " " + ANGLES[angle].replace("Rewrite it", "Write it")
    return text


def _quoted(words_: list[str]) -> str:
    return ", ".join(f'"{w}"' for w in words_)


def fusion_instruction(request: GenerationRequest, angle: str | None, length: str) -> str:
    """Recombine: say what to take from each parent and name key words of both, for one paragraph.

    A small model told only to "take in the idea of the note" mostly rewrites the
    paragraph and forgets the note; naming the part to take (an image, a claim, a turn
    of phrase) and a few of each parent's own words keeps both in the answer.
    """
    notes = [n for n in request.notes if n.strip()]
    if angle == ASSOCIATION or (not request.source.strip() and len(notes) == 1):
        words_ = key_words(notes[0]) if notes else []
        hint = f" It may start from {_quoted(words_)}." if words_ else ""
        return (
            "What does this note make you think of? Write a new paragraph about something it brings to mind "
            f"(a scene, a memory, a thought), not a summary of it.{hint} ({length})."
        )
    part = FUSION_ANGLES.get(angle or "", "its main idea")
    if request.source.strip():
        first, others = "the paragraph", ("the note" if len(notes) == 1 else "the notes")
        first_words, other_words = (
            key_words(request.source),
            [w for n in notes for w in key_words(n, 3 if len(notes) == 1 else 2)],
        )
    else:
        first, others = "Note 1", "Note 2"
        first_words, other_words = key_words(notes[0]), [w for n in notes[1:] for w in key_words(n)]
    return (
        f"Write one paragraph that keeps the situation of {first} and weaves in {part} from {others}. "
        f"Use words from both: {_quoted(first_words)} from {first}, and {_quoted(other_words)} from {others}. "
        f"Write in English prose, with no title or label ({length})."
    )


def context_block(request: GenerationRequest) -> str:
    """Everything the sequences share: examples, neighbours, notes, the paragraph."""
    parts = []
    if request.voice_examples:
        examples = "\n\n".join(request.voice_examples)
        parts.append(f"Examples of the writer's own style:\n{examples}")
    if request.before.strip():
        parts.append(f"Text before the paragraph:\n{request.before.strip()}")
    for i, note in enumerate(request.notes, 1):
        label = "Note" if len(request.notes) == 1 else f"Note {i}"
        parts.append(f"{label}:\n{note.strip()}")
    if request.source.strip():
        parts.append(f"Paragraph:\n{request.source.strip()}")
    if request.after.strip() and request.kind is not VariantKind.CONTINUE:
        parts.append(f"Text after the paragraph:\n{request.after.strip()}")
    return "\n\n".join(parts)


def completion_prompt(request: GenerationRequest, angle: str | None) -> str:
    """A plain prompt for base models: the context, then a label the model completes."""
    if request.kind is VariantKind.CONTINUE:
        return "\n\n".join(p for p in (request.before.strip(), request.source.strip()) if p) + "\n\n"
    label = instruction(request, angle).split(" (")[0].rstrip(".")
    return f"{context_block(request)}\n\nTask: {label}.\n\nNew paragraph:\n"


def plan(request: GenerationRequest) -> list[SequencePlan]:
    """The N sequence plans of a request (raises ``UserError`` for a bad request)."""
    validate(request)
    shared = context_block(request)
    plans = []
    for i in range(request.n):
        angle = angle_for(request, i)
        user = f"{shared}\n\n{instruction(request, angle)}"
        plans.append(
            SequencePlan(
                index=i,
                angle=angle,
                seed=sequence_seed(request.seed, i),
                messages=({"role": "system", "content": SYSTEM}, {"role": "user", "content": user}),
                completion_prompt=completion_prompt(request, angle),
                max_tokens=token_budget(request, angle),
            )
        )
    return plans


_PREAMBLE = re.compile(
    r"^(?:sure[,!.]?\s*)?(?:here(?:'s| is)|rewritten|new paragraph|paragraph)[^\n]{0,120}:\s*\n+",
    re.IGNORECASE,
)
# A first line about the task rather than part of the paragraph ("To rephrase this
# passage, I'd suggest the following:"), ending in a colon and a line break.
_META_LINE = re.compile(
    r"^[^\n]{0,200}\b(?:rephras\w*|rewrit\w*|revis\w*|paraphras\w*|version|paragraph|passage|the following)\b[^\n]{0,120}:[ \t]*\n+",
    re.IGNORECASE,
)
# A label on the same line as the text: "Edited paragraph: The rain ..."
_LABEL = re.compile(
    r"^(?:new|edited|revised|rewritten|rephrased|paraphrased|improved|final)\s+(?:paragraph|version|text|passage)\s*:\s*",
    re.IGNORECASE,
)
_QUOTES = {'"': '"', "“": "”", "'": "'"}


def clean(text: str) -> str:
    """A generated paragraph without a chatty preamble, wrapping quotes or edge blanks."""
    text = _PREAMBLE.sub("", text.strip(), count=1).strip()
    text = _META_LINE.sub("", text, count=1).strip()
    text = _LABEL.sub("", text, count=1).strip()
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1] and text.count(text[0]) <= 2:
        text = text[1:-1].strip()
    return text


def paragraph_end(text: str) -> int | None:
    """Where the first paragraph of ``text`` ends (a blank line after real content), if it has.

    A blank line after nothing, or after a line ending in ':' (a preamble like
    "Here is the rewrite:") does not count.
    """
    i = text.find("\n\n")
    while i != -1:
        head = text[:i].strip()
        if head and not head.endswith(":"):
            return i
        i = text.find("\n\n", i + 1)
    return None
