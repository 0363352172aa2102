"""The frozen app's entry point: the ``cardwriter`` command, plus ``-c CODE`` for the app's own child processes.

PyInstaller turns this script into the ``cardwriter`` executable. In a frozen app
``sys.executable`` is that executable, not a Python interpreter, yet the app starts
one child process the way one starts Python: ``model_probe`` runs
``sys.executable -c CODE MODEL_PATH`` to load a model file in a process that may
crash without taking the app down. So this entry point accepts ``-c CODE ARGS...``
exactly like ``python -c`` (``sys.argv`` becomes ``["-c", *ARGS]``) and runs CODE;
everything else goes to the command line as usual. ``cardwriter -c`` is no command
of the CLI, so no user command is taken over.
"""

from __future__ import annotations

import sys


def run_code(code: str, args: list[str]) -> int:
    """Run ``code`` as ``python -c`` would: as ``__main__``, with ``sys.argv`` set to ``["-c", *args]``."""
    sys.argv = ["-c", *args]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    return 0


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "-c":
        return run_code(sys.argv[2], sys.argv[3:])
    from cardwriter.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
