"""The ranges of the numbers a writer may give generation: one place for the command line, the app and the engine.

llama.cpp checks few of them and fails hard on the rest: 100000 CPU threads
segfault it, 4000 make it hang, a seed of -1 (0xFFFFFFFF) silently means
"random". So a number is checked here before it reaches llama.cpp: the command
line turns each rule into an argparse type (a usage error, exit status 2), the
engine refuses a number out of range with a ``UserError``, and the app's
settings go through the same rules (``gpu.parse_gpu_layers``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

from cardwriter.errors import UserError


class OutOfRange(UserError):
    """A number outside the range a setting allows."""


def cpu_cores() -> int:
    """The CPU cores of this computer (``os.cpu_count``), at least 1."""
    return os.cpu_count() or 1


@dataclass(frozen=True)
class IntRange:
    """Whole numbers from ``low`` to ``high`` (a number, a function of the machine, or None: no limit)."""

    low: int
    high: int | Callable[[], int] | None = None
    why: str = ""  # said after the range, e.g. "(the CPU cores of this computer)"

    def upper(self) -> int | None:
        return self.high() if callable(self.high) else self.high

    def describe(self) -> str:
        high = self.upper()
        span = f"from {self.low} to {high}" if high is not None else f"from {self.low} up"
        return f"a whole number {span}" + (f" {self.why}" if self.why else "")

    def problem(self, value: object) -> str:
        """ "" for a value in range, else "must be ..., not VALUE"."""
        high = self.upper()
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < self.low
            or (high is not None and value > high)
        ):
            return f"must be {self.describe()}, not {value!r}"
        return ""

    def check(self, value: object, name: str) -> int:
        """``value`` if in range, else ``OutOfRange`` with a message starting with ``name``."""
        if problem := self.problem(value):
            raise OutOfRange(f"{name} {problem}")
        assert isinstance(value, int)
        return value

    def parse(self, text: str) -> int:
        """``text`` as a whole number in range; ``ValueError`` with the message (an argparse type raises it)."""
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"must be {self.describe()}, not {text!r}") from None
        if problem := self.problem(value):
            raise ValueError(problem)
        return value


@dataclass(frozen=True)
class FloatRange:
    """Finite numbers from ``low`` to ``high``, both included (never NaN nor infinite)."""

    low: float
    high: float

    def describe(self) -> str:
        return f"a number from {self.low:g} to {self.high:g}"

    def problem(self, value: object) -> str:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not self.low <= value <= self.high
        ):
            return f"must be {self.describe()}, not {value!r}"
        return ""

    def check(self, value: object, name: str) -> float:
        """``value`` if in range, else ``OutOfRange`` with a message starting with ``name``."""
        if problem := self.problem(value):
            raise OutOfRange(f"{name} {problem}")
        assert isinstance(value, int | float)
        return float(value)

    def parse(self, text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        if self.problem(value):
            raise ValueError(f"must be {self.describe()}, not {text.strip()!r}")
        return value


# CPU threads: llama.cpp's thread pool crashes (100000) or hangs (4000) far above the cores there are
THREADS = IntRange(1, cpu_cores, "(the CPU cores of this computer)")
# variants asked at once: each is a sequence of llama.cpp's batch (it allows 256 with the cached prefix)
VARIANTS = IntRange(1, 64)
# new tokens a variant may write: more than any model here reads at once
TOKENS = IntRange(1, 32768)
# a seed; variant i uses seed + i, kept under 0xFFFFFFFF, which llama.cpp reads as "random"
SEED = IntRange(0, 2**31 - 1)
# layers on the GPU: "all" is llama.cpp's -1 (the setting "auto"); more than any model has is a typo
GPU_LAYERS = IntRange(0, 10_000)
