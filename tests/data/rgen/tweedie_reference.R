# Generates tests/data/extra/tweedie_sim.csv (a compound Poisson-Gamma draw) and prints the glmmTMB references pinned in
# tests/FastGlmm.Tests/Fitting/BetaFamilyTests.cs (R 4.2.2, glmmTMB 1.1.5).
suppressMessages(library(glmmTMB))
set.seed(5); n <- 500; G <- 30
g <- sample.int(G, n, TRUE); x <- rnorm(n); b <- rnorm(G, 0, 0.5)
mu <- exp(0.4 + 0.5 * x + b[g]); p <- 1.6; phi <- 1.3
lam <- mu^(2 - p) / (phi * (2 - p)); shape <- (2 - p) / (p - 1); scale <- phi * (p - 1) * mu^(p - 1)
N <- rpois(n, lam); y <- sapply(seq_len(n), function(i) if (N[i] == 0) 0 else sum(rgamma(N[i], shape = shape, scale = scale[i])))
d <- data.frame(y = y, x = x, g = paste0("g", g)); write.csv(d, "tests/data/extra/tweedie_sim.csv", row.names = FALSE)
for (f in list(y ~ x + (1 | g), y ~ x)) {
  m <- glmmTMB(f, d, family = tweedie())
  cat(sprintf("logLik %.10f beta %s se %s sigma %.10g power %.10g\n", logLik(m), paste(sprintf("%.10g", fixef(m)$cond), collapse = ", "),
    paste(sprintf("%.10g", sqrt(diag(vcov(m)$cond))), collapse = ", "), sigma(m), family_params(m)))
  if (length(VarCorr(m)$cond)) print(sqrt(VarCorr(m)$cond$g[1]), digits = 10)
}
