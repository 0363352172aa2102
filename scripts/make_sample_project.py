"""Write the bundled sample project (cardwriter/resources/sample_project.json) with the real default model.

    python scripts/make_sample_project.py [OUT.json] [DEV_PARAGRAPHS.jsonl]

Run once by a maintainer; the app only reads the result (Help ▸ Open Sample Project
imports it into a fresh copy). Four public-domain paragraphs from Frankenstein
(Project Gutenberg #84, from benchmarks/data/dev_paragraphs.jsonl) become a draft,
three other passages become notes, and the first three paragraphs get stacks
filled by SmolLM2 through the same StackFiller the app uses.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from cardwriter.app import build_backend
from cardwriter.domain.model import Note, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.generation.factory import open_generator
from cardwriter.services import project_json
from cardwriter.services.stack_filling import FillRequest
from cardwriter.storage.project import Project

DEV = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl"
DRAFT_IDS = ("84-00", "84-03", "84-06", "84-02")
NOTE_IDS = ("1661-04", "3261-02", "1342-04")
FILLS = ((0, VariantKind.REWRITE, None), (1, VariantKind.RESTYLE, None), (2, VariantKind.REWRITE, None))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "cardwriter/resources/sample_project.json")
    dev = Path(sys.argv[2]) if len(sys.argv) > 2 else DEV
    rows = {r["id"]: r for r in (json.loads(line) for line in dev.read_text().splitlines() if line.strip())}
    backend = build_backend()
    generator = open_generator(None)
    with tempfile.TemporaryDirectory() as tmp:
        with Project.create(Path(tmp) / "sample.cardwriter") as project:
            text = "# After the Storm\n\n" + "\n\n".join(rows[i]["text"] for i in DRAFT_IDS) + "\n"
            draft = draft_from_text("Frankenstein, four paragraphs (sample)", text)
            project.add_draft(draft)
            project.add_notes(Note(rows[i]["text"], source=rows[i]["source"]) for i in NOTE_IDS if i in rows)
            for offset, kind, angle in FILLS:
                card = draft.cards[1 + offset]  # after the heading
                request = FillRequest.build(source=card.text, kind=kind, angle=angle, wanted=4, seed=1000 + offset)
                result = backend.filler.fill(generator, request)
                print(f"card {offset + 1}: {len(result.variants)} variants", file=sys.stderr)
                project.add_variants(card.id, result.variants)
            data = project_json.project_to_dict(project)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
