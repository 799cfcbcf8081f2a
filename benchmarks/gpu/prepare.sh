#!/usr/bin/env bash
# On the development machine (with the .NET SDK): publishes, self-contained for linux-x64, everything
# benchmarks/gpu/run.sh needs on a GPU machine that has no .NET: the CLI (selfcheck), the benchmark program
# (bigdata) and the CUDA test suite (an xunit v3 program), into one folder that shares one runtime, packed as
# .gpu/app.tar.xz (about 40 MB, within what the device tool carries; .gpu/ is ignored by git through
# .git/info/exclude; carry it to the device with the working tree).
# Usage: bash benchmarks/gpu/prepare.sh   (from the repository root)
set -euo pipefail
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu
for p in src/FastGlmm.Cli benchmarks/FastGlmm.Benchmarks tests/FastGlmm.Cuda.Tests; do
  dotnet publish "$p" -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true -o .gpu/app -v q >/dev/null
done
tar -C .gpu -cJf .gpu/app.tar.xz app && rm -rf .gpu/app
ls -la .gpu
