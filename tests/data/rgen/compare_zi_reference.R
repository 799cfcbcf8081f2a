# glmmTMB 1.1.5's anova() of models with and without a zero-inflation formula on tests/data/extra/structured_sim.csv's
# count column: poisson (1 | id) against the same with ziformula = ~1, and nbinom2 (1 | id) against ziformula = ~x.
# Prints each pair's logLiks, χ² and p-value; CompareCommandTests pins them.
# Usage (repository root): Rscript tests/data/rgen/compare_zi_reference.R
suppressPackageStartupMessages(library(glmmTMB))
d <- read.csv("tests/data/extra/structured_sim.csv")
pair <- function(family, zi) {
  m0 <- glmmTMB(cnt ~ x + (1 | id), d, family = family)
  m1 <- glmmTMB(cnt ~ x + (1 | id), d, family = family, ziformula = zi)
  a <- anova(m0, m1)
  cat(sprintf("%s %s: logLik %.6f %.6f, Chisq %.4f, Df %d, p %.4g\n", family, deparse(zi), logLik(m0), logLik(m1),
              a$Chisq[2], a[["Chi Df"]][2], a[["Pr(>Chisq)"]][2]))
}
pair("poisson", ~1)
pair("nbinom2", ~x)
