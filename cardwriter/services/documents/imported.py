"""What a document import yields, and the checks every zipped document (docx, odt) goes through."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from xml.parsers import expat

from cardwriter.domain.markdown_runs import Block
from cardwriter.domain.markdown_writing import markdown_from_runs
from cardwriter.domain.model import Card, Draft
from cardwriter.errors import ImportRefused

# Limits on a document's archive, checked from its directory before any part is unpacked (a zip bomb
# is refused before it is inflated). The parts that hold text (XML) may unpack to this much together:
MAX_UNPACKED_XML_BYTES = 200 * 1024 * 1024
# Every part, whatever its name (images, fonts, anything), each and all together:
MAX_UNPACKED_PART_BYTES = 512 * 1024 * 1024
MAX_UNPACKED_TOTAL_BYTES = 1024 * 1024 * 1024
# A part over RATIO_FROM_BYTES unpacked may be at most MAX_RATIO times its packed size (text packs
# about 10:1, pictures barely; 1000:1 is a block of zeros made to fill memory).
MAX_RATIO = 200
RATIO_FROM_BYTES = 10 * 1024 * 1024
MAX_PARTS = 20_000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class ImportedDocument:
    """The text blocks of a document, in order, and what was left out (e.g. "1 table")."""

    blocks: list[Block] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # "table" -> how many

    def skip(self, what: str, count: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + count

    def skipped_text(self) -> str:
        """E.g. "2 tables and 1 image", or "" when nothing was skipped."""
        parts = [f"{n} {what}{'' if n == 1 else 's'}" for what, n in self.skipped.items() if n]
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def to_draft(self, title: str, path: Path) -> Draft:
        """A draft of one card per paragraph or heading (Markdown ``#``); refuses a document with no text."""
        cards = [Card(markdown_from_runs(b.runs, b.heading)) for b in self.blocks if b.text.strip()]
        if not cards:
            extra = f" (skipped {self.skipped_text()})" if self.skipped else ""
            raise ImportRefused(f"{path} has no paragraphs of text to import{extra}")
        cards[-1].separator = "\n"
        return Draft(title=title, cards=cards)


def open_zip(data: bytes, path: Path, kind: str) -> zipfile.ZipFile:
    """The document's zip archive; a file that is not one, or is damaged, is refused with a message.

    ``kind`` names the format for the messages ("a Word document (.docx)").
    A password-protected Office document is not a zip but an OLE container
    holding an ``EncryptedPackage``; it gets its own message.
    """
    if data.startswith(OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportRefused(
                f"{path} is password-protected; open it in Word or LibreOffice, remove the password "
                "(save it without one), and import that copy"
            )
        raise ImportRefused(
            f"{path} is an old-style Word 97–2003 (.doc) file, not {kind}; open it in Word or "
            "LibreOffice, save it as .docx or .odt, and import that"
        )
    if not data.startswith(b"PK"):
        raise ImportRefused(f"{path} is not {kind}: its contents are not a document archive")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise ImportRefused(f"{path} is damaged: it cannot be read as {kind} ({exc})") from exc
    _check_sizes(infos, path)
    return archive


def _check_sizes(infos: list[zipfile.ZipInfo], path: Path) -> None:
    """Refuse an archive whose parts would unpack too big, from the sizes its directory declares.

    Every part counts, whatever its name: the reader unpacks only the parts
    holding text, but a part made to fill memory is a sign of a hostile file.
    ``read_member`` holds each part to its declared size while unpacking it.
    """
    if len(infos) > MAX_PARTS:
        raise ImportRefused(f"{path} has {len(infos)} parts, too many for a document (the limit is {MAX_PARTS})")
    mb = 1024 * 1024
    for info in infos:
        if info.file_size > MAX_UNPACKED_PART_BYTES:
            raise ImportRefused(
                f"{path} is too big to import: its part {info.filename!r} unpacks to {info.file_size / mb:.0f} MB "
                f"(the limit is {MAX_UNPACKED_PART_BYTES / mb:.0f} MB for any part)"
            )
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * info.compress_size:
            raise ImportRefused(
                f"{path} cannot be imported safely: its part {info.filename!r} unpacks to "
                f"{info.file_size / mb:.0f} MB from {info.compress_size / 1024:.0f} KB, more than {MAX_RATIO} "
                "times its packed size, as only a file made to fill memory (a zip bomb) does"
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_TOTAL_BYTES:
        raise ImportRefused(
            f"{path} is too big to import: its parts unpack to {total / mb:.0f} MB together "
            f"(the limit is {MAX_UNPACKED_TOTAL_BYTES / mb:.0f} MB)"
        )
    unpacked = sum(info.file_size for info in infos if _is_xml(info.filename))
    if unpacked > MAX_UNPACKED_XML_BYTES:
        raise ImportRefused(
            f"{path} is too big to import: its text unpacks to {unpacked / mb:.0f} MB "
            f"(the limit is {MAX_UNPACKED_XML_BYTES / mb:.0f} MB)"
        )


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def read_member(archive: zipfile.ZipFile, name: str, path: Path, kind: str) -> bytes:
    """One file of the archive, unpacked no further than its declared size (checked by ``open_zip``).

    A missing or damaged member is refused as a damaged document.
    """
    try:
        info = archive.getinfo(name)
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except KeyError as exc:
        raise ImportRefused(f"{path} is damaged or not {kind}: it has no {name}") from exc
    except RuntimeError as exc:  # what the zip module raises for a member encrypted with a password
        raise ImportRefused(
            f"{path} is password-protected or damaged: its {name} is encrypted; save a copy without "
            "the password and import that"
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise ImportRefused(f"{path} is damaged: {name} cannot be unpacked ({exc})") from exc
    if len(data) > info.file_size:  # the zip module stops at the declared size; never trust that alone
        raise ImportRefused(f"{path} is damaged: {name} unpacks to more than its declared size")
    return data


Parsed = TypeVar("Parsed")


class _Stop(Exception):
    pass


class _HasDoctype(Exception):
    pass


def parse_part(archive: zipfile.ZipFile, name: str, path: Path, kind: str, parse: Callable[[bytes], Parsed]) -> Parsed:
    """A member of the archive parsed as XML with ``parse``; refused when damaged or when it declares a DOCTYPE.

    No part of a .docx or .odt has a document type declaration, and one is
    how entity expansion (a "billion laughs") and external entities get in,
    so a part with one is refused before ``parse`` sees it. Any parse error
    (``SyntaxError``: both ElementTree's and lxml's are) is a refusal with
    a message, and so is XML nested too deeply for the parser.
    """
    data = read_member(archive, name, path, kind)
    if _has_doctype(data):
        raise ImportRefused(
            f"{path} cannot be imported safely: its {name} declares a document type (DOCTYPE), which {kind} never does"
        )
    try:
        return parse(data)
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise ImportRefused(f"{path} is damaged: its {name} is not well-formed XML ({exc})") from exc


def _has_doctype(data: bytes) -> bool:
    """Whether the XML declares a DOCTYPE; only its prolog (up to the first element) is read."""
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _HasDoctype

    def element(*_: object) -> None:
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = element
    step = 64 * 1024
    try:
        for at in range(0, len(data), step):
            parser.Parse(data[at : at + step], at + step >= len(data))
    except _HasDoctype:
        return True
    except (_Stop, expat.ExpatError):
        return False  # the prolog is over (or damaged: the parser proper says how)
    return False
