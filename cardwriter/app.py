"""The composition root: settings, engines and the window, built once and passed in.

Nothing heavy happens here: the language model loads in the generation
worker, and the embedder loads the first time a stack is filled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import platformdirs

from cardwriter.embedding.cache import default_embedder
from cardwriter.generation.factory import open_generator
from cardwriter.generation.presets import AUTO, PRESETS
from cardwriter.generation.prompts import ANGLES
from cardwriter.generation.protocol import TextGenerator
from cardwriter.gui.common.app_settings import MODEL_FILE, MODEL_SERVER, AppSettings, Preferences
from cardwriter.gui.common.backend import Backend
from cardwriter.gui.shell import launch
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.logs import setup_logging
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.stack_filling import StackFiller
from cardwriter.storage.project_file import SUFFIX


def model_spec(prefs: Preferences) -> str | None:
    """What to hand the generator factory: a file, a URL, or None for the packaged model."""
    if prefs.model_source == MODEL_FILE and prefs.model_path:
        return prefs.model_path
    if prefs.model_source == MODEL_SERVER and prefs.server_url:
        return prefs.server_url
    return None


def generator_loader(prefs: Preferences) -> Callable[[], TextGenerator]:
    """A function that loads the generator ``prefs`` choose, for the generation worker to call.

    The choice is read now, when the loader is made: preferences changed later make a new loader.
    """
    spec, layers = model_spec(prefs), prefs.gpu_layers
    return lambda: open_generator(spec, gpu_layers=layers)


def build_backend() -> Backend:
    embedder = default_embedder()  # one model, shared by stacks and notes
    return Backend(
        filler=StackFiller(embedder),
        loader_for=generator_loader,
        presets=[AUTO, *PRESETS],
        angles=list(ANGLES),
        notes=NoteFinder(embedder),
    )


def starting_project(settings: AppSettings, requested: str | None) -> Path:
    """The project to open: the one asked for, else the last one used, else a new one in Documents.

    If it cannot open, the window says why on its start panel (New, Open, Recent); since a
    project goes into Recent only once it has opened, a broken one is not retried forever.
    """
    if requested:
        return Path(requested)
    for recent in settings.recent_projects():
        if Path(recent).exists():
            return Path(recent)
    folder = Path(platformdirs.user_documents_dir()) / "Cardwriter"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"My first draft{SUFFIX}"


def run_app(project: str | None = None) -> int:
    """Open the window on ``project`` (or the last one) and run until it closes."""
    setup_logging()
    return launch.run(lambda settings: MainWindow(settings, build_backend(), starting_project(settings, project)))
