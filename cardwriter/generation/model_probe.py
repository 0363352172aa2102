"""Load a model file once in a child process before this process trusts it.

llama.cpp checks much of a GGUF file with ``GGML_ASSERT``, which calls
``abort()``: a damaged or unsupported file does not raise an error, it kills
the whole process (the CLI, or the GUI with the writer's unsaved typing). So
the first time a file is used, a short child process (this module, run with
``sys.executable``) reads its header, renders its chat template with sample
messages and loads the model with llama.cpp, under a time limit. A crash
there (a negative return code: SIGABRT, SIGSEGV...), a timeout or an error
becomes a ``ModelError`` naming the file and saying what to do.

The verdict is cached by resolved path, size, modification time and the
llama-cpp-python version, in ``model_probe.json`` in the user cache folder, so
a good model costs one probe (about a second for the default model) and a bad
one is refused at once the next time. The packaged default model is probed
like any other: it costs that one second once, and an interrupted install or
a damaged copy of it would otherwise abort the app on every start.

Not cached: a timeout (the machine may just have been busy), a child killed
by SIGKILL (most often the out-of-memory killer, which depends on what else
runs), and a child that could not start llama.cpp at all (an installation
problem, not the file's).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import platformdirs

from cardwriter.errors import UserError
from cardwriter.generation.json_store import write_json
from cardwriter.generation.llama.model_params import default_model_params
from cardwriter.generation.model_files import check_model_file

PROBE_TIMEOUT = 60.0  # seconds for a child to load a model; a 7B file on a slow disk fits
CACHE_NAME = "model_probe.json"
CACHE_LIMIT = 64  # entries kept; the oldest go first
_CRASH_SIGNALS_CACHED = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE}
_RESULT_PREFIX = "CARDWRITER-PROBE "  # marks the child's one line of JSON on stdout


class ModelError(UserError):
    """A model file that llama.cpp cannot load, or that crashed it."""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str = ""
    cacheable: bool = True


def cache_path() -> Path:
    return Path(platformdirs.user_cache_dir("cardwriter")) / CACHE_NAME


def probe_model(path: Path, *, timeout: float = PROBE_TIMEOUT) -> None:
    """Raise ``ModelError`` unless ``path`` loads in llama.cpp (asking a child process once per file version)."""
    path = Path(path).resolve()
    check_model_file(path)  # not GGUF, or too big for memory now: said at once, in this process, never cached
    key = _cache_key(path)
    cached = _read_cache().get(key)
    if cached is None:
        verdict = run_probe(path, timeout=timeout)
        if verdict.cacheable:
            _remember(key, verdict)
    else:
        verdict = Verdict(bool(cached.get("ok")), str(cached.get("message", "")))
    if not verdict.ok:
        raise ModelError(verdict.message)


def run_probe(path: Path, *, timeout: float = PROBE_TIMEOUT, code: str | None = None) -> Verdict:
    """Run the child (``code``, by default this module's ``_child_main``) on ``path``; never raises for the file's faults."""
    code = code or "from cardwriter.generation.model_probe import _child_main; _child_main()"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            # GGML_NO_BACKTRACE: on an assert, ggml would otherwise attach gdb to print a backtrace
            env={**os.environ, "PYTHONPATH": _child_pythonpath(), "GGML_NO_BACKTRACE": "1"},
        )
    except subprocess.TimeoutExpired:
        return Verdict(
            False,
            f"llama.cpp took more than {timeout:.0f} s to load model file {path}; the file may be too big for this "
            "machine or on a slow drive: try again, or choose another (smaller) model",
            cacheable=False,
        )
    except OSError as exc:
        raise UserError(f"cannot start a process to check model file {path}: {exc.strerror or exc}") from None
    for line in reversed(done.stdout.decode("utf-8", errors="replace").splitlines()):
        if line.startswith(_RESULT_PREFIX):
            result = json.loads(line[len(_RESULT_PREFIX) :])
            return Verdict(bool(result["ok"]), str(result.get("message", "")), bool(result.get("cacheable", True)))
    if done.returncode < 0:
        return _crash_verdict(path, -done.returncode, done.stderr)
    detail = _last_line(done.stderr) or f"exit status {done.returncode}"
    return Verdict(
        False,
        f"the check of model file {path} failed ({detail}); is llama-cpp-python installed correctly?",
        cacheable=False,
    )


def _crash_verdict(path: Path, number: int, stderr: bytes) -> Verdict:
    try:
        sig = signal.Signals(number)
        name = sig.name
    except ValueError:
        sig, name = None, f"signal {number}"
    if sig == signal.SIGKILL:
        return Verdict(
            False,
            f"loading model file {path} was killed (SIGKILL), most likely for lack of memory; close other programs "
            "or choose a smaller model",
            cacheable=False,
        )
    assertion = next((line for line in _lines(stderr) if "GGML_ASSERT" in line), "")
    why = f": {assertion[assertion.index('GGML_ASSERT') :][:200]}" if assertion else ""
    return Verdict(
        False,
        f"llama.cpp crashed while loading {path} ({name}{why}); the file is damaged or not supported by this "
        "llama.cpp; choose another model",
        cacheable=sig in _CRASH_SIGNALS_CACHED,
    )


def _lines(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]


def _last_line(data: bytes) -> str:
    lines = _lines(data)
    return lines[-1][-200:] if lines else ""


def _child_pythonpath() -> str:
    """This process's import path first, so the child imports the same cardwriter (a source checkout included)."""
    here = str(Path(__file__).resolve().parents[2])
    rest = os.environ.get("PYTHONPATH", "")
    return here + (os.pathsep + rest if rest else "")


# -- the cache ----------------------------------------------------------------


def _cache_key(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError as exc:
        raise UserError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    return json.dumps([str(path), stat.st_size, stat.st_mtime_ns, _llama_version()])


def _llama_version() -> str:
    try:
        return metadata.version("llama_cpp_python")
    except metadata.PackageNotFoundError:
        return "none"


def _read_cache() -> dict[str, dict[str, object]]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache yet, or a damaged one: probe again
    return data if isinstance(data, dict) else {}


def _remember(key: str, verdict: Verdict) -> None:
    """Add a verdict; a cache that cannot be written only means probing again next time."""
    entries = _read_cache()
    entries.pop(key, None)
    entries[key] = {"ok": verdict.ok, "message": verdict.message}
    entries = dict(list(entries.items())[-CACHE_LIMIT:])
    target = cache_path()
    try:
        write_json(target, entries)
    except OSError:
        pass


# -- the child ----------------------------------------------------------------


def _report(ok: bool, message: str = "", cacheable: bool = True) -> None:
    line = json.dumps({"ok": ok, "message": message, "cacheable": cacheable})
    sys.stdout.write(_RESULT_PREFIX + line + "\n")
    sys.stdout.flush()


def _child_main() -> None:
    """In the child: check the header and template, then load the model; report one line, or crash."""
    path = Path(sys.argv[1])
    try:
        _check_in_child(path)
    except UserError as exc:
        _report(False, str(exc))
        return
    try:
        import llama_cpp
    except Exception as exc:  # any failure to load the library is the installation's
        _report(False, f"llama-cpp-python cannot load ({exc}); install it with 'pip install llama-cpp-python'", False)
        return
    llama_cpp.llama_backend_init()
    logged: list[str] = []  # llama.cpp's log, kept quiet but kept: its last error says what is wrong

    @llama_cpp.llama_log_callback
    def keep(level: int, text: bytes, data: object) -> None:
        logged.append(text.decode("utf-8", errors="replace") if text else "")

    llama_cpp.llama_log_set(keep, None)
    params = default_model_params(llama_cpp)  # the same parameters the engine loads with
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    if not model:
        errors = [line.strip() for line in "".join(logged).splitlines() if "error loading model" in line]
        why = f" ({errors[-1].split('error loading model: ')[-1][:200]})" if errors else ""
        _report(
            False,
            f"llama.cpp could not load model file {path}{why}: it is damaged, incomplete, or of an architecture "
            "this version does not support; choose another model",
        )
        return
    llama_cpp.llama_model_free(model)
    _report(True)


def _check_in_child(path: Path) -> None:
    """The checks the engine makes before llama.cpp, including a first render of the chat template."""
    from cardwriter.generation.chat_template import ChatTemplate
    from cardwriter.generation.gguf_header import read_header

    header = read_header(path)
    source = header.get_str("tokenizer.chat_template")
    if source:
        ChatTemplate(source, str(path))  # renders sample messages; a template that never ends hits our time limit
