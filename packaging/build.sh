#!/usr/bin/env bash
# Build the desktop package: a PyInstaller one-folder app, a .tar.gz of it and a .deb.
#
#   PYTHON=/path/to/venv/bin/python packaging/build.sh
#
# Run from the repository root with the Python of an environment where Cardwriter and its
# dependencies are installed (pip install -e .). PyInstaller itself goes into build/tools
# (not into that environment). Everything lands in dist/:
#   dist/cardwriter/                              the app folder (run dist/cardwriter/cardwriter)
#   dist/cardwriter-VERSION-linux-x86_64.tar.gz   that folder, to unpack anywhere
#   dist/cardwriter_VERSION_amd64.deb             installs it under /opt/cardwriter
#   dist/sizes.txt                                what they weigh and the biggest parts
# See packaging/README.md for what goes in and what was measured.
set -euo pipefail

PYTHON=${PYTHON:-python3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PYTHONPATH="$ROOT:$ROOT/build/tools${PYTHONPATH:+:$PYTHONPATH}"
NICE=(nice -n 10)  # the build takes all the CPU it gets; stay polite to other work on the machine

say() { printf '\n== %s\n' "$*"; }

VERSION=$("$PYTHON" -c 'import cardwriter; print(cardwriter.__version__)')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
APP="$ROOT/dist/cardwriter"
TARBALL="$ROOT/dist/cardwriter-$VERSION-linux-$(uname -m).tar.gz"
DEB="$ROOT/dist/cardwriter_${VERSION}_${ARCH}.deb"

say "PyInstaller (in build/tools)"
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    # --no-deps: the environment already has packaging and setuptools; two copies would shadow each other.
    "$PYTHON" -m pip install --quiet --no-deps --target build/tools \
        'pyinstaller>=6.10,<7' 'pyinstaller-hooks-contrib>=2024.0' 'altgraph>=0.17'
fi
"$PYTHON" -m PyInstaller --version

say "one-folder app -> dist/cardwriter (several minutes)"
rm -rf "$APP"
"${NICE[@]}" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/cardwriter.spec
"$APP/cardwriter" --version

say "tarball -> $(basename "$TARBALL")"
"${NICE[@]}" tar -C dist -czf "$TARBALL" cardwriter

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

say "sizes -> dist/sizes.txt"
{
    echo "cardwriter $VERSION, built $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "folder:  $(du -sh "$APP" | cut -f1)"
    echo "tar.gz:  $(du -h "$TARBALL" | cut -f1)"
    echo "deb:     $(du -h "$DEB" | cut -f1)"
    echo
    echo "biggest parts of the folder (du -sh dist/cardwriter/_internal/*):"
    du -sh "$APP"/_internal/* | sort -rh | head -15
} | tee dist/sizes.txt
