"""The pure-Python GGUF header reader, on files written by the gguf package."""

from __future__ import annotations

import struct

import gguf
import numpy as np
import pytest

from cardwriter.errors import UserError
from cardwriter.generation.gguf_header import has_gguf_magic, read_header


def write(path, with_tensor=True):
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny")
    writer.add_context_length(2048)
    writer.add_token_list(["<s>", "</s>", "hello", "wörld"])
    writer.add_token_scores([0.0, 0.0, -1.5, -2.5])
    writer.add_chat_template("{{ messages[0]['content'] }}")
    if with_tensor:
        writer.add_tensor("weight", np.ones((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_reads_scalars_and_strings_and_skips_arrays(tmp_path):
    header = read_header(write(tmp_path / "tiny.gguf"))
    assert header.version == 3
    assert header.tensor_count == 1
    assert header.get_str("general.architecture") == "llama"
    assert header.get_str("general.name") == "tiny"
    assert header.metadata["llama.context_length"] == 2048
    assert header.get_str("tokenizer.chat_template") == "{{ messages[0]['content'] }}"
    assert "tokenizer.ggml.tokens" not in header.metadata  # arrays are skipped, not kept


def test_reads_the_real_model_header(model_path):
    header = read_header(model_path)
    assert header.get_str("general.architecture") == "llama"
    assert "<|im_start|>" in header.get_str("tokenizer.chat_template")


def test_not_gguf(tmp_path):
    path = tmp_path / "notes.txt.gguf"
    path.write_text("just some text, long enough to be a header " * 3)
    assert not has_gguf_magic(path)
    with pytest.raises(UserError, match=r"notes\.txt\.gguf is not a GGUF model file"):
        read_header(path)


@pytest.mark.parametrize("keep", [4, 10, 30, 120])
def test_every_truncation_of_the_header_is_a_clear_error(tmp_path, keep):
    whole = write(tmp_path / "whole.gguf", with_tensor=False).read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole[:keep])
    with pytest.raises(UserError, match=r"cut\.gguf is cut short"):
        read_header(cut)


def test_unsupported_version(tmp_path):
    path = tmp_path / "v9.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 9, 0, 0))
    with pytest.raises(UserError, match="version 9"):
        read_header(path)


def test_absurd_string_length_is_corruption_not_a_memory_blowup(tmp_path):
    path = tmp_path / "huge.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**40))
    with pytest.raises(UserError, match="corrupt"):
        read_header(path)
