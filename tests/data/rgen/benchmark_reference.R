# Produces tests/data/benchmark_reference.json's numbers. The CSVs are the benchmark's synthetic data
# (SyntheticData.Generate(200000, 2000, SyntheticResponse.Binary, seed: 20261121) and the same with
# sdSlope: 0.5), written with columns y, x, g and round-trip doubles.
suppressMessages(library(lme4))
for (m in c("intercept", "agq10", "slope")) {
  d <- read.csv(if (m == "slope") "bench_slope.csv" else "bench_intercept.csv")
  d$g <- factor(d$g)
  f <- if (m == "slope") y ~ x + (1 + x | g) else y ~ x + (1 | g)
  t <- system.time(fit <- glmer(f, d, binomial, nAGQ = if (m == "agq10") 10 else 1))[["elapsed"]]
  cat(m, "seconds", t, "logLik", format(as.numeric(logLik(fit)), digits = 12), "\n")
}
