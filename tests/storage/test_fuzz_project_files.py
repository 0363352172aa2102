"""Fuzzing: damaged project files and JSON exports are opened or refused, never crash, never changed.

Real files throughout: a real project (with and without a pending -wal) and
a real JSON export are damaged in many ways; each open or import must either
work or raise a ``UserError``, and a refused file, with its -wal and -shm,
must be byte for byte as it was. A subset runs in child processes, so a
crash inside SQLite (a signal) would show up as a failure, not kill the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardwriter.domain.model import Note, Provenance, Variant, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.services import transfer
from cardwriter.storage.project import Project
from tests.support import fingerprint

FUZZ = settings(
    max_examples=int(os.environ.get("CARDWRITER_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """Bytes of a real project: closed (no -wal), and as a crash leaves it (changes only in the -wal)."""
    folder = tmp_path_factory.mktemp("originals")
    path = folder / "novel.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Novel", "\n\n".join(f"Paragraph {i} of the novel." for i in range(40))))
        card_id = project.card_ids(project.drafts()[0].id)[0]
        project.add_variants(card_id, [Variant("Another way.", Provenance(VariantKind.REWRITE, seed=3))])
        project.add_notes([Note("A quote.", source="someone", tags=("a",))])
    closed = {"": path.read_bytes()}
    with Project.open(path) as project:
        project.set_card_text(card_id, "Only in the write-ahead log.")
        with_wal = {"": path.read_bytes(), "-wal": Path(f"{path}-wal").read_bytes()}
        export = transfer.export_project(project, "json")
    return Originals({"closed": closed, "wal": with_wal, "export": export})


class Originals(dict):
    def __repr__(self) -> str:  # keep Hypothesis's failure reports readable
        return "<original project files>"


@st.composite
def damage(draw, size: int):
    """One way to damage a file of ``size`` bytes, as a function of its bytes."""
    kind = draw(st.sampled_from(["flip", "truncate", "zero-page", "append", "header", "wal-only"]))
    if kind == "flip":
        spots = draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(1, 255)), min_size=1, max_size=8))
        return kind, lambda b: _xor(b, spots)
    if kind == "truncate":
        cut = draw(st.integers(0, size - 1))
        return kind, lambda b: b[: min(cut, len(b) - 1)]
    if kind == "zero-page":
        page = draw(st.integers(0, 15))
        return (
            kind,
            lambda b: b[: page * 4096] + bytes(len(b[page * 4096 : (page + 1) * 4096])) + b[(page + 1) * 4096 :],
        )
    if kind == "append":
        junk = draw(st.binary(min_size=1, max_size=5000))
        return kind, lambda b: b + junk
    if kind == "header":
        offset = draw(st.integers(16, 99))
        value = draw(st.integers(0, 255))
        return kind, lambda b: b[:offset] + bytes([value]) + b[offset + 1 :]
    return kind, lambda b: b  # leave it, damage only the -wal (when there is one)


def _xor(data: bytes, spots: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for offset, mask in spots:
        if offset < len(out):
            out[offset] ^= mask
    return bytes(out)


def _write_case(folder: Path, files: dict[str, bytes]) -> Path:
    path = folder / "novel.cardwriter"
    for suffix, data in files.items():
        Path(f"{path}{suffix}").write_bytes(data)
    return path


def _family(path: Path) -> dict[str, str]:
    return {p.name: fingerprint(p) for p in sorted(path.parent.iterdir()) if p.name.startswith(path.name)}


def _open_and_read(path: Path) -> bool:
    """True when the project opened and read through; False when refused with a UserError."""
    try:
        with Project.open(path) as project:
            for draft in project.load_drafts():
                assert all(type(card.text) is str for card in draft.cards)
            project.notes()
    except UserError as exc:
        assert str(path) in str(exc)
        return False
    return True


@FUZZ
@given(data=st.data(), which=st.sampled_from(["closed", "wal"]))
def test_damaged_project_files_open_or_are_refused_unchanged(originals, data, which):
    files = dict(originals[which])
    kind, change = data.draw(damage(len(files[""])))
    target = "-wal" if kind == "wal-only" and "-wal" in files else ""
    if kind != "wal-only" and "-wal" in files and data.draw(st.booleans()):
        target = "-wal"  # damage the log instead of the main file
    files[target] = change(files[target])
    with tempfile.TemporaryDirectory() as folder:
        path = _write_case(Path(folder), files)
        before = _family(path)
        if not _open_and_read(path):
            assert _family(path) == before, f"refused file changed ({kind} on {target or 'main file'})"


def _json_value():
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=10,
    )


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


@FUZZ
@given(data=st.data())
def test_damaged_json_exports_import_or_are_refused(originals, data):
    text = originals["export"]
    how = data.draw(st.sampled_from(["replace-value", "truncate", "flip-char"]))
    if how == "replace-value":
        parsed = json.loads(text)
        spot = data.draw(st.sampled_from(list(_paths(parsed))))
        text = json.dumps(_replace(parsed, spot, data.draw(_json_value())))
    elif how == "truncate":
        text = text[: data.draw(st.integers(0, len(text) - 1))]
    else:
        at = data.draw(st.integers(0, len(text) - 1))
        text = text[:at] + data.draw(st.characters(codec="utf-8")) + text[at + 1 :]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export.json"
        source.write_text(text, encoding="utf-8")
        before = fingerprint(source)
        with Project.create(Path(folder) / "p.cardwriter") as project:
            try:
                transfer.import_file(project, source)
            except UserError as exc:
                assert str(source) in str(exc)
                assert project.drafts() == [] and project.notes() == []
        assert fingerprint(source) == before


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from cardwriter.errors import UserError
    from cardwriter.storage.project import Project
    for name in sys.argv[1:]:
        try:
            with Project.open(Path(name)) as project:
                for draft in project.load_drafts():
                    pass
                project.notes()
            print("opened", name, flush=True)
        except UserError:
            print("refused", name, flush=True)
    """
)


def test_damaged_files_never_crash_a_process(originals, tmp_path):
    """A fixed sample of damage, opened in a child process: a signal (SIGSEGV) would fail this test."""
    cases = []
    for which in ("closed", "wal"):
        for n, (offset, mask) in enumerate(
            [(100, 0xFF), (4096 + 8, 0x7F), (8192 + 3, 0x01), (28, 0x40), (4096 * 3 + 100, 0x80)]
        ):
            files = dict(originals[which])
            files[""] = _xor(files[""], [(offset, mask)])
            folder = tmp_path / f"{which}{n}"
            folder.mkdir()
            cases.append(_write_case(folder, files))
        folder = tmp_path / f"{which}-zero"
        folder.mkdir()
        files = dict(originals[which])
        files[""] = files[""][:4096] + bytes(len(files[""]) - 4096)
        cases.append(_write_case(folder, files))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, cases)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"child died ({result.returncode}): {result.stderr[-2000:]}"
    assert len(result.stdout.splitlines()) == len(cases)
