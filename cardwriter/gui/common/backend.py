"""What the window needs from the layers below, built by the composition root (``app.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cardwriter.generation.protocol import TextGenerator
from cardwriter.gui.common.app_settings import Preferences
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.stack_filling import StackFiller


@dataclass
class Backend:
    """What the window needs from the layers below, built by ``app.py``."""

    filler: StackFiller
    loader_for: Callable[[Preferences], Callable[[], TextGenerator]]  # returns a function that loads a generator
    presets: list[str]
    angles: list[str]
    notes: NoteFinder  # search and related notes, run in a worker thread
