"""Hostile servers (real ones, on 127.0.0.1) cannot hold a read; bad server URLs are refused at once."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
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


class _Hostile(http.server.BaseHTTPRequestHandler):
    behaviour = "forever"
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.behaviour == "silent":  # accepts the request, never answers
            time.sleep(30)
            return
        self.send_response(200)
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


def test_the_cli_reports_an_out_of_range_port_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "cardwriter", "variants", "--model", "http://127.0.0.1:99999", "some text"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "must be a number from 1 to 65535" in done.stderr
    assert "Traceback" not in done.stderr
