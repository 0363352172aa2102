"""The pure-Python GGUF header reader, on files written by the gguf package."""

from __future__ import annotations

import struct

import gguf
import numpy as np
import pytest

from cardwriter.errors import UserError
from cardwriter.generation.gguf_header import ImpossibleSettings, check_hyperparameters, has_gguf_magic, read_header
from cardwriter.generation.model_files import check_model_file

from .hostile_models import tiny_llama_gguf


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


# -- settings llama.cpp asserts on -------------------------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("settings", "key", "shown"),
    [
        ({"layer_norm_rms_eps": NAN}, "llama.attention.layer_norm_rms_epsilon", "nan"),
        ({"layer_norm_rms_eps": INF}, "llama.attention.layer_norm_rms_epsilon", "inf"),
        ({"layer_norm_rms_eps": -1e-5}, "llama.attention.layer_norm_rms_epsilon", "-1e-05"),
        ({"layer_norm_eps": NAN}, "llama.attention.layer_norm_epsilon", "nan"),
        ({"rope_freq_base": NAN}, "llama.rope.freq_base", "nan"),
        ({"rope_freq_base": 0.0}, "llama.rope.freq_base", "0"),
        ({"rope_freq_base": -10000.0}, "llama.rope.freq_base", "-10000"),
        ({"rope_freq_base": INF}, "llama.rope.freq_base", "inf"),
        ({"rope_scaling_factor": -2.0}, "llama.rope.scaling.factor", "-2"),
        ({"rope_scaling_factor": NAN}, "llama.rope.scaling.factor", "nan"),
        ({"head_count": 0}, "llama.attention.head_count", "0"),
        ({"head_count_kv": 0}, "llama.attention.head_count_kv", "0"),
        ({"context_length": 0}, "llama.context_length", "0"),
        ({"embedding_length": 0}, "llama.embedding_length", "0"),
        ({"block_count": 0}, "llama.block_count", "0"),
        ({"block_count": 600}, "llama.block_count", "600"),
        ({"expert_used_count": 4}, "llama.expert_used_count", "4"),
    ],
)
def test_settings_llama_cpp_asserts_on_are_refused(tmp_path, settings, key, shown):
    path = tiny_llama_gguf(tmp_path / "hostile.gguf", **settings)
    with pytest.raises(ImpossibleSettings) as caught:
        check_hyperparameters(read_header(path), path)
    message = str(caught.value)
    assert message.startswith(f"model file {path} sets {key} to {shown}, where it must be ")
    assert message.endswith("choose another model")


def test_a_signed_negative_head_count_is_refused(tmp_path):
    writer = gguf.GGUFWriter(str(tmp_path / "m.gguf"), "llama")
    writer.add_int32("llama.attention.head_count", -3)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    with pytest.raises(ImpossibleSettings, match="head_count to -3, where it must be at least 1"):
        check_hyperparameters(read_header(tmp_path / "m.gguf"), tmp_path / "m.gguf")


def test_sound_settings_pass(tmp_path, model_path):
    for path in (tiny_llama_gguf(tmp_path / "tiny.gguf", rope_scaling_factor=0.0), model_path):
        check_hyperparameters(read_header(path), path)  # a scaling factor of 0 is llama.cpp's "none"


def test_a_model_without_attention_may_have_no_heads(tmp_path):
    writer = gguf.GGUFWriter(str(tmp_path / "mamba.gguf"), "mamba")
    writer.add_head_count(0)
    writer.add_head_count_kv(0)
    writer.add_block_count(4)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    check_hyperparameters(read_header(tmp_path / "mamba.gguf"), tmp_path / "mamba.gguf")


def test_the_model_file_check_refuses_them(tmp_path):
    path = tiny_llama_gguf(tmp_path / "nan.gguf", layer_norm_rms_eps=NAN)
    with pytest.raises(ImpossibleSettings, match="layer_norm_rms_epsilon to nan"):
        check_model_file(path)
