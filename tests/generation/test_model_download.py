"""The downloader end to end against a real HTTP server on 127.0.0.1 serving the default GGUF under another name.

Each case ends with the verified model in place, or a clear message and no stray
file; a ``.part`` stays only after a pause or a dropped connection, and a resumed
download fetches only the missing bytes (counted at the server).
"""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

from cardwriter.generation.download_errors import DownloadError
from cardwriter.generation.model_catalog import DownloadSpec, spec_for_url
from cardwriter.generation.model_download import (
    CANCELLED,
    DONE,
    PAUSED,
    DownloadControl,
    discard_partial,
    download_info,
    download_model,
    part_path,
)
from cardwriter.generation.model_files import list_models, packaged_model, user_models_dir
from cardwriter.generation.model_probe import ModelError
from tests.generation.download_server import DownloadServer
from tests.tmpfs import small_disk

NAME = "story-model.gguf"


@pytest.fixture(scope="module")
def payload() -> bytes:
    return packaged_model().read_bytes()


@pytest.fixture(scope="module")
def server(payload):
    served = DownloadServer(payload)
    yield served
    served.close()


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()


@pytest.fixture
def spec(server, payload) -> DownloadSpec:
    return DownloadSpec(
        name="Story model", file=NAME, url=server.url(), size=len(payload), sha256=hashlib.sha256(payload).hexdigest()
    )


class Probes:
    """Records the files handed to the llama.cpp probe (the real probe runs in the slow test)."""

    def __init__(self, error: str | None = None) -> None:
        self.seen: list[Path] = []
        self.error = error

    def __call__(self, path: Path) -> None:
        self.seen.append(path)
        if self.error:
            raise ModelError(self.error)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.slow
def test_a_catalog_download_is_verified_probed_and_offered(spec, payload):
    seen = []
    result = download_model(spec, on_progress=seen.append)  # the real llama.cpp probe, in a child process
    folder = user_models_dir()
    assert result.state == DONE and result.verified
    assert result.path == folder / NAME and result.path.read_bytes() == payload
    assert files_in(folder) == [NAME, NAME + ".json"]  # no .part, no notes left over
    assert download_info(result.path)["verified"] is True
    assert folder / NAME in [m.path for m in list_models()]
    assert seen[-1].done == len(payload) and seen[-1].total == len(payload)
    assert {p.stage for p in seen} >= {"downloading", "verifying", "checking"}


def test_progress_reports_bytes_speed_and_time_left(spec, payload, tmp_path):
    seen = []
    download_model(spec, tmp_path, on_progress=seen.append, probe=Probes())
    downloading = [p for p in seen if p.stage == "downloading"]
    assert downloading[-1].done == len(payload) and downloading[-1].total == len(payload)
    assert all(p.speed > 0 for p in downloading)
    assert downloading[-1].eta == 0
    assert [p.done for p in downloading] == sorted(p.done for p in downloading)


def test_a_dropped_connection_keeps_the_part_and_resume_fetches_only_the_rest(server, spec, payload):
    folder = user_models_dir()
    server.drop_after = len(payload) // 2
    with pytest.raises(DownloadError, match="dropped|ended.*resumes") as failed:
        download_model(spec, probe=Probes())
    assert "resumes where it stopped" in str(failed.value)
    part = part_path(folder / NAME)
    assert part.stat().st_size == len(payload) // 2
    assert NAME not in [m.path.name for m in list_models()]  # a partial file is never offered

    server.reset()
    probes = Probes()
    result = download_model(spec, probe=probes)  # a new call: as after a restart
    assert result.state == DONE and result.verified
    assert server.ranges == [f"bytes={len(payload) // 2}-"]
    assert server.bytes_sent == len(payload) - len(payload) // 2  # only the missing bytes
    assert result.path.read_bytes() == payload and probes.seen == [result.path]
    assert files_in(folder) == [NAME, NAME + ".json"]


def test_pause_keeps_the_part_and_a_later_run_resumes(server, spec, payload, tmp_path):
    control = DownloadControl()

    def pause_after_a_megabyte(progress):
        if progress.done >= 1024 * 1024:
            control.pause()

    result = download_model(spec, tmp_path, control=control, on_progress=pause_after_a_megabyte, probe=Probes())
    assert result.state == PAUSED
    kept = part_path(tmp_path / NAME).stat().st_size
    assert 1024 * 1024 <= kept < len(payload)
    assert files_in(tmp_path) == [NAME + ".part", NAME + ".part.json"]

    server.reset()
    assert download_model(spec, tmp_path, probe=Probes()).state == DONE
    assert server.bytes_sent == len(payload) - kept
    assert (tmp_path / NAME).read_bytes() == payload


def test_cancel_deletes_the_part(spec, tmp_path):
    control = DownloadControl()
    result = download_model(spec, tmp_path, control=control, on_progress=lambda p: control.cancel(), probe=Probes())
    assert result.state == CANCELLED
    assert files_in(tmp_path) == []


def test_cancelling_a_paused_download_deletes_its_part(spec, tmp_path):
    control = DownloadControl()
    download_model(spec, tmp_path, control=control, on_progress=lambda p: control.pause(), probe=Probes())
    assert files_in(tmp_path)
    discard_partial(tmp_path, spec)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(("status", "says"), [(404, "no file at"), (500, "try again in a few minutes")])
