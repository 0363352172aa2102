"""Where a model download stands, and how to say it: "45.2 of 98.4 MB, 12.3 MB/s, 4 s left"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """Where a download stands: bytes in hand, of how many, how fast, how long still."""

    done: int
    total: int | None
    speed: float  # bytes per second over this run
    eta: float | None  # seconds left, when the total and a speed are known
    stage: str = "downloading"  # "downloading", "verifying", "checking" (the llama.cpp probe)
    note: str = ""  # e.g. that the server cannot resume and the download starts over

    def describe(self, separator: str = ", ") -> str:
        """E.g. "45.2 of 98.4 MB, 12.3 MB/s, 4 s left", or what the download is doing after the bytes."""
        if self.stage == "verifying":
            return "Verifying the download…"
        if self.stage == "checking":
            return "Checking that llama.cpp can load it…"
        mb = 1024**2
        of = f" of {self.total / mb:,.1f}" if self.total else ""
        parts = [f"{self.done / mb:,.1f}{of} MB", f"{self.speed / mb:.1f} MB/s"]
        if self.eta is not None:
            parts.append(f"{format_seconds(self.eta)} left")
        return separator.join(parts)


def format_seconds(seconds: float) -> str:
    """75 -> "1 min 15 s", 3725 -> "1 h 02 min"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
