#!/usr/bin/env bash
# Smoke-test the built package as a writer without Python would meet it.
#
#   packaging/smoke.sh [deb|tar]      (default: deb; run packaging/build.sh first)
#
# deb: installs dist/cardwriter_*.deb with apt-get (which runs dpkg -i and pulls the system
#      libraries it depends on), checks the files it put in place, and removes it at the end.
# tar: unpacks dist/cardwriter-*.tar.gz into a fresh temporary folder.
# Then, with an empty environment (env -i: no virtualenv, a minimal PATH, HOME in a temporary
# folder) and no network (unshare -n, where it works), it runs `cardwriter --version`, an import
# check of the embedding and generation paths inside the frozen app (`cardwriter -c CODE`: every
# library they import, one embedding, the packaged model's tokenizer), `cardwriter notes search`
# (the embedder on a project's notes) and `cardwriter variants -n 2`, and opens a project from the
# command line in the window under Xvfb at 1366x768: it measures the time until the window (titled
# with the project's file name) is on screen, and saves a screenshot to
# dist/smoke-screenshot-MODE.png. Any traceback in any output fails it, as does a failed step.
# Each step prints the seconds it took; the report goes to dist/smoke-MODE.txt.
# Needs: xvfb-run, xdotool, ImageMagick's import (apt-get install xvfb xdotool imagemagick),
# and Qt's xcb libraries (libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0).
set -euo pipefail

MODE=${1:-deb}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/cardwriter-smoke.XXXXXX)
REPORT="$ROOT/dist/smoke-$MODE.txt"
SHOT="$ROOT/dist/smoke-screenshot-$MODE.png"
: >"$REPORT"

say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
fail() { say "FAILED: $*"; exit 1; }
step_start=$(date +%s.%N)
took() { say "$1 took $(printf '%.1f' "$(echo "$(date +%s.%N) - $step_start" | bc)") s"; step_start=$(date +%s.%N); }

cleanup() {
    if [[ $MODE == deb ]] && dpkg -s cardwriter >/dev/null 2>&1; then
        dpkg -r cardwriter >/dev/null && echo "removed the cardwriter package"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in xvfb-run xdotool import bc; do
    command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install -y xvfb xdotool imagemagick bc"
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

# run NAME COMMAND...: run a step of the test in the clean environment, its stdout and stderr
# kept in $WORK/NAME.out and .err (scanned for tracebacks at the end); fail if it fails.
run() {
    local name=$1
    shift
    clean "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || {
        cat "$WORK/$name.out" "$WORK/$name.err" | tee -a "$REPORT"
        fail "$name failed"
    }
    tee -a "$REPORT" <"$WORK/$name.out"
}

took "installing the package ($MODE)"

say "--- cardwriter --version"
run version "${OFFLINE[@]}" "$BIN" --version
grep -q '^cardwriter [0-9]' "$WORK/version.out" || fail "--version printed no version"
took "--version"

say "--- imports of the embedding and generation paths, inside the frozen app"
run imports "${OFFLINE[@]}" "$BIN" -c '
import importlib

modules = [
    "cardwriter.embedding.embedder", "cardwriter.generation.llama.backend", "cardwriter.generation.llama.blend",
    "cardwriter.generation.model_probe", "cardwriter.gui", "numpy", "torch", "tokenizers", "safetensors",
    "transformers", "transformers.models.bert", "sentence_transformers", "llama_cpp", "llama_cpp._ggml",
]
for name in modules:
    importlib.import_module(name)
print("imported:", " ".join(modules))
libraries = ("torch", "transformers", "sentence_transformers", "tokenizers", "llama_cpp")
print("versions:", ", ".join(f"{name} {importlib.import_module(name).__version__}" for name in libraries))

from cardwriter.embedding.embedder import SentenceTransformerEmbedder
vectors = SentenceTransformerEmbedder().encode(["The lamp turned all night."])
assert vectors.shape == (1, 384), vectors.shape
print("embedding:", vectors.shape[1], "dimensions")

import llama_cpp
from cardwriter.generation.model_files import packaged_model
model = llama_cpp.Llama(model_path=str(packaged_model()), n_ctx=256, vocab_only=True, verbose=False)
print("packaged model:", packaged_model().name, len(model.tokenize(b"The lamp turned all night.")), "tokens")
'
took "imports"

say "--- cardwriter notes search (the embedder on a project's notes)"
PROJECT="$WORK/home/smoke.cardwriter"
printf 'The old keeper climbed the stairs.\n\nThe lamp turned all night.\n' >"$WORK/draft.md"
run import "$BIN" import "$WORK/draft.md" "$PROJECT"
printf 'Storms at sea sink ships on the rocks.\n\nBread rises best in a warm kitchen.\n' >"$WORK/notes.md"
run notes-add "${OFFLINE[@]}" "$BIN" notes add --split "$PROJECT" "$WORK/notes.md"
run notes-search "${OFFLINE[@]}" "$BIN" notes search -k 1 "$PROJECT" "a shipwreck in a gale"
grep -q 'Storms at sea' "$WORK/notes-search.out" || fail "notes search did not rank the storm note first"
took "notes search"

say "--- cardwriter variants -n 2 (${OFFLINE[*]:-network not cut})"
run variants "${OFFLINE[@]}" "$BIN" variants -n 2 --seed 7 \
    "The old keeper climbed the stairs of the lighthouse every evening, counting the steps out loud."
[[ $(grep -c . "$WORK/variants.out") -ge 2 ]] || fail "fewer than 2 variants came back"
took "variants"

say "--- the window, under Xvfb at 1366x768"
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
took "the window"

# The app may print a traceback and still exit 0 (a background thread, a caught-and-logged error).
if grep -l -E 'Traceback \(most recent call last\)|internal error' "$WORK"/*.out "$WORK"/*.err "$WORK"/window.log; then
    grep -h -B2 -A20 -E 'Traceback \(most recent call last\)|internal error' "$WORK"/*.out "$WORK"/*.err "$WORK"/window.log |
        tee -a "$REPORT"
    fail "a traceback in the output above"
fi
say "no traceback in any output"
say "smoke test ($MODE) passed"
