"""What the window may use of a project file, named in one place.

The GUI reaches storage through services (an import-linter contract in
pyproject.toml). A ``Project`` is a handle whose methods are themselves the
service (cards, drafts, notes, stacks, each change in its own transaction), so
the window takes the class from here, with the project suffix and the voice
history's points, instead of from ``storage``.
"""

from __future__ import annotations

from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX as PROJECT_SUFFIX
from cardwriter.storage.voice_records import VoicePoint

__all__ = ["PROJECT_SUFFIX", "Project", "VoicePoint"]
