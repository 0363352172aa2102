"""What a server streams is data from outside: every event is checked before use, fuzzed here.

The streams are served through httpx's MockTransport (no sockets, so hundreds
of hypothesis examples run in seconds) but read by the backend's real path:
``bound_response``, httpx's decoding, httpx-sse and ``http_events.parse_chunk``. Any
answer ends as text or as a ``UserError`` with a message, never another
exception, and in time linear in its length.
"""

from __future__ import annotations

import functools
import json
import time
import zlib
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardwriter.errors import UserError
from cardwriter.generation.http_backend import CHAT, COMPLETION, HttpGenerator
from cardwriter.generation.http_events import parse_chunk
from cardwriter.generation.http_limits import CHARS_PER_TOKEN, TEXT_SLACK
from cardwriter.generation.protocol import GenerationRequest
from cardwriter.generation.results import collect

from .conftest import SOURCE

ORIGIN = "http://127.0.0.1:9"
MAX_TOKENS = 20
FUZZ = settings(max_examples=150, deadline=None)


class Pieces(httpx.SyncByteStream):
    """A body that arrives in the given pieces, as a socket might deliver it."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces


class _Next:
    """What the mock server sends next."""

    pieces: list[bytes] = []
    headers: dict[str, str] = {}


def _answer(request: httpx.Request) -> httpx.Response:
    headers = {"Content-Type": "text/event-stream", **_Next.headers}
    return httpx.Response(200, headers=headers, stream=Pieces(list(_Next.pieces)))


@functools.cache
def _generator(mode: str) -> HttpGenerator:
    """One generator per mode for the whole module (building an httpx client loads certificates: slow)."""
    generator = HttpGenerator(ORIGIN, model="m", mode=mode, retries=0, backoff=0.0)
    generator._client.close()
    generator._client = httpx.Client(base_url=ORIGIN, transport=httpx.MockTransport(_answer))
    return generator


def serving(pieces: list[bytes], mode: str = CHAT, headers: dict[str, str] | None = None) -> HttpGenerator:
    """A generator whose server answers every request with ``pieces``."""
    _Next.pieces, _Next.headers = pieces, headers or {}
    return _generator(mode)


def outcome(generator: HttpGenerator) -> str | None:
    """The text of the one sequence, or None when the answer was refused with a message."""
    request = GenerationRequest(source=SOURCE, n=1, seed=1, max_tokens=MAX_TOKENS)
    try:
        (result,) = collect(generator, request)
    except UserError as exc:
        assert str(exc).startswith(("the server at", "the generation server at"))
        str(exc).encode("utf-8")  # the message can be printed
        return None
    assert isinstance(result.text, str)
    result.text.encode("utf-8")  # no lone surrogate: the text can be saved and printed
    assert len(result.text) <= MAX_TOKENS * CHARS_PER_TOKEN + TEXT_SLACK
    return result.text


def event(payload: object) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def chat_chunk(content: object = " word", delta: object = None, finish: object = None) -> dict[str, object]:
    delta = {"content": content} if delta is None else delta
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


DONE = b"data: [DONE]\n\n"


def test_a_good_stream_reads():
    assert outcome(serving([event(chat_chunk(" Hello")), event(chat_chunk(" there.")), DONE])) == "Hello there."


@pytest.mark.parametrize(
    "payload",
    [
        chat_chunk(5),
        chat_chunk(1.5),
        chat_chunk(True),
        chat_chunk(["a", "b"]),
        chat_chunk({"text": "a"}),
        chat_chunk(delta="text"),
        chat_chunk(delta=7),
        chat_chunk(delta=["a"]),
        chat_chunk(finish=["stop"]),
        chat_chunk(finish={"reason": "stop"}),
        {"choices": {"0": {"delta": {"content": "a"}}}},
        {"choices": 3},
        {"choices": "abc"},
        {"choices": [5]},
        {"choices": [None]},
        {"choices": [["a"]]},
        [1, 2],
        "text",
        42,
        None,
    ],
    ids=lambda payload: json.dumps(payload)[:60],
)
def test_a_field_of_the_wrong_type_is_a_clear_error(payload):
    text = outcome(serving([event(chat_chunk("Before.")), event(payload), DONE]))
    assert text is None


def test_null_content_and_an_empty_delta_are_no_text():
    stream = [
        event(chat_chunk(None)),
        event(chat_chunk(delta={})),
        event({"choices": []}),
        event(chat_chunk(" Yes.")),
        DONE,
    ]
    assert outcome(serving(stream)) == "Yes."


def test_a_completion_text_of_the_wrong_type_is_a_clear_error():
    stream = [event({"choices": [{"text": ["a"]}]}), DONE]
    assert outcome(serving(stream, mode=COMPLETION)) is None


def test_a_30000_deep_event_is_a_clear_error_and_fast():
    started = time.monotonic()
    with pytest.raises(UserError, match="nested more than 100 levels deep"):
        collect(serving([b"data: " + b"[" * 30_000 + b"\n\n", DONE]), GenerationRequest(source=SOURCE, n=1))
    assert time.monotonic() - started < 5


def test_an_error_event_is_shown_short():
    stream = [event({"error": {"message": "context too long", "code": 400, "junk": "x" * 50_000}})]
    with pytest.raises(UserError, match=r"reported an error: context too long$"):
        collect(serving(stream), GenerationRequest(source=SOURCE, n=1))


def test_a_lone_surrogate_becomes_a_replacement_character():
    stream = [b'data: {"choices": [{"delta": {"content": "a\\ud800b."}}]}\n\n', DONE]
    assert outcome(serving(stream)) == "a\ufffdb."
    with pytest.raises(UserError, match="reported an error: bad \ufffd"):
        collect(serving([b'data: {"error": "bad \\udfff"}\n\n']), GenerationRequest(source=SOURCE, n=1))


# -- fuzzing -------------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=12,
)
keys = st.sampled_from(["choices", "delta", "content", "text", "finish_reason", "error", "index"]) | st.text(max_size=6)
# chunks shaped like a server's, with any field swapped for any JSON value
shaped = st.builds(
    lambda content, delta, finish, extra: {
        "choices": [{"index": 0, "delta": {"content": content} if delta is None else delta, "finish_reason": finish}],
        **extra,
    },
    st.text(max_size=20) | json_values,
    st.none() | json_values,
    st.sampled_from([None, "stop", "length"]) | json_values,
    st.dictionaries(keys, json_values, max_size=2),
)
payloads = (
    shaped.map(lambda v: json.dumps(v).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.dictionaries(keys, json_values, max_size=3).map(lambda v: json.dumps(v).encode())
    | st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass"))
    | st.integers(1, 200_000).map(lambda n: b"[" * n)  # deep, and long lines
    | st.integers(1, 100_000).map(lambda n: b'{"choices": [{"delta": {"content": "' + b"x" * n + b'"}}]}')
    | st.just(b"[DONE]")
    | st.sampled_from(  # lone surrogates, written as JSON escapes
        [
            b'{"choices": [{"delta": {"content": "\\ud800"}}]}',
            b'{"error": "\\udc00"}',
            b'{"error": {"message": "\\ud800"}}',
        ]
    )
)
lines = (
    payloads.map(lambda p: b"data: " + p + b"\n\n")
    | payloads.map(lambda p: b"data: " + p + b"\r\n\r\n")
    | st.sampled_from([b": ping\n", b"event: x\n", b"id: 1\n", b"retry: 5\n", b"\n", b"data:\n", b"data"])
    | st.binary(max_size=40)
)


@st.composite
def bodies(draw) -> list[bytes]:
    """A stream: events, maybe cut off anywhere, split into pieces at arbitrary bytes."""
    body = b"".join(draw(st.lists(lines, max_size=8)))
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=6)))
    return [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True) if b > a]


def timed(action):
    started = time.monotonic()
    result = action()
    assert time.monotonic() - started < 5  # linear: the longest body here is a few hundred KB
    return result


@FUZZ
@given(bodies(), st.sampled_from([CHAT, COMPLETION]))
def test_any_stream_gives_text_or_a_clear_error(pieces, mode):
    timed(lambda: outcome(serving(pieces, mode=mode)))


@FUZZ
@given(bodies(), st.sampled_from(["gzip", "deflate"]))
def test_any_compressed_stream_gives_text_or_a_clear_error(pieces, encoding):
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS)
    packed = packer.compress(b"".join(pieces)) + packer.flush()
    timed(
        lambda: outcome(
            serving([packed[: len(packed) // 2], packed[len(packed) // 2 :]], headers={"Content-Encoding": encoding})
        )
    )


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(["gzip", "deflate", "gzip, deflate", "x-gzip", "compress", "zstd"]))
def test_any_bytes_under_any_encoding_give_text_or_a_clear_error(data, encoding):
    timed(lambda: outcome(serving([data], headers={"Content-Encoding": encoding})))


@FUZZ
@given(json_values | shaped | st.text(max_size=30))
def test_any_event_parses_to_a_piece_or_a_server_error(value):
    try:
        piece, finish = parse_chunk(json.dumps(value), url=ORIGIN, path="/v1/chat/completions", chat=True)
    except UserError as exc:
        assert str(exc).startswith("the server at")
        str(exc).encode("utf-8")
    else:
        assert isinstance(piece, str) and (finish is None or isinstance(finish, str))
