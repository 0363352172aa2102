"""What each way a model download can fail means for the user, and what to do about it.

The downloader (``model_download``) decides which failures keep the partial
file (a dropped connection or a busy server: the download can resume) and
which delete it (the file is gone, or not the one promised); this module only
words the messages.
"""

from __future__ import annotations

import ssl

import httpx

from cardwriter.errors import UserError


class DownloadError(UserError):
    """A model download that stopped; the message says why and what to do."""


def _mb(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB"


def transport_error(exc: httpx.TransportError, url: str, done: int, resumable: bool) -> DownloadError:
    """A network failure: offline, DNS, TLS, refused, timed out, or dropped halfway."""
    host = httpx.URL(url).host
    text = str(exc)
    if _is_tls(exc):
        return DownloadError(
            f"the secure connection to {host} failed ({text[:160]}); check that the computer's date and time are "
            "right and that no proxy or antivirus intercepts HTTPS, then try again"
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return DownloadError(f"{host} did not answer; check your internet connection, then try again")
    if isinstance(exc, httpx.ConnectError):
        if any(
            s in text.lower() for s in ("name or service", "nodename", "getaddrinfo", "name resolution", "no address")
        ):
            return DownloadError(
                f"cannot find {host} (the name does not resolve): are you offline? Connect to the internet, "
                "then try again"
            )
        return DownloadError(
            f"cannot connect to {host} ({text[:120]}): are you offline? Check the connection, then try again"
        )
    kept = (
        f"; the {_mb(done)} already downloaded are kept and the download resumes where it stopped"
        if resumable and done
        else ""
    )
    if isinstance(exc, httpx.TimeoutException):
        return DownloadError(f"{host} stopped sending data{kept}: try again when the connection is better")
    return DownloadError(f"the connection to {host} dropped ({text[:120] or type(exc).__name__}){kept}: try again")


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen) or "SSL" in str(seen)[:40]:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def status_error(status: int, url: str) -> DownloadError:
    """An HTTP answer other than the file."""
    if status in (404, 410):
        return DownloadError(
            f"there is no file at {url} (HTTP {status}); the link is mistyped or the file was moved: "
            "check it in a web browser, or pick another model"
        )
    if status in (401, 403):
        return DownloadError(
            f"the server refused the download of {url} (HTTP {status}); some models need you to sign in and "
            "accept their licence on the publisher's page: do that and download the file with your browser, "
            "then put it in the models folder"
        )
    if status == 429 or status >= 500:
        return DownloadError(
            f"the server at {httpx.URL(url).host} has a problem (HTTP {status}); try again in a few minutes"
        )
    return DownloadError(f"the server answered HTTP {status} for {url}; check the link, or pick another model")


def disk_full(folder: object, needed: int, free: int) -> DownloadError:
    return DownloadError(
        f"not enough free space in {folder}: the model needs {_mb(needed)} more and only {_mb(free)} is free; "
        "free some space (or remove a model you no longer use), then try again"
    )


def disk_full_while_writing(folder: object) -> DownloadError:
    return DownloadError(
        f"the disk holding {folder} filled up during the download; the partial file was deleted. "
        "Free some space, then try again"
    )


def wrong_length(url: str, got: int, expected: int) -> DownloadError:
    return DownloadError(
        f"the server sends {got:,} bytes for {url} but the catalog says the file has {expected:,}; it is not the "
        "file Cardwriter expects, so nothing was kept. The link may be out of date: pick another model or update Cardwriter"
    )


def checksum_mismatch(url: str, got: str, expected: str) -> DownloadError:
    return DownloadError(
        f"the file downloaded from {url} is damaged or not the published one (sha256 {got[:12]}…, expected "
        f"{expected[:12]}…); it was deleted. Try again; if it fails again, pick another model"
    )


def range_refused(url: str) -> DownloadError:
    return DownloadError(
        f"the server would not resume the download of {url} (HTTP 416: the file changed or the partial copy is "
        "longer than the file); the partial copy was deleted: download again to start from the beginning"
    )


def not_gguf(url: str, detail: str) -> DownloadError:
    return DownloadError(
        f"what {url} sent is not a GGUF model file ({detail}); it was deleted. Give the link to the .gguf file "
        "itself (on Hugging Face, the file's download link with /resolve/ in it)"
    )


def already_there(path: object) -> DownloadError:
    return DownloadError(
        f"{path} is already downloaded; use it ('cardwriter models use'), or remove it first to download it again"
    )
