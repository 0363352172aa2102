"""One entry point from a user's model choice to a ``TextGenerator``.

A local model file is probe-loaded in a child process (``model_probe``) the
first time it is used, so a file that crashes llama.cpp is refused with a
message instead of taking this process (the CLI, the GUI) down with it.
"""

from __future__ import annotations

import logging
from typing import TypeGuard

from cardwriter.errors import UserError
from cardwriter.generation.protocol import TextGenerator

log = logging.getLogger(__name__)


def is_server_url(spec: str | None) -> TypeGuard[str]:
    return spec is not None and spec.strip().lower().startswith(("http://", "https://"))


def open_generator(
    model: str | None = None, *, n_threads: int | None = None, gpu_layers: str | int | None = None
) -> TextGenerator:
    """A server URL gives an ``HttpGenerator``; a path, a name or nothing, the local llama.cpp engine.

    ``gpu_layers`` is the writer's setting ("auto", None or a number, see ``gpu``). The generator
    gets ``gpu_layers`` (the layers in use) and ``backend`` ("CPU", "GPU" or "server") attributes.
    """
    from cardwriter.generation.gpu import layers_to_offload

    layers = layers_to_offload(gpu_layers)  # a bad setting is refused before anything loads
    if is_server_url(model):
        from cardwriter.generation.http_backend import HttpGenerator

        return HttpGenerator(model)
    if model and "://" in model:
        raise UserError(
            f"{model!r} is not a server URL: it must start with http:// or https://; give one like http://127.0.0.1:8080"
        )
    from cardwriter.generation.model_files import resolve_model
    from cardwriter.generation.model_probe import probe_model

    path = resolve_model(model)
    probe_model(path)  # a file that crashes llama.cpp is refused here, in a child process, not in this one
    from cardwriter.generation.llama import LlamaEngine

    return LlamaEngine(path, n_threads=n_threads, gpu_layers=layers)
