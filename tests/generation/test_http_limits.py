"""Hostile servers (real ones, on 127.0.0.1) cannot hold a read; bad server URLs are refused at once."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from cardwriter.errors import UserError
from cardwriter.generation.factory import open_generator
from cardwriter.generation.http_backend import HttpGenerator
from cardwriter.generation.http_limits import CHARS_PER_TOKEN, MAX_BODY, TEXT_SLACK, check_server_url
from cardwriter.generation.protocol import FINISH_LENGTH, GenerationRequest
from cardwriter.generation.results import collect

from .conftest import SOURCE

REPO = Path(__file__).resolve().parents[2]


def chunk(text: str) -> bytes:
    body = {
        "id": "c",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def deflated(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


def bomb(prefix: bytes, filler: bytes, mebibytes: int) -> bytes:
    """Gzip data that inflates to ``prefix`` and then ``mebibytes`` MiB of ``filler``, about 1 KiB per MiB.

    After a full flush the compressor starts afresh, so each MiB compresses to
    the same bytes and is repeated, not compressed again (it has no end: the
    client must stop long before).
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = filler * ((1 << 20) // len(filler))
    head = packer.compress(prefix) + packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return head + middle * (mebibytes - 1)


GOOD_STREAM = chunk(" Hello there.") + b"data: [DONE]\n\n"
# behaviour: (Content-Type, Content-Encoding, body)
ENCODED = {
    "gzip-bomb-sse": ("text/event-stream", "gzip", lambda: bomb(b"", b"\0", 1024)),  # 1 MiB sent, 1 GiB inflated
    "gzip-bomb-lines": ("text/event-stream", "gzip", lambda: bomb(b"", b": ping\n", 1024)),
    "gzip-bomb-json": ("application/json", "gzip", lambda: bomb(b'{"data": [', b" ", 512)),  # under 1 MiB sent
    "gzip-models": ("application/json", "gzip", lambda: gzip.compress(b'{"data": [{"id": "zipped.gguf"}]}')),
    "gzip-sse": ("text/event-stream", "gzip", lambda: gzip.compress(GOOD_STREAM)),
    "gzip-twice-sse": ("text/event-stream", "gzip, gzip", lambda: gzip.compress(gzip.compress(GOOD_STREAM))),
    "deflate-sse": ("text/event-stream", "deflate", lambda: deflated(GOOD_STREAM, zlib.MAX_WBITS)),
    "raw-deflate-sse": ("text/event-stream", "deflate", lambda: deflated(GOOD_STREAM, -zlib.MAX_WBITS)),
    "damaged-gzip-sse": ("text/event-stream", "gzip", lambda: gzip.compress(GOOD_STREAM)[:12] + b"\xff" * 64),
    "brotli-sse": ("text/event-stream", "br", lambda: b"\x1b\x0c\x00\xf8\xa5\x1b\x85\xbc"),
}


@functools.cache
def encoded_body(behaviour: str) -> bytes:
    return ENCODED[behaviour][2]()


class _Hostile(http.server.BaseHTTPRequestHandler):
    behaviour = "forever"
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.behaviour == "silent":  # accepts the request, never answers
            time.sleep(30)
            return
        self.send_response(200)
        if self.behaviour in ENCODED:
            kind, encoding, _ = ENCODED[self.behaviour]
            body = encoded_body(self.behaviour)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for start in range(0, len(body), 65536):
                    self.wfile.write(body[start : start + 65536])
            except OSError:  # the client hung up, as it should
                pass
            return
        if self.behaviour == "huge-json":
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self._write_forever(b'{"data": [' + b" " * 65536)
            return
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.behaviour == "forever":  # ignores max_tokens
            self._write_forever(chunk(" word"))
        elif self.behaviour == "trickle":  # one byte now and then, never a whole line
            self._write_forever(b"d", pause=0.2)
        elif self.behaviour == "comments":  # keeps the stream busy with no text at all
            self._write_forever(b": ping " + b"." * 1000 + b"\n")

    do_GET = do_POST  # http.server dispatches on do_<METHOD>; GET gets the same answers

    def handle(self):
        try:
            super().handle()
        except ConnectionResetError:  # the client hung up mid-answer, as it should
            pass

    def _write_forever(self, data: bytes, pause: float = 0.0) -> None:
        try:
            for _ in range(10**6):
                self.wfile.write(data)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except OSError:  # the client hung up, as it should
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def hostile():
    servers = []

    def start(behaviour: str) -> str:
        handler = type("Handler", (_Hostile,), {"behaviour": behaviour})
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def request(**kw) -> GenerationRequest:
    return GenerationRequest(**{"source": SOURCE, "n": 2, "seed": 1, "max_tokens": 20, **kw})


def test_a_server_that_ignores_max_tokens_is_cut_off(hostile):
    url = hostile("forever")
    started = time.monotonic()
    results = collect(HttpGenerator(url, model="m"), request())
    assert time.monotonic() - started < 5
    for result in results:
        assert result.finish_reason == FINISH_LENGTH
        assert 0 < len(result.text) <= 20 * CHARS_PER_TOKEN + TEXT_SLACK
        assert result.text.startswith("word word")


def test_a_server_that_never_answers_is_a_clear_error_at_the_deadline(hostile):
    url = hostile("silent")
    started = time.monotonic()
    with pytest.raises(UserError, match=rf"the generation server at {url} gave no answer within 1 s"):
        collect(HttpGenerator(url, model="m", max_seconds=1.0), request(n=1))
    assert time.monotonic() - started < 5


def test_a_trickling_server_is_stopped_at_the_deadline(hostile):
    url = hostile("trickle")
    started = time.monotonic()
    with pytest.raises(UserError, match="gave no answer within 1 s"):
        collect(HttpGenerator(url, model="m", max_seconds=1.0), request(n=1))
    assert time.monotonic() - started < 5


def test_a_stream_of_everything_but_text_is_cut_off_by_size(hostile):
    url = hostile("comments")
    started = time.monotonic()
    with pytest.raises(UserError, match="sent far more data than an answer of 20 tokens needs"):
        collect(HttpGenerator(url, model="m"), request(n=1))
    assert time.monotonic() - started < 10


def test_an_endless_json_body_is_refused_by_size(hostile):
    url = hostile("huge-json")
    with pytest.raises(UserError, match=rf"answered more than {MAX_BODY // 1024} KiB to /v1/models"):
        _ = HttpGenerator(url).model_name  # reading it asks the server


def peak_memory(action) -> int:
    """The most memory (bytes, as tracemalloc counts it) allocated at once while ``action()`` ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        try:
            action()
        finally:
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("behaviour", ["gzip-bomb-sse", "gzip-bomb-lines"])
def test_a_gzip_bomb_stream_is_cut_off_by_its_decoded_size(hostile, behaviour):
    url = hostile(behaviour)
    encoded_body(behaviour)  # made before measuring

    def generate():
        with pytest.raises(UserError, match="sent far more data than an answer of 20 tokens needs"):
            collect(HttpGenerator(url, model="m", retries=0), request(n=1))

    started = time.monotonic()
    assert peak_memory(generate) < 16 * 1024 * 1024  # the answer inflates to 1 GiB
    assert time.monotonic() - started < 10


def test_a_gzip_bomb_model_list_is_refused_by_its_decoded_size(hostile):
    url = hostile("gzip-bomb-json")
    encoded_body("gzip-bomb-json")

    def list_models():
        with pytest.raises(UserError, match=rf"answered more than {MAX_BODY // 1024} KiB to /v1/models"):
            _ = HttpGenerator(url).model_name

    assert peak_memory(list_models) < 16 * 1024 * 1024


@pytest.mark.parametrize("behaviour", ["gzip-sse", "gzip-twice-sse", "deflate-sse", "raw-deflate-sse"])
def test_a_compressed_stream_is_read(hostile, behaviour):
    (result,) = collect(HttpGenerator(hostile(behaviour), model="m"), request(n=1))
    assert result.text == "Hello there."


def test_a_compressed_model_list_is_read(hostile):
    assert HttpGenerator(hostile("gzip-models")).model_name == "zipped"


@pytest.mark.parametrize(
    ("behaviour", "complaint"),
    [
        ("damaged-gzip-sse", "sent a damaged gzip answer"),
        ("brotli-sse", "sent its answer compressed as 'br', which Cardwriter cannot read"),
    ],
)
def test_an_answer_that_cannot_be_decoded_is_a_clear_error(hostile, behaviour, complaint):
    url = hostile(behaviour)
    with pytest.raises(UserError, match=rf"the server at {url} {complaint}"):
        collect(HttpGenerator(url, model="m", retries=0), request(n=1))


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://127.0.0.1:99999", "port .* must be a number from 1 to 65535"),
        ("http://127.0.0.1:0", "port .* must be a number from 1 to 65535"),
        ("http://127.0.0.1:eighty", "port .* must be a number from 1 to 65535"),
        ("http://:8080", "names no host"),
        ("http://", "names no host"),
        ("ftp://127.0.0.1:8080", "must start with http:// or https://"),
        ("localhost:8080", "must start with http:// or https://"),
        ("http://" + "a" * 70 + ".example", "host name .* is not valid"),
        ("http://[::1:8080/v1", r"is not valid \(Invalid IPv6 URL\)"),
        ("http://[not-an-address]:8080", "is not valid"),
        ("http://exa\x00mple:8080", "is not valid"),
        ("http://\U0001f600.example:8080", "is not valid"),
        ("http://\ud800:8080", "is not valid"),
    ],
)
def test_bad_server_urls_are_refused_at_once(url, complaint):
    with pytest.raises(UserError, match=complaint):
        check_server_url(url)
    with pytest.raises(UserError, match=complaint):
        HttpGenerator(url)


def test_good_server_urls_pass():
    assert check_server_url(" https://gpu.example:8443/v1 ").port == 8443
    assert check_server_url("http://[::1]:8080").hostname == "::1"


def test_open_generator_refuses_another_scheme_instead_of_looking_for_a_file():
    with pytest.raises(UserError, match="must start with http:// or https://"):
        open_generator("ftp://127.0.0.1:8080")


@pytest.mark.parametrize(
    ("url", "complaint"),
    [("http://127.0.0.1:99999", "must be a number from 1 to 65535"), ("http://[::1:8080/v1", "Invalid IPv6 URL")],
)
def test_the_cli_reports_a_bad_server_url_without_a_traceback(url, complaint):
    done = subprocess.run(
        [sys.executable, "-m", "cardwriter", "variants", "--model", url, "some text"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert complaint in done.stderr
    assert "Traceback" not in done.stderr
