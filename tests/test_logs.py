"""The log file: where it goes, that it rotates, and that setting it up twice does not write twice."""

from __future__ import annotations

import logging

import pytest

from cardwriter import logs


@pytest.fixture
def log_file(tmp_path):
    path = logs.setup_logging(tmp_path / "logs")
    yield path
    logs.stop_logging()


def test_module_loggers_write_to_the_file_with_their_name(log_file):
    logging.getLogger("cardwriter.gui.example").warning("the disk is full")
    text = log_file.read_text()
    assert "WARNING cardwriter.gui.example" in text and "the disk is full" in text


def test_setting_up_again_writes_each_line_once(tmp_path, log_file):
    again = logs.setup_logging(tmp_path / "logs")
    logging.getLogger("cardwriter.x").error("once")
    assert again == log_file and log_file.read_text().count("once") == 1


def test_the_file_rotates_and_keeps_a_few_old_ones(tmp_path, log_file, monkeypatch):
    handler = next(h for h in logging.getLogger("cardwriter").handlers if isinstance(h, logs.AppLogHandler))
    handler.maxBytes = 2_000
    for n in range(200):
        logging.getLogger("cardwriter.x").info("line %d of a long session", n)
    kept = sorted(p.name for p in log_file.parent.iterdir())
    assert kept == ["cardwriter.log", "cardwriter.log.1", "cardwriter.log.2", "cardwriter.log.3"]
    assert "line 199" in log_file.read_text()


def test_the_log_folder_is_the_users_log_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert logs.log_folder() == tmp_path / "state" / "cardwriter" / "log"
