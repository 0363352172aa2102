"""One way to write a file: only ``cardwriter.safe_write`` calls a file-writing API.

The test reads every module of the package and fails on a call that writes a
file (``open`` for writing, ``Path.write_text``, ``os.replace``, ``savefig``,
...) anywhere but in ``cardwriter/safe_write.py``, unless the module and the
API are listed in ``ALLOWED`` with the reason. A writer that draws into
memory (an ``io.BytesIO`` or ``QBuffer``, or the stream ``write_rendered``
hands its callback) is not writing a file and is not flagged.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import cardwriter

PACKAGE = Path(cardwriter.__file__).parent
ROOT = PACKAGE.parent
SAFE_WRITE = "cardwriter/safe_write.py"

# (module, API) -> why it may write without the one write path. Keep it short, and say why.
ALLOWED: dict[tuple[str, str], str] = {
    ("cardwriter/storage/project_file.py", "sqlite3.connect"): (
        "the project file itself: SQLite is the engine that writes it, one transaction per user action"
    ),
    ("cardwriter/storage/inspection.py", "sqlite3.connect"): (
        "reads a database through an immutable read-only URI, or a private copy in a temporary folder"
    ),
    ("cardwriter/storage/inspection.py", "shutil.copyfile"): (
        "copies a database and its log into a private temporary folder to read them there; no user file"
    ),
    ("cardwriter/services/backup.py", "sqlite3.connect"): (
        "SQLite's backup API fills the temporary file that safe_write.create_file fsyncs and links into place"
    ),
    ("cardwriter/generation/model_download.py", "open"): (
        "the resumable .part stream of a model download, continued at an offset (r+b), so it cannot be one "
        "atomic write; its length, checksum and GGUF magic are checked before it is used, and ENOSPC is handled"
    ),
    ("cardwriter/generation/model_download.py", "os.replace"): (
        "moves the verified .part onto its final name in the models folder, checked not to exist at the start"
    ),
    ("cardwriter/generation/llama/weights_copy.py", "tempfile.mkstemp"): (
        "the Q8_0 weights copy: a cache (not a user file) that llama.cpp's C code writes by name to a "
        "temporary file; it is remade when missing or unusable"
    ),
    ("cardwriter/generation/llama/weights_copy.py", "os.replace"): (
        "moves the finished Q8_0 cache copy, and the record of its check, into place (a cache the app "
        "remakes when missing, never a file the user named)"
    ),
    ("cardwriter/generation/llama/weights_copy.py", "Path.write_text"): (
        "the record beside a Q8_0 cache copy that it passed the probe: a cache file, checked again when missing"
    ),
    ("cardwriter/evaluation/second_embedder.py", "extractall"): (
        "unzips the second embedder into the cache folder (an evaluation cache, not a user file)"
    ),
    ("cardwriter/evaluation/second_embedder.py", "Path.rename"): (
        "moves that unzipped cache folder into place in one step"
    ),
    ("cardwriter/logs.py", "logging.FileHandler"): (
        "the app's own rotating log in the user log folder, appended line by line by logging; no file the user names"
    ),
}

_WRITE_MODE_LETTERS = set("wax+")
_WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"}
_MODULE_CALLS = {
    "os.replace",
    "os.rename",
    "os.renames",
    "os.link",
    "os.symlink",
    "os.truncate",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
    "tempfile.mkstemp",
    "tempfile.NamedTemporaryFile",
}
_PATH_METHODS = {"write_text", "write_bytes", "touch", "symlink_to", "hardlink_to"}
_QT_WRITERS = {"QImageWriter", "QSaveFile", "QFile", "QPdfWriter"}
_MEMORY = {"io.BytesIO", "io.StringIO", "BytesIO", "StringIO", "QBuffer"}


class _Scanner(ast.NodeVisitor):
    """Finds the calls in one module that write a file: (line, API)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.aliases: dict[str, str] = {}  # local name -> module or module.name
        self.memory: set[str] = set()  # names bound to an in-memory stream in the enclosing function

    # -- names ------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.aliases[alias.asname or alias.name.split(".")[0]] = (
                alias.name if alias.asname else alias.name.split(".")[0]
            )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.level == 0:
            for alias in node.names:
                self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _name(self, func: ast.expr) -> str:
        """``os.replace`` for os.replace / from os import replace; ``.savefig`` for a method; else the name."""
        if isinstance(func, ast.Name):
            return self.aliases.get(func.id, func.id)
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id in self.aliases:
                return f"{self.aliases[func.value.id]}.{func.attr}"
            return f".{func.attr}"
        return ""

    # -- scopes -------------------------------------------------------------------

    def _scoped(self, node: ast.AST, extra: frozenset[str] | set[str] = frozenset()) -> None:
        saved = self.memory
        self.memory = self._memory_names(node) | set(extra)
        self.generic_visit(node)
        self.memory = saved

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scoped(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            if self._name(base).endswith("FileHandler"):
                self.found.append((node.lineno, "logging.FileHandler"))
        self.generic_visit(node)

    def _memory_names(self, scope: ast.AST) -> set[str]:
        names = set(self.memory)
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and self._is_memory(node.value):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            if isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Call):
                if self._is_memory(node.context_expr) and isinstance(node.optional_vars, ast.Name):
                    names.add(node.optional_vars.id)
        return names

    def _is_memory(self, call: ast.Call) -> bool:
        name = self._name(call.func)
        return name.lstrip(".") in _MEMORY or name.split(".")[-1] in _MEMORY

    def _in_memory(self, call: ast.Call) -> bool:
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Call):
            return self._is_memory(first)
        return isinstance(first, ast.Name) and first.id in self.memory

    # -- calls ------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        name = self._name(node.func)
        api = self._writes(node, name)
        if api:
            self.found.append((node.lineno, api))
        if name.split(".")[-1] == "write_rendered":  # its callback draws into a stream in memory
            for arg in node.args:
                if isinstance(arg, ast.Lambda):
                    self._scoped(arg, {a.arg for a in arg.args.args})
                else:
                    self.visit(arg)
            self.visit(node.func)
            for keyword in node.keywords:
                self.visit(keyword)
            return
        self.generic_visit(node)

    def _writes(self, call: ast.Call, name: str) -> str | None:
        last = name.split(".")[-1]
        if name in ("open", "io.open", "codecs.open", "builtins.open"):
            return "open" if _writing_mode(_argument(call, 1, "mode"), missing=False) else None
        if name == "os.fdopen":
            return "os.fdopen" if _writing_mode(_argument(call, 1, "mode"), missing=False) else None
        if name == ".open":  # Path.open(mode): only a mode that is written out counts
            mode = _argument(call, 0, "mode")
            return "Path.open" if mode is not None and _has_write_letters(mode) else None
        if name == "os.open":
            return "os.open" if _mentions(_argument(call, 1, "flags"), _WRITE_FLAGS) else None
        if name in _MODULE_CALLS:
            return name
        if name.startswith(".") and last in _PATH_METHODS:
            return f"Path.{last}"
        if name in (".rename", ".replace") and len(call.args) == 1 and not call.keywords:
            return f"Path.{last}"  # str.replace and dataclasses.replace take other arguments
        if name == "sqlite3.connect":
            first = call.args[0] if call.args else None
            memory = isinstance(first, ast.Constant) and first.value == ":memory:"
            return None if memory else name
        if name == ".extractall":
            return "extractall"
        if last.endswith("FileHandler"):
            return "logging.FileHandler"
        if self._in_memory(call):
            return None
        if name == ".savefig":
            return "savefig"
        if last in _QT_WRITERS:
            return last
        if name == ".save" and 1 <= len(call.args) <= 2:  # QImage.save(file, format), document.save(file)
            return "save"
        if last == "ZipFile" and _writing_mode(_argument(call, 1, "mode"), missing=False):
            return "zipfile.ZipFile"
        return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _has_write_letters(node: ast.expr) -> bool:
    return any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and _WRITE_MODE_LETTERS & set(n.value)
        for n in ast.walk(node)
    )


