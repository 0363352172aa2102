"""A project export is data from outside: any file either imports whole or is refused with a message.

Hypothesis writes random JSON, random text, and real exports with random
fields swapped for random values; each import into a fresh project either
succeeds or raises ``UserError`` naming the file, and a refused import adds
nothing. Nesting past ``json_input.MAX_DEPTH`` is refused before parsing.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardwriter.errors import ImportRefused, UserError
from cardwriter.services import project_json, transfer
from cardwriter.storage.project import Project

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EXPORT = {
    "format": "cardwriter-project",
    "version": 1,
    "drafts": [
        {
            "id": "d1",
            "title": "Chapter",
            "created": "2026-01-01T00:00:00Z",
            "leading": "",
            "cards": [
                {
                    "id": "c1",
                    "text": "It was a dark night.",
                    "separator": "\n\n",
                    "variants": [
                        {
                            "id": "v1",
                            "text": "The night was dark.",
                            "state": "in_stack",
                            "provenance": {
                                "kind": "rewrite",
                                "angle": "plain",
                                "model": "m",
                                "preset": "balanced",
                                "seed": 7,
                                "parent_id": None,
                                "note_ids": ["n1"],
                                "created": "2026-01-01T00:00:00Z",
                            },
                        }
                    ],
                },
                {"id": "c2", "text": "The rain fell.", "separator": "\n", "variants": []},
            ],
        }
    ],
    "notes": [{"id": "n1", "text": "A note.", "source": "n.md", "tags": ["rain"], "created": "2026-01-01T00:00:00Z"}],
}

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["rewrite", "restyle", "original", "in_stack", "pinned", "\ud800", "", "d1", "c1", "n1"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def mutated_exports(draw) -> object:
    """The export above with one to four places swapped for any JSON value, or removed."""
    data = copy.deepcopy(EXPORT)
    for _ in range(draw(st.integers(1, 4))):
        parent: dict | list = data
        while True:  # walk down to a random container
            children = list(parent.items()) if isinstance(parent, dict) else list(enumerate(parent))
            children = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
            if not children or not draw(st.booleans()):
                break
            parent = draw(st.sampled_from(children))[1]
        if isinstance(parent, dict):
            key = draw(st.sampled_from(sorted(parent)) | st.text(max_size=8))
            if draw(st.booleans()) and key in parent:
                del parent[key]
            else:
                parent[key] = draw(json_values)
        elif isinstance(parent, list):
            if parent and draw(st.booleans()):
                parent[draw(st.integers(0, len(parent) - 1))] = draw(json_values)
            else:
                parent.append(draw(json_values))
    return data


class Target:
    """An empty project to import into, kept across examples until an import fills it (making one is slow)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cardwriter-fuzz-"))
        self.made = 0
        self.project: Project | None = None

    def empty_project(self) -> Project:
        if self.project is None or self.project.drafts() or self.project.notes():
            if self.project is not None:
                self.project.close()
            self.made += 1
            self.project = Project.create(self.folder / f"p{self.made}.cardwriter")
        return self.project

    def remove(self) -> None:
        if self.project is not None:
            self.project.close()
            self.project = None
        shutil.rmtree(self.folder, ignore_errors=True)


TARGET = Target()


@pytest.fixture(scope="module", autouse=True)
def _remove_target():
    yield
    TARGET.remove()


def import_text(text: str) -> None:
    """Import ``text`` as a .json file into an empty project: succeed whole, or refuse with a message and add nothing."""
    path = TARGET.folder / "export.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    project = TARGET.empty_project()
    started = time.monotonic()
    try:
        transfer.import_file(project, path)
    except UserError as exc:
        assert str(path) in str(exc)
        assert project.drafts() == [] and project.notes() == []
    assert time.monotonic() - started < 5


def test_the_export_itself_imports():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_text(json.dumps(EXPORT), encoding="utf-8")
        with Project.create(Path(folder) / "p.cardwriter") as project:
            transfer.import_file(project, path)
            assert [card.text for card in project.load_drafts()[0].cards] == ["It was a dark night.", "The rain fell."]


@pytest.mark.parametrize("depth", [101, 30_000, 2_000_000])
def test_deep_nesting_is_refused_before_parsing(depth):
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="nested more than 100 levels deep"):
        project_json.parse_project_json('{"format": "cardwriter-project", "x": ' + "[" * depth, "export.json")
    assert time.monotonic() - started < 2


def test_deep_nesting_in_an_unknown_field_is_refused_with_the_file_named(tmp_path):
    data = {**EXPORT, "settings": {"deep": json.loads("[" * 900 + "]" * 900)}}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with Project.create(tmp_path / "p.cardwriter") as project:
        with pytest.raises(ImportRefused, match=rf"{path} is nested more than 100 levels deep"):
            transfer.import_file(project, path)
        assert project.drafts() == []


@settings(FUZZ, max_examples=100)
@given(mutated_exports())
def test_an_export_with_fields_of_any_type_imports_or_is_refused(data):
    import_text(json.dumps(data))


@FUZZ
@given(json_values)
def test_any_json_value_imports_or_is_refused(value):
    import_text(json.dumps(value))


@FUZZ
@given(st.text(alphabet=st.sampled_from('[]{}",:0123456789.eE-+ tfnrulasx\\\n') | st.characters(), max_size=200))
def test_any_text_imports_or_is_refused(text):
    import_text(text)
