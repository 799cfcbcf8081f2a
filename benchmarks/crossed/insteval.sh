#!/usr/bin/env bash
# InstEval (73,421 rows; 2,972 students x 1,128 lecturers x 14 departments, one crossed block of 4,114 random
# effects): whole-process fastglmm fit against lme4 (Rscript: library load, read.csv of the same file, lmer), REML
# and ML, with peak RSS. Prints one line per run and the medians. Needs R with lme4 and jsonlite.
# Usage: bash benchmarks/crossed/insteval.sh [runs]   (from the repository root; default 3 runs each)
set -euo pipefail
runs=${1:-3}
csv=src/FastGlmm/Datasets/data/insteval.csv
levels=src/FastGlmm/Datasets/data/insteval.levels.json
formula='y ~ service + (1 | s) + (1 | d) + (1 | dept)'
source benchmarks/cli.sh
rscript=$(mktemp --suffix=.R)
cat > "$rscript" <<'R'
args <- commandArgs(TRUE)
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
d <- read.csv(args[1])
lv <- fromJSON(args[2])$factor_levels
for (v in c("s", "d", "dept", "service")) d[[v]] <- factor(as.character(d[[v]]), levels = lv[[v]])
m <- lmer(as.formula(args[3]), d, REML = args[4] == "REML")
cat(sprintf("lme4 %s criterion %.6f\n", args[4], if (isREML(m)) REMLcrit(m) else deviance(m)))
R
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for method in REML ML; do
  flag=$([ "$method" = ML ] && echo --ml || true)
  : > /tmp/fg_$method.t; : > /tmp/r_$method.t
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o /tmp/t.out "$fastglmm" fit --data "$csv" --levels-file "$levels" --formula "$formula" $flag --json /tmp/insteval_fit.json --quiet >/dev/null
    read -r s kb < /tmp/t.out; echo "$s" >> /tmp/fg_$method.t
    crit=$(python3 -c "import json; print(json.load(open('/tmp/insteval_fit.json'))['deviance'])")
    echo "fastglmm $method run $i: $s s, peak $((kb / 1024)) MB, criterion $crit"
    /usr/bin/time -f "%e %M" -o /tmp/t.out Rscript "$rscript" "$csv" "$levels" "$formula" "$method"
    read -r s kb < /tmp/t.out; echo "$s" >> /tmp/r_$method.t
    echo "lme4     $method run $i: $s s, peak $((kb / 1024)) MB"
  done
  f=$(median < /tmp/fg_$method.t); r=$(median < /tmp/r_$method.t)
  echo "median $method: fastglmm $f s, lme4 $r s, ratio $(python3 -c "print(round($r / $f, 2))")x"
done
rm -f "$rscript"