def _writing_mode(mode: ast.expr | None, missing: bool) -> bool:
    """Whether an ``open`` mode writes: a literal with w, a, x or +; a mode not written out counts as writing."""
    if mode is None:
        return missing
    strings = [n for n in ast.walk(mode) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return _has_write_letters(mode) if strings else True


def _mentions(node: ast.expr | None, names: set[str]) -> bool:
    if node is None:
        return False
    return any(
        (isinstance(n, ast.Name) and n.id in names) or (isinstance(n, ast.Attribute) and n.attr in names)
        for n in ast.walk(node)
    )


def writes_in(source: str) -> list[tuple[int, str]]:
    scanner = _Scanner()
    scanner.visit(ast.parse(source))
    return scanner.found


def _modules() -> Iterator[tuple[str, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_only_the_safe_write_module_writes_files():
    unexplained = []
    for module, source in _modules():
        if module == SAFE_WRITE:
            continue
        for line, api in writes_in(source):
            if (module, api) not in ALLOWED:
                unexplained.append(f"{module}:{line}: {api}")
    assert not unexplained, (
        "write user-visible files through cardwriter.safe_write (write_bytes_atomically, write_text_atomically, "
        "write_rendered, create_file, open_append), or add the module and API to ALLOWED with a reason:\n"
        + "\n".join(unexplained)
    )


def test_every_allowance_is_still_needed_and_has_a_reason():
    used = {(module, api) for module, source in _modules() for _, api in writes_in(source)}
    stale = [f"{module}: {api}" for module, api in ALLOWED if (module, api) not in used]
    assert not stale, "no longer written there; remove from ALLOWED:\n" + "\n".join(stale)
    assert all(len(reason) > 30 for reason in ALLOWED.values())


def test_the_safe_write_module_is_where_the_writing_is():
    found = {api for _, api in writes_in((PACKAGE / "safe_write.py").read_text(encoding="utf-8"))}
    assert {"os.open", "os.replace", "os.link", "open"} <= found


@pytest.mark.parametrize(
    ("source", "api"),
    [
        ("open(p, 'w')", "open"),
        ("open(p, mode='ab')", "open"),
        ("open(p, 'r+b' if x else 'wb')", "open"),
        ("open(p, mode)", "open"),
        ("import io\nio.open(p, 'x')", "open"),
        ("import os\nos.fdopen(fd, 'w', encoding='utf-8')", "os.fdopen"),
        ("p.open('w')", "Path.open"),
        ("p.write_text('x')", "Path.write_text"),
        ("Path(p).write_bytes(b'x')", "Path.write_bytes"),
        ("import os\nos.open(p, os.O_WRONLY | os.O_CREAT)", "os.open"),
        ("from os import O_RDWR, open as o\no(p, O_RDWR)", "os.open"),
        ("import os\nos.replace(a, b)", "os.replace"),
        ("from os import rename\nrename(a, b)", "os.rename"),
        ("import shutil\nshutil.copy2(a, b)", "shutil.copy2"),
        ("import shutil as sh\nsh.move(a, b)", "shutil.move"),
        ("fig.savefig(path, format='png')", "savefig"),
        ("a.rename(b)", "Path.rename"),
        ("a.replace(b)", "Path.replace"),
        ("import sqlite3\nsqlite3.connect(p)", "sqlite3.connect"),
        ("import tempfile\ntempfile.mkstemp(dir=d)", "tempfile.mkstemp"),
        ("w = QImageWriter(str(path), b'png')", "QImageWriter"),
        ("image.save(str(path), 'PNG')", "save"),
        ("import zipfile\nzipfile.ZipFile(path, 'w')", "zipfile.ZipFile"),
        ("from logging.handlers import RotatingFileHandler\nclass H(RotatingFileHandler): pass", "logging.FileHandler"),
    ],
)
def test_the_scanner_sees_each_way_of_writing(source, api):
    assert [found for _, found in writes_in(source)] == [api]


@pytest.mark.parametrize(
    "source",
    [
        "open(p)",
        "open(p, 'rb')",
        "open(p, encoding='utf-8')",
        "import os\nos.open(p, os.O_RDONLY | os.O_NONBLOCK)",
        "Project.open(path)",
        "buffer.open(QIODevice.OpenModeFlag.WriteOnly)",
        "text.replace('a', 'b')",
        "import dataclasses\ndataclasses.replace(x, a=1)",
        "import sqlite3\nsqlite3.connect(':memory:')",
        "def f():\n    out = io.BytesIO()\n    fig.savefig(out, format='png')\n    document.save(out)",
        "def f():\n    buffer = QBuffer(data)\n    writer = QPdfWriter(buffer)\n    image.save(buffer, 'PNG')",
        "def f():\n    out = io.BytesIO()\n    with zipfile.ZipFile(out, 'w') as z: pass",
        "write_rendered(path, lambda out: fig.savefig(out, format='png'))",
        "painter.save()",
        "journal.save(path, texts, draft_id)",
    ],
)
def test_the_scanner_lets_reading_and_drawing_into_memory_pass(source):
    assert writes_in(source) == []
