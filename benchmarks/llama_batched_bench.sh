#!/usr/bin/env bash
# The ceiling for `cardwriter bench generation`: llama.cpp's own llama-batched-bench,
# built from the llama.cpp sources vendored in the llama-cpp-python sdist we depend
# on, run on the default model the way the issue measured it: 2 threads, one shared
# 128-token prompt (-pps), 96 new tokens per sequence, N = 1, 4, 8, 16.
# Not run in CI (the build takes several minutes on 2 cores).
#
# usage: benchmarks/llama_batched_bench.sh [MODEL.gguf]
#   env: PYTHON (default: python3), LLAMA_CPP_PYTHON_VERSION (default 0.3.36),
#        WORK (build folder, default: ${TMPDIR:-/tmp}/cardwriter-batched-bench), THREADS (default 2)
set -euo pipefail

PYTHON=${PYTHON:-python3}
VERSION=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
WORK=${WORK:-${TMPDIR:-/tmp}/cardwriter-batched-bench}
THREADS=${THREADS:-2}

model=${1:-}
if [ -z "$model" ]; then
    model=$("$PYTHON" -c 'from cardwriter.generation.model_files import resolve_model; print(resolve_model())')
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

echo "model: $model"
echo "threads: $THREADS, shared prompt 128 tokens, 96 new tokens per sequence"
"$bench" -m "$model" -t "$THREADS" -tb "$THREADS" -c 4096 -b 2048 -ub 512 \
    -npp 128 -ntg 96 -npl 1,4,8,16 -pps
echo
echo "Compare S_TG (or S) at each N with: cardwriter bench generation -n N"
