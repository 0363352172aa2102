"""Errors a user can cause and fix: each carries a message meant for them.

Anything raising ``UserError`` must say what went wrong, naming the file or
setting involved, and what to do about it. The command line prints the
message without a traceback; the GUI shows it in a dialog.
"""


class UserError(Exception):
    """Something the user can fix: bad input, a missing file, a busy project."""


class ProjectError(UserError):
    """A project file that cannot be opened or written as asked."""


class ImportRefused(UserError):
    """A file that cannot be imported (binary, not UTF-8, empty, too big)."""


class SaveFailed(ProjectError):
    """A change could not be written to the project file (disk full, I/O error, file gone).

    The change was rolled back and the project is still open and usable: the
    caller keeps the text it tried to save and may try the same call again.
    ``unchanged`` is the same message for a caller that keeps nothing (the
    command line): it says nothing was saved instead of that the text is kept.
    """

    def __init__(self, message: str, unchanged: str | None = None):
        super().__init__(message)
        self.unchanged = message if unchanged is None else unchanged
