"""Limits on what is read from a generation server, and the check of its URL.

A server is trusted no more than a model file: it may ignore ``max_tokens``
and stream forever, trickle a byte at a time, never answer, send one
endless line, or send a small compressed answer that inflates to gigabytes.
``BoundedStream`` wraps a response body (under httpx and httpx-sse) with a
cap on a line and on the bytes of one answer, and a wall-clock deadline; the
request's read timeout, never longer than that deadline, bounds each blocked
read. It undoes the answer's Content-Encoding (gzip, deflate) itself, a
bounded piece at a time, so the caps count the bytes after decoding as they
arrive and httpx never inflates a whole network chunk at once.
``http_backend`` decides what a cut-off answer becomes.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
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
DECODE_PIECE = 64 * 1024  # the most bytes one step of decompression may produce
ACCEPT_ENCODING = "gzip, deflate"  # the encodings BoundedStream undoes (sent, so a server offers no other)
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
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # "Invalid IPv6 URL": an unclosed [, or a bracketed host that is no IP address
        raise UserError(f"the server URL {url!r} is not valid ({exc}); {example}") from None
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
    try:
        httpx.URL(url.strip())  # httpx's own checks: IDNA rules for the host, no control characters
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise UserError(f"the server URL {url!r} is not valid ({exc}); {example}") from None
    return parts


class Deadline(Exception):
    """The answer was still coming at the sequence's wall-clock deadline."""


class Undecodable(Exception):
    """The answer is compressed in a way Cardwriter does not read, or its compressed data is damaged.

    Its message completes "the server at URL ...".
    """


def content_encodings(response: httpx.Response) -> list[str]:
    """The Content-Encodings of ``response`` in the order they were applied; ``Undecodable`` for one not read here."""
    encodings = []
    for value in response.headers.get_list("content-encoding", split_commas=True):
        value = value.strip().lower()
        if value in ("", "identity"):
            continue
        if value not in ("gzip", "x-gzip", "deflate"):
            raise Undecodable(f"sent its answer compressed as {value[:40]!r}, which Cardwriter cannot read")
        encodings.append(value)
    return encodings


def _inflate(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """``chunks`` of gzip or deflate data, decoded: never more than ``DECODE_PIECE`` bytes per piece."""
    gzip = encoding != "deflate"
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
    first = True
    for chunk in chunks:
        data = chunk
        while not inflater.eof:
            try:
                out = inflater.decompress(data, DECODE_PIECE)
            except zlib.error as exc:
                if first and not gzip:  # "deflate" sent raw, without its zlib header, as some servers do
                    inflater, first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise Undecodable(f"sent a damaged {encoding} answer ({exc})") from None
            first = False
            if out:
                yield out
            data = inflater.unconsumed_tail
            if not data and len(out) < DECODE_PIECE:  # all input used and no output left waiting
                break
        if inflater.eof:  # the end of the compressed data: whatever follows is not read
            return
    try:  # the body ended before the compressed data did: what was still waiting (all input is used)
        rest = inflater.flush()
    except zlib.error as exc:
        raise Undecodable(f"sent a damaged {encoding} answer ({exc})") from None
    if rest:
        yield rest


class BoundedStream(httpx.SyncByteStream):
    """A response body read with caps: ``Overflow`` past ``max_bytes`` or a line past ``MAX_LINE``, ``Deadline`` at ``deadline``.

    It wraps ``response.stream``, under httpx's decoding and httpx-sse's line
    splitting, so neither ever buffers more than the caps allow. It decodes
    ``encodings`` itself (``bound_response`` then tells httpx the body is
    plain), a piece at a time, and the caps count the decoded bytes. Each read
    itself is bounded by the request's read timeout (never longer than the
    deadline), and the deadline is checked after every chunk that arrives and
    every piece decoded: a server that trickles a byte now and then is cut off too.
    """

    def __init__(
        self,
        inner: httpx.SyncByteStream | httpx.AsyncByteStream,
        max_bytes: int,
        deadline: float,
        max_line: int | None = MAX_LINE,
        encodings: Sequence[str] = (),
    ) -> None:
        if not isinstance(inner, httpx.SyncByteStream):  # the backend's client is synchronous
            raise TypeError("a synchronous response body was expected")
        self.inner: httpx.SyncByteStream = inner
        self.max_bytes, self.deadline, self.max_line = max_bytes, deadline, max_line
        self.encodings = tuple(encodings)

    def _arriving(self) -> Iterator[bytes]:
        for chunk in self.inner:
            yield chunk
            if time.monotonic() > self.deadline:
                raise Deadline()

    def __iter__(self) -> Iterator[bytes]:
        pieces: Iterator[bytes] = self._arriving()
        for encoding in reversed(self.encodings):  # the last one applied is undone first
            pieces = _inflate(pieces, encoding)
        seen = 0
        line = 0  # bytes since the last newline
        for chunk in pieces:
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


def bound_response(
    response: httpx.Response, max_bytes: int, deadline: float, max_line: int | None = MAX_LINE
) -> BoundedStream:
    """Read ``response`` through a ``BoundedStream`` from now on, decoded by it (``Undecodable`` at once if it cannot be)."""
    encodings = content_encodings(response)
    stream = BoundedStream(response.stream, max_bytes, deadline, max_line, encodings)
    response.stream = stream
    if "content-encoding" in response.headers:
        del response.headers["content-encoding"]  # decoded above: httpx must pass the bytes through as they are
    return stream


def read_capped(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """At most ``limit + 1`` decoded bytes of a body (so a caller can tell "too big"), within the deadline."""
    stream = response.stream
    if not isinstance(stream, BoundedStream):
        stream = bound_response(response, 1 << 62, deadline, max_line=None)
    data = bytearray()
    for chunk in stream:
        data += chunk
        if len(data) > limit:
            break
    return bytes(data[: limit + 1])
