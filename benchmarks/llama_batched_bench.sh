#!/usr/bin/env bash
# The ceiling for `cardwriter bench generation`: llama.cpp's own llama-batched-bench,
# built from the llama.cpp sources vendored in the llama-cpp-python sdist we depend
# on, run on the default model the way our bench runs: 2 threads, one shared prompt
# of PP tokens decoded once (-pps), TG new tokens per sequence, N = 1, 4, 8, 16, one
# unified KV stream (-kvu, as in LlamaEngine), flash attention off (as in LlamaEngine).
# Not run in CI (the build takes several minutes on 2 cores).
#
# usage: benchmarks/llama_batched_bench.sh [MODEL.gguf]
#   env: PYTHON (default: python3; it must be able to import cardwriter to find the
#        packaged model, and to have pip to fetch the sdist), LLAMA_CPP_PYTHON_VERSION
#        (default 0.3.36), WORK (build folder, default: ${TMPDIR:-/tmp}/cardwriter-batched-bench),
#        THREADS (default 2), PP (shared prompt tokens, default 167: the longest prompt of
#        `cardwriter bench generation`), TG (new tokens per sequence, default 96),
#        NPL (sequence counts, default 1,4,8,16), EXTRA (more llama-batched-bench flags,
#        e.g. "-kvu" or "-fa off")
#
# On a CPU with Intel AMX the engine keeps llama.cpp's extra (AMX) buffer types off
# (cardwriter/generation/llama/model_params.py; CARDWRITER_LLAMA_AMX=1 lets them on),
# so the bench runs with --no-repack there too: the same matrix path as the engine.
#
# llama-batched-bench decodes random tokens and samples nothing, so it is the decode
# cost alone. Two ceilings come out of it (both printed below, in generated tokens/s):
#   cold = N*TG / (T_PP + T_TG): the shared prompt decoded, then N*TG tokens;
#   warm = N*TG / T_TG (S_TG): the prompt already in the KV cache, as when the engine
#          reuses the prefix it decoded for the previous request.
set -euo pipefail

PYTHON=${PYTHON:-python3}
VERSION=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
WORK=${WORK:-${TMPDIR:-/tmp}/cardwriter-batched-bench}
THREADS=${THREADS:-2}
PP=${PP:-167}
TG=${TG:-96}
NPL=${NPL:-1,4,8,16}
EXTRA=${EXTRA:-}

model=${1:-}
if [ -z "$model" ]; then
    # the file the engine runs (for the packaged model, its Q8_0 copy: see generation/llama/weights_copy.py)
    model=$("$PYTHON" -c 'from cardwriter.generation.llama import LlamaEngine; e = LlamaEngine(); print(e.weights); e.close()')
fi
[ -f "$model" ] || { echo "no model file at $model" >&2; exit 1; }

mkdir -p "$WORK"
cd "$WORK"
bench=$WORK/build/bin/llama-batched-bench
if [ ! -x "$bench" ]; then
    if ! ls llama_cpp_python-"$VERSION".tar.gz >/dev/null 2>&1; then
        "$PYTHON" -m pip download --no-deps --no-binary :all: "llama-cpp-python==$VERSION" -d "$WORK"
    fi
    rm -rf src && mkdir src
    tar -xzf llama_cpp_python-"$VERSION".tar.gz -C src --strip-components=1
    cmake -S src/vendor/llama.cpp -B build -DCMAKE_BUILD_TYPE=Release \
        -DLLAMA_CURL=OFF -DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF
    cmake --build build --target llama-batched-bench -j "$(nproc)"
fi

# room for every sequence's prompt and new tokens: max(N) * (PP + TG), rounded up to 256
max_npl=$(echo "$NPL" | tr ',' '\n' | sort -n | tail -1)
ctx=$(( (max_npl * (PP + TG) + 255) / 256 * 256 ))

if grep -qw amx_tile /proc/cpuinfo 2>/dev/null && [[ ! "${CARDWRITER_LLAMA_AMX:-}" =~ ^(1|true|yes|on)$ ]]; then
    EXTRA="--no-repack $EXTRA"
fi

echo "model: $model"
echo "threads: $THREADS, shared prompt $PP tokens, $TG new tokens per sequence, N = $NPL, context $ctx ${EXTRA:+, extra flags: $EXTRA}"
out=$WORK/batched-bench.jsonl
# shellcheck disable=SC2086  # EXTRA is a list of flags
"$bench" -m "$model" -t "$THREADS" -tb "$THREADS" -c "$ctx" -b 2048 -ub 512 -kvu -fa off \
    -npp "$PP" -ntg "$TG" -npl "$NPL" -pps --output-format jsonl $EXTRA 2>&1 | grep --line-buffered '^{' > "$out"

"$PYTHON" - "$out" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print()
print(f"{'N':>3} {'T_PP s':>7} {'T_TG s':>7} {'S_TG t/s':>9} {'cold gen t/s':>13} {'warm gen t/s':>13}")
for r in rows:
    gen = r["pl"] * r["tg"]
    print(f"{r['pl']:>3} {r['t_pp']:>7.3f} {r['t_tg']:>7.3f} {r['speed_tg']:>9.1f} "
          f"{gen / (r['t_pp'] + r['t_tg']):>13.1f} {gen / r['t_tg']:>13.1f}")
EOF
echo
echo "Compare with: cardwriter bench generation -n N (batched_tokens_per_s, and batched_cold_tokens_per_s)"
