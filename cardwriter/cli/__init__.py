"""The command line: a headless twin of every capability of the app.

Each command module holds ``register(subparsers)``, which adds its commands
with ``set_defaults(handler=...)``; a handler takes the parsed arguments and
returns the exit status. Messages go to stderr. Exit 2 means a usage error,
1 a failure; a ``UserError`` is printed as its message, never a traceback,
and so is an ``OSError`` no command turned into one (a file name too long,
say). Names that are not UTF-8 are printed with backslash escapes
(``output.py``), never as a UnicodeEncodeError.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback
from collections.abc import Sequence

import cardwriter
from cardwriter.cli import (
    diversity_commands,
    draft_commands,
    echo_commands,
    generation_commands,
    model_commands,
    project_commands,
    voice_commands,
)
from cardwriter.cli.output import shown, use_escapes
from cardwriter.errors import SaveFailed, UserError

COMMAND_MODULES = [
    project_commands,
    draft_commands,
    generation_commands,
    model_commands,
    diversity_commands,
    voice_commands,
    echo_commands,
]


def build_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser, and the names of its commands: a first word that names none is a project to open."""
    parser = argparse.ArgumentParser(
        prog="cardwriter",
        description="Write in paragraph cards, each with a stack of variants from a local model.",
    )
    parser.add_argument("--version", action="version", version=f"cardwriter {cardwriter.__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser, set(subparsers.choices)


def error(message: str) -> None:
    print(f"cardwriter: {shown(message)}", file=sys.stderr)  # a name in it may hold ESC or a newline


def main(argv: Sequence[str] | None = None) -> int:
    use_escapes()
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser, commands = build_parser()
    if not args_list or (args_list[0] not in commands and not args_list[0].startswith("-")):
        return open_app(args_list)
    args = parser.parse_args(args_list)
    try:
        return args.handler(args)
    except SaveFailed as exc:  # the command line keeps nothing to save later: say so
        error(exc.unchanged)
        return 1
    except UserError as exc:
        error(str(exc) + flag_hint(exc))
        return 1
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:  # the system refused a file operation no command checked for
        if exc.filename is None:
            return internal_error()
        error(os_error_message(exc))
        return 1
    except Exception:
        return internal_error()


def flag_hint(exc: UserError) -> str:
    """The command line's own flag for an error the services word without one (they also reach the window)."""
    from cardwriter.generation.llama.backend import EngineMissing

    return " (or point --model at a server URL)" if isinstance(exc, EngineMissing) else ""


def internal_error() -> int:
    """A bug, not the user's fault: say so and where to report it (call it while handling the exception)."""
    error("internal error; please report it with the details below")
    traceback.print_exc()
    return 1


def os_error_message(exc: OSError) -> str:
    """A failed file operation in plain words, naming the file."""
    name = exc.filename
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if exc.errno == errno.ENAMETOOLONG:
        longest = max((len(os.fsencode(part)) for part in str(name).split(os.sep)), default=0)
        return (
            f"cannot use {name}: the name is too long ({longest} bytes in one part; "
            "most file systems allow at most 255); choose a shorter name"
        )
    if exc.errno == errno.ENOSPC:
        return f"cannot write {name}: the disk is full; free some space and try again"
    return f"cannot use {name}: {exc.strerror or exc}"


def open_app(args_list: list[str]) -> int:
    """``cardwriter [PROJECT]``: open the desktop app."""
    if len(args_list) > 1:
        error(f"unknown command '{args_list[0]}'; see 'cardwriter --help'")
        return 2
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        error(
            "there is no screen to open the window on (DISPLAY is not set); the commands work: see 'cardwriter --help'"
        )
        return 1
    try:
        from cardwriter.app import run_app
    except ImportError as exc:
        error(f"the desktop app cannot start here ({exc}); the commands work: see 'cardwriter --help'")
        return 1
    return run_app(args_list[0] if args_list else None)


if __name__ == "__main__":
    raise SystemExit(main())
