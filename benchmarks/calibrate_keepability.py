"""How well the keepability rule and the second judge agree with a reader's labels, and where their bars sit.

usage:
    python benchmarks/calibrate_keepability.py [--labels benchmarks/data/keep_labels.jsonl] [--half tune|report|all]

Each line of the labels file is a candidate rewrite of a paragraph of
benchmarks/data/ (``id``), with a reader's verdict: would a writer keep it as an
alternative wording (``keep``), and if not, why (``class``). For every candidate
the script prints, per half:

- our rule (``services.text_rules`` and ``services.keepability`` with MiniLM, the
  pipeline's own embedder) and what it says;
- the second judge's sentence alignment (all-mpnet-base-v2: the least support of
  a variant sentence and the mean coverage of the paragraph's sentences), and for
  a grid of bars on the tune half, the share of labelled keeps and rejects each
  bar gets right (balanced accuracy), best first.

Choose on the tune half; read the report half only to see whether the choice holds.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from cardwriter.cli.generation_commands import open_embedder
from cardwriter.domain.model import VariantKind
from cardwriter.domain.sentences import sentence_texts
from cardwriter.evaluation.second_embedder import load_second_embedder
from cardwriter.services import text_rules
from cardwriter.services.keepability import KeepabilityJudge, align

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"


def paragraphs() -> dict[str, str]:
    found = {}
    for name in ("dev_paragraphs.jsonl", "present_day.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            found[item["id"]] = item["text"]
    return found


def half(paragraph_id: str) -> str:
    return "tune" if int(paragraph_id.rsplit("-", 1)[1]) % 2 == 0 else "report"


def balanced_accuracy(rows: list[dict], passes) -> float:
    keeps = [r for r in rows if r["keep"]]
    rejects = [r for r in rows if not r["keep"]]
    hit_keep = sum(passes(r) for r in keeps) / len(keeps) if keeps else float("nan")
    hit_reject = sum(not passes(r) for r in rejects) / len(rejects) if rejects else float("nan")
    return (hit_keep + hit_reject) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DATA / "keep_labels.jsonl")
    parser.add_argument("--half", choices=("tune", "report", "all"), default="all")
    args = parser.parse_args()
    texts = paragraphs()
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.half != "all":
        rows = [r for r in rows if half(r["id"]) == args.half]
    embedder, second = open_embedder(), load_second_embedder()
    judges: dict[str, KeepabilityJudge] = {}
    for row in rows:
        source = texts[row["id"]]
        judge = judges.setdefault(row["id"], KeepabilityJudge(embedder, source=source, kind=VariantKind.REWRITE))
        ruled = text_rules.apply(row["candidate"], source=source, parents=(source,), kind=VariantKind.REWRITE)
        if isinstance(ruled, text_rules.RuleBroken):
            row["rule"] = ruled.reason.value
            shown = row["candidate"]
        else:
            unkept = judge.judge(ruled)
            row["rule"] = "keep" if unkept is None else unkept.reason.value
            shown = ruled
        mine = sentence_texts(shown)
        theirs = sentence_texts(source)
        found = align(second.encode(mine), second.encode(theirs)) if mine and theirs else None
        row["support"] = found.min_support if found else 0.0
        row["coverage"] = found.mean_coverage if found else 0.0
    for name in ("tune", "report"):
        part = [r for r in rows if half(r["id"]) == name]
        if not part:
            continue
        keeps = sum(r["keep"] for r in part)
        print(f"== {name} half: {len(part)} labelled candidates, {keeps} a reader would keep")
        rule_acc = balanced_accuracy(part, lambda r: r["rule"] == "keep")
        kept_by_rule = [r for r in part if r["rule"] == "keep"]
        print(
            f"our rule keeps {len(kept_by_rule)}, of which a reader keeps {sum(r['keep'] for r in kept_by_rule)}; "
            f"balanced accuracy {rule_acc:.2f}"
        )
        grid = []
        for support, coverage in itertools.product(
            [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7], [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9]
        ):
            acc = balanced_accuracy(part, lambda r, s=support, c=coverage: r["support"] >= s and r["coverage"] >= c)
            both = balanced_accuracy(
                part,
                lambda r, s=support, c=coverage: r["rule"] == "keep" and r["support"] >= s and r["coverage"] >= c,
            )
            grid.append((acc, both, support, coverage))
        grid.sort(reverse=True)
        print("second judge alone / with our rule: balanced accuracy at (support, coverage), best five:")
        for acc, both, support, coverage in grid[:5]:
            print(f"  {acc:.2f} / {both:.2f} at ({support}, {coverage})")


if __name__ == "__main__":
    main()
