"""Where a streaming stack fill spends its time: cProfile of ``StackFiller.fill`` with the app's defaults.

usage:
    python benchmarks/profile_stack_fill.py [--input FILE.jsonl] [--limit 3] [-n 8] [--classic] [--threads 2]

Loads the packaged model and MiniLM once, warms both up, then fills one stack of
``n`` variants per paragraph under cProfile and splits the profiled time into:

- ``llama_decode``: own time of ``DecodingContext.decode`` (ctypes calls are not
  profiled on their own, so their time is the own time of the thin method making them);
- ``sampling``: own time of ``SamplerFactory.sample`` and ``sample_first``;
- ``early_stop``: ``StreamingRound.early_stop`` with everything it calls (the fact guard too);
- ``embedding``: ``Embedder.encode`` of arriving candidates (cumulative);
- ``fluency_scoring``: the model scoring arrivals for its verdict (``score_texts``);
- ``filters``: the rest of the candidate chain (``fill_chain.CandidateChain.judge`` and
  ``accept``, in the streaming and the classic way alike) and the MMR pick (``Picker.pick``);
- ``python_bookkeeping``: everything else (the step loop, events, pieces, callbacks).

Two stages of the chain are also given whole (inside ``filters`` and ``embedding``):
``text_rules`` (``text_rules.apply``) and ``keepability`` (``KeepabilityJudge.judge``,
its sentence embeddings included).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.cache import CachedEmbedder
from cardwriter.embedding.embedder import SentenceTransformerEmbedder
from cardwriter.evaluation.diversity_input import load_paragraphs
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.model_files import packaged_model
from cardwriter.services.stack_filling import FillRequest, StackFiller

DEV = str(Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", default=DEV)
    parser.add_argument("--limit", type=int, default=3)
    parser.add_argument("-n", type=int, default=8)
    parser.add_argument("--classic", action="store_true", help="streaming off (no early stops, no refills)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--dump", help="also write the raw profile here")
    args = parser.parse_args()

    engine = LlamaEngine(packaged_model(), n_threads=args.threads)
    filler = StackFiller(CachedEmbedder(SentenceTransformerEmbedder()))
    paragraphs = load_paragraphs(args.input, args.limit)

    def fill_all() -> int:
        shown = 0
        for p in paragraphs:
            request = FillRequest.build(
                source=p.text, kind=VariantKind.REWRITE, wanted=args.n, seed=args.seed, streaming=not args.classic
            )
            shown += len(filler.fill(engine, request).variants)
        return shown

    warm_up = FillRequest.build(source="A short warm-up sentence about the sea.", wanted=2, seed=1, max_rounds=1)
    filler.fill(engine, warm_up)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    shown = profiler.runcall(fill_all)
    wall = time.perf_counter() - t0
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def own(test: Callable[[str, str], bool]) -> float:
        return sum(tt for (file, _, name), (_, _, tt, _, _) in stats.items() if test(file, name))

    def cumulative(test: Callable[[str, str], bool]) -> float:
        return sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items() if test(file, name))

    total = sum(tt for (_, _, tt, _, _) in stats.values())
    decode = own(lambda f, name: f.endswith("llama/context.py") and name == "decode")
    sampling = own(lambda f, name: f.endswith("llama/samplers.py") and name in ("sample", "sample_first"))
    early = cumulative(lambda f, name: f.endswith("stack_streaming.py") and name == "early_stop")
    # the chain judges each candidate as it finishes (streaming) or after the round (classic): the same calls
    passes = cumulative(lambda f, name: f.endswith("fill_chain.py") and name in ("judge", "accept"))
    picking = cumulative(lambda f, name: f.endswith("stack_filling.py") and name == "pick")
    text_rules = cumulative(lambda f, name: f.endswith("text_rules.py") and name == "apply")
    keepability = cumulative(lambda f, name: f.endswith("keepability.py") and name == "judge")
    embedding = cumulative(lambda f, name: f.endswith("embedding/cache.py") and name == "encode")
    # the part of it inside the chain (the rest: the source, the stack and the warm-up, set up once a fill)
    embedding_in_filters = sum(
        caller_ct
        for (file, _, name), (_, _, _, _, callers) in stats.items()
        if file.endswith("embedding/cache.py") and name == "encode"
        for (caller_file, _, caller), (_, _, _, caller_ct) in callers.items()
        if (caller_file.endswith("fill_chain.py") and caller == "judge")
        or (caller_file.endswith("keepability.py") and caller == "alignment")
    )
    scoring = cumulative(lambda f, name: f.endswith("llama/scoring.py") and name == "score_texts")
    report = {
        "way": "classic" if args.classic else "streaming",
        "paragraphs": len(paragraphs),
        "n": args.n,
        "shown": shown,
        "wall_s": round(wall, 3),
        "profiled_s": round(total, 3),
        "llama_decode_s": round(decode, 3),
        "sampling_s": round(sampling, 3),
        "early_stop_s": round(early, 3),
        "embedding_s": round(embedding, 3),
        "fluency_scoring_s": round(scoring, 3),
        "filters_s": round(passes + picking - embedding_in_filters - scoring, 3),
        "text_rules_s": round(text_rules, 3),
        "keepability_s": round(keepability, 3),
        "python_bookkeeping_s": round(
            total - decode - sampling - early - (passes + picking) - (embedding - embedding_in_filters), 3
        ),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
