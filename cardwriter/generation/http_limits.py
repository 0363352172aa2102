"""Limits on what is read from a generation server, and the check of its URL.

A server is trusted no more than a model file: it may ignore ``max_tokens``
and stream forever, trickle a byte at a time, never answer, or send one
endless line. ``sse_payloads`` reads a stream line by line with a cap on a
line and on the bytes of one answer; ``Watchdog`` shuts the socket down at a
wall-clock deadline, so a blocked read returns whatever the server does.
``http_backend`` decides what a cut-off answer becomes.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

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


class Watchdog:
    """Shuts a connection's socket down after ``seconds``, so no blocked read outlives the deadline.

    The socket is remembered by ``check()`` once the request is sent: ``http.client`` hands it over
    to the response (and forgets it) when the server says it will close the connection.
    """

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.conn = conn
        self.sock: socket.socket | None = None
        self.expired = threading.Event()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.expired.set()
        self.check()

    def check(self) -> None:
        """Remember the socket; after the deadline, shut it down (the timer may fire before it exists)."""
        self.sock = self.sock or self.conn.sock
        if self.expired.is_set() and self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def cancel(self) -> None:
        self._timer.cancel()


def sse_payloads(response: http.client.HTTPResponse, max_bytes: int) -> Iterator[str]:
    """The ``data:`` payloads of a server-sent event stream; ``Overflow`` past ``max_bytes`` or a huge line."""
    kind = response.getheader("Content-Type", "")
    if "text/event-stream" not in kind:
        body = response.read(MAX_ERROR_BODY).decode("utf-8", errors="replace").strip()
        raise ServerError(f"the server did not stream its answer (Content-Type {kind!r}): {body[:120]!r}")
    data: list[str] = []
    seen = 0
    while raw := response.readline(MAX_LINE + 1):
        seen += len(raw)
        if len(raw) > MAX_LINE or seen > max_bytes:
            raise Overflow()
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
    if data:
        yield "\n".join(data)
