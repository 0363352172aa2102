#!/usr/bin/env bash
# Build the desktop package: a PyInstaller one-folder app, a .tar.gz of it and a .deb.
#
#   PYTHON=/path/to/venv/bin/python packaging/build.sh [--no-deb] [--unlocked]
#
# Run from the repository root with the Python of an environment where Cardwriter and its
# dependencies are installed from the lock (pip install -c packaging/constraints.txt -e .).
# The build refuses an environment that differs from the lock (--unlocked: only warn).
# PyInstaller itself goes into build/tools (not into that environment), at the lock's versions.
# --no-deb: skip the .deb (CI: its compression takes minutes and smoke.sh tar tests the tarball).
# Each phase prints the seconds it took. Everything lands in dist/:
#   dist/cardwriter/                              the app folder (run dist/cardwriter/cardwriter)
#   dist/cardwriter-VERSION-linux-x86_64.tar.gz   that folder, to unpack anywhere
#   dist/cardwriter_VERSION_amd64.deb             installs it under /opt/cardwriter
#   dist/sizes.txt                                what they weigh and the biggest parts
# See packaging/README.md for what goes in and what was measured.
set -euo pipefail

PYTHON=${PYTHON:-python3}
MAKE_DEB=1
LOCKED=1
for arg in "$@"; do
    case $arg in
    --no-deb) MAKE_DEB=0 ;;
    --unlocked) LOCKED=0 ;;
    *) echo "usage: packaging/build.sh [--no-deb] [--unlocked]" >&2; exit 2 ;;
    esac
done
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PYTHONPATH="$ROOT:$ROOT/build/tools${PYTHONPATH:+:$PYTHONPATH}"
NICE=(nice -n 10)  # the build takes all the CPU it gets; stay polite to other work on the machine

LOCK="$ROOT/packaging/constraints.txt"

phase_start=$SECONDS
say() {
    if [[ -n ${phase:-} ]]; then printf '== %s: %d s\n' "$phase" $((SECONDS - phase_start)); fi
    phase=$*
    phase_start=$SECONDS
    [[ -z $phase ]] || printf '\n== %s\n' "$phase"
}

VERSION=$("$PYTHON" -c 'import cardwriter; print(cardwriter.__version__)')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
APP="$ROOT/dist/cardwriter"
TARBALL="$ROOT/dist/cardwriter-$VERSION-linux-$(uname -m).tar.gz"
DEB="$ROOT/dist/cardwriter_${VERSION}_${ARCH}.deb"

say "PyInstaller (in build/tools, at the lock's versions)"
tools_locked() {
    local want have
    for dist in pyinstaller pyinstaller-hooks-contrib altgraph; do
        want=$(sed -n "s/^$dist==//Ip" "$LOCK")
        have=$("$PYTHON" -m pip list --path build/tools --format=freeze 2>/dev/null | sed -n "s/^$dist==//Ip")
        [[ -n $want && $want == "$have" ]] || return 1
    done
}
if ! tools_locked; then
    rm -rf build/tools
    # --no-deps: the environment already has packaging and setuptools; two copies would shadow each other.
    "$PYTHON" -m pip install --quiet --no-deps --target build/tools -c "$LOCK" \
        pyinstaller pyinstaller-hooks-contrib altgraph
fi
"$PYTHON" -m PyInstaller --version

say "the environment against the lock (packaging/constraints.txt)"
if ! "$PYTHON" packaging/check_lock.py "$LOCK"; then
    if [[ $LOCKED == 1 ]]; then
        echo "build.sh: install the environment from the lock (pip install -c packaging/constraints.txt -e .)," >&2
        echo "or refresh the lock (packaging/lock.sh), or build anyway with --unlocked" >&2
        exit 1
    fi
    echo "build.sh: --unlocked: building from an environment that differs from the lock" >&2
fi

say "one-folder app -> dist/cardwriter (several minutes)"
rm -rf "$APP"
"${NICE[@]}" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/cardwriter.spec

say "strip the symbol tables of the biggest libraries (bundle_contents.STRIPPED_LIBRARIES)"
"$PYTHON" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_contents
for path in bundle_contents.libraries_to_strip(sys.argv[1]): print(path)' "$APP/_internal" |
    while IFS= read -r library; do
        before=$(stat -c %s "$library")
        strip --strip-unneeded "$library"
        echo "${library#"$APP/"}: $((before / 1000000)) MB -> $(($(stat -c %s "$library") / 1000000)) MB"
    done
"$APP/cardwriter" --version

say "tarball -> $(basename "$TARBALL")"
"${NICE[@]}" tar -C dist -czf "$TARBALL" cardwriter

if [[ $MAKE_DEB == 1 ]]; then
say "deb -> $(basename "$DEB")"
STAGE="$ROOT/build/deb-root"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin"
cp -a "$APP" "$STAGE/opt/cardwriter"
ln -s /opt/cardwriter/cardwriter "$STAGE/usr/bin/cardwriter"
install -Dm644 packaging/cardwriter.desktop "$STAGE/usr/share/applications/cardwriter.desktop"
install -Dm644 cardwriter/resources/cardwriter.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/cardwriter.svg"
install -Dm644 packaging/cardwriter.metainfo.xml "$STAGE/usr/share/metainfo/cardwriter.metainfo.xml"
install -Dm644 packaging/cardwriter-mime.xml "$STAGE/usr/share/mime/packages/cardwriter.xml"
# The menu, MIME and icon caches are refreshed by the triggers of desktop-file-utils,
# shared-mime-info and the icon theme when files land in those folders: no maintainer scripts.
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" \
    -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)/" \
    packaging/deb-control.in >"$STAGE/DEBIAN/control"
"${NICE[@]}" dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "$DEB"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
else
    rm -f "$DEB"  # not this build's: smoke.sh deb must not find an old one
fi

say "sizes -> dist/sizes.txt"
{
    echo "cardwriter $VERSION, built $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "folder:  $(du -sh "$APP" | cut -f1)"
    echo "tar.gz:  $(du -h "$TARBALL" | cut -f1)"
    if [[ -f $DEB ]]; then echo "deb:     $(du -h "$DEB" | cut -f1)"; fi
    echo
    echo "biggest parts of the folder (du -sh dist/cardwriter/_internal/*):"
    du -sh "$APP"/_internal/* | sort -rh | awk 'NR <= 15'
} | tee dist/sizes.txt
say ""
echo "build.sh: done in $SECONDS s"
