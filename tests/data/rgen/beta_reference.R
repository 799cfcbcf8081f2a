# Generates tests/data/extra/beta_sim.csv and prints the glmmTMB references pinned in
# tests/FastGlmm.Tests/Fitting/BetaFamilyTests.cs (R 4.2.2, glmmTMB 1.1.5).
suppressMessages(library(glmmTMB))
set.seed(11); n <- 400; G <- 25
g <- sample.int(G, n, TRUE); x <- runif(n, -1, 1); b <- rnorm(G, 0, 0.4)
mu <- plogis(-0.3 + 0.8 * x + b[g]); phi <- 12
y <- rbeta(n, mu * phi, (1 - mu) * phi)
d <- data.frame(y = y, x = x, g = paste0("g", g), w = rep(1:2, length.out = n))
write.csv(d, "tests/data/extra/beta_sim.csv", row.names = FALSE)
show <- function(name, m) cat(sprintf("== %s\n  logLik %.10f\n  beta %s\n  se %s\n  sigma %.10g\n", name, logLik(m),
  paste(sprintf("%.10g", fixef(m)$cond), collapse = ", "), paste(sprintf("%.10g", sqrt(diag(vcov(m)$cond))), collapse = ", "), sigma(m)))
show("random intercept", m <- glmmTMB(y ~ x + (1 | g), d, family = beta_family())); print(sqrt(VarCorr(m)$cond$g[1]), digits = 10)
show("weights", m <- glmmTMB(y ~ x + (1 | g), d, family = beta_family(), weights = w)); print(sqrt(VarCorr(m)$cond$g[1]), digits = 10)
show("no random effects", glmmTMB(y ~ x, d, family = beta_family()))
