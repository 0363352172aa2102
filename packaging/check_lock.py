"""Compare the packages installed where this Python looks with packaging/constraints.txt (the lock).

    python packaging/check_lock.py [LOCK]

Prints each package installed at another version than the lock pins, and each installed package
the lock does not pin, and exits 1 if there is any. packaging/build.sh runs it with the build's
Python (and build/tools on its path) so that a package is only ever built from locked inputs.
Cardwriter itself (installed editable from this tree) is not pinned.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

NOT_PINNED = {"cardwriter"}  # installed from this tree
PIPS_OWN = {"pip", "setuptools", "wheel"}  # compared when the lock pins them, else not


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, str]:
    """``{canonical name: version}`` for each ``name==version`` line (comments and blank lines skipped)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise ValueError(f"{path}: not an exact pin: {line!r}")
        pins[canonical(name.strip())] = version.strip()
    return pins


def differences(pins: dict[str, str]) -> list[str]:
    """What the installed distributions (first of each name on sys.path) do differently from ``pins``."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = canonical(dist.metadata["Name"] or "")
        if name and name not in found:
            found[name] = dist.version
    problems = []
    for name, version in sorted(found.items()):
        if name in NOT_PINNED:
            continue
        if name not in pins:
            if name in PIPS_OWN:
                continue
            problems.append(f"{name}=={version} is installed but not in the lock")
        elif pins[name] != version:
            problems.append(f"{name}=={version} is installed, the lock pins {pins[name]}")
    return problems


def main() -> int:
    lock = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("constraints.txt")
    problems = differences(read_lock(lock))
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} difference(s) from {lock}", file=sys.stderr)
        return 1
    print(f"the environment matches {lock}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
