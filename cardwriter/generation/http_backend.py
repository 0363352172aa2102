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
``CARDWRITER_API_KEY`` environment variable. HTTP goes through httpx (one
client, its pool sized to ``concurrency``, shared by the threads) and the
event stream is parsed by httpx-sse.

Every sampler setting of the preset is sent, under the names the servers use
(``payload``): llama-server and vLLM take ``min_p``, ``top_k``, ``top_p`` and a
repetition penalty; llama-server (and llama-cpp-python's server, for those it
knows) also DRY, XTC and top-nσ. Settings a preset turns off are sent as "off"
too, so a server's own defaults (llama-server's top-k 40, top-p 0.95) never
apply behind the writer's back. Servers ignore the fields they do not know.

Reads are bounded (``http_limits``): a stream is cut after about
``max_tokens`` tokens' worth of text or bytes (counted after gzip or deflate
is undone), or at a wall-clock deadline (``max_seconds``, by default
``timeout`` plus a second per token); the sequence then ends with the text it
has (finish reason "length"), or a clear error if none. Every event is
checked for shape before use (``http_events``): JSON nested too deep, or a
field of the wrong type, is a ``ServerError``, never a traceback.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Iterator

import httpx
from httpx_sse import EventSource, SSEError

from cardwriter.generation import prompts
from cardwriter.generation.http_errors import ENV_API_KEY, Retry, check_status, too_slow, unreachable
from cardwriter.generation.http_events import listed_model, parse_chunk, short_name
from cardwriter.generation.http_limits import (
    ACCEPT_ENCODING,
    BYTES_PER_TOKEN,
    CHARS_PER_TOKEN,
    MAX_BODY,
    MAX_ERROR_BODY,
    SECONDS_BASE,
    SECONDS_PER_TOKEN,
    TEXT_SLACK,
    TOKEN_SLACK,
    Deadline,
    Overflow,
    ServerError,
    Undecodable,
    bound_response,
    check_server_url,
    read_capped,
)
from cardwriter.generation.http_samplers import sampler_fields
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

