"""The writer's preferences, kept by QSettings in the platform's usual place."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QSettings

from cardwriter.embedding.dedup_config import DUPLICATE_COSINE
from cardwriter.generation.presets import AUTO

MODEL_DEFAULT, MODEL_FILE, MODEL_SERVER = "default", "file", "server"
RECENT_LIMIT = 10


@dataclass
class Preferences:
    model_source: str = MODEL_DEFAULT  # the packaged model, a GGUF file, or a server
    model_path: str = ""
    server_url: str = ""
    preset: str = AUTO  # "auto": by the model's size (presets.preset_for)
    variants_shown: int = 4  # how many a stack gains per fill
    overgenerate: float = 2.0  # candidates made per variant kept
    dedup_threshold: float = DUPLICATE_COSINE  # cosine at or above which a candidate is a duplicate
    background_fill: bool = True  # fill a card's stack when the writer pauses on it
    show_changes: bool = True  # mark the words a variant changed
    appearance: str = "system"  # "system" (follow the desktop's light or dark), "light" or "dark"
    backup_minutes: int = 10  # back up the open project this often while it changes (0: never)
    backups_kept: int = 10  # how many backups of each project to keep
    gpu_layers: str = "auto"  # model layers on the GPU: "auto" (all on a GPU build, else 0) or a number
    spelling: bool = True  # red wavy lines under words the dictionary does not know
    spelling_language: str = "en"  # a pyspellchecker dictionary (services/spell_checker.languages())
    writing_font: str = ""  # the cards' font family; "" is the system's serif, for prose
    font_size: float = 12.0  # points
    line_spacing: float = 1.4  # between a card's lines: 1.0 single, 2.0 double (gui/card_text.py)
    line_chars: int = 70  # the widest line of a card, in average characters (0: as wide as the window)
    voice_threshold: float = 1.5  # warn when the model's text is this far from the writer's voice
    keep_my_voice: bool = False  # closeness to the writer's voice as a third term of the stack's selection
    link_cards: bool = True  # offer notes and echoes close in meaning as link cards in each paragraph's stack


class AppSettings:
    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings or QSettings("Cardwriter", "Cardwriter")

    def preferences(self) -> Preferences:
        prefs = Preferences()
        for f in fields(Preferences):
            default = getattr(prefs, f.name)
            value = self.qsettings.value(f"preferences/{f.name}", default)
            try:
                if isinstance(default, bool):
                    value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
                else:
                    value = type(default)(value)
            except (TypeError, ValueError):
                value = default  # a damaged setting falls back, it never stops the app
            setattr(prefs, f.name, value)
        return prefs

    def save_preferences(self, prefs: Preferences) -> None:
        for f in fields(Preferences):
            self.qsettings.setValue(f"preferences/{f.name}", getattr(prefs, f.name))
        self.qsettings.sync()

    def forget_model(self, path: str) -> bool:
        """Drop a saved model file that failed to load: back to the packaged default.

        Called when the model at ``path`` (the saved path, or the file it resolved
        to) cannot be loaded, so the next start does not try it again. Returns
        whether the saved choice was that file (and was dropped).
        """
        prefs = self.preferences()
        if prefs.model_source != MODEL_FILE or not prefs.model_path or not _same_file(prefs.model_path, path):
            return False
        prefs.model_source, prefs.model_path = MODEL_DEFAULT, ""
        self.save_preferences(prefs)
        return True

    def recent_projects(self) -> list[str]:
        value = self.qsettings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):  # QSettings gives a list, one string, or nothing
            return []
        return [str(v) for v in value]

    def add_recent(self, path: str) -> None:
        recent = [p for p in self.recent_projects() if p != path]
        self.qsettings.setValue("recent", [path, *recent][:RECENT_LIMIT])
        self.qsettings.sync()

    def panel_visible(self, name: str) -> bool:
        """Whether a side panel (e.g. "notes") was left open; open unless the writer collapsed it."""
        return str(self.qsettings.value(f"panels/{name}", True)).lower() not in ("false", "0", "no")

    def set_panel_visible(self, name: str, visible: bool) -> None:
        self.qsettings.setValue(f"panels/{name}", visible)
        self.qsettings.sync()


def _same_file(saved: str, failed: str) -> bool:
    if saved == failed:
        return True
    try:
        return Path(saved).expanduser().resolve() == Path(failed).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return False
