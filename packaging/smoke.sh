#!/usr/bin/env bash
# Smoke-test the built package as a writer without Python would meet it.
#
#   packaging/smoke.sh [deb|tar]      (default: deb; run packaging/build.sh first)
#
# deb: installs dist/cardwriter_*.deb with apt-get (which runs dpkg -i and pulls the system
#      libraries it depends on), checks the files it put in place, and removes it at the end.
# tar: unpacks dist/cardwriter-*.tar.gz into a fresh temporary folder.
# Then, with an empty environment (env -i: no virtualenv, a minimal PATH, HOME in a temporary
# folder) and no network (unshare -n, where it works), it runs `cardwriter --version` and
# `cardwriter variants -n 2`, and opens a project from the command line in the window under
# Xvfb at 1366x768: it measures the time until the window (titled with the project's file
# name) is on screen, and saves a screenshot to dist/smoke-screenshot-MODE.png.
# Needs: xvfb-run, xdotool, ImageMagick's import (apt-get install xvfb xdotool imagemagick).
set -euo pipefail

MODE=${1:-deb}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/cardwriter-smoke.XXXXXX)
REPORT="$ROOT/dist/smoke-$MODE.txt"
SHOT="$ROOT/dist/smoke-screenshot-$MODE.png"
: >"$REPORT"

say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
fail() { say "FAILED: $*"; exit 1; }

cleanup() {
    if [[ $MODE == deb ]] && dpkg -s cardwriter >/dev/null 2>&1; then
        dpkg -r cardwriter >/dev/null && echo "removed the cardwriter package"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in xvfb-run xdotool import; do
    command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install -y xvfb xdotool imagemagick"
done

case $MODE in
deb)
    DEB=$(ls "$ROOT"/dist/cardwriter_*.deb)
    apt-get install -y -q "$DEB" >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log"; fail "the .deb did not install"; }
    BIN=cardwriter
    for path in /usr/bin/cardwriter /opt/cardwriter/cardwriter /usr/share/applications/cardwriter.desktop \
        /usr/share/icons/hicolor/scalable/apps/cardwriter.svg /usr/share/metainfo/cardwriter.metainfo.xml \
        /usr/share/mime/packages/cardwriter.xml; do
        [[ -e $path ]] || fail "$path is not installed"
    done
    say "installed $(basename "$DEB"): /usr/bin/cardwriter -> $(readlink /usr/bin/cardwriter)"
    if command -v update-mime-database >/dev/null; then
        update-mime-database /usr/share/mime
        grep -q 'application/x-cardwriter' /usr/share/mime/globs2 || fail "the MIME type is not registered"
        say "MIME: *.cardwriter is application/x-cardwriter"
    fi
    ;;
tar)
    TARBALL=$(ls "$ROOT"/dist/cardwriter-*.tar.gz)
    tar -C "$WORK" -xzf "$TARBALL"
    BIN="$WORK/cardwriter/cardwriter"
    say "unpacked $(basename "$TARBALL") into $WORK"
    ;;
*) fail "unknown mode $MODE: give deb or tar" ;;
esac

mkdir -p "$WORK/home"
OFFLINE=()
if unshare -n true 2>/dev/null; then OFFLINE=(unshare -n); fi
# A clean environment: what a desktop session gives, nothing from this shell or its virtualenv.
clean() {
    env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 XDG_RUNTIME_DIR="$WORK/home" "$@"
}

say "--- cardwriter --version"
clean "${OFFLINE[@]}" "$BIN" --version | tee -a "$REPORT"

say "--- cardwriter variants -n 2 (${OFFLINE[*]:-network not cut})"
start=$(date +%s.%N)
clean "${OFFLINE[@]}" "$BIN" variants -n 2 --seed 7 \
    "The old keeper climbed the stairs of the lighthouse every evening, counting the steps out loud." \
    >"$WORK/variants.txt" 2>"$WORK/variants.err" || { cat "$WORK/variants.err"; fail "variants failed"; }
cat "$WORK/variants.txt" | tee -a "$REPORT"
say "variants took $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
[[ $(grep -c . "$WORK/variants.txt") -ge 2 ]] || fail "fewer than 2 variants came back"

say "--- the window, under Xvfb at 1366x768"
PROJECT="$WORK/home/smoke.cardwriter"
printf 'The old keeper climbed the stairs.\n\nThe lamp turned all night.\n' >"$WORK/draft.md"
clean "$BIN" import "$WORK/draft.md" "$PROJECT" >/dev/null
cat >"$WORK/window.sh" <<EOF
set -u
start=\$(date +%s.%N)
"$BIN" "$PROJECT" >"$WORK/window.log" 2>&1 &
app=\$!
for _ in \$(seq 1 600); do
    if xdotool search --onlyvisible --name 'smoke.cardwriter' >/dev/null 2>&1; then
        echo "window after \$(echo "\$(date +%s.%N) - \$start" | bc) s"
        sleep 4  # let the first paint and the background model load settle before the picture
        import -window root "$SHOT"
        xdotool search --name 'smoke.cardwriter' getwindowname
        kill \$app; wait \$app
        exit 0
    fi
    kill -0 \$app 2>/dev/null || { echo "the app exited"; cat "$WORK/window.log"; exit 1; }
    sleep 0.1
done
echo "no window within 60 s"; cat "$WORK/window.log"; kill \$app; exit 1
EOF
clean "${OFFLINE[@]}" xvfb-run -a -s "-screen 0 1366x768x24" bash "$WORK/window.sh" | tee -a "$REPORT"
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail "the window did not open"
say "screenshot: $SHOT"
say "smoke test ($MODE) passed"
