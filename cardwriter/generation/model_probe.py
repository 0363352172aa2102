"""Load a model file once in a child process before this process trusts it.

llama.cpp checks much of a GGUF file with ``GGML_ASSERT``, which calls
``abort()``: a damaged or unsupported file does not raise an error, it kills
the whole process (the CLI, or the GUI with the writer's unsaved typing). So
the first time a file is used, a short child process (this module, run with
``sys.executable``) reads its header, renders its chat template with sample
messages, loads the model with llama.cpp and decodes a few tokens with it (some
files load and then abort at the first decode), under a time limit. A crash
there (a negative return code: SIGABRT, SIGSEGV...), a timeout, an error or
logits that are not numbers becomes a ``ModelError`` naming the file and
saying what to do.

The verdict is cached by resolved path and ``fingerprint`` (size, modification
time, a hash of the file's first ``HASHED_BYTES``, the llama-cpp-python version
and ``PROBE_VERSION``), in ``model_probe.json`` in the user cache folder, so
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

import hashlib
import json
import math
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import platformdirs

from cardwriter.errors import UserError
from cardwriter.generation.json_store import read_json_object, write_json
from cardwriter.generation.llama.model_params import default_model_params
from cardwriter.generation.model_files import check_model_file

PROBE_TIMEOUT = 60.0  # seconds for a child to load a model; a 7B file on a slow disk fits
CACHE_NAME = "model_probe.json"
CACHE_LIMIT = 64  # entries kept; the oldest go first
_CRASH_SIGNALS_CACHED = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE}
_RESULT_PREFIX = "CARDWRITER-PROBE "  # marks the child's one line of JSON on stdout
_DECODING = "CARDWRITER-PROBE-DECODING"  # the child's line on stdout once the model has loaded
PROBE_VERSION = 2  # 2: the child also decodes; verdicts of an older probe are not trusted
HASHED_BYTES = 8 * 1024 * 1024  # the GGUF header (metadata, vocabulary, tensor table) of most models
_PROBE_TEXT = b"The lamp was lit at dusk."


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
        decoding = _DECODING in done.stdout.decode("utf-8", errors="replace")
        return _crash_verdict(path, -done.returncode, done.stderr, decoding)
    detail = _last_line(done.stderr) or f"exit status {done.returncode}"
    return Verdict(
        False,
        f"the check of model file {path} failed ({detail}); is llama-cpp-python installed correctly?",
        cacheable=False,
    )


def _crash_verdict(path: Path, number: int, stderr: bytes, decoding: bool = False) -> Verdict:
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
    when = f"on the first test decode with {path}" if decoding else f"while loading {path}"
    return Verdict(
        False,
        f"llama.cpp crashed {when} ({name}{why}); the file is damaged or not supported by this "
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
    return json.dumps([str(path), *fingerprint(path)])


def fingerprint(path: Path) -> list[object]:
    """What a verdict on ``path`` holds for: its size, modification time and first bytes, llama.cpp, this probe.

    A file rewritten in place changes its modification time, one cut short its
    size; the hash of its first ``HASHED_BYTES`` (a few milliseconds) also catches
    a header damaged with its time kept. What llama.cpp asserts on is in the
    header; the tensor data after it is read as numbers, never checked.
    """
    try:
        stat = path.stat()
        with open(path, "rb") as f:
            head = hashlib.sha256(f.read(HASHED_BYTES)).hexdigest()
    except OSError as exc:
        raise UserError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    return [stat.st_size, stat.st_mtime_ns, head, _llama_version(), PROBE_VERSION]


def _llama_version() -> str:
    try:
        return metadata.version("llama_cpp_python")
    except metadata.PackageNotFoundError:
        return "none"


def _read_cache() -> dict[str, dict[str, object]]:
    entries = read_json_object(cache_path())  # {} for no cache yet, or a damaged one: probe again
    return {key: entry for key, entry in entries.items() if isinstance(entry, dict)}  # a damaged entry: probe again


def _remember(key: str, verdict: Verdict) -> None:
    """Add a verdict; a cache that cannot be written only means probing again next time."""
    entries = _read_cache()
    entries.pop(key, None)
    entries[key] = {"ok": verdict.ok, "message": verdict.message}
    entries = dict(list(entries.items())[-CACHE_LIMIT:])
    target = cache_path()
    try:
        write_json(target, entries)
    except (OSError, UserError):
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
    sys.stdout.write(_DECODING + "\n")  # a crash from here on is the decode's
    sys.stdout.flush()
    problem, cacheable = _test_decode(llama_cpp, model, path)
    llama_cpp.llama_model_free(model)
    _report(not problem, problem, cacheable)


def _test_decode(lib: Any, model: Any, path: Path) -> tuple[str, bool]:
    """Decode a short text as the engine would (flash attention off, one KV stream); "" if the logits are numbers."""
    vocab = lib.llama_model_get_vocab(model)
    n_vocab = lib.llama_vocab_n_tokens(vocab)
    tokens = (lib.llama_token * 32)()
    n = lib.llama_tokenize(vocab, _PROBE_TEXT, len(_PROBE_TEXT), tokens, 32, True, False)
    if n <= 0:  # a vocabulary that cannot spell plain text still has token 0
        tokens[0], n = 0, 1
    params = lib.llama_context_default_params()
    params.n_ctx = params.n_batch = params.n_ubatch = 64
    params.n_seq_max = 1
    params.n_threads = params.n_threads_batch = 1
    params.kv_unified = True
    params.flash_attn_type = 0
    params.no_perf = True
    ctx = lib.llama_init_from_model(model, params)
    if not ctx:
        return f"llama.cpp could not make a small context for model file {path}: is memory short?", False
    try:
        rc = lib.llama_decode(ctx, lib.llama_batch_get_one(tokens, n))
        if rc != 0:
            return (
                f"llama.cpp could not decode a first text with model file {path} (code {rc}); choose another model",
                True,
            )
        logits = lib.llama_get_logits_ith(ctx, -1)
        if n_vocab <= 0 or not all(math.isfinite(logits[i]) for i in range(n_vocab)):
            return (
                f"model file {path} computes no numbers (NaN) from a first text: it is damaged or was converted "
                "wrongly; choose another model",
                True,
            )
    finally:
        lib.llama_free(ctx)
    return "", True


def _check_in_child(path: Path) -> None:
    """The checks the engine makes before llama.cpp, including a first render of the chat template."""
    from cardwriter.generation.chat_template import ChatTemplate
    from cardwriter.generation.gguf_header import read_header

    header = read_header(path)
    source = header.get_str("tokenizer.chat_template")
    if source:
        ChatTemplate(source, str(path))  # renders sample messages; a template that never ends hits our time limit
