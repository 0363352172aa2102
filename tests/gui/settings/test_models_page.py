"""Settings ▸ Models: a real download from a server on 127.0.0.1 shows progress and ends with Use."""

from __future__ import annotations

import hashlib

import pytest

from cardwriter.generation.model_catalog import DownloadSpec
from cardwriter.generation.model_config import default_model
from cardwriter.generation.model_files import packaged_model
from cardwriter.gui.settings.models_page import ModelsPage
from tests.generation.download_server import DownloadServer


@pytest.fixture(scope="module")
def payload() -> bytes:
    return packaged_model().read_bytes()


@pytest.fixture(scope="module")
def server(payload):
    served = DownloadServer(payload)
    yield served
    served.close()


def make_page(qtbot, server, payload, tmp_path, used):
    spec = DownloadSpec("Story model", "story.gguf", server.url(), len(payload), hashlib.sha256(payload).hexdigest())
    page = ModelsPage(catalog=[spec], folder=tmp_path, on_use=used.append, probe=lambda path: None)
    qtbot.addWidget(page)
    return page


def test_a_download_shows_progress_then_use_makes_it_the_model(qtbot, server, payload, tmp_path):
    server.reset()
    used = []
    page = make_page(qtbot, server, payload, tmp_path, used)
    assert not page.use_button.isEnabled() and page.download_button.isEnabled()
    seen = []
    page.download_call.progress.connect(lambda p: seen.append(page.status.text()))
    with qtbot.waitSignal(page.download_ended, timeout=60000) as done:
        page.download_button.click()
        assert page.pause_button.isEnabled() and not page.download_button.isEnabled()
    assert done.args[0] == "done"
    assert any("MB/s" in text and "MB" in text for text in seen)
    assert page.bar.value() == 1000 and "verified" in page.status.text()
    assert page.use_button.isEnabled() and "downloaded" in page.list.item(0).text()
    page.use_button.click()
    assert used == [tmp_path / "story.gguf"] and default_model() == (tmp_path / "story.gguf").resolve()


def test_pause_then_resume_then_cancel(qtbot, server, payload, tmp_path):
    server.reset()
    page = make_page(qtbot, server, payload, tmp_path, [])
    page.download_call.progress.connect(lambda p: page.pause() if p.done > 1024 * 1024 else None)
    with qtbot.waitSignal(page.download_ended, timeout=60000) as paused:
        page.download_button.click()
    assert paused.args[0] == "paused" and "Paused" in page.status.text()
    assert page.download_button.text() == "Resume" and page.cancel_button.isEnabled()
    assert "paused at" in page.list.item(0).text()
    page.cancel_button.click()  # a paused download: its partial file goes
    assert list(tmp_path.iterdir()) == [] and page.download_button.text() == "Download"


def test_a_failed_download_shows_the_message(qtbot, server, payload, tmp_path):
    server.reset()
    server.status = 404
    page = make_page(qtbot, server, payload, tmp_path, [])
    with qtbot.waitSignal(page.download_ended, timeout=30000):
        page.download_button.click()
    server.reset()
    assert "no file at" in page.status.text() and not page.use_button.isEnabled()
