"""A whole project as JSON: every draft, card, variant with its provenance, and note.

The export is the project's portable, human-readable form; importing it into
an empty project gives back an equal project (same ids, texts, order, states
and provenance). Embeddings are left out: they are a cache, rebuilt on demand.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cardwriter import json_input
from cardwriter.domain.model import Card, Draft, Note, Provenance, Variant, VariantKind, VariantState
from cardwriter.errors import ImportRefused
from cardwriter.storage.project import Project

FORMAT = "cardwriter-project"
FORMAT_VERSION = 1


def project_to_dict(project: Project) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "drafts": [_draft_to_dict(draft) for draft in project.load_drafts()],
        "notes": [_note_to_dict(note) for note in project.notes()],
    }


def parse_project_json(text: str, source: str) -> Any:
    """The JSON value in ``text`` (the file ``source``), read as data from outside; ``ImportRefused`` if it is none.

    Nesting deeper than ``json_input.MAX_DEPTH`` is refused before parsing
    (an export nests fewer than 10 deep).
    """
    try:
        return json_input.loads(text)
    except json_input.TooDeep as exc:
        raise ImportRefused(f"{source} is {exc}, too deep to be a Cardwriter project export") from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except ValueError as exc:  # e.g. a number with more digits than Python converts
        raise ImportRefused(f"{source} is not a usable JSON file ({str(exc)[:200]})") from None


def load_project_dict(project: Project, data: Any, source: str) -> None:
    """Fill an empty project from ``project_to_dict`` output, in one transaction."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(f"{source} is JSON, but not a Cardwriter project export")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        shown = str(version)[:40] if isinstance(version, (int, float)) else json.dumps(version)[:40]
        raise ImportRefused(
            f"{source} is not a usable Cardwriter project export: its format version ({shown}) is not a whole number"
        )
    if version > FORMAT_VERSION:
        raise ImportRefused(
            f"{source} was exported by a newer version of Cardwriter (format {data.get('version')}); update Cardwriter"
        )
    if project.drafts() or project.notes():
        raise ImportRefused(f"{project.path} already has drafts or notes; import a project export into a new project")
    try:
        drafts = [_draft_from_dict(d) for d in data.get("drafts", [])]
        notes = [_note_from_dict(n) for n in data.get("notes", [])]
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ImportRefused(f"{source} is a damaged Cardwriter export ({_describe(exc)})") from exc
    try:
        with project.transaction():
            for draft in drafts:
                project.add_draft(draft)
            project.add_notes(notes)
    except (sqlite3.IntegrityError, OverflowError, RecursionError, ValueError) as exc:
        raise ImportRefused(
            f"{source} is a damaged Cardwriter export ({_describe(exc)}); nothing was imported"
        ) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, KeyError):
        return f"a required field {exc} is missing"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _draft_to_dict(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "title": draft.title,
        "created": draft.created,
        "leading": draft.leading,
        "cards": [
            {
                "id": card.id,
                "text": card.text,
                "separator": card.separator,
                "variants": [_variant_to_dict(v) for v in card.variants],
            }
            for card in draft.cards
        ],
    }


def _variant_to_dict(variant: Variant) -> dict[str, Any]:
    p = variant.provenance
    return {
        "id": variant.id,
        "text": variant.text,
        "state": variant.state.value,
        "provenance": {
            "kind": p.kind.value,
            "angle": p.angle,
            "model": p.model,
            "preset": p.preset,
            "seed": p.seed,
            "parent_id": p.parent_id,
            "note_ids": list(p.note_ids),
            "created": p.created,
        },
    }


def _note_to_dict(note: Note) -> dict[str, Any]:
    return {"id": note.id, "text": note.text, "source": note.source, "tags": list(note.tags), "created": note.created}


def _draft_from_dict(d: dict[str, Any]) -> Draft:
    cards = [
        Card(
            id=_text(c["id"]),
            text=_text(c["text"]),
            separator=_text(c["separator"]),
            variants=[_variant_from_dict(v) for v in c.get("variants", [])],
        )
        for c in d["cards"]
    ]
    return Draft(
        id=_text(d["id"]),
        title=_text(d["title"]),
        created=_text(d["created"]),
        leading=_text(d["leading"]),
        cards=cards,
    )


def _variant_from_dict(v: dict[str, Any]) -> Variant:
    p = v["provenance"]
    seed = p.get("seed")
    if seed is not None and not (isinstance(seed, int) and -(2**63) <= seed < 2**63):
        raise ValueError(f"seed must be a whole number that fits in 64 bits, not {str(seed)[:40]}")
    provenance = Provenance(
        kind=VariantKind(p["kind"]),
        angle=_optional_text(p.get("angle")),
        model=_optional_text(p.get("model")),
        preset=_optional_text(p.get("preset")),
        seed=seed,
        parent_id=_optional_text(p.get("parent_id")),
        note_ids=tuple(_text(n) for n in p.get("note_ids", [])),
        created=_text(p["created"]),
    )
    return Variant(id=_text(v["id"]), text=_text(v["text"]), state=VariantState(v["state"]), provenance=provenance)


def _note_from_dict(n: dict[str, Any]) -> Note:
    return Note(
        id=_text(n["id"]),
        text=_text(n["text"]),
        source=_text(n.get("source", "")),
        tags=tuple(_text(t) for t in n.get("tags", [])),
        created=_text(n["created"]),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {str(value)[:60]}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800"
        raise ValueError("text with an invalid character (a lone UTF-16 surrogate)") from exc
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)
