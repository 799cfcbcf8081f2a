#!/usr/bin/env bash
# Zero-inflated Poisson parametric bootstrap on glmmTMB's Owls (599 rows, 27 nests):
#   SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest), ziformula ~1.
# fastglmm: the whole-process time of `bootstrap -B B` minus that of `-B 1`, per replicate; glmmTMB: simulate() and a
# refit() loop of R replicates timed inside R (the fit itself excluded), per replicate. Needs R with glmmTMB.
# Usage: bash benchmarks/families/zip-bootstrap.sh [B] [R]   (from the repository root; defaults 2000 and 20)
set -euo pipefail
B=${1:-2000}
R=${2:-20}
source benchmarks/cli.sh
args=(bootstrap --data owls --formula "SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest)"
  --family poisson --ziformula "~1" --seed 1 --quiet --out /tmp/zip_boot.csv)
/usr/bin/time -f "%e" -o /tmp/t1.out "$fastglmm" "${args[@]}" -B 1 >/dev/null
/usr/bin/time -f "%e %M" -o /tmp/tB.out "$fastglmm" "${args[@]}" -B "$B" >/dev/null
t1=$(cat /tmp/t1.out); read -r tB kb < /tmp/tB.out
fg=$(python3 -c "print(($tB - $t1) / ($B - 1))")
echo "fastglmm: B = $B in $tB s (peak $((kb / 1024)) MB), B = 1 in $t1 s: $(python3 -c "print(round($fg * 1000, 3))") ms per replicate"
tmb=$(Rscript -e "suppressMessages(library(glmmTMB)); data(Owls)
  m <- glmmTMB(SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest), Owls, family = poisson, ziformula = ~1)
  set.seed(1); sims <- simulate(m, nsim = $R)
  t0 <- proc.time(); for (k in seq_len($R)) r <- refit(m, sims[[k]]); cat((proc.time() - t0)[3] / $R)")
echo "glmmTMB: $(python3 -c "print(round($tmb * 1000, 1))") ms per replicate (refit loop of $R)"
echo "ratio: $(python3 -c "print(round($tmb / $fg, 1))")x per replicate"
