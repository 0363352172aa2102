"""What a card's peek says while its stack fills (the stack feature reports the two numbers)."""

from __future__ import annotations


def progress_label(done: int, total: int) -> str:
    """What the peek says while a stack fills: "queued…", "writing…", then "checked 3 of 8"."""
    if not total:
        return "queued…"
    return f"checked {done} of {total}" if done else "writing…"
