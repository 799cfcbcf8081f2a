# glmmTMB 1.1.5 fits with structured random-effect covariances (diag, cs, ar1) on a simulated longitudinal data set
# (40 ids × 4 time points × 3 replicates; written to tests/data/extra/structured_sim.csv): a gaussian response y (ML and
# REML), a binomial response k of 6 trials (Laplace; logit is canonical, so glmmTMB's and lme4's Laplace agree) and a
# negative binomial count cnt (nbinom2 and nbinom1, glmmTMB's observed-information Laplace). Writes
# tests/data/structured_reference.json with each fit's logLik, df, fixed effects and their standard errors, and per
# structured term its SDs and correlation ρ (cs: the common correlation; ar1: the lag-1 correlation), plus the
# residual SD of the gaussian fits (the dispersion, glmmTMB's sigma(), of the negative binomial ones). The diag fit is also checked against lme4's (1 + x || id), the same model.
# Usage (repository root): Rscript tests/data/rgen/structured_reference.R
suppressPackageStartupMessages({ library(glmmTMB); library(lme4); library(jsonlite) })
set.seed(20261208)
nid <- 40; nt <- 4; rep <- 3
id <- factor(sprintf("s%02d", rep(seq_len(nid), each = nt * rep)))
time <- factor(sprintf("t%d", rep(rep(seq_len(nt), each = rep), nid)))
x <- round(rnorm(nid * nt * rep), 4)
rho <- 0.6
S <- 1.2^2 * rho^abs(outer(1:nt, 1:nt, "-"))
b <- MASS::mvrnorm(nid, rep(0, nt), S)
slope <- rnorm(nid, 0, 0.4)
eta <- 0.5 + 0.7 * x + b[cbind(as.integer(id), as.integer(time))] + slope[as.integer(id)] * x
y <- round(eta + rnorm(length(eta), 0, 0.8), 5)
k <- rbinom(length(eta), 6, plogis(-0.3 + 0.7 * x + b[cbind(as.integer(id), as.integer(time))]))
# A count response, drawn after the others so that they stay as they were: negative binomial (size 3) with log mean
# 0.8 + 0.5x + the time-point effects scaled by 0.6.
cnt <- rnbinom(length(eta), size = 3, mu = exp(0.8 + 0.5 * x + 0.6 * b[cbind(as.integer(id), as.integer(time))]))
d <- data.frame(id, time, x, y, k, cnt)
write.csv(d, "tests/data/extra/structured_sim.csv", row.names = FALSE)
d <- read.csv("tests/data/extra/structured_sim.csv", stringsAsFactors = TRUE)

summarize <- function(name, formula, fit, family) {
  vc <- VarCorr(fit)$cond
  terms <- lapply(names(vc), function(g) {
    m <- vc[[g]]
    cr <- attr(m, "correlation")
    list(group = g, sd = unname(attr(m, "stddev")),
         rho = if (grepl(paste0("(cs|ar1)\\([^|]*\\| *", g), formula)) cr[2, 1] else NULL)
  })
  ll <- logLik(fit)
  list(name = name, formula = formula, family = family, reml = isTRUE(fit$modelInfo$REML),
       logLik = as.numeric(ll), df = attr(ll, "df"),
       beta = unname(fixef(fit)$cond), beta_se = unname(sqrt(diag(vcov(fit)$cond))),
       sigma = if (family %in% c("gaussian", "nbinom2", "nbinom1")) sigma(fit) else NULL,
       terms = terms, converged = fit$fit$convergence == 0 && isTRUE(fit$sdr$pdHess))
}
cases <- list(
  list("diag_ml", "y ~ x + diag(1 + x | id)", "gaussian", FALSE),
  list("cs_ml", "y ~ x + cs(0 + time | id)", "gaussian", FALSE),
  list("ar1_ml", "y ~ x + ar1(0 + time | id)", "gaussian", FALSE),
  list("cs_reml", "y ~ x + cs(0 + time | id)", "gaussian", TRUE),
  list("ar1_reml", "y ~ x + ar1(0 + time | id)", "gaussian", TRUE),
  list("cs_slope_ml", "y ~ x + cs(1 + x | id)", "gaussian", FALSE),
  list("diag_binomial", "cbind(k, 6 - k) ~ x + diag(1 + x | id)", "binomial", FALSE),
  list("cs_binomial", "cbind(k, 6 - k) ~ x + cs(0 + time | id)", "binomial", FALSE),
  list("ar1_binomial", "cbind(k, 6 - k) ~ x + ar1(0 + time | id)", "binomial", FALSE),
  list("ar1_nbinom2", "cnt ~ x + ar1(0 + time | id)", "nbinom2", FALSE),
  list("cs_nbinom1", "cnt ~ x + cs(0 + time | id)", "nbinom1", FALSE))
out <- lapply(cases, function(c) {
  fam <- switch(c[[3]], gaussian = gaussian(), binomial = binomial(), nbinom2 = nbinom2(), nbinom1 = nbinom1())
  fit <- glmmTMB(as.formula(c[[2]]), data = d, family = fam, REML = c[[4]])
  summarize(c[[1]], c[[2]], fit, c[[3]])
})
# The same diag model in lme4 (the double bar), as a cross-check of glmmTMB's optimum.
l4 <- lmer(y ~ x + (1 + x || id), d, REML = FALSE, control = lmerControl(optimizer = "bobyqa"))
check <- list(lme4_diag_ml_logLik = as.numeric(logLik(l4)), glmmTMB_diag_ml_logLik = out[[1]]$logLik)
print(check)
write(toJSON(list(generator = "glmmTMB 1.1.5, lme4 1.1-31", cases = out, lme4_check = check), auto_unbox = TRUE, digits = NA, pretty = TRUE,
             null = "null"), "tests/data/structured_reference.json")
