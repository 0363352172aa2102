"""The notes library on real project files: the changes the GUI undoes and the CLI makes."""

from __future__ import annotations

import dataclasses

import pytest

from cardwriter.domain.model import Note
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.notes_library import NotesLibrary
from cardwriter.storage.project import Project

SEA = Note("The sea is as deep as the sky is high.", source="a sailor", tags=("sea",))
KEEPER = Note("Every lighthouse keeper keeps a log of ships.")
BREAD = Note("Bread rises best in a warm kitchen.")


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "notes.cardwriter"
    with Project.create(path) as project:
        NotesLibrary(project).replace([], [SEA, KEEPER])
    return path


def notes_in(path):
    with Project.open(path) as project:
        return NotesLibrary(project).notes()


def test_replace_adds_edits_and_deletes_and_its_mirror_undoes_it(path):
    edited = dataclasses.replace(KEEPER, text="Every keeper keeps a log of the ships that pass.")
    before, after = [SEA, KEEPER], [edited, BREAD]
    with Project.open(path) as project:
        NotesLibrary(project).replace(before, after)
    assert {n.id: n.text for n in notes_in(path)} == {KEEPER.id: edited.text, BREAD.id: BREAD.text}
    with Project.open(path) as project:
        NotesLibrary(project).replace(after, before)  # undo
    assert sorted(notes_in(path), key=lambda n: n.id) == sorted([SEA, KEEPER], key=lambda n: n.id)


def test_a_failed_replace_changes_nothing(path):
    twin = Note("Two new notes under one id cannot both be stored.", id="twin")
    with Project.open(path) as project:
        with pytest.raises(Exception, match="UNIQUE"):
            # KEEPER is deleted first, then the second "twin" fails to insert: all or nothing.
            NotesLibrary(project).replace([KEEPER], [twin, twin])
    assert sorted(n.id for n in notes_in(path)) == sorted([SEA.id, KEEPER.id])


def test_files_become_notes_and_unreadable_ones_are_listed(path, tmp_path):
    (tmp_path / "quote.md").write_text("A quote in a file.\n\nAnd its second paragraph.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff\x00")
    with Project.open(path) as project:
        result = NotesLibrary(project).add_files([tmp_path / "quote.md", tmp_path / "binary.txt"], split=True)
    assert [n.text for n in result.added] == ["A quote in a file.", "And its second paragraph."]
    assert len(result.refused) == 1 and "binary.txt" in result.refused[0]
    assert [n.text for n in notes_in(path)][-2:] == ["A quote in a file.", "And its second paragraph."]


def test_search_and_related_find_notes_by_their_words(path):
    with Project.open(path) as project:
        library = NotesLibrary(project)
        found = library.search(FakeEmbedder(), "lighthouse keeper")
        assert [h.note.id for h in found.hits][:1] == [KEEPER.id]
        assert found.embedded == 2 and found.cached == 0
        again = library.search(FakeEmbedder(), "lighthouse keeper")
        assert again.embedded == 0 and again.cached == 2, "note vectors are cached in the project file"
        near = library.related(FakeEmbedder(), "The sea is as deep as the sky is high, said the sailor.", k=1)
        assert [h.note.id for h in near.hits] == [SEA.id]
