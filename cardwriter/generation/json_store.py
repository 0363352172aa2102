"""Small JSON files the generation layer keeps for itself (the default model, the probe's verdicts)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json(target: Path, data: Any) -> None:
    """Write ``data`` to ``target`` through a temporary file and an atomic rename; raises OSError.

    A reader sees the old file or the new one, never half of one, and a
    failed write leaves no temporary file behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
