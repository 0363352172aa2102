"""The recommended models a user can download, and what a download of a name or URL means.

The catalog is ``cardwriter/resources/model_catalog.toml`` (package data, so an
installed app has it). Each entry names the file it becomes in the user models
folder, the exact URL, the licence, and where published the size and sha256.
A pasted URL works the same way as an entry: it becomes a ``DownloadSpec``
with no checksum, named after the last part of the URL's path.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from cardwriter.errors import UserError

CATALOG_RESOURCE = "model_catalog.toml"


@dataclass(frozen=True)
class DownloadSpec:
    """What to fetch and what it must be: the file name it gets, its URL, and (when known) size and sha256."""

    name: str  # a catalog name, or the file name for a pasted URL
    file: str  # the file name in the user models folder
    url: str
    size: int | None = None
    sha256: str | None = None
    licence: str = ""
    approx_size: str = ""
    notes: str = ""

    @property
    def verifiable(self) -> bool:
        """Whether the download can be checked against a published checksum."""
        return bool(self.sha256)


def load_catalog(text: str | None = None) -> list[DownloadSpec]:
    """The catalog's entries, in the order they are listed (``text`` replaces the packaged file in tests)."""
    if text is None:
        text = resources.files("cardwriter.resources").joinpath(CATALOG_RESOURCE).read_text(encoding="utf-8")
    entries = []
    for raw in tomllib.loads(text).get("model", []):
        sha = str(raw["sha256"]).lower() if raw.get("sha256") else None
        if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
            raise ValueError(f"catalog entry {raw['name']!r} has a sha256 that is not 64 hex digits")
        entries.append(
            DownloadSpec(
                name=str(raw["name"]),
                file=check_file_name(str(raw["file"])),
                url=str(raw["url"]),
                size=int(raw["size"]) if raw.get("size") else None,
                sha256=sha,
                licence=str(raw.get("licence", "")),
                approx_size=str(raw.get("approx_size", "")),
                notes=str(raw.get("notes", "")),
            )
        )
    return entries


def spec_for(name_or_url: str, catalog: list[DownloadSpec] | None = None) -> DownloadSpec:
    """A catalog entry by name (case and spaces forgiven) or file name, or a spec for a pasted URL."""
    wanted = name_or_url.strip()
    if wanted.lower().startswith(("http://", "https://")):
        return spec_for_url(wanted)
    catalog = load_catalog() if catalog is None else catalog
    key = _key(wanted)
    for entry in catalog:
        if key in (_key(entry.name), _key(entry.file), _key(entry.file.removesuffix(".gguf"))):
            return entry
    names = ", ".join(repr(e.name) for e in catalog)
    raise UserError(f"no model called {wanted!r} in the catalog; pick one of {names}, or give the URL of a .gguf file")


def spec_for_url(url: str) -> DownloadSpec:
    """A download of any http(s) URL naming a .gguf file; no checksum is known for it."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UserError(f"{url!r} is not a download URL: give one starting with https:// that names a .gguf file")
    name = unquote(PurePosixPath(parts.path).name)
    if not name.lower().endswith(".gguf"):
        raise UserError(
            f"the URL {url!r} does not name a .gguf file; give the link to the file itself "
            "(on Hugging Face: the file's 'download' link, with /resolve/ in it)"
        )
    return DownloadSpec(name=name, file=check_file_name(name), url=url.strip())


def check_file_name(name: str) -> str:
    """A plain file name ending in .gguf, never a path that could leave the models folder."""
    if not name or name != PurePosixPath(name).name or name.startswith(".") or "\\" in name or "\x00" in name:
        raise UserError(f"{name!r} cannot be a model file name: it must be a plain file name ending in .gguf")
    if not name.lower().endswith(".gguf"):
        raise UserError(f"{name!r} cannot be a model file name: it must end in .gguf")
    return name


def _key(text: str) -> str:
    return "".join(text.lower().split())
