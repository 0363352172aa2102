"""The default model, shared by the command line and the app: ``config.json`` in the user config folder.

``cardwriter models use NAME`` (or "Use" in Settings ▸ Models) writes it;
``model_files.resolve_model`` reads it when no model is named and
``CARDWRITER_MODEL`` is not set. A small JSON file rather than the app's
QSettings, because the command line must not need Qt. A damaged file reads as
"no default": the packaged model is used, and the next ``use`` rewrites it.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from cardwriter.errors import UserError
from cardwriter.generation.json_store import read_json_object, write_json

CONFIG_NAME = "config.json"
KEY = "default_model"


def config_path() -> Path:
    return Path(platformdirs.user_config_dir("cardwriter")) / CONFIG_NAME


def _read() -> dict[str, object]:
    return read_json_object(config_path())


def default_model() -> Path | None:
    """The model file chosen with ``use``, or None for the packaged default."""
    value = _read().get(KEY)
    return Path(value) if isinstance(value, str) and value else None


def set_default_model(path: Path | None) -> None:
    """Make ``path`` the default model (None: back to the packaged one), replacing the file atomically."""
    data = _read()
    if path is None:
        data.pop(KEY, None)
    else:
        data[KEY] = str(Path(path).resolve())
    target = config_path()
    try:
        write_json(target, data)
    except OSError as exc:
        raise UserError(f"cannot save the default model in {target}: {exc.strerror or exc}") from None
