# lme4 1.1-31 Laplace fits (glmer, nAGQ = 1) with the links added after the engine reference: binomial cauchit (cbpp),
# poisson sqrt (epil), and poisson identity and Gamma identity on a simulated data set whose means stay far from 0
# (written to tests/data/extra/identity_links_sim.csv), and gaussian log and inverse GLMMs (a simulated set written to
# tests/data/extra/gaussian_links_sim.csv, and sleepstudy), and inverse.gaussian with the log and 1/mu^2 links
# (tests/data/extra/inverse_gaussian_sim.csv). The inverse Gaussian GLMs without random effects are in glm_ig. Writes tests/data/links_reference.json with each
# fit's logLik, fixed effects, theta, sigma, singularity and convergence messages, and logLik_converged: −½ lme4's
# Laplace devfun at its optimum with PIRLS iterated to convergence (lp0 warm-started at the previous linear predictor,
# tolPwrss = 1e-10, until the value repeats), since its own PIRLS stops at 1e-7 (see engine_reference.R).
# Usage (repository root): Rscript tests/data/rgen/links_reference.R
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
read_data <- function(dir, name) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  lv <- fromJSON(file.path(dir, paste0(name, ".levels.json")))$factor_levels
  for (v in names(lv)) d[[v]] <- factor(as.character(d[[v]]), levels = lv[[v]])
  d
}
set.seed(20261207)
ng <- 30; per <- 20
g <- factor(sprintf("g%02d", rep(seq_len(ng), each = per)))
x <- round(runif(ng * per), 4)
count <- rpois(ng * per, 25 + 8 * x + rnorm(ng, 0, 3)[as.integer(g)])
size <- round(rgamma(ng * per, shape = 4, scale = (10 + 3 * x + rnorm(ng, 0, 1.5)[as.integer(g)]) / 4), 5)
sim <- data.frame(g, x, count, size)
write.csv(sim, "tests/data/extra/identity_links_sim.csv", row.names = FALSE)
## Gaussian GLMMs (log and inverse links), simulated after the identity-link data so that those stay as they were;
## written to tests/data/extra/gaussian_links_sim.csv.
gx <- round(runif(ng * per), 4)
b1 <- rnorm(ng, 0, 0.3); b2 <- rnorm(ng, 0, 0.05)
ylog <- round(exp(1 + 0.8 * gx + b1[as.integer(g)]) + rnorm(ng * per, 0, 0.5), 5)
yinv <- round(1 / (0.5 + 0.3 * gx + b2[as.integer(g)]) + rnorm(ng * per, 0, 0.1), 5)
gsim <- data.frame(g, x = gx, ylog, yinv)
write.csv(gsim, "tests/data/extra/gaussian_links_sim.csv", row.names = FALSE)
## Inverse Gaussian GLMMs: y with log mean 0.5 + 0.6x + b_g (SD(b) 0.25), and y2 with 1/μ² = 0.5 + 0.3x + c_g (SD(c) 0.05,
## the canonical 1/mu^2 link), both with dispersion φ = 0.2 (shape 1/φ), drawn by Michael, Schucany & Haas (1976);
## written to tests/data/extra/inverse_gaussian_sim.csv.
rig <- function(mu, lambda) {
  v <- rnorm(length(mu))^2
  x <- mu + mu^2 * v / (2 * lambda) - mu / (2 * lambda) * sqrt(4 * mu * lambda * v + mu^2 * v^2)
  ifelse(runif(length(mu)) <= mu / (mu + x), x, mu^2 / x)
}
ix <- round(runif(ng * per), 4)
c1 <- rnorm(ng, 0, 0.25); c2 <- rnorm(ng, 0, 0.05)
iy <- round(rig(exp(0.5 + 0.6 * ix + c1[as.integer(g)]), 1 / 0.2), 6)
iy2 <- round(rig(1 / sqrt(0.5 + 0.3 * ix + c2[as.integer(g)]), 1 / 0.2), 6)
isim <- data.frame(g, x = ix, y = iy, y2 = iy2)
write.csv(isim, "tests/data/extra/inverse_gaussian_sim.csv", row.names = FALSE)
builtin <- "src/FastGlmm/Datasets/data"
cases <- list(
  list(id = "cbpp_cauchit", dataset = "cbpp.csv", dataset_dir = builtin, data = read_data(builtin, "cbpp"),
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)", family = binomial(link = "cauchit"),
       family_text = "binomial(cauchit)"),
  list(id = "epil_sqrt", dataset = "epil.csv", dataset_dir = builtin, data = read_data(builtin, "epil"),
       formula = "y ~ lbase * trt + lage + V4 + (1 | subject)", family = poisson(link = "sqrt"),
       family_text = "poisson(sqrt)"),
  list(id = "sim_poisson_identity", dataset = "identity_links_sim.csv", dataset_dir = "tests/data/extra", data = sim,
       formula = "count ~ x + (1 | g)", family = poisson(link = "identity"), family_text = "poisson(identity)"),
  list(id = "sim_gamma_identity", dataset = "identity_links_sim.csv", dataset_dir = "tests/data/extra", data = sim,
       formula = "size ~ x + (1 | g)", family = Gamma(link = "identity"), family_text = "Gamma(identity)"),
  list(id = "sim_gaussian_log", dataset = "gaussian_links_sim.csv", dataset_dir = "tests/data/extra", data = gsim,
       formula = "ylog ~ x + (1 | g)", family = gaussian(link = "log"), family_text = "gaussian(log)"),
  list(id = "sim_gaussian_inverse", dataset = "gaussian_links_sim.csv", dataset_dir = "tests/data/extra", data = gsim,
       formula = "yinv ~ x + (1 | g)", family = gaussian(link = "inverse"), family_text = "gaussian(inverse)"),
  list(id = "sleepstudy_gaussian_log", dataset = "sleepstudy.csv", dataset_dir = builtin, data = read_data(builtin, "sleepstudy"),
       formula = "Reaction ~ Days + (1 | Subject)", family = gaussian(link = "log"), family_text = "gaussian(log)"),
  list(id = "sim_inverse_gaussian_log", dataset = "inverse_gaussian_sim.csv", dataset_dir = "tests/data/extra", data = isim,
       formula = "y ~ x + (1 | g)", family = inverse.gaussian(link = "log"), family_text = "inverse.gaussian(log)"),
  list(id = "sim_inverse_gaussian_canonical", dataset = "inverse_gaussian_sim.csv", dataset_dir = "tests/data/extra", data = isim,
       formula = "y2 ~ x + (1 | g)", family = inverse.gaussian(), family_text = "inverse.gaussian"),
  list(id = "sleepstudy_gamma_inverse", dataset = "sleepstudy.csv", dataset_dir = builtin, data = read_data(builtin, "sleepstudy"),
       formula = "Reaction ~ Days + (1 | Subject)", family = Gamma(), family_text = "Gamma"))
