"""What the window says never names a command-line flag: only the CLI adds its own flag hints.

``UserError`` messages raised below the CLI reach the window's dialogs and status bar. This walks the
string literals of every raise, and of every call that builds an error (``SomethingError(...)``,
``...Failed(...)``, ``...Refused(...)``), in those packages, and fails on a ``--word`` in them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import cardwriter

PACKAGE = Path(cardwriter.__file__).parent
BELOW_THE_CLI = ("services", "generation", "embedding", "storage", "gui")
FLAG = re.compile(r"(^|[\s(\['\"])--[a-z][a-z-]*")
ERROR_NAME = re.compile(r"(Error|Failed|Refused)$")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _strings(node: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def error_messages(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string literal raised, or handed to an error's constructor, in ``path``."""
    found: dict[int, ast.Constant] = {}  # by node: a literal in ``raise UserError(...)`` is met twice
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            found.update((id(s), s) for s in _strings(node.exc))
        elif isinstance(node, ast.Call) and ERROR_NAME.search(_name(node.func)):
            found.update((id(s), s) for arg in node.args for s in _strings(arg))
    return sorted((s.lineno, s.value) for s in found.values())


def test_the_check_finds_a_flag_in_a_raised_message(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x):\n"
        "    raise UserError(f'recombine needs a note (--note TEXT), not {x}')\n"
        "def g():\n"
        "    return ServerError('start it with --model FILE')\n"
        "def h():\n"
        "    raise UserError('the note is gone -- say so')\n"
    )
    assert [line for line, text in error_messages(sample) if FLAG.search(text)] == [2, 4]


def test_no_error_message_below_the_cli_names_a_command_line_flag():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}"
        for package in BELOW_THE_CLI
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for line, text in error_messages(path)
        if FLAG.search(text)
    ]
    assert not offenders, "\n".join(offenders)
