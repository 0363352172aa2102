"""llama.cpp's process-wide state: the library imported, its backend initialised once, its logs.

llama.cpp keeps global state (the backend, the log callback) that every model
and context in the process shares, so it is set up here once, however many
engines are made. Its logs go nowhere unless an engine is made with
``verbose=True``: the app's terminal and the test output stay quiet.
"""

from __future__ import annotations

import ctypes
import os
import threading
from types import ModuleType

from cardwriter.errors import UserError


class EngineMissing(UserError):
    """llama-cpp-python cannot be imported (the command line adds how to name a server instead)."""


def import_llama_cpp() -> ModuleType:
    """The ``llama_cpp`` module, or an ``EngineMissing`` that says how to get it."""
    try:
        import llama_cpp
    except ImportError as exc:
        raise EngineMissing(
            f"llama-cpp-python is not installed or cannot load ({exc}); install it with "
            "'pip install llama-cpp-python', or use a generation server URL instead"
        ) from None
    return llama_cpp


class Backend:
    """Initialises llama.cpp once per process and routes its logs (silent unless verbose)."""

    _lock = threading.Lock()
    _ready = False
    _log_callback: object = None  # kept alive here: llama.cpp holds a pointer to it
    verbose = False

    @classmethod
    def ensure(cls, verbose: bool) -> ModuleType:
        """The ``llama_cpp`` module, its backend initialised and its log callback set."""
        lib = import_llama_cpp()
        with cls._lock:
            if not cls._ready:
                lib.llama_backend_init()
                cls._ready = True
            if cls._log_callback is None:

                @lib.llama_log_callback
                def _log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
                    if Backend.verbose and text:
                        os.write(2, text)

                cls._log_callback = _log
                lib.llama_log_set(_log, ctypes.c_void_p(0))
            cls.verbose = verbose
        return lib


# ctypes hands a C pointer returned as ``c_void_p`` (a llama_model, llama_context,
# llama_sampler...) back as a plain int; these names say which kind an int holds.
ModelPointer = int
VocabPointer = int
ContextPointer = int
SamplerPointer = int
