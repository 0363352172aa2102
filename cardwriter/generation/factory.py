"""One entry point from a user's model choice to a ``TextGenerator``."""

from __future__ import annotations

from cardwriter.generation.protocol import TextGenerator


def is_server_url(spec: str | None) -> bool:
    return bool(spec) and spec.strip().lower().startswith(("http://", "https://"))


def open_generator(model: str | None = None, *, n_threads: int | None = None) -> TextGenerator:
    """A server URL gives an ``HttpGenerator``; a path, a name or nothing, the local llama.cpp engine."""
    if is_server_url(model):
        from cardwriter.generation.http_backend import HttpGenerator

        return HttpGenerator(model)
    from cardwriter.generation.llama import LlamaEngine

    return LlamaEngine(model, n_threads=n_threads)
