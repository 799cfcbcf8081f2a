#!/usr/bin/env bash
# Whole-process big-data fit, as a user runs it: simulate-data writes a seeded file, then `fastglmm fit` reads it
# and writes --json, timed with peak RSS and bytes per row; with --lme4, lme4's glmer fits the same CSV in the same
# session (Rscript: library load, read.csv, glmer), for the ratio.
# Usage: bash benchmarks/bigdata/whole-process.sh ROWS CLUSTERS [csv|parquet] [--lme4]   (from the repository root)
# Example: bash benchmarks/bigdata/whole-process.sh 100000000 1000000 parquet
set -euo pipefail
rows=$1; clusters=$2; format=${3:-csv}; lme4=${4:-}
dir=${TMPDIR:-/tmp}/fastglmm-bigdata; mkdir -p "$dir"
data=$dir/d_${rows}_${clusters}.$format
formula='y ~ x + (1 | g)'
source benchmarks/cli.sh
if [ ! -f "$data" ]; then
  /usr/bin/time -f "%e %M" -o "$dir/t.out" "$fastglmm" simulate-data --rows "$rows" --clusters "$clusters" \
    --model intercept --response binary --seed 1 --out "$data" >/dev/null
  read -r s kb < "$dir/t.out"; echo "simulate-data: $s s, peak $((kb / 1024)) MB, $(du -m "$data" | cut -f1) MB file"
fi
/usr/bin/time -f "%e %M" -o "$dir/t.out" "$fastglmm" fit --data "$data" --formula "$formula" --family binomial \
  --json "$dir/fit.json" --quiet >/dev/null
read -r s kb < "$dir/t.out"
echo "fastglmm fit: $s s, peak $((kb / 1024)) MB, $(python3 -c "print(round($kb * 1024 / $rows, 1))") bytes per row"
python3 - "$dir/fit.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
truth = {"(Intercept)": -0.5, "x": 1.0}
for name, b, se in zip(f["beta_names"], f["beta"], f["beta_se"]):
    print(f"  {name}: {b:.5f} (SE {se:.5f}), truth {truth[name]}, {abs(b - truth[name]) / se:.2f} SEs away")
print(f"  sd(g): {f['theta'][0]:.5f}, truth 1; converged: {f['convergence']['converged']}")
PY
if [ "$lme4" = --lme4 ]; then
  [ "$format" = csv ] || { echo "--lme4 needs the csv format"; exit 1; }
  rscript=$(mktemp --suffix=.R)
  cat > "$rscript" <<'R'
args <- commandArgs(TRUE)
suppressPackageStartupMessages(library(lme4))
d <- read.csv(args[1])
m <- glmer(y ~ x + (1 | g), d, family = binomial)
cat(sprintf("  lme4 logLik %.4f, beta %s, sd %.5f\n", logLik(m), paste(sprintf("%.5f", fixef(m)), collapse = " "), getME(m, "theta")))
R
  /usr/bin/time -f "%e %M" -o "$dir/t.out" Rscript "$rscript" "$data"
  read -r r kb < "$dir/t.out"
  echo "lme4 glmer: $r s, peak $((kb / 1024)) MB; ratio $(python3 -c "print(round($r / $s, 1))")x"
  rm -f "$rscript"
fi
