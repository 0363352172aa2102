"""Limits on what is read from a generation server, and the check of its URL.

A server is trusted no more than a model file: it may ignore ``max_tokens``
and stream forever, trickle a byte at a time, never answer, or send one
endless line. ``BoundedStream`` wraps a response body (under httpx and
httpx-sse) with a cap on a line and on the bytes of one answer, and a
wall-clock deadline; the request's read timeout, never longer than that
deadline, bounds each blocked read. ``http_backend`` decides what a cut-off
answer becomes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

import httpx

from cardwriter.errors import UserError

CHARS_PER_TOKEN = 8  # generous: English runs about 4 characters per token
TEXT_SLACK = 256  # characters beyond max_tokens' worth before a stream is cut
TOKEN_SLACK = 16  # chunks beyond max_tokens before a stream is cut
BYTES_PER_TOKEN = 4096  # an SSE chunk of JSON around one token is a few hundred bytes
MAX_LINE = 64 * 1024  # one SSE line
MAX_BODY = 1024 * 1024  # a plain JSON answer (the model list)
MAX_ERROR_BODY = 4096  # what is read of an error page (200 characters are shown)
SECONDS_BASE = 30.0  # deadline for a plain GET (the model list)
SECONDS_PER_TOKEN = 1.0  # default deadline per sequence: the idle timeout plus this per token asked for
# (generous: a busy server may queue a request behind others before it starts; the size caps above
# are what stop a fast server that ignores max_tokens)


class ServerError(UserError):
    """The server cannot be reached or does not answer as an OpenAI-compatible server."""


class Overflow(Exception):
    """The server sent more bytes, or a longer line, than an answer of the asked length needs."""


def check_server_url(url: str) -> SplitResult:
    """The parts of a server URL; a ``UserError`` at once for another scheme, no host or a bad port."""
    example = "give one like http://127.0.0.1:8080"
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError(f"{url!r} is not a server URL: it must start with http:// or https://; {example}")
    if not parts.hostname:
        raise UserError(f"the server URL {url!r} names no host; {example}")
    try:
        port = parts.port  # None when the URL has none; ValueError when it is not a number or past 65535
    except ValueError:
        port = 0
    if port == 0:
        raise UserError(f"the port in the server URL {url!r} must be a number from 1 to 65535; {example}")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise UserError(f"the host name in the server URL {url!r} is not valid; {example}") from None
    return parts


class Deadline(Exception):
    """The answer was still coming at the sequence's wall-clock deadline."""


class BoundedStream(httpx.SyncByteStream):
    """A response body read with caps: ``Overflow`` past ``max_bytes`` or a line past ``MAX_LINE``, ``Deadline`` at ``deadline``.

    It wraps ``response.stream``, under httpx's decoding and httpx-sse's line
    splitting, so neither ever buffers more than the caps allow. Each read
    itself is bounded by the request's read timeout (never longer than the
    deadline), and the deadline is checked after every chunk: a server that
    trickles a byte now and then is cut off too.
    """

    def __init__(
        self,
        inner: httpx.SyncByteStream | httpx.AsyncByteStream,
        max_bytes: int,
        deadline: float,
        max_line: int | None = MAX_LINE,
    ) -> None:
        if not isinstance(inner, httpx.SyncByteStream):  # the backend's client is synchronous
            raise TypeError("a synchronous response body was expected")
        self.inner: httpx.SyncByteStream = inner
        self.max_bytes, self.deadline, self.max_line = max_bytes, deadline, max_line

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        line = 0  # bytes since the last newline
        for chunk in self.inner:
            seen += len(chunk)
            newline = chunk.rfind(b"\n")
            line = len(chunk) - newline - 1 if newline >= 0 else line + len(chunk)
            if seen > self.max_bytes or (self.max_line is not None and line > self.max_line):
                raise Overflow()
            yield chunk
            if time.monotonic() > self.deadline:
                raise Deadline()

    def close(self) -> None:
        self.inner.close()


def read_capped(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """At most ``limit + 1`` bytes of a body (so a caller can tell "too big"), within the deadline."""
    data = bytearray()
    for chunk in BoundedStream(response.stream, 1 << 62, deadline, max_line=None):
        data += chunk
        if len(data) > limit:
            break
    return bytes(data[: limit + 1])
