"""What a document import yields, and the checks every zipped document (docx, odt) goes through."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cardwriter.domain.markdown_runs import Block, markdown_from_runs
from cardwriter.domain.model import Card, Draft
from cardwriter.errors import ImportRefused

# A document's XML, unpacked, may be at most this big (a zip bomb is refused before it is inflated).
MAX_UNPACKED_XML_BYTES = 200 * 1024 * 1024
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
        unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ImportRefused(f"{path} is damaged: it cannot be read as {kind} ({exc})") from exc
    if unpacked > MAX_UNPACKED_XML_BYTES:
        raise ImportRefused(
            f"{path} is too big to import: its text unpacks to {unpacked / 1024 / 1024:.0f} MB "
            f"(the limit is {MAX_UNPACKED_XML_BYTES / 1024 / 1024:.0f} MB)"
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, path: Path, kind: str) -> bytes:
    """One file of the archive; a missing or damaged member is refused as a damaged document."""
    try:
        return archive.read(name)
    except KeyError as exc:
        raise ImportRefused(f"{path} is damaged or not {kind}: it has no {name}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise ImportRefused(f"{path} is damaged: {name} cannot be unpacked ({exc})") from exc
