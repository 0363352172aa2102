"""The layer rules hold: only the GUI touches Qt, and the domain stands alone."""

import ast
import subprocess
import sys
from pathlib import Path

import cardwriter

PACKAGE = Path(cardwriter.__file__).parent
ROOT = PACKAGE.parent


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_domain_imports_only_the_standard_library():
    for path in (PACKAGE / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith("cardwriter.domain"), f"{path}: {name}"


def test_no_class_outside_the_shell_takes_the_main_window():
    """Features take the workspace and the collaborators they need; only gui/shell knows the window."""
    offenders = []
    for path in (PACKAGE / "gui").rglob("*.py"):
        if path.parent.name == "shell":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                    hint = ast.unparse(arg.annotation) if arg.annotation else ""
                    if arg.arg in {"window", "main_window"} or "MainWindow" in hint:
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}({arg.arg})")
            if isinstance(node, ast.Attribute) and node.attr == "window" and isinstance(node.value, ast.Name):
                if node.value.id == "self":
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} self.window")
    assert offenders == []
