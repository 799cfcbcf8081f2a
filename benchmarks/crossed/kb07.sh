#!/usr/bin/env bash
# A kb07-shaped maximal crossed LMM (tests/data/extra/kb07_sim.csv: 56 subjects x 32 items, 1,792 rows, 20 theta, ML):
# whole-process fastglmm fit against lme4 (Rscript: library load, read.csv of the same file, lmer), with peak RSS and
# each one's deviance. Needs R with lme4. Usage: bash benchmarks/crossed/kb07.sh [runs]   (default 3)
set -euo pipefail
runs=${1:-3}
csv=tests/data/extra/kb07_sim.csv
formula='rt ~ 1 + spkr * prec * load + (1 + spkr + prec + load | subj) + (1 + spkr + prec + load | item)'
source benchmarks/cli.sh
rscript=$(mktemp --suffix=.R)
cat > "$rscript" <<'R'
args <- commandArgs(TRUE)
suppressPackageStartupMessages(library(lme4))
d <- read.csv(args[1])
m <- lmer(as.formula(args[2]), d, REML = FALSE)
cat(sprintf("lme4 deviance %.6f, %d evaluations\n", deviance(m), m@optinfo$feval))
R
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
: > /tmp/fg_kb07.t; : > /tmp/r_kb07.t
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o /tmp/t.out "$fastglmm" fit --data "$csv" --formula "$formula" --ml --json /tmp/kb07_fit.json --quiet 2>/dev/null >/dev/null
  read -r s kb < /tmp/t.out; echo "$s" >> /tmp/fg_kb07.t
  info=$(python3 -c "import json; d=json.load(open('/tmp/kb07_fit.json')); print(d['deviance'], d['convergence']['evaluations'])")
  echo "fastglmm run $i: $s s, peak $((kb / 1024)) MB, deviance and evaluations $info"
  /usr/bin/time -f "%e %M" -o /tmp/t.out Rscript "$rscript" "$csv" "$formula" 2>/dev/null
  read -r s kb < /tmp/t.out; echo "$s" >> /tmp/r_kb07.t
  echo "lme4     run $i: $s s, peak $((kb / 1024)) MB"
done
f=$(median < /tmp/fg_kb07.t); r=$(median < /tmp/r_kb07.t)
echo "median: fastglmm $f s, lme4 $r s, ratio $(python3 -c "print(round($r / $f, 2))")x"
rm -f "$rscript"
