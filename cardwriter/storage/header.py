"""Checking a project file's header before SQLite touches the file.

Opening a damaged or foreign file with SQLite in read-write mode can change
it (switching the journal mode rewrites header bytes). So we read the first
100 bytes ourselves and refuse early: not SQLite at all, truncated, another
application's database, or a newer Cardwriter's schema.

The layout is SQLite's documented file format (https://sqlite.org/fileformat.html).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
# "CWRT": stored in PRAGMA application_id so a Cardwriter project is recognisable.
APPLICATION_ID = 0x43575254


@dataclass(frozen=True)
class Header:
    page_size: int
    page_count: int | None  # None when the header's own count is not to be trusted
    user_version: int
    application_id: int

    @property
    def expected_size(self) -> int | None:
        return None if self.page_count is None else self.page_size * self.page_count


class HeaderProblem(Exception):
    """The file is not a usable SQLite database; the message says why."""


def read_header(path: Path) -> Header:
    """Parse the SQLite header of ``path``, or raise HeaderProblem."""
    with open(path, "rb") as handle:
        raw = handle.read(HEADER_SIZE)
    if len(raw) < HEADER_SIZE or not raw.startswith(SQLITE_MAGIC):
        raise HeaderProblem("it is not a Cardwriter project (not an SQLite database)")
    (page_size,) = struct.unpack(">H", raw[16:18])
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise HeaderProblem("its header is damaged (impossible page size)")
    change_counter, page_count = struct.unpack(">II", raw[24:32])
    (valid_for,) = struct.unpack(">I", raw[92:96])
    user_version, _, application_id = struct.unpack(">iiI", raw[60:72])
    trusted = page_count if page_count and change_counter == valid_for else None
    return Header(page_size, trusted, user_version, application_id)
