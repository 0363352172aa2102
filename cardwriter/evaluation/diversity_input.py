"""The diversity report's input: paragraphs from a JSON Lines file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from cardwriter import json_input
from cardwriter.errors import UserError


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str


def load_paragraphs(path: str | Path, limit: int | None = None) -> list[Paragraph]:
    """Paragraphs from a JSON Lines file: one object a line with ``text`` (and ``id``).

    A line may also be a bare JSON string. Blank lines are skipped. Raises
    ``UserError`` for a missing or malformed file.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"input file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read input file {path}: {exc}") from None
    found: list[Paragraph] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json_input.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(
                f'{path}, line {number}: not JSON ({exc.msg}); expected one object with "text" a line'
            ) from None
        except ValueError as exc:  # nested too deep, a number with too many digits
            raise UserError(
                f'{path}, line {number}: unusable JSON ({str(exc)[:120]}); expected one object with "text" a line'
            ) from None
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise UserError(f'{path}, line {number}: expected an object with a non-empty "text" string')
        found.append(Paragraph(str(item.get("id", number)), item["text"].strip()))
        if limit is not None and len(found) >= limit:
            break
    if not found:
        raise UserError(f"input file {path} holds no paragraphs")
    return found


def half_of(paragraphs: list[Paragraph], half: str) -> list[Paragraph]:
    """The ``tune`` half (ids ending in an even number: 1342-00, essay-02) or the ``report`` half (odd).

    Choose settings on one half, report on the other. Ids without a number at the end are in neither.
    """
    if half not in ("tune", "report"):
        raise UserError(f"a half is 'tune' or 'report', not {half!r}")
    wanted = 0 if half == "tune" else 1
    found = []
    for paragraph in paragraphs:
        digits = re.search(r"(\d+)$", paragraph.id)
        if digits is not None and int(digits.group(1)) % 2 == wanted:
            found.append(paragraph)
    return found
