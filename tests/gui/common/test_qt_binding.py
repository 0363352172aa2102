"""The Qt binding the app runs on: a signal emitted from Python must not eat references.

PySide6 6.12.0 loses one reference to ``True`` on every ``Signal.emit()`` made
from Python; after a few thousand emits (the worker streams tokens by signal)
Python aborts with "bool_dealloc". pyproject.toml excludes that release; this
test says so if the installed one has the fault. It runs in a child process
because the fault, once triggered, brings the process down.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

EMIT_MANY = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Source(QObject):
        fired = Signal(str)

    app = QCoreApplication([])
    source = Source()
    source.fired.connect(lambda text: None)
    before = sys.getrefcount(True)
    for _ in range(100):
        source.fired.emit("piece")
    print(before - sys.getrefcount(True))
    """
)


def test_emitting_a_signal_from_python_keeps_references_intact():
    done = subprocess.run([sys.executable, "-c", EMIT_MANY], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0", (
        "each emit lost a reference to True: install PySide6-Essentials other than 6.12.0"
    )