CHAT = "chat"
COMPLETION = "completion"


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
        self.backend, self.gpu_layers = "server", 0  # what the status bar shows; the server decides its layers
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
        origin = f"{parts.scheme.lower()}://{parts.netloc}"
        self._client = httpx.Client(
            base_url=origin,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency),
            trust_env=False,  # a local server must not be sent through the desktop's HTTP proxy
        )

    def close(self) -> None:
        self._client.close()  # its connections; the generator cannot be used afterwards

    # -- the model's name -----------------------------------------------------

    @property
    def model_name(self) -> str:
        if self._model is None:
            self._model = self._server_model()
        return short_name(self._model)

    def _server_model(self) -> str:
        """The first model id the server lists at ``/v1/models``."""
        status, body = self._get("/v1/models")
        return listed_model(body, url=self.url, status=status)

    # -- HTTP -----------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream, application/json",
            "Accept-Encoding": ACCEPT_ENCODING,  # what http_limits decodes itself, counting the decoded bytes
        }
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _get(self, path: str) -> tuple[int, bytes]:
        deadline = time.monotonic() + SECONDS_BASE
        try:
            with self._client.stream(
                "GET",
                self._prefix + path,
                headers=self._headers(),
                timeout=httpx.Timeout(SECONDS_BASE, connect=self.connect_timeout),
            ) as response:
                body = read_capped(response, MAX_BODY, deadline)
        except (Deadline, httpx.TimeoutException):
            if time.monotonic() >= deadline - 0.05:
                raise ServerError(
                    f"the generation server at {self.url} did not answer {path} within {SECONDS_BASE:.0f} s"
                ) from None
            raise ServerError(
                f"the generation server at {self.url} did not answer in time; is it overloaded or stuck?"
            ) from None
        except httpx.TransportError as exc:
            raise unreachable(self.url, exc) from None
        except Undecodable as exc:
            raise ServerError(f"the server at {self.url} {exc}") from None
        if len(body) > MAX_BODY:
            raise ServerError(
                f"the server at {self.url} answered more than {MAX_BODY // 1024} KiB to {path}; is it an OpenAI-compatible server?"
            )
        check_status(self.url, self._prefix, response.status_code, body, path)
        return response.status_code, body

    def payload(self, plan: prompts.SequencePlan, preset: SamplerPreset) -> tuple[str, dict[str, object]]:
        """The path and JSON body of one sequence's request, with every sampler setting of ``preset``."""
        body: dict[str, object] = {
            "max_tokens": plan.max_tokens,
            "seed": plan.seed,
            "stream": True,
            **sampler_fields(preset),
        }
        if self._model:
            body["model"] = self._model
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

        threads = [
            threading.Thread(target=worker, daemon=True, name=f"cardwriter-http-{i}")
            for i in range(min(self.concurrency, len(plans)))
        ]
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
                yield SequenceDone(
                    p.index, text, counts.get(p.index, 0), FINISH_CANCELLED, time.perf_counter() - started
                )

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
            except Retry as retry:
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
        seconds = (
            self.max_seconds if self.max_seconds is not None else self.timeout + SECONDS_PER_TOKEN * plan.max_tokens
        )
        deadline = time.monotonic() + seconds
        # no single read may outlast the deadline; BoundedStream checks it between reads
        timeout = httpx.Timeout(min(self.timeout, seconds), connect=min(self.connect_timeout, seconds))
        max_chars = plan.max_tokens * CHARS_PER_TOKEN + TEXT_SLACK
        max_bytes = (plan.max_tokens + TOKEN_SLACK) * BYTES_PER_TOKEN
        text, tokens, reason, finished = "", 0, FINISH_STOP, False
        try:
            with self._client.stream(
                "POST", self._prefix + path, content=data, headers=self._headers(), timeout=timeout
            ) as response:
                if response.status_code != 200:
                    check_status(
                        self.url,
                        self._prefix,
                        response.status_code,
                        read_capped(response, MAX_ERROR_BODY, deadline),
                        path,
                    )
                bound_response(response, max_bytes, deadline)
                try:
                    for event in EventSource(response).iter_sse():
                        if stop.is_set():
                            reason = FINISH_CANCELLED
                            break
                        if event.data == "[DONE]":
                            break
                        piece, finish = parse_chunk(event.data, url=self.url, path=path, chat=self.mode == CHAT)
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
                except SSEError:
                    body = read_capped(response, MAX_ERROR_BODY, deadline).decode("utf-8", errors="replace").strip()
                    kind = response.headers.get("Content-Type", "")
                    raise ServerError(
                        f"the server at {self.url} did not stream its answer (Content-Type {kind!r}): {body[:120]!r}"
                    ) from None
        except Undecodable as exc:
            if not text:
                raise ServerError(f"the server at {self.url} {exc}") from None
            reason = FINISH_LENGTH  # keep what was decoded before the damage
        except Overflow:
            if not text:
                raise ServerError(
                    f"the server at {self.url} sent far more data than an answer of {plan.max_tokens} tokens "
                    "needs, and no text; is it an OpenAI-compatible server?"
                ) from None
            reason = FINISH_LENGTH
        except (Deadline, httpx.TransportError) as exc:
            if isinstance(exc, Deadline) or time.monotonic() >= deadline - 0.05:
                if not text:
                    raise too_slow(self.url, seconds) from None
                reason = FINISH_LENGTH
            elif not text:
                raise Retry(unreachable(self.url, exc)) from None
            else:
                raise unreachable(self.url, exc) from None
        if not text and not finished and reason != FINISH_CANCELLED:
            raise Retry(
                ServerError(
                    f"the server at {self.url} ended a stream without any answer; if it is llama-cpp-python's "
                    "server, turn its interrupt_requests setting off (or lower the concurrency)"
                )
            )
        events.put(SequenceDone(plan.index, prompts.clean(text), tokens, reason, time.perf_counter() - started))
