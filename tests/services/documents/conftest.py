"""Fixtures for document tests: a real project file and a tiny real PNG image."""

from __future__ import annotations

import struct
import zlib

import pytest

from cardwriter.storage.project import Project


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        yield project


def png_bytes() -> bytes:
    """A valid 2 x 2 grey PNG, made by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def drafts_of(project: Project) -> list[tuple[str, list[str]]]:
    """Every draft's title and card texts, to show a refused import changed nothing."""
    return [(d.title, [c.text for c in project.load_draft(d.id).cards]) for d in project.drafts()]
