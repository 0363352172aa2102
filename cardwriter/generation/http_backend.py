"""A ``TextGenerator`` over any OpenAI-compatible server, for users who outgrow their laptop.

llama.cpp's ``llama-server`` (with parallel slots), llama-cpp-python's server,
vLLM and others answer one completion per request, so N variants are N
streaming requests, at most ``concurrency`` at a time, each on its own thread
with its own connection. Chat mode posts to ``/v1/chat/completions`` with the
sequence's messages; completion mode posts to ``/v1/completions`` with the
plain prompt. Both read server-sent events (``data: {...}`` lines, ending with
``data: [DONE]``).

Connection failures and 5xx/429 answers are retried (with backoff) as long as
the sequence has produced no text yet. llama-cpp-python's own server
interrupts a stream when another request arrives unless it runs with
``--interrupt_requests False``; such a stream ends without an answer, which
is retried and then reported. The API key, if any, comes from the
``CARDWRITER_API_KEY`` environment variable. Only the standard library is used.

Reads are bounded (``http_limits``): a stream is cut after about
``max_tokens`` tokens' worth of text or bytes, or at a wall-clock deadline
(``max_seconds``, by default ``timeout`` plus a second per token); the sequence then
ends with the text it has (finish reason "length"), or a clear error if none.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import PurePath

from cardwriter.generation import prompts
from cardwriter.generation.http_limits import (
    BYTES_PER_TOKEN,
    CHARS_PER_TOKEN,
    MAX_BODY,
    MAX_ERROR_BODY,
    SECONDS_BASE,
    SECONDS_PER_TOKEN,
    TEXT_SLACK,
    TOKEN_SLACK,
    Overflow,
    ServerError,
    Watchdog,
    check_server_url,
    sse_payloads,
)
from cardwriter.generation.presets import SamplerPreset, get_preset
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_LENGTH,
    FINISH_STOP,
    Event,
    GenerationRequest,
    SequenceDone,
    TextPiece,
)

ENV_API_KEY = "CARDWRITER_API_KEY"
CHAT = "chat"
COMPLETION = "completion"
_RETRY_STATUSES = {429, 500, 502, 503, 504}


class _Retry(Exception):
    """A failure worth another try (nothing has been streamed yet)."""

    def __init__(self, error: ServerError) -> None:
        super().__init__(str(error))
        self.error = error


class HttpGenerator:
    """N variants from an OpenAI-compatible server at ``base_url`` (e.g. ``http://127.0.0.1:8080``)."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        mode: str = CHAT,
        concurrency: int = 4,
        timeout: float = 120.0,
        connect_timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.5,
        api_key: str | None = None,
        max_seconds: float | None = None,
    ) -> None:
        parts = check_server_url(base_url)
        if mode not in (CHAT, COMPLETION):
            raise ValueError(f"mode must be {CHAT!r} or {COMPLETION!r}")
        self.url = base_url.strip().rstrip("/")
        self._scheme = parts.scheme.lower()
        self._host = parts.hostname
        self._port = parts.port
        path = parts.path.rstrip("/")
        self._prefix = path[: -len("/v1")] if path.endswith("/v1") else path
        self.mode = mode
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.backoff = backoff
        self.max_seconds = max_seconds  # per sequence; None: timeout + SECONDS_PER_TOKEN * max_tokens
        self._api_key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        self._model = model

    # -- the model's name -----------------------------------------------------

    @property
    def model_name(self) -> str:
        if self._model is None:
            self._model = self._server_model()
        return _short_name(self._model)

    def _server_model(self) -> str:
        """The first model id the server lists at ``/v1/models``."""
        status, body = self._get("/v1/models")
        try:
            return str(json.loads(body)["data"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise ServerError(
                f"{self.url}/v1/models did not list any model (HTTP {status}); is this an OpenAI-compatible server?"
            ) from None

    # -- HTTP -----------------------------------------------------------------

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=timeout)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _get(self, path: str) -> tuple[int, bytes]:
        conn = self._connection(self.connect_timeout)
        watchdog = Watchdog(conn, SECONDS_BASE)
        try:
            conn.request("GET", self._prefix + path, headers=self._headers())
            watchdog.check()
            response = conn.getresponse()
            body = response.read(MAX_BODY + 1)
        except OSError as exc:
            if watchdog.expired.is_set():
                raise ServerError(f"the generation server at {self.url} did not answer {path} within {SECONDS_BASE:.0f} s") from None
            raise self._unreachable(exc) from None
        finally:
            watchdog.cancel()
            conn.close()
        if len(body) > MAX_BODY:
            raise ServerError(f"the server at {self.url} answered more than {MAX_BODY // 1024} KiB to {path}; is it an OpenAI-compatible server?")
        self._check_status(response.status, body, path)
        return response.status, body

    def _unreachable(self, exc: BaseException) -> ServerError:
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return ServerError(f"the generation server at {self.url} did not answer in time; is it overloaded or stuck?")
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        return ServerError(
            f"cannot reach the generation server at {self.url} ({reason}); is it running? "
            "Start it (for example 'python -m llama_cpp.server --model FILE.gguf') or check the URL"
        )

    def _check_status(self, status: int, body: bytes, path: str) -> None:
        if status == 200:
            return
        detail = body[:200].decode("utf-8", errors="replace").strip()
        if status in (401, 403):
            raise ServerError(
                f"the server at {self.url} refused the request (HTTP {status}): set {ENV_API_KEY} to a valid API key"
            )
        if status == 404:
            raise ServerError(
                f"the server at {self.url} has no {self._prefix + path} (HTTP 404); is it an OpenAI-compatible server, "
                "and is the URL its base (without /chat/completions)?"
            )
        error = ServerError(f"the server at {self.url} answered HTTP {status} to {path}: {detail}")
        if status in _RETRY_STATUSES:
            raise _Retry(error)
        raise error

    # -- generation -----------------------------------------------------------

    def payload(self, plan: prompts.SequencePlan, preset: SamplerPreset) -> tuple[str, dict[str, object]]:
        """The path and JSON body of one sequence's request."""
        body: dict[str, object] = {
            "max_tokens": plan.max_tokens,
            "temperature": preset.temperature,
            "min_p": preset.min_p,
            "seed": plan.seed,
            "stream": True,
        }
        if self._model:
            body["model"] = self._model
        if preset.typical_p < 1.0:
            body["typical_p"] = preset.typical_p
        if preset.mirostat_tau is not None:
            body.update(mirostat_mode=2, mirostat_tau=preset.mirostat_tau, mirostat_eta=preset.mirostat_eta)
        if self.mode == CHAT:
            body["messages"] = list(plan.messages)
            return "/v1/chat/completions", body
        body["prompt"] = plan.completion_prompt
        return "/v1/completions", body

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        plans = prompts.plan(request)
        preset = get_preset(request.preset)
        stop = threading.Event()  # set when the caller cancels, fails or walks away
        events: queue.Queue[Event | BaseException | None] = queue.Queue()
        todo: queue.Queue[prompts.SequencePlan] = queue.Queue()
        for p in plans:
            todo.put(p)
        started = time.perf_counter()

        def worker() -> None:
            while not stop.is_set():
                try:
                    plan = todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    self._run_sequence(plan, preset, events, stop, started)
                except BaseException as exc:  # handed to the consumer, raised there
                    events.put(exc)
                    return
            events.put(None)

        threads = [threading.Thread(target=worker, daemon=True, name=f"cardwriter-http-{i}") for i in range(min(self.concurrency, len(plans)))]
        for t in threads:
            t.start()
        running = len(threads)
        texts: dict[int, str] = {}
        counts: dict[int, int] = {}
        done: set[int] = set()
        try:
            while running and not (cancel is not None and cancel.is_set()):
                try:
                    item = events.get(timeout=0.02)
                except queue.Empty:
                    continue
                if item is None:
                    running -= 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    if isinstance(item, SequenceDone):
                        done.add(item.index)
                    else:
                        texts[item.index] = texts.get(item.index, "") + item.text
                        counts[item.index] = counts.get(item.index, 0) + 1
                    yield item
        finally:
            stop.set()  # workers drop their connections at their next chunk
        for p in plans:  # cancelled: end what is open with what it has
            if p.index not in done:
                text = prompts.clean(texts.get(p.index, ""))
                yield SequenceDone(p.index, text, counts.get(p.index, 0), FINISH_CANCELLED, time.perf_counter() - started)

    def _run_sequence(
        self,
        plan: prompts.SequencePlan,
        preset: SamplerPreset,
        events: queue.Queue,
        stop: threading.Event,
        started: float,
    ) -> None:
        path, body = self.payload(plan, preset)
        data = json.dumps(body).encode("utf-8")
        attempt = 0
        while True:
            try:
                self._post_stream(plan, path, data, events, stop, started)
                return
            except _Retry as retry:
                attempt += 1
                if attempt > self.retries or stop.is_set():
                    raise retry.error from None
                time.sleep(self.backoff * 2 ** (attempt - 1))

    def _post_stream(
        self,
        plan: prompts.SequencePlan,
        path: str,
        data: bytes,
        events: queue.Queue,
        stop: threading.Event,
        started: float,
    ) -> None:
        conn = self._connection(self.connect_timeout)
        seconds = self.max_seconds if self.max_seconds is not None else self.timeout + SECONDS_PER_TOKEN * plan.max_tokens
        watchdog = Watchdog(conn, seconds)
        max_chars = plan.max_tokens * CHARS_PER_TOKEN + TEXT_SLACK
        max_bytes = (plan.max_tokens + TOKEN_SLACK) * BYTES_PER_TOKEN
        text, tokens, reason, finished = "", 0, FINISH_STOP, False
        try:
            try:
                conn.request("POST", self._prefix + path, body=data, headers=self._headers())
                watchdog.check()
                if conn.sock is not None:
                    conn.sock.settimeout(self.timeout)
                response = conn.getresponse()
            except OSError as exc:
                if watchdog.expired.is_set():
                    raise self._too_slow(seconds) from None
                raise _Retry(self._unreachable(exc)) from None
            if response.status != 200:
                self._check_status(response.status, response.read(MAX_ERROR_BODY), path)
            try:
                for payload in sse_payloads(response, max_bytes):
                    if stop.is_set():
                        reason = FINISH_CANCELLED
                        break
                    if payload == "[DONE]":
                        break
                    piece, finish = self._parse_chunk(payload, path)
                    if piece:
                        tokens += 1
                        before = len(text)
                        text = (text + piece)[:max_chars]
                        end = prompts.paragraph_end(text)
                        if end is not None:
                            text = text[:end]
                        if len(text) > before:
                            events.put(TextPiece(plan.index, text[before:]))
                        if end is not None:
                            reason = FINISH_STOP
                            break
                        if len(text) >= max_chars or tokens >= plan.max_tokens + TOKEN_SLACK:
                            reason = FINISH_LENGTH  # the server ignores max_tokens: stop reading it
                            break
                    if finish:
                        finished = True
                        reason = FINISH_LENGTH if finish == "length" else FINISH_STOP
                if watchdog.expired.is_set():
                    reason = FINISH_LENGTH
            except Overflow:
                if not text:
                    raise ServerError(
                        f"the server at {self.url} sent far more data than an answer of {plan.max_tokens} tokens "
                        "needs, and no text; is it an OpenAI-compatible server?"
                    ) from None
                reason = FINISH_LENGTH
            except OSError as exc:
                if watchdog.expired.is_set():
                    if not text:
                        raise self._too_slow(seconds) from None
                    reason = FINISH_LENGTH
                elif not text:
                    raise _Retry(self._unreachable(exc)) from None
                else:
                    raise self._unreachable(exc) from None
            if watchdog.expired.is_set() and not text:
                raise self._too_slow(seconds)
        finally:
            watchdog.cancel()
            conn.close()
        if not text and not finished and reason != FINISH_CANCELLED:
            raise _Retry(
                ServerError(
                    f"the server at {self.url} ended a stream without any answer; if it is llama-cpp-python's "
                    "server, start it with '--interrupt_requests False' (or lower the concurrency)"
                )
            )
        events.put(SequenceDone(plan.index, prompts.clean(text), tokens, reason, time.perf_counter() - started))

    def _too_slow(self, seconds: float) -> ServerError:
        return ServerError(
            f"the generation server at {self.url} gave no answer within {seconds:.0f} s; is it overloaded or stuck?"
        )

    def _parse_chunk(self, payload: str, path: str) -> tuple[str, str | None]:
        try:
            chunk = json.loads(payload)
            if "error" in chunk and not chunk.get("choices"):
                raise ServerError(f"the server at {self.url} reported an error: {chunk['error']}")
            choice = chunk["choices"][0]
            if self.mode == CHAT:
                piece = (choice.get("delta") or {}).get("content") or ""
            else:
                piece = choice.get("text") or ""
            return piece, choice.get("finish_reason")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise ServerError(
                f"the server at {self.url} sent something that is not an OpenAI-compatible stream from {path}: "
                f"{payload[:120]!r}"
            ) from None


def _short_name(model_id: str) -> str:
    """A model id as a short name: the file stem where the server names a path."""
    return PurePath(model_id).stem if ("/" in model_id or model_id.endswith(".gguf")) else model_id
