"""What an OpenAI-compatible server sends, checked for shape before use.

Every server-sent event of a completion stream (``parse_chunk``) and the model
list at ``/v1/models`` (``listed_model``) is data from outside: JSON nested too
deep, or a field of the wrong type, is a ``ServerError`` with a message, never
a traceback. Text taken from them never carries a lone UTF-16 surrogate
(``printable``), which no file or screen takes.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from cardwriter import json_input
from cardwriter.generation.http_limits import ServerError

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_chunk(payload: str, *, url: str, path: str, chat: bool) -> tuple[str, str | None]:
    """The text piece and finish reason of one event; a ``ServerError`` for anything not shaped as expected.

    ``chat``: the event is a chat completion chunk (text in ``delta.content``), else a
    plain completion chunk (text in ``text``); ``url`` and ``path`` are for the message.
    """

    def refuse(why: str = "") -> ServerError:
        return ServerError(
            f"the server at {url} sent something that is not an OpenAI-compatible stream from {path}"
            f"{why}: {payload[:120]!r}"
        )

    try:
        chunk = json_input.loads(payload)
    except json_input.TooDeep as exc:
        raise refuse(f" (JSON {exc})") from None
    except ValueError:
        raise refuse() from None
    if not isinstance(chunk, dict):
        raise refuse()
    choices = chunk.get("choices")
    if "error" in chunk and not choices:
        raise ServerError(f"the server at {url} reported an error: {error_text(chunk['error'])}")
    if not isinstance(choices, list):
        raise refuse()
    if not choices:  # a chunk with no choice (usage figures, a keep-alive): nothing to add
        return "", None
    choice = choices[0]
    if not isinstance(choice, dict):
        raise refuse()
    if chat:
        delta = choice.get("delta")
        if delta is None:
            delta = {}
        if not isinstance(delta, dict):
            raise refuse()
        piece = delta.get("content")
    else:
        piece = choice.get("text")
    finish = choice.get("finish_reason")
    if piece is None:
        piece = ""
    if not isinstance(piece, str) or not (finish is None or isinstance(finish, str)):
        raise refuse(" (a field of the wrong type)")
    return printable(piece), finish


def listed_model(body: bytes, *, url: str, status: int) -> str:
    """The first model id in a ``/v1/models`` answer from the server at ``url``."""
    try:
        models = json_input.loads(body)
    except json_input.TooDeep as exc:
        raise ServerError(f"{url}/v1/models answered JSON {exc}; is this an OpenAI-compatible server?") from None
    except ValueError:
        models = None
    listed = models.get("data") if isinstance(models, dict) else None
    first = listed[0] if isinstance(listed, list) and listed else None
    model_id = first.get("id") if isinstance(first, dict) else None
    if not isinstance(model_id, str):
        raise ServerError(
            f"{url}/v1/models did not list any model (HTTP {status}); is this an OpenAI-compatible server?"
        )
    return printable(model_id)


def error_text(error: object) -> str:
    """A server's error field, short: its message where it is an OpenAI-style object."""
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        error = error["message"]
    text = error if isinstance(error, str) else json.dumps(error, ensure_ascii=False)[:200]
    return printable(text[:200])


def printable(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate ("\\ud800" in JSON) as U+FFFD: no file or screen takes those."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def short_name(model_id: str) -> str:
    """A model id as a short name: the file stem where the server names a path."""
    return PurePath(model_id).stem if ("/" in model_id or model_id.endswith(".gguf")) else model_id
