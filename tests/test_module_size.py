"""No module of the package is over 400 lines: small modules whose names say what they hold.

A module that grows past the limit is split by what it holds, not
let through. ``KNOWN_OVER`` lists modules over the limit while one is being split (none
today); a module in it that is back under the limit fails too, so the list cannot go stale.
"""

from __future__ import annotations

from pathlib import Path

import cardwriter

PACKAGE = Path(cardwriter.__file__).parent
MAX_LINES = 400

# Over the limit for now, relative to cardwriter/, while being split. Empty it as they come
# under the limit (the test below fails for an entry that already is).
KNOWN_OVER: set[str] = set()


def line_counts(root: Path = PACKAGE) -> dict[str, int]:
    """Lines of every .py file under ``root``, by its path relative to ``root``."""
    return {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }


def size_problems(counts: dict[str, int], limit: int = MAX_LINES, allowed: set[str] = KNOWN_OVER) -> list[str]:
    """A line per module over ``limit`` that is not ``allowed``, and per ``allowed`` one that is not over."""
    problems = [
        f"cardwriter/{name}: {lines} lines, over {limit}: split it by what it holds"
        for name, lines in counts.items()
        if lines > limit and name not in allowed
    ]
    for name in sorted(allowed):
        if name not in counts:
            problems.append(f"cardwriter/{name}: in KNOWN_OVER but there is no such module: remove it from the list")
        elif counts[name] <= limit:
            problems.append(
                f"cardwriter/{name}: {counts[name]} lines, not over {limit} any more: remove it from KNOWN_OVER"
            )
    return problems


def test_every_module_is_at_most_400_lines():
    problems = size_problems(line_counts())
    assert not problems, "\n".join(problems)


def test_the_check_names_each_offender_and_each_stale_allowance():
    counts = {"a.py": 401, "b.py": 400, "c.py": 900, "d.py": 12}
    assert size_problems(counts, 400, {"c.py", "d.py", "gone.py"}) == [
        "cardwriter/a.py: 401 lines, over 400: split it by what it holds",
        "cardwriter/d.py: 12 lines, not over 400 any more: remove it from KNOWN_OVER",
        "cardwriter/gone.py: in KNOWN_OVER but there is no such module: remove it from the list",
    ]
