"""Settings ▸ Models: a real download from a server on 127.0.0.1 shows progress and ends with Use."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from cardwriter.generation.model_catalog import DownloadSpec, load_catalog
from cardwriter.generation.model_config import default_model
from cardwriter.generation.model_files import packaged_model
from cardwriter.gui.common.app_settings import MODEL_FILE, MODEL_SERVER, Preferences
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


def story_row(page) -> str:
    return next(row for row in rows(page) if row.startswith("Story model"))


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
    assert page.use_button.isEnabled() and "downloaded" in story_row(page)
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
    assert "paused at" in story_row(page)
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


# -- what the writer reads: every name whole, and the model in use among them ---------------------------------

LONG_NAME = "Mistral Small 3.1 24B Instruct 2503 with the long publisher name (Q4_K_M)"


def rows(page: ModelsPage) -> list[str]:
    """Each row of the list as the writer reads it, its columns' texts together."""
    model, found = page.list.model(), []
    for row in range(model.rowCount()):
        cells = itertools.takewhile(QModelIndex.isValid, (model.index(row, column) for column in itertools.count()))
        found.append(" · ".join(str(cell.data() or "") for cell in cells))
    return found


def in_use(page: ModelsPage) -> list[str]:
    return [row for row in rows(page) if "in use" in row]


def shown_page(qtbot, **kwargs) -> ModelsPage:
    page = ModelsPage(**kwargs)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_packaged_default_model_is_listed_and_marked_in_use(qtbot, tmp_path):
    spec = DownloadSpec("Story model", "story.gguf", "http://127.0.0.1:1/story.gguf", approx_size="0.1 GB")
    page = shown_page(qtbot, catalog=[spec], folder=tmp_path)  # the preferences' default: the packaged model
    marked = in_use(page)
    assert len(marked) == 1 and "SmolLM2-135M-Instruct" in marked[0] and "packaged" in marked[0], rows(page)
    assert not any("in use" in row for row in rows(page) if "Story model" in row)


def test_a_configured_model_file_is_listed_in_use_and_a_catalog_file_is_marked_where_it_is(qtbot, tmp_path):
    own = tmp_path / "elsewhere" / "my-own-model.Q5_K_M.gguf"
    own.parent.mkdir()
    own.write_bytes(b"GGUF" + bytes(3 * 1024 * 1024))
    spec = DownloadSpec("Story model", "story.gguf", "http://127.0.0.1:1/story.gguf")
    prefs = Preferences(model_source=MODEL_FILE, model_path=str(own))
    page = shown_page(qtbot, catalog=[spec], folder=tmp_path, prefs=prefs)
    marked = in_use(page)
    assert len(marked) == 1 and "my-own-model.Q5_K_M" in marked[0] and "3 MB" in marked[0], rows(page)
    (tmp_path / "story.gguf").write_bytes(b"GGUF")  # a downloaded catalog model, chosen in the preferences
    page = shown_page(
        qtbot,
        catalog=[spec],
        folder=tmp_path,
        prefs=dataclasses.replace(prefs, model_path=str(tmp_path / "story.gguf")),
    )
    assert [row for row in rows(page) if "in use" in row] == [row for row in rows(page) if "Story model" in row]
    assert len(rows(page)) == 1, "the catalog's row is marked, not listed twice"


def test_a_server_in_use_is_listed_by_its_url(qtbot, tmp_path):
    prefs = Preferences(model_source=MODEL_SERVER, server_url="http://127.0.0.1:8080/v1")
    page = shown_page(qtbot, catalog=[], folder=tmp_path, prefs=prefs)
    assert in_use(page) and "http://127.0.0.1:8080/v1" in in_use(page)[0]


def test_use_moves_the_mark_to_the_model_just_chosen(qtbot, tmp_path):
    spec = DownloadSpec("Story model", "story.gguf", "http://127.0.0.1:1/story.gguf")
    (tmp_path / "story.gguf").write_bytes(b"GGUF")
    page = shown_page(qtbot, catalog=[spec], folder=tmp_path, on_use=lambda path: None)
    page.list.setCurrentIndex(page.list.model().index(rows(page).index(next(r for r in rows(page) if "Story" in r)), 0))
    page.use_button.click()
    assert [row for row in rows(page) if "in use" in row] == [row for row in rows(page) if "Story model" in row]


def whole(view, index) -> bool:
    """Whether the cell has room for its whole text (in its own font: the model in use is bold)."""
    font = index.data(Qt.ItemDataRole.FontRole) or view.font()
    return QFontMetrics(font).horizontalAdvance(str(index.data())) + 6 <= view.visualRect(index).width()


def test_every_model_name_is_whole_or_elided_with_the_whole_name_in_its_tooltip(qtbot, tmp_path):
    catalog = [
        *load_catalog(),
        DownloadSpec(LONG_NAME, "long.gguf", "http://127.0.0.1:1/long.gguf", approx_size="14 GB"),
    ]
    page = shown_page(qtbot, catalog=catalog, folder=tmp_path)
    assert page.screen().availableGeometry().contains(page.frameGeometry()), "the page fits on the screen"
    view, model = page.list, page.list.model()
    names = [model.index(row, 0) for row in range(model.rowCount())]
    for index in names:
        assert view.viewport().rect().contains(view.visualRect(index)), f"{index.data()!r} runs past the list's edge"
        assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(str(index.data())), "the whole name in the tooltip"
    assert view.textElideMode() == Qt.TextElideMode.ElideRight, "a name cut short ends in an ellipsis"
    shipped = [index for index in names if index.data() in {spec.name for spec in load_catalog()}]
    assert len(shipped) == len(load_catalog()) and all(whole(view, index) for index in shipped), [
        index.data() for index in shipped if not whole(view, index)
    ]
    assert whole(view, names[0]), "the model in use, whole"
    page.resize(1366 - 40, page.height())  # as wide as a 1366 x 768 screen allows: the long name too
    qtbot.waitUntil(lambda: whole(view, names[-1]))
    page.resize(420, page.height())  # the writer narrows it: the name elides, its tooltip keeps it whole
    qtbot.waitUntil(lambda: not whole(view, names[-1]))
    assert view.viewport().rect().contains(view.visualRect(names[-1]))


def test_file_models_in_the_window_marks_the_model_its_preferences_chose(qtbot, window, tmp_path):
    own = tmp_path / "my-own-model.gguf"
    own.write_bytes(b"GGUF")
    window.apply_preferences(dataclasses.replace(window.prefs, model_source=MODEL_FILE, model_path=str(own)))
    seen: list[list[str]] = []

    def look_and_close() -> None:
        page = QApplication.activeModalWidget()
        if not isinstance(page, ModelsPage):
            QTimer.singleShot(25, look_and_close)
            return
        seen.append(in_use(page))
        page.reject()

    QTimer.singleShot(0, look_and_close)
    window.models_page()
    assert len(seen) == 1 and len(seen[0]) == 1 and seen[0][0].startswith("my-own-model ·"), seen
