"""Small GGUF files, written with the ``gguf`` package, that llama.cpp cannot load.

A minimal llama-architecture header with a GPT-2 style vocabulary and no
tensors: llama.cpp reads the vocabulary before any tensor, so what goes
wrong in the vocabulary decides how it fails.
"""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np


def _llama_header(path: Path, template: str | None = None) -> gguf.GGUFWriter:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("hostile test model")
    writer.add_block_count(1)
    writer.add_context_length(128)
    writer.add_embedding_length(8)
    writer.add_feed_forward_length(16)
    writer.add_head_count(2)
    writer.add_head_count_kv(2)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(4)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    if template is not None:
        writer.add_chat_template(template)
    return writer


def _finish(writer: gguf.GGUFWriter, path: Path) -> Path:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def aborting_gguf(path: Path) -> Path:
    """A vocabulary with a duplicate token: llama.cpp fails ``GGML_ASSERT(id_to_token.size() == token_to_id.size())`` and aborts."""
    writer = _llama_header(path)
    writer.add_token_list(["a", "a", "b"])
    writer.add_token_merges(["a b"])
    return _finish(writer, path)


def tensorless_gguf(path: Path, template: str | None = None) -> Path:
    """A sound vocabulary but no tensors: llama.cpp returns an error (no ``token_embd.weight``), no crash."""
    writer = _llama_header(path, template)
    writer.add_token_list(["a", "b", "ab"])
    writer.add_token_merges(["a b"])
    return _finish(writer, path)


def tiny_llama_gguf(path: Path, **settings: object) -> Path:
    """A complete (random, F32) one-layer llama model llama.cpp loads and decodes with.

    ``settings`` override the header, by ``GGUFWriter.add_<name>``: e.g.
    ``layer_norm_rms_eps=float("nan")`` (loads, then aborts at the first decode)
    or ``rope_freq_base=float("nan")`` (decodes to NaN logits).
    """
    values: dict[str, object] = {
        "block_count": 1,
        "context_length": 128,
        "embedding_length": 8,
        "feed_forward_length": 16,
        "head_count": 2,
        "head_count_kv": 2,
        "layer_norm_rms_eps": 1e-5,
        "rope_dimension_count": 4,
    }
    values.update(settings)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny test model")
    for name, value in values.items():
        getattr(writer, f"add_{name}")(value)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(["a", "b", "ab"])
    writer.add_token_merges(["a b"])
    rng = np.random.default_rng(0)

    def tensor(name: str, *shape: int) -> None:
        writer.add_tensor(name, (rng.standard_normal(shape) * 0.1).astype(np.float32))

    tensor("token_embd.weight", 3, 8)
    for norm in ("output_norm", "blk.0.attn_norm", "blk.0.ffn_norm"):
        writer.add_tensor(f"{norm}.weight", np.ones(8, dtype=np.float32))
    for part in ("q", "k", "v", "output"):
        tensor(f"blk.0.attn_{part}.weight", 8, 8)
    tensor("blk.0.ffn_gate.weight", 16, 8)
    tensor("blk.0.ffn_up.weight", 16, 8)
    tensor("blk.0.ffn_down.weight", 8, 16)
    return _finish(writer, path)
