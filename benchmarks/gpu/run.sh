#!/usr/bin/env bash
# On a GPU machine without .NET (after benchmarks/gpu/prepare.sh on the development machine), from the repository
# root: finds the CUDA driver and NVRTC, then runs `fastglmm selfcheck`, the CUDA test suite and the big-data
# benchmark (10^7 rows on both backends, 10^8 rows of (1 + x | g) on the GPU), each under a time limit so that the
# whole run stays within about 8 minutes, and writes everything to one results file.
# Usage: bash benchmarks/gpu/run.sh [RESULTS]   (default: $OUT/gpu-results.txt when $OUT is set, else ./gpu-results.txt)
set -uo pipefail
out=${1:-${OUT:-.}/gpu-results.txt}
mkdir -p "$(dirname "$out")"; : > "$out"
log() { echo "$@" | tee -a "$out"; }
step() { # seconds, title, command...
  local limit=$1 title=$2; shift 2
  log "=== $title (limit ${limit}s) ==="
  local t0=$SECONDS
  timeout "$limit" "$@" 2>&1 | tee -a "$out"
  log "=== $title: exit ${PIPESTATUS[0]}, $((SECONDS - t0)) s ==="
}
x=${TMPDIR:-/tmp}/fastglmm-gpu; rm -rf "$x"; mkdir -p "$x"
tar -xJf .gpu/app.tar.xz -C "$x" || { log "missing .gpu/app.tar.xz: run benchmarks/gpu/prepare.sh first"; exit 1; }
export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
find1() { for d in ${LD_LIBRARY_PATH//:/ } /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  for f in "$d"/$1; do [ -e "$f" ] && { echo "$f"; return; }; done; done; }
export FASTGLMM_LIBCUDA=${FASTGLMM_LIBCUDA:-$(find1 'libcuda.so.1')}
export FASTGLMM_LIBNVRTC=${FASTGLMM_LIBNVRTC:-$(find1 'libnvrtc.so*')}
export FASTGLMM_REPO=$PWD
log "date: $(date -u +%FT%TZ); host: $(hostname); libcuda: ${FASTGLMM_LIBCUDA:-not found}; libnvrtc: ${FASTGLMM_LIBNVRTC:-not found}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee -a "$out"
step 90 "fastglmm selfcheck" "$x/app/FastGlmm.Cli" selfcheck
step 150 "CUDA test suite" "$x/app/FastGlmm.Cuda.Tests" -noColor
step 120 "bigdata 10^7 rows, both backends" "$x/app/FastGlmm.Benchmarks" bigdata --rows 10000000 --clusters 100000 \
  --response binary --model both --backend both
step 120 "bigdata 10^8 rows, (1 + x | g), GPU" "$x/app/FastGlmm.Benchmarks" bigdata --rows 100000000 --clusters 1000000 \
  --response binary --model slope --backend cuda
log "results: $out"
