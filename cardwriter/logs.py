"""The app's log: a rotating file in the user's log folder.

The status bar shows a failure in one line; the log keeps the whole story
(the traceback of a failed worker, a project that would not open), so a
writer can send it along with a bug report. Modules log through their own
``logging.getLogger(__name__)``; only the app's composition root calls
``setup_logging`` once.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

LOG_FILE = "cardwriter.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"


class AppLogHandler(RotatingFileHandler):
    """The handler ``setup_logging`` adds: a class of its own, so it is found again to be replaced."""


def log_folder() -> Path:
    """Where the log files go (the platform's user log folder)."""
    return Path(platformdirs.user_log_dir("cardwriter", appauthor=False))


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the ``cardwriter`` loggers to a rotating file in ``folder``; returns the file.

    Calling it again replaces the handler it added before, so it never writes twice.
    """
    folder = log_folder() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    stop_logging()
    handler = AppLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    logger = logging.getLogger("cardwriter")
    logger.addHandler(handler)
    logger.setLevel(level)
    return path


def stop_logging() -> None:
    """Close the log file (tests, and a clean exit)."""
    logger = logging.getLogger("cardwriter")
    for old in [h for h in logger.handlers if isinstance(h, AppLogHandler)]:
        logger.removeHandler(old)
        old.close()
