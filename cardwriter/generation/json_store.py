"""Small JSON files the generation layer keeps for itself (the default model, the probe's verdicts).

They live in the user's folders, where anything may have replaced them, so
``read_json_object`` reads them as data from outside: a size limit, a depth
limit (``cardwriter.json_input``), and an empty dict for anything unreadable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cardwriter import json_input
from cardwriter.safe_write import write_text_atomically

MAX_STORE_BYTES = 4 * 1024 * 1024  # these files hold a few hundred bytes; a bigger one is not ours


def write_json(target: Path, data: Any) -> None:
    """Write ``data`` to ``target`` through ``cardwriter.safe_write``: whole or not at all.

    A reader sees the old file or the new one, never half of one, and a
    failed write leaves no temporary file behind. Data that is not JSON
    raises ``TypeError`` before anything is written; a file that cannot be
    written raises ``UserError`` (a full disk: ``DiskFull``), and a folder
    that cannot be made raises ``OSError``.
    """
    text = json.dumps(data, indent=1)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(target, text)


def read_json_object(path: Path, max_bytes: int = MAX_STORE_BYTES) -> dict[str, Any]:
    """The JSON object in ``path``; ``{}`` when it is missing, unreadable, too big, too deep, damaged or no object."""
    try:
        if not path.is_file():  # missing, or a folder or named pipe put there (opening a pipe would block)
            return {}
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError:
        return {}
    if len(data) > max_bytes:
        return {}
    try:
        value = json_input.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
