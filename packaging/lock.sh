#!/usr/bin/env bash
# Refresh packaging/constraints.txt, the lock of every package Cardwriter and its package are built from.
#
#   packaging/lock.sh            resolve afresh: a new virtualenv in build/lock-venv gets the newest
#                                releases pyproject.toml allows ('.[test]') and the build tools, and
#                                the lock becomes exactly what it got (about 10 minutes: llama-cpp-python
#                                compiles, unless pip has its wheel cached)
#   packaging/lock.sh --freeze   pin what the environment of $PYTHON (default .venv/bin/python) and
#                                build/tools hold now, resolving nothing
#
# Then check the new lock before committing it: install from it (pip install -c
# packaging/constraints.txt -e '.[test]'), run the test suite, packaging/build.sh and
# packaging/smoke.sh tar. A new release of a library can need new files in the bundle.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOCK=packaging/constraints.txt
# The build tools build.sh installs into build/tools: keep these ranges equal to its.
TOOLS=('pyinstaller>=6.10,<7' 'pyinstaller-hooks-contrib>=2024.0' 'altgraph>=0.17')
unset PIP_CONSTRAINT PIP_REQUIRE_HASHES  # a refresh must not be held to the old lock

case ${1:-} in
--freeze)
    PYTHON=${PYTHON:-.venv/bin/python}
    pins=$("$PYTHON" -m pip freeze --all --exclude-editable)
    if [[ -d build/tools ]]; then
        pins+=$'\n'$("$PYTHON" -m pip list --path build/tools --format=freeze)
    fi
    source="pip freeze of $(realpath --relative-to=. "$("$PYTHON" -c 'import sys; print(sys.prefix)')") and build/tools"
    ;;
"")
    VENV=build/lock-venv
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -e '.[test]' "${TOOLS[@]}"
    "$VENV/bin/pip" check
    pins=$("$VENV/bin/pip" freeze --all --exclude-editable)
    source="a fresh resolve of '.[test]' and the build tools"
    ;;
*)
    echo "usage: packaging/lock.sh [--freeze]" >&2
    exit 2
    ;;
esac

{
    cat <<EOF
# Cardwriter's locked inputs: every package of a working environment, pinned exactly, pip and
# setuptools included (torch and sqlite-utils require them). No hashes: pip's hash-checking mode
# refuses editable installs, and the README installs with -e.
# Made by packaging/lock.sh from $source; do not edit by hand.
# Used as constraints (pins, not requirements): .ci/run installs with PIP_CONSTRAINT pointing here,
# packaging/build.sh installs PyInstaller with -c and refuses an environment that differs, and
#   .venv/bin/pip install -c packaging/constraints.txt -e '.[test]'
# gives a developer the same set. torch is the CPU build (+cpu), from pip's configured find-links
# or index. tests/test_packaging.py checks that every runtime dependency of cardwriter is pinned.
EOF
    printf '%s\n' "$pins" | grep -v -e '^#' -e '^-e ' -e '^$' | LC_ALL=C sort -f -u
} >"$LOCK.new"
mv "$LOCK.new" "$LOCK"
echo "wrote $LOCK: $(grep -c '==' "$LOCK") pins"
