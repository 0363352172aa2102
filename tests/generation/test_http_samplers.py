"""What the HTTP backend sends: every sampler setting, K requests at a time (a capturing server on 127.0.0.1)."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from cardwriter.generation.http_backend import HttpGenerator
from cardwriter.generation.http_samplers import sampler_fields
from cardwriter.generation.presets import get_preset
from cardwriter.generation.protocol import GenerationRequest
from cardwriter.generation.results import collect

from .conftest import SOURCE


class _Capture(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: list[dict] = []
    active = 0
    most = 0
    lock = threading.Lock()

    def do_POST(self):  # http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        cls = type(self)
        with cls.lock:
            cls.bodies.append(body)
            cls.active += 1
            cls.most = max(cls.most, cls.active)
        time.sleep(0.3)  # long enough for the others to arrive if they are sent at once
        chunk = {"choices": [{"index": 0, "delta": {"content": "A new wording."}, "finish_reason": "stop"}]}
        data = b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with cls.lock:
            cls.active -= 1

    def log_message(self, *args):
        pass


@pytest.fixture
def capture():
    handler = type("Handler", (_Capture,), {"bodies": [], "active": 0, "most": 0, "lock": threading.Lock()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def test_every_sampler_setting_of_the_preset_is_sent(capture):
    url, handler = capture
    results = collect(HttpGenerator(url, model="m"), GenerationRequest(source=SOURCE, n=1, seed=5, preset="bold"))
    assert results[0].text == "A new wording."
    body = handler.bodies[0]
    bold = get_preset("bold")
    assert body["min_p"] == bold.min_p and body["temperature"] == bold.temperature
    assert body["top_n_sigma"] == bold.top_n_sigma and body["xtc_probability"] == bold.xtc_probability
    assert body["xtc_threshold"] == bold.xtc_threshold and body["typical_p"] == bold.typical_p
    assert body["dry_multiplier"] == bold.dry_multiplier and body["dry_base"] == bold.dry_base
    assert body["dry_allowed_length"] == bold.dry_allowed_length
    # off is sent as off, so llama-server's own top-k 40 and top-p 0.95 do not apply
    assert body["top_k"] == 0 and body["top_p"] == 1.0 and body["repeat_penalty"] == 1.0
    assert body["seed"] == 5 and body["stream"] is True and body["model"] == "m"


def test_baseline_presets_send_their_older_samplers_under_both_names():
    ollama = sampler_fields(get_preset("ollama-default"))
    assert ollama["top_k"] == 40 and ollama["top_p"] == 0.9
    assert ollama["repeat_penalty"] == ollama["repetition_penalty"] == 1.1 and ollama["repeat_last_n"] == 64
    steady = sampler_fields(get_preset("steady"))
    assert steady["mirostat"] == steady["mirostat_mode"] == 2 and steady["mirostat_tau"] == 4.0
    assert sampler_fields(get_preset("faithful"))["top_n_sigma"] == -1.0  # llama-server's "off"


def test_k_requests_run_at_once_and_no_more(capture):
    url, handler = capture
    generator = HttpGenerator(url, model="m", concurrency=3)
    results = collect(generator, GenerationRequest(source=SOURCE, n=6, seed=1))
    generator.close()
    assert len(results) == 6 and all(r.text == "A new wording." for r in results)
    assert len(handler.bodies) == 6 and handler.most == 3
    assert sorted(b["seed"] for b in handler.bodies) == [1, 2, 3, 4, 5, 6]