def test_an_error_status_says_what_to_do_and_leaves_nothing(server, spec, tmp_path, status, says):
    server.status = status
    with pytest.raises(DownloadError, match=says):
        download_model(spec, tmp_path, probe=Probes())
    assert files_in(tmp_path) == []


def test_a_wrong_length_is_refused_before_anything_is_written(server, spec, payload, tmp_path):
    server.body = payload[:-1000]
    with pytest.raises(DownloadError, match=f"sends {len(payload) - 1000:,} bytes.*catalog says"):
        download_model(spec, tmp_path, probe=Probes())
    assert files_in(tmp_path) == []


def test_bytes_failing_the_checksum_are_deleted(server, spec, tmp_path):
    server.corrupt = True
    probes = Probes()
    with pytest.raises(DownloadError, match="damaged or not the published one.*deleted"):
        download_model(spec, tmp_path, probe=probes)
    assert files_in(tmp_path) == [] and probes.seen == []


def test_a_server_ignoring_range_starts_over_and_still_finishes(server, spec, payload, tmp_path):
    server.drop_after = 3 * 1024 * 1024
    with pytest.raises(DownloadError):
        download_model(spec, tmp_path, probe=Probes())
    server.reset()
    server.ignore_range = True
    seen = []
    result = download_model(spec, tmp_path, on_progress=seen.append, probe=Probes())
    assert result.state == DONE and result.verified
    assert server.bytes_sent == len(payload)  # it had to send everything again
    assert (tmp_path / NAME).read_bytes() == payload
    assert any("starts again from the beginning" in p.note for p in seen)
    assert files_in(tmp_path) == [NAME, NAME + ".json"]


def test_a_refused_resume_416_deletes_the_part(server, payload, tmp_path):
    spec = spec_for_url(server.url())  # no size known: the 416 is the server's to say
    control = DownloadControl()
    download_model(spec, tmp_path, control=control, on_progress=lambda p: control.pause(), probe=Probes())
    server.body = payload[:1000]  # the file on the server got shorter than the partial copy
    with pytest.raises(DownloadError, match="HTTP 416.*start from the beginning"):
        download_model(spec, tmp_path, probe=Probes())
    assert files_in(tmp_path) == []


def test_not_enough_free_space_is_said_before_downloading(server, spec, tmp_path):
    with small_disk(tmp_path / "small") as folder:
        with pytest.raises(DownloadError, match="not enough free space.*needs 94 MB more"):
            download_model(spec, folder, probe=Probes())
        assert files_in(folder) == []
    assert server.ranges == []  # nothing was asked of the server


def test_a_disk_filling_up_mid_download_deletes_the_part(server, tmp_path):
    server.no_length = True  # no size known in advance: the free-space check cannot catch it
    with small_disk(tmp_path / "small") as folder:
        with pytest.raises(DownloadError, match="filled up.*partial file was deleted.*Free some space"):
            download_model(spec_for_url(server.url()), folder, probe=Probes())
        assert files_in(folder) == []


def test_offline_says_so_and_leaves_nothing(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    with pytest.raises(DownloadError, match="cannot connect.*are you offline"):
        download_model(spec_for_url(f"http://127.0.0.1:{port}/m.gguf"), tmp_path, probe=Probes())
    assert files_in(tmp_path) == []


def test_an_unresolvable_host_says_so(tmp_path):
    with pytest.raises(DownloadError, match="cannot find no-such-host.invalid"):
        download_model(spec_for_url("http://no-such-host.invalid/m.gguf"), tmp_path, probe=Probes())
    assert files_in(tmp_path) == []


def test_a_pasted_url_downloads_as_unverified(server, payload, tmp_path):
    spec = spec_for_url(server.url("pasted%20model.gguf"))
    assert spec.file == "pasted model.gguf"
    result = download_model(spec, tmp_path, probe=Probes())
    assert result.state == DONE and not result.verified
    assert download_info(tmp_path / "pasted model.gguf")["verified"] is False
    assert (tmp_path / "pasted model.gguf").read_bytes() == payload


def test_a_page_that_is_not_gguf_is_deleted(server, tmp_path):
    server.body = b"<html><body>Sign in to download</body></html>"
    with pytest.raises(DownloadError, match="not a GGUF model file.*deleted"):
        download_model(spec_for_url(server.url()), tmp_path, probe=Probes())
    assert files_in(tmp_path) == []


def test_a_file_llama_cpp_refuses_is_deleted(spec, tmp_path):
    with pytest.raises(DownloadError, match="cannot use the file, so it was deleted: bad tensors"):
        download_model(spec, tmp_path, probe=Probes(error="bad tensors"))
    assert files_in(tmp_path) == []


def test_a_model_already_there_is_not_downloaded_again(server, spec, tmp_path):
    (tmp_path / NAME).write_bytes(b"GGUF")
    with pytest.raises(DownloadError, match="already downloaded"):
        download_model(spec, tmp_path, probe=Probes())
    assert server.ranges == []


def test_a_part_of_another_url_is_not_resumed(server, spec, payload, tmp_path):
    part_path(tmp_path / NAME).write_bytes(b"x" * 5000)
    (tmp_path / (NAME + ".part.json")).write_text(json.dumps({"url": "http://elsewhere/x.gguf"}))
    assert download_model(spec, tmp_path, probe=Probes()).state == DONE
    assert server.ranges == [None] and (tmp_path / NAME).read_bytes() == payload
