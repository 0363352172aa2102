"""The HTTP backend against a real local OpenAI-compatible server (llama-cpp-python's own)."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.errors import UserError
from cardwriter.generation import prompts
from cardwriter.generation.http_backend import COMPLETION, HttpGenerator
from cardwriter.generation.protocol import FINISH_CANCELLED, GenerationRequest, SequenceDone, TextGenerator, TextPiece
from cardwriter.generation.results import collect

from .conftest import SOURCE

API_KEY = "test-key-for-cardwriter"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# llama-cpp-python's own server, started with llama.cpp kept off its AMX path where that crashes
# (see cardwriter/generation/llama/model_params.py): its Llama class builds the default model parameters.
SERVER_MAIN = (
    "import sys, runpy, llama_cpp; from cardwriter.generation.llama.model_params import patch_default_params; "
    "patch_default_params(llama_cpp); sys.argv[0] = 'llama_cpp.server'; "
    "runpy.run_module('llama_cpp.server', run_name='__main__')"
)


@pytest.fixture(scope="session")
def server(model_path, tmp_path_factory):
    """``python -m llama_cpp.server`` on 127.0.0.1, requiring an API key; torn down after the session."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER_MAIN, "--model", str(model_path), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--api_key", API_KEY, "--verbose", "False", "--interrupt_requests", "False"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url + "/docs", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setenv("CARDWRITER_API_KEY", API_KEY)


pytestmark = pytest.mark.slow


def request(**kw) -> GenerationRequest:
    return GenerationRequest(**{"source": SOURCE, "n": 3, "seed": 11, "max_tokens": 24, **kw})


def test_chat_mode_gives_n_streamed_variants(server, with_key):
    generator = HttpGenerator(server + "/v1/", concurrency=3)
    assert isinstance(generator, TextGenerator)
    events = list(generator.stream(request(kind=VariantKind.RESTYLE)))
    done = {e.index: e for e in events if isinstance(e, SequenceDone)}
    assert sorted(done) == [0, 1, 2]
    for i in range(3):
        pieces = [e.text for e in events if isinstance(e, TextPiece) and e.index == i]
        assert len(pieces) >= 2
        assert prompts.clean("".join(pieces)) == done[i].text != ""
        assert 0 < done[i].tokens <= 24
    assert generator.model_name == "SmolLM2-135M-Instruct.Q4_1"


def test_completion_mode_and_provenance(server, with_key):
    generator = HttpGenerator(server, mode=COMPLETION, concurrency=2)
    results = collect(generator, request(n=2, kind=VariantKind.CONTINUE))
    assert [r.index for r in results] == [0, 1]
    assert all(r.text for r in results)
    assert {r.model for r in results} == {"SmolLM2-135M-Instruct.Q4_1"}


def test_cancel_ends_every_sequence(server, with_key):
    generator = HttpGenerator(server, concurrency=2)
    cancel = threading.Event()
    events = []
    for e in generator.stream(request(n=4, max_tokens=200), cancel):
        events.append(e)
        if isinstance(e, TextPiece):
            cancel.set()
    done = [e for e in events if isinstance(e, SequenceDone)]
    assert sorted(e.index for e in done) == [0, 1, 2, 3]
    assert all(e.finish_reason == FINISH_CANCELLED for e in done)


def test_wrong_api_key_is_a_clear_error(server, monkeypatch):
    monkeypatch.setenv("CARDWRITER_API_KEY", "wrong")
    with pytest.raises(UserError, match=r"refused the request \(HTTP 401\): set CARDWRITER_API_KEY"):
        collect(HttpGenerator(server), request(n=2))


def test_dead_server_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    generator = HttpGenerator(url, retries=1, backoff=0.01, model="m")
    with pytest.raises(UserError, match=rf"cannot reach the generation server at {url} .*is it running\?"):
        collect(generator, request(n=2))


class _Answer(http.server.BaseHTTPRequestHandler):
    status = 404
    calls = 0

    def do_POST(self):  # http.server's naming
        type(self).calls += 1
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>not here</html>")

    do_GET = do_POST  # http.server dispatches on do_<METHOD>; GET gets the same answers

    def log_message(self, *args):
        pass


@pytest.fixture
def wrong_server():
    """A plain web server that is not OpenAI-compatible."""
    handler = type("Handler", (_Answer,), {"status": 404, "calls": 0})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def test_wrong_server_is_a_clear_error(wrong_server):
    url, _ = wrong_server
    with pytest.raises(UserError, match=r"has no /v1/chat/completions \(HTTP 404\); is it an OpenAI-compatible server"):
        collect(HttpGenerator(url, model="m"), request(n=1))


def test_server_errors_are_retried_then_reported(wrong_server):
    url, handler = wrong_server
    handler.status = 503
    with pytest.raises(UserError, match=r"answered HTTP 503"):
        collect(HttpGenerator(url, model="m", retries=2, backoff=0.01), request(n=1))
    assert handler.calls == 3


def test_not_a_url():
    with pytest.raises(UserError, match="not a server URL"):
        HttpGenerator("localhost:8080")


def test_api_key_is_not_sent_when_unset(monkeypatch):
    monkeypatch.delenv("CARDWRITER_API_KEY", raising=False)
    assert (
        "Authorization" not in HttpGenerator("http://127.0.0.1:1")._headers()
    )  # the private helper is the one place headers are built
    assert os.environ.get("CARDWRITER_API_KEY") is None