out <- lapply(cases, function(cs) {
  m <- glmer(as.formula(cs$formula), cs$data, family = cs$family)
  dd <- glmer(as.formula(cs$formula), cs$data, family = cs$family, devFunOnly = TRUE)
  env <- environment(dd)
  base_off <- if (exists("baseOffset", envir = env, inherits = FALSE)) env$baseOffset else env$resp$offset
  env$lp0 <- as.numeric(m@resp$eta - base_off)
  env$tolPwrss <- 1e-10
  vals <- numeric(0)
  for (k in 1:30) {
    if (k > 1) env$lp0 <- as.numeric(env$resp$eta - base_off)
    vals <- c(vals, dd(c(getME(m, "theta"), fixef(m))))
    if (k >= 3 && abs(vals[k] - vals[k - 1]) < 1e-10 && abs(vals[k - 1] - vals[k - 2]) < 1e-10) break
  }
  list(id = cs$id, dataset = cs$dataset, dataset_dir = cs$dataset_dir, formula = cs$formula, family = cs$family_text,
       logLik = as.numeric(logLik(m)), logLik_converged = -vals[length(vals)] / 2, beta = as.list(fixef(m)), theta = unname(getME(m, "theta")), sigma = sigma(m),
       se = unname(sqrt(diag(as.matrix(vcov(m))))), varcorr_sd = unname(as.data.frame(VarCorr(m))$sdcor),
       isSingular = isSingular(m), lme4_conv_messages = I(as.character(unlist(m@optinfo$conv$lme4$messages))))
})
## The same responses without random effects (R's glm): logLik, coefficients, Pearson dispersion (summary.glm).
glm_ig <- lapply(list(list(id = "glm_inverse_gaussian_log", formula = "y ~ x", family = inverse.gaussian(link = "log"), family_text = "inverse.gaussian(log)"),
                      list(id = "glm_inverse_gaussian_canonical", formula = "y2 ~ x", family = inverse.gaussian(), family_text = "inverse.gaussian")),
  function(cs) {
    m <- glm(as.formula(cs$formula), data = isim, family = cs$family)
    list(id = cs$id, dataset = "inverse_gaussian_sim.csv", dataset_dir = "tests/data/extra", formula = cs$formula, family = cs$family_text,
         logLik = as.numeric(logLik(m)), beta = as.list(coef(m)), se = unname(sqrt(diag(vcov(m)))), dispersion = summary(m)$dispersion)
  })
writeLines(toJSON(list(lme4 = as.character(packageVersion("lme4")), cases = out, glm_ig = glm_ig), digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/data/links_reference.json")
