"""A real HTTP server on 127.0.0.1 for the downloader's tests, with Range support and ways to misbehave.

It serves one file (by default the packaged GGUF) under any path ending in
``.gguf``. Set its attributes between downloads to make it drop the connection
after some bytes, answer another status, flip a byte, send a different file
length, send no length at all, or ignore Range. It counts the body bytes it
sends and records each request's Range header.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 * 1024


class DownloadServer:
    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def reset(self) -> None:
        """Behave: serve the file whole and honour Range; forget the counts."""
        self.status: int | None = None  # answer this status (with a short HTML body) instead of the file
        self.drop_after: int | None = None  # close the connection after this many body bytes
        self.corrupt = False  # flip one byte in the middle
        self.body: bytes | None = None  # serve these bytes instead of the file
        self.ignore_range = False
        self.no_length = False  # no Content-Length: the end of the connection ends the body
        self.bytes_sent = 0
        self.ranges: list[str | None] = []

    def url(self, name: str = "story-model.gguf") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/files/{name}"

    def content(self) -> bytes:
        data = self.payload if self.body is None else self.body
        if self.corrupt:
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        return data

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(server: DownloadServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # http.server's name
            requested = self.headers.get("Range")
            server.ranges.append(requested)
            if server.status is not None:
                page = f"<html><body>error {server.status}</body></html>".encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return
            data = server.content()
            start = 0
            if requested and not server.ignore_range:
                start = int(requested.removeprefix("bytes=").split("-")[0])
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("ETag", '"v1"')
            if not server.no_length:
                self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            limit = len(data) if server.drop_after is None else min(len(data), start + server.drop_after)
            position = start
            try:
                while position < limit:
                    piece = data[position : min(position + CHUNK, limit)]
                    self.wfile.write(piece)
                    server.bytes_sent += len(piece)
                    position += len(piece)
            except OSError:
                return  # the client went away (a pause or a cancel)
            if server.drop_after is not None:
                self.wfile.flush()
                self.connection.close()  # mid-body: the client sees a short read

    return Handler
