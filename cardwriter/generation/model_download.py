"""Download a model file into the user models folder: resumable, checked, and never half-offered.

A download streams into ``<file>.part`` next to its final place, with a small
``<file>.part.json`` recording the URL (and the server's validator) so that a
paused or dropped download resumes with an HTTP ``Range`` request, even after
a restart. Only when every byte is there, the length matches, the sha256
matches (where one is published) and the file starts like a GGUF file is it
renamed into place (an atomic ``os.replace``), and then llama.cpp has to load
it in a child process (``model_probe``) before it is kept. ``list_models``
only offers ``*.gguf`` files, so a ``.part`` is never offered as a model.

What stays behind when a download stops: after a pause, a dropped connection,
a stalled server or a busy server (5xx), the ``.part`` stays so the download
can resume. After a cancel, a missing file (404), a refused resume (416), a
wrong length, a checksum mismatch, a file that is not GGUF, or a full disk,
nothing does.

A downloaded file with no published checksum is kept as *unverified* (its
``<file>.json`` sidecar says so, and so do the CLI and the GUI).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from cardwriter.errors import UserError
from cardwriter.generation import download_errors as errors
from cardwriter.generation.download_errors import DownloadError
from cardwriter.generation.download_progress import Progress
from cardwriter.generation.json_store import read_json_object
from cardwriter.generation.model_catalog import DownloadSpec
from cardwriter.safe_write import write_text_atomically

FREE_SPACE_MARGIN = 16 * 1024 * 1024  # leave the disk a little room beyond the file itself
PROGRESS_EVERY = 0.1  # seconds between progress reports
TIMEOUT = httpx.Timeout(30.0, connect=15.0)
DONE, PAUSED, CANCELLED = "done", "paused", "cancelled"


@dataclass(frozen=True)
class DownloadResult:
    state: str  # DONE, PAUSED or CANCELLED
    path: Path  # the model file when DONE, else the .part
    verified: bool = False  # the sha256 matched a published one


class DownloadControl:
    """Pause or cancel a running download from another thread (the GUI's buttons, Ctrl+C)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.request: str | None = None

    def pause(self) -> None:
        with self._lock:
            self.request = self.request or PAUSED

    def cancel(self) -> None:
        with self._lock:
            self.request = CANCELLED


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def _meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.json")


def sidecar_path(dest: Path) -> Path:
    """``<file>.json``: where a downloaded model came from and whether it was verified."""
    return dest.with_name(dest.name + ".json")


def download_info(dest: Path) -> dict[str, object]:
    """The sidecar of a downloaded model ({} for a file Cardwriter did not download)."""
    return read_json_object(sidecar_path(dest))


def partial_size(folder: Path, spec: DownloadSpec) -> int:
    """Bytes already downloaded of ``spec`` (0 when no partial download is there)."""
    try:
        return part_path(folder / spec.file).stat().st_size
    except OSError:
        return 0


def discard_partial(folder: Path, spec: DownloadSpec) -> None:
    """Cancel a paused download: delete its ``.part`` and notes."""
    dest = folder / spec.file
    for path in (part_path(dest), _meta_path(dest)):
        path.unlink(missing_ok=True)


def download_model(
    spec: DownloadSpec,
    folder: Path | None = None,
    *,
    control: DownloadControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    probe: Callable[[Path], None] | None = None,
    timeout: httpx.Timeout = TIMEOUT,
) -> DownloadResult:
    """Fetch ``spec`` into ``folder`` (default: the user models folder), resuming a partial download.

    ``probe`` (default ``model_probe.probe_model``) must accept the finished file, or it is deleted.
    Raises ``DownloadError`` (a ``UserError``) with a message for the user.
    """
    from cardwriter.generation.model_files import user_models_dir

    folder = Path(folder) if folder is not None else user_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    job = _Job(spec, folder, control or DownloadControl(), on_progress or (lambda p: None), timeout)
    result = job.run()
    if result.state == DONE:
        _probe_or_delete(result.path, probe)
    return result


def _probe_or_delete(path: Path, probe: Callable[[Path], None] | None) -> None:
    if probe is None:
        from cardwriter.generation.model_probe import probe_model

        probe = probe_model
    try:
        probe(path)
    except UserError as exc:
        path.unlink(missing_ok=True)
        sidecar_path(path).unlink(missing_ok=True)
        raise DownloadError(
            f"the download finished but llama.cpp cannot use the file, so it was deleted: {exc}"
        ) from None


class _Job:
    """One run of one download: from the bytes on disk to a verified file, a pause, or an error."""

    def __init__(self, spec, folder, control, report, timeout) -> None:  # see download_model
        self.spec, self.folder, self.control, self.report, self.timeout = spec, folder, control, report, timeout
        self.dest = folder / spec.file
        self.part, self.meta = part_path(self.dest), _meta_path(self.dest)
        self.started = time.monotonic()
        self.fetched = 0  # bytes received in this run (the speed)
        self.total: int | None = spec.size
        self.note = ""

    # -- the steps ------------------------------------------------------------

    def run(self) -> DownloadResult:
        if self.dest.exists():
            raise errors.already_there(self.dest)
        offset, validator = self._previous_part()
        if self.total is not None:
            if offset > self.total:
                self._discard()
                offset = 0
            self._check_space(self.total - offset)
            if offset == self.total:
                return self._finish()
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=True) as client:
                state = self._fetch(client, offset, validator)
        except httpx.TransportError as exc:
            raise errors.transport_error(exc, self.spec.url, self._size(), resumable=True) from None
        except httpx.HTTPError as exc:  # too many redirects, a bad URL
            raise DownloadError(f"cannot download {self.spec.url}: {exc}") from None
        if state is not None:
            return state
        return self._finish()

    def _previous_part(self) -> tuple[int, str]:
        """Bytes already downloaded of this same URL, and the validator they were sent under."""
        if not self.part.exists():
            self.meta.unlink(missing_ok=True)
            return 0, ""
        meta = read_json_object(self.meta)
        if meta.get("url") != self.spec.url:
            self._discard()  # a partial copy of something else
            return 0, ""
        return self._size(), str(meta.get("validator", ""))

    def _fetch(self, client: httpx.Client, offset: int, validator: str) -> DownloadResult | None:
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            if validator:
                headers["If-Range"] = validator
        with client.stream("GET", self.spec.url, headers=headers) as response:
            status = response.status_code
            if status == 416 and offset:
                return self._range_refused(response, offset)
            if status not in (200, 206):
                if status in (404, 410) or 400 <= status < 500 and status != 429:
                    self._discard()  # the file is not there: a partial copy cannot be finished
                raise errors.status_error(status, self.spec.url)
            if status == 200 and offset:
                offset = 0  # the server ignores Range (or the file changed): start over
                self.note = "the server cannot resume this download, so it starts again from the beginning"
            elif status == 206 and _range_start(response) != offset:
                self._discard()
                raise errors.range_refused(self.spec.url)
            self._check_total(response, offset, status)
            self._remember(response)
            return self._write(response, offset)

    def _range_refused(self, response: httpx.Response, offset: int) -> DownloadResult | None:
        """HTTP 416: fine if the partial copy is in fact complete, else it cannot be resumed."""
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
        if total.isdigit() and int(total) == offset:
            self.total = offset
            return None
        self._discard()
        raise errors.range_refused(self.spec.url)

    def _check_total(self, response: httpx.Response, offset: int, status: int) -> None:
        """The file's full length as the server states it: against the catalog, and against free space."""
        if status == 206:
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            stated = int(total) if total.isdigit() else None
        else:
            length = response.headers.get("Content-Length", "")
            stated = int(length) if length.isdigit() else None
        if stated is not None and self.spec.size is not None and stated != self.spec.size:
            self._discard()
            raise errors.wrong_length(self.spec.url, stated, self.spec.size)
        if stated is not None:
            self.total = stated
            self._check_space(stated - offset)

    def _remember(self, response: httpx.Response) -> None:
        """Write the notes that let a later run resume this download."""
        validator = response.headers.get("ETag", "")
        if not validator or validator.startswith("W/"):
            validator = response.headers.get("Last-Modified", "")
        write_text_atomically(self.meta, json.dumps({"url": self.spec.url, "validator": validator}))

    def _write(self, response: httpx.Response, offset: int) -> DownloadResult | None:
        last = 0.0
        try:
            with open(self.part, "r+b" if offset and self.part.exists() else "wb") as out:
                out.seek(offset)
                out.truncate()
                for chunk in response.iter_bytes():  # as received: a re-chunking buffer would lose bytes on a drop
                    out.write(chunk)
                    self.fetched += len(chunk)
                    offset += len(chunk)
                    if self.total is not None and offset > self.total:
                        self._discard()
                        raise errors.wrong_length(self.spec.url, offset, self.total)
                    if (now := time.monotonic()) - last >= PROGRESS_EVERY:
                        last = now
                        self._progress(offset)
                    if self.control.request is not None:
                        break
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                self._discard()
                raise errors.disk_full_while_writing(self.folder) from None
            raise DownloadError(f"cannot write the download to {self.part}: {exc.strerror or exc}") from None
        self._progress(offset)
        if self.control.request == CANCELLED:
            self._discard()
            return DownloadResult(CANCELLED, self.part)
        if self.control.request == PAUSED:
            return DownloadResult(PAUSED, self.part)
        if self.total is None:
            self.total = offset  # no length was stated: the connection's end is the file's end
        elif offset < self.total:  # the body ended early without an error from the client
            raise DownloadError(
                f"the connection to {httpx.URL(self.spec.url).host} ended after {offset:,} of {self.total:,} bytes; "
                "what arrived is kept and the download resumes where it stopped: try again"
            )
        return None

    def _finish(self) -> DownloadResult:
        """Check the complete ``.part`` (length, sha256, GGUF magic), then move it into place."""
        size = self._size()
        if self.spec.size is not None and size != self.spec.size:
            self._discard()
            raise errors.wrong_length(self.spec.url, size, self.spec.size)
        self.report(Progress(size, size, self._speed(), 0.0, "verifying", self.note))
        with open(self.part, "rb") as f:
            magic = f.read(4)
        if magic != b"GGUF":
            self._discard()
            raise errors.not_gguf(self.spec.url, f"it starts with {magic!r}")
        verified = False
        if self.spec.sha256:
            digest = _sha256(self.part)
            if digest != self.spec.sha256:
                self._discard()
                raise errors.checksum_mismatch(self.spec.url, digest, self.spec.sha256)
            verified = True
        write_text_atomically(
            sidecar_path(self.dest),
            json.dumps(
                {
                    "name": self.spec.name,
                    "url": self.spec.url,
                    "sha256": self.spec.sha256,
                    "verified": verified,
                    "licence": self.spec.licence,
                }
            ),
        )
        os.replace(self.part, self.dest)
        self.meta.unlink(missing_ok=True)
        self.report(Progress(size, size, self._speed(), 0.0, "checking", self.note))
        return DownloadResult(DONE, self.dest, verified)

    # -- helpers --------------------------------------------------------------

    def _check_space(self, needed: int) -> None:
        free = shutil.disk_usage(self.folder).free
        if needed > 0 and free < needed + FREE_SPACE_MARGIN:
            raise errors.disk_full(self.folder, needed, free)

    def _progress(self, done: int) -> None:
        speed = self._speed()
        eta = (self.total - done) / speed if self.total is not None and speed > 0 else None
        self.report(Progress(done, self.total, speed, eta, "downloading", self.note))

    def _speed(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.fetched / elapsed if elapsed > 0 else 0.0

    def _size(self) -> int:
        try:
            return self.part.stat().st_size
        except OSError:
            return 0

    def _discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)


def _range_start(response: httpx.Response) -> int | None:
    """The first byte of a 206 answer ("bytes START-END/TOTAL")."""
    value = response.headers.get("Content-Range", "")
    unit, _, rest = value.partition(" ")
    start = rest.partition("-")[0]
    return int(start) if unit == "bytes" and start.isdigit() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()
