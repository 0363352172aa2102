"""What a card's peek says: how many variants and link cards it holds, and how far its fill has got."""

from __future__ import annotations


def progress_label(done: int, total: int) -> str:
    """What the peek says while a stack fills: "queued…", "writing…", then "checked 3 of 8"."""
    if not total:
        return "queued…"
    return f"checked {done} of {total}" if done else "writing…"


def stack_count(variants: int, notes: int = 0, echoes: int = 0) -> str:
    """What a peek counts: "2 variants · 1 note · 1 echo" (parts that are zero left out)."""
    parts = (
        (variants, "variant", "variants"),
        (notes, "note", "notes"),
        (echoes, "echo", "echoes"),
    )
    return " · ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)
