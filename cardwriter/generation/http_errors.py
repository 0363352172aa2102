"""What a generation server's failures mean to the writer: a ``ServerError`` that says what to do.

``Retry`` marks a failure worth another try (a connection refused, a 5xx or
429 answer) while a sequence has streamed nothing yet; the backend retries it
with backoff and reports the wrapped error when the tries run out.
"""

from __future__ import annotations

import httpx

from cardwriter.generation.http_limits import ServerError

ENV_API_KEY = "CARDWRITER_API_KEY"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class Retry(Exception):
    """A failure worth another try (nothing has been streamed yet)."""

    def __init__(self, error: ServerError) -> None:
        super().__init__(str(error))
        self.error = error


def unreachable(url: str, exc: BaseException) -> ServerError:
    """The server could not be reached, or did not answer in time."""
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return ServerError(f"the generation server at {url} did not answer in time; is it overloaded or stuck?")
    reason = str(exc) or type(exc).__name__
    return ServerError(
        f"cannot reach the generation server at {url} ({reason}); is it running? "
        "Start it (for example llama.cpp's llama-server with a model file) or check the URL"
    )


def too_slow(url: str, seconds: float) -> ServerError:
    return ServerError(
        f"the generation server at {url} gave no answer within {seconds:.0f} s; is it overloaded or stuck?"
    )


def check_status(url: str, prefix: str, status: int, body: bytes, path: str) -> None:
    """Nothing for 200; otherwise a ``ServerError`` naming the cause (wrapped in ``Retry`` when worth retrying)."""
    if status == 200:
        return
    detail = body[:200].decode("utf-8", errors="replace").strip()
    if status in (401, 403):
        raise ServerError(
            f"the server at {url} refused the request (HTTP {status}): set {ENV_API_KEY} to a valid API key"
        )
    if status == 404:
        raise ServerError(
            f"the server at {url} has no {prefix + path} (HTTP 404); is it an OpenAI-compatible server, "
            "and is the URL its base (without /chat/completions)?"
        )
    error = ServerError(f"the server at {url} answered HTTP {status} to {path}: {detail}")
    if status in RETRY_STATUSES:
        raise Retry(error)
    raise error
