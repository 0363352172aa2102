"""``cardwriter bench generation``: plain one-at-a-time chat completions against the batched engine.

Same work both ways:

(a) N calls of llama-cpp-python's high-level ``create_chat_completion``, one
sequence at a time, as looms and swipes do it today; (b) the batched engine,
all N sequences in one batch per step. Same prompts (one restyle request with
N angles), same seeds, same token budget; end-of-generation is banned in both
and neither stops at a paragraph end, so every sequence runs its whole budget;
the token counts reported are the tokens each way actually generated.

Same sampling where (a) can do it: the preset's temperature, min-p, typical,
top-k, top-p, repetition penalty and mirostat go to both (``create_chat_completion``
would otherwise add its own top-k 40 and top-p 0.95). DRY, top-nσ and XTC exist
only in (b), which so does more sampling work per token; ``--preset`` with a
baseline such as ``llamacpp-default`` gives both exactly the same chain.

Each way gets one short warm-up run first (context creation, first-call
costs). Both then keep their KV cache between calls, as an app asking about
the same paragraph again would: the high-level ``Llama`` reuses the prompt
prefix it shares with its previous call, and the engine reuses the shared
prefix it decoded for the warm-up, so (a) and (b) both decode only each
sequence's own tail of the prompt. (b) is also timed cold, its cache cleared
first (``batched_cold_*``): the shared prompt decoded too, as for a new
paragraph. (b) runs first, so ``peak_rss_mb_batched`` is the engine's peak
alone. ``speedup`` is (b)'s tokens/s over (a)'s, both warm.

Where (b)'s time goes: ``batched_decode_share`` is the part of its warm run
inside ``llama_decode`` (the rest is sampling and Python bookkeeping), and
``decode_tokens_per_s`` the pace of its generation steps' decodes alone (one
new token a sequence; the prompt tails' decode left out, as the bench's warm
figure leaves out its prompt), which llama.cpp's own ``llama-batched-bench``
(which samples nothing) is the measure for: ``decode_ceiling_ratio``. The
bench's warm figure leaves its prompt out; (b)'s warm run still decodes each
sequence's own prompt tail (the request's N instructions), so
``generating_ceiling_ratio`` sets (b) without that decode, sampling and all,
against the ceiling.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from cardwriter.domain.model import VariantKind
from cardwriter.evaluation.batched_ceiling import bench_binary, measure_ceiling
from cardwriter.evaluation.plain_calls import completion, open_plain_llama, sampling
from cardwriter.evaluation.stack_bench import model_label
from cardwriter.generation import prompts
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.presets import DEFAULT_PRESET, get_preset
from cardwriter.generation.protocol import GenerationRequest, SequenceDone

if TYPE_CHECKING:
    from llama_cpp import ChatCompletionRequestMessage

BENCH_PARAGRAPH = (
    "The ferry left at six, whatever the weather, and Ana was always the last to board. She liked "
    "to watch the harbour shrink behind the wake: the crane that never moved, the café with its "
    "chairs stacked on the tables, the row of houses painted the colours of boiled sweets. By the "
    "time the island came into view she had usually decided something, though she could rarely "
    "have said what it was, and by the evening ferry she had usually changed her mind."
)


@dataclass(frozen=True)
class BenchResult:
    model: str
    n: int
    tokens_per_sequence: int
    prompt_tokens: int
    threads: int
    plain_seconds: float
    plain_tokens: int
    plain_tokens_per_s: float
    batched_seconds: float
    batched_tokens: int
    batched_tokens_per_s: float
    batched_cold_seconds: float
    batched_cold_tokens: int
    batched_cold_tokens_per_s: float
    speedup: float
    peak_rss_mb_batched: float
    peak_rss_mb: float
    # llama-batched-bench's tokens/s and the engine's share of it, when the binary is built
    ceiling_tokens_per_s: float | None = None
    ceiling_cold_tokens_per_s: float | None = None
    ceiling_ratio: float | None = None
    ceiling_cold_ratio: float | None = None
    # (b) warm: the share of its wall time inside llama_decode (its prompt tails' decode too), and the
    # tokens a second of its generation steps' decodes alone: llama-batched-bench's warm figure, ours
    batched_decode_share: float | None = None
    decode_tokens_per_s: float | None = None
    decode_ceiling_ratio: float | None = None  # decode_tokens_per_s over the ceiling: llama.cpp's own pace
    # (b) warm without the decode of its prompt tails (N different instructions after the cached prefix),
    # as the ceiling's warm figure is without its one shared prompt: sampling and bookkeeping included
    batched_prompt_seconds: float | None = None
    generating_tokens_per_s: float | None = None
    generating_ceiling_ratio: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def chat_messages(messages: Sequence[Mapping[str, str]]) -> list[ChatCompletionRequestMessage]:
    """A prompt plan's messages as llama-cpp-python's typed ones (plans hold system and user turns only)."""
    typed: list[ChatCompletionRequestMessage] = []
    for message in messages:
        if message["role"] == "system":
            typed.append({"role": "system", "content": message["content"]})
        elif message["role"] == "user":
            typed.append({"role": "user", "content": message["content"]})
        else:
            raise ValueError(f"a prompt plan holds a {message['role']!r} message; the bench sends system and user ones")
    return typed


def run_generation_bench(
    n: int = 4,
    tokens: int = 96,
    model: str | None = None,
    seed: int = 1234,
    threads: int = 2,
    preset: str = DEFAULT_PRESET,
) -> BenchResult:
    engine = LlamaEngine(model, n_threads=threads)
    request = GenerationRequest(
        source=BENCH_PARAGRAPH, kind=VariantKind.RESTYLE, n=n, seed=seed, max_tokens=tokens, preset=preset
    )
    plans = prompts.plan(request)
    texts = [engine.render(p) for p in plans]
    chosen = get_preset(preset)
    seeds = [p.seed for p in plans]

    def batched(budget: int) -> tuple[float, int, float, float, float]:
        """Wall seconds, tokens, seconds inside ``llama_decode``, the seconds of its decodes of prompt
        (not generation steps), and its generation steps' decodes' tokens a second."""
        ctx = engine.context
        before = (ctx.decode_seconds, ctx.step_seconds, ctx.step_tokens) if ctx is not None else (0.0, 0.0, 0)
        t0 = time.perf_counter()
        events = engine.stream_prompts(
            texts, seeds=seeds, preset=chosen, max_tokens=[budget] * n, ban_eog=True, stop_at_paragraph_end=False
        )
        count = sum(e.tokens for e in events if isinstance(e, SequenceDone))
        seconds = time.perf_counter() - t0
        ctx = engine.context
        assert ctx is not None
        decoding, stepping = ctx.decode_seconds - before[0], ctx.step_seconds - before[1]
        step_rate = (ctx.step_tokens - before[2]) / max(stepping, 1e-9)
        return seconds, count, decoding, decoding - stepping, step_rate

    batched(4)
    engine.clear_cache()
    c_seconds, c_tokens, _, _, _ = batched(tokens)
    b_seconds, b_tokens, b_decoding, b_prompt, decode_rate = batched(tokens)
    generating_rate = b_tokens / (b_seconds - b_prompt)  # the warm run without its prompt tails' decode
    rss_batched = peak_rss_mb()
    prompt_tokens = max(len(engine.tokenize(t)) for t in texts)
    eog = list(engine.eog_tokens)
    flash_attn, unified = engine.flash_attn, engine.kv_unified
    engine.close()
    gc.collect()

    n_ctx = -(-(prompt_tokens + tokens + 64) // 256) * 256
    llm = open_plain_llama(str(engine.weights), threads, n_ctx, repeat_last_n=chosen.repeat_last_n)
    options = sampling(chosen, banned=eog)

    def plain(budget: int) -> tuple[float, int]:
        t0 = time.perf_counter()
        count = 0
        for plan in plans:
            out = completion(llm, chat_messages(plan.messages), budget, plan.seed, options)
            count += out["usage"]["completion_tokens"]
        return time.perf_counter() - t0, count

    plain(4)
    a_seconds, a_tokens = plain(tokens)
    llm.close()
    a_rate = a_tokens / a_seconds
    b_rate = b_tokens / b_seconds
    c_rate = c_tokens / c_seconds
    binary = bench_binary()
    ceiling = None
    if binary is not None:
        ceiling = measure_ceiling(
            binary,
            engine.weights,
            n=n,
            prompt_tokens=prompt_tokens,
            tokens=tokens,
            threads=threads,
            flash_attn=flash_attn,
            unified=unified,
        )
    return BenchResult(
        model=model_label(engine),
        n=n,
        tokens_per_sequence=tokens,
        prompt_tokens=prompt_tokens,
        threads=threads,
        plain_seconds=round(a_seconds, 3),
        plain_tokens=a_tokens,
        plain_tokens_per_s=round(a_rate, 1),
        batched_seconds=round(b_seconds, 3),
        batched_tokens=b_tokens,
        batched_tokens_per_s=round(b_rate, 1),
        batched_cold_seconds=round(c_seconds, 3),
        batched_cold_tokens=c_tokens,
        batched_cold_tokens_per_s=round(c_rate, 1),
        speedup=round(b_rate / a_rate, 3),
        peak_rss_mb_batched=round(rss_batched, 1),
        peak_rss_mb=round(peak_rss_mb(), 1),
        ceiling_tokens_per_s=ceiling.warm_tokens_per_s if ceiling else None,
        ceiling_cold_tokens_per_s=ceiling.cold_tokens_per_s if ceiling else None,
        ceiling_ratio=round(b_rate / ceiling.warm_tokens_per_s, 3) if ceiling else None,
        ceiling_cold_ratio=round(c_rate / ceiling.cold_tokens_per_s, 3) if ceiling else None,
        batched_decode_share=round(b_decoding / b_seconds, 3),
        decode_tokens_per_s=round(decode_rate, 1),
        decode_ceiling_ratio=round(decode_rate / ceiling.warm_tokens_per_s, 3) if ceiling else None,
        batched_prompt_seconds=round(b_prompt, 3),
        generating_tokens_per_s=round(generating_rate, 1),
        generating_ceiling_ratio=round(generating_rate / ceiling.warm_tokens_per_s, 3) if ceiling else None,
    )
