"""The packaged catalog, catalog names, and pasted URLs."""

from __future__ import annotations

import pytest

from cardwriter.errors import UserError
from cardwriter.generation.model_catalog import load_catalog, spec_for, spec_for_url


def test_the_packaged_catalog_lists_downloadable_gguf_files_with_licences():
    catalog = load_catalog()
    assert len(catalog) >= 5
    for entry in catalog:
        assert entry.url.startswith("https://") and entry.url.endswith(entry.file)
        assert entry.file.endswith(".gguf") and entry.licence
    qwen = spec_for("Qwen2.5 1.5B Instruct", catalog)
    assert qwen.verifiable and qwen.size and len(qwen.sha256) == 64


def test_names_forgive_case_and_spaces_and_file_names_work():
    assert spec_for("qwen2.5 1.5b instruct").file == "qwen2.5-1.5b-instruct-q4_k_m.gguf"
    assert spec_for("qwen2.5-1.5b-instruct-q4_k_m").name == "Qwen2.5 1.5B Instruct"


def test_an_unknown_name_lists_the_catalog():
    with pytest.raises(UserError, match="no model called 'Gpt 9'.*Qwen2.5 1.5B Instruct"):
        spec_for("Gpt 9")


def test_a_pasted_url_is_named_after_its_file_and_has_no_checksum():
    spec = spec_for("https://example.org/models/My%20Model.Q4.gguf?download=true")
    assert spec.file == "My Model.Q4.gguf" and spec.sha256 is None and not spec.verifiable


@pytest.mark.parametrize("url", ["https://example.org/page.html", "ftp://example.org/m.gguf", "https:///m.gguf"])
def test_a_url_that_names_no_gguf_file_is_refused(url):
    with pytest.raises(UserError):
        spec_for_url(url)


def test_a_catalog_sha256_must_be_hex():
    with pytest.raises(ValueError, match="64 hex digits"):
        load_catalog('[[model]]\nname="x"\nfile="x.gguf"\nurl="https://a/x.gguf"\nsha256="nothex"\n')


def test_a_file_name_cannot_leave_the_models_folder():
    with pytest.raises(UserError, match="plain file name"):
        load_catalog('[[model]]\nname="x"\nfile="../x.gguf"\nurl="https://a/x.gguf"\n')
