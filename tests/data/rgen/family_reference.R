## family_reference.R -- R/lme4 reference values for FastGlmm's families, links and
## log-gamma (src/FastGlmm/Families).
##
## Writes tests/data/family_reference.json (path overridable as the first argument) with:
##  * links: for each link, an eta grid with R's family linkinv / mu.eta and lme4's C++
##    glmFamily linkInv / muEta (the clamped versions glmer actually uses), plus a mu grid
##    with R's linkfun and a numerically stable reference linkfun (log1p for cloglog);
##  * families: for each family, cases (y, mu, wt[, dispersion]) with R's variance and
##    dev.resids, lme4's C++ variance and devResid, and the log density lme4's aic() uses:
##      binomial  (wt/m) * dbinom(round(wt*y), m = round(wt), mu, log = TRUE)
##      poisson   wt * dpois(y, mu, log = TRUE)
##      Gamma     wt * dgamma(y, shape = 1/disp, scale = mu*disp, log = TRUE)
##      gaussian  dnorm(y, mu, sd = sqrt(sigma2/wt), log = TRUE)
##    and R's family$initialize starting values;
##  * binomial_variance_clamp: R's unclamped mu(1-mu) next to lme4's max(mu(1-mu), eps);
##  * aic: whole-vector lme4 glmFamily$aic() values, to check sum(-2 log density);
##  * lgamma, lchoose, pnorm, dnorm, qnorm reference values.
## Every number is written with sprintf("%.17g") as a string ("Inf", "-Inf", "NaN" for
## non-finite values), so that it round-trips exactly.
##
## Run from the repository root (R with lme4 and jsonlite):
##   Rscript tests/data/rgen/family_reference.R [OUT_JSON]

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/family_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else file.path(repo_root, "tests", "data", "family_reference.json")

num <- function(x) sprintf("%.17g", as.numeric(x))
eps <- .Machine$double.eps

## ---- links ----------------------------------------------------------------
eta_grid <- c(-1e4, -745, -700, -40, -38, -37, -35, -30, -20, -8.5, -8.2, -8, -5, -1, -0.3,
              -1e-8, 0, 1e-8, 0.3, 1, 5, 8, 8.2, 8.5, 20, 30, 35, 37, 38, 40, 700, 709, 1e4)
mu_grid01 <- c(1e-300, 1e-100, 1e-16, eps, 1e-12, 1e-8, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99,
               1 - 1e-8, 1 - 1e-12, 1 - eps)
mu_grid_pos <- c(1e-300, 1e-16, eps, 1e-8, 0.01, 0.5, 1, 2, 10, 1e4, 1e100, 1e300)

stable_linkfun <- list(
  identity = function(mu) mu,
  log      = function(mu) log(mu),
  logit    = function(mu) log(mu) - log1p(-mu),
  probit   = function(mu) qnorm(mu),
  cloglog  = function(mu) log(-log1p(-mu)),
  inverse  = function(mu) 1 / mu,
  sqrt     = function(mu) sqrt(mu),
  cauchit  = function(mu) qcauchy(mu))

link_family <- list(identity = gaussian(), log = poisson(), logit = binomial(),
                    probit = binomial(link = "probit"), cloglog = binomial(link = "cloglog"),
                    inverse = Gamma(), sqrt = poisson(link = "sqrt"), cauchit = binomial(link = "cauchit"))

links <- list()
for (ln in names(link_family)) {
  fam <- link_family[[ln]]
  gf <- glmFamily$new(family = fam)
  eta <- if (ln == "inverse") eta_grid[eta_grid != 0] else eta_grid
  mu <- if (ln %in% c("logit", "probit", "cloglog", "cauchit")) mu_grid01 else mu_grid_pos
  links[[ln]] <- list(
    eta = num(eta),
    r_linkinv = num(fam$linkinv(eta)),
    r_mu_eta = num(fam$mu.eta(eta)),
    lme4_linkinv = num(gf$linkInv(eta)),
    lme4_mu_eta = num(gf$muEta(eta)),
    mu = num(mu),
    r_linkfun = num(suppressWarnings(fam$linkfun(mu))),
    stable_linkfun = num(stable_linkfun[[ln]](mu)))
}

## ---- families ---------------------------------------------------------------
cases <- function(...) { g <- expand.grid(..., KEEP.OUT.ATTRS = FALSE, stringsAsFactors = FALSE); g }

## binomial: y is the proportion, wt the trials
bin <- rbind(
  cases(y = c(0, 1), wt = 1, mu = c(eps, 1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-10, 1 - eps)),
  cases(y = c(0, 0.3, 0.7, 1), wt = 10, mu = c(eps, 1e-6, 0.2, 0.3, 0.65, 1 - 1e-6, 1 - eps)),
  cases(y = c(7 / 13), wt = 13, mu = c(0.01, 0.5, 7 / 13, 0.99)),
  cases(y = c(0.5), wt = 2, mu = c(0.25, 0.5, 0.75)),
  cases(y = c(0, 0.2, 0.25, 0.9, 1), wt = 1000, mu = c(1e-5, 0.2, 0.25, 0.9)),
  cases(y = c(0.37), wt = 1e6, mu = c(0.3, 0.37, 0.4)))
bf <- binomial(); bg <- glmFamily$new(family = bf)
bin_m <- round(bin$wt)
bin_ld <- ifelse(bin_m <= 0, 0, (bin$wt / bin_m) * dbinom(round(bin$wt * bin$y), bin_m, bin$mu, log = TRUE))
binomial_ref <- list(y = num(bin$y), mu = num(bin$mu), wt = num(bin$wt),
  r_variance = num(bf$variance(bin$mu)), lme4_variance = num(bg$variance(bin$mu)),
  r_dev_resids = num(bf$dev.resids(bin$y, bin$mu, bin$wt)),
  lme4_dev_resids = num(bg$devResid(bin$y, bin$mu, bin$wt)),
  log_density = num(bin_ld))

## lme4 clamps the binomial variance at eps; R's binomial()$variance does not
clamp_mu <- c(0, 1e-20, 1e-17, 0.5, 1 - 1e-17, 1)
binomial_variance_clamp <- list(mu = num(clamp_mu), r = num(bf$variance(clamp_mu)), lme4 = num(bg$variance(clamp_mu)))

## poisson
poi <- rbind(
  cases(y = c(0, 1, 2, 5, 17, 100, 1000), wt = 1, mu = c(eps, 1e-10, 0.1, 1, 4.5, 100, 1e6)),
  cases(y = c(0, 3, 40), wt = c(2.5, 0.25), mu = c(0.5, 3, 42)))
pf <- poisson(); pg <- glmFamily$new(family = pf)
poisson_ref <- list(y = num(poi$y), mu = num(poi$mu), wt = num(poi$wt),
  r_variance = num(pf$variance(poi$mu)), lme4_variance = num(pg$variance(poi$mu)),
  r_dev_resids = num(pf$dev.resids(poi$y, poi$mu, poi$wt)),
  lme4_dev_resids = num(pg$devResid(poi$y, poi$mu, poi$wt)),
  log_density = num(poi$wt * dpois(poi$y, poi$mu, log = TRUE)))

## Gamma: dispersion phi, shape 1/phi, scale mu*phi
gam <- rbind(
  cases(y = c(1e-8, 0.1, 1, 3.7, 250), wt = 1, mu = c(1e-6, 0.5, 1, 4, 1000), dispersion = c(0.1, 1, 2.5)),
  cases(y = c(0.8, 2), wt = 3, mu = c(1, 2.2), dispersion = c(0.05, 0.7)))
gmf <- Gamma(); gmg <- glmFamily$new(family = gmf)
gamma_ref <- list(y = num(gam$y), mu = num(gam$mu), wt = num(gam$wt), dispersion = num(gam$dispersion),
  r_variance = num(gmf$variance(gam$mu)), lme4_variance = num(gmg$variance(gam$mu)),
  r_dev_resids = num(gmf$dev.resids(gam$y, gam$mu, gam$wt)),
  lme4_dev_resids = num(gmg$devResid(gam$y, gam$mu, gam$wt)),
  log_density = num(gam$wt * dgamma(gam$y, shape = 1 / gam$dispersion, scale = gam$mu * gam$dispersion, log = TRUE)))

## gaussian: residual variance sigma2; prior weights scale the variance (sigma2/wt)
gau <- cases(y = c(-3, 0, 0.5, 12.25), wt = c(1, 0.5, 4), mu = c(-2.5, 0, 1, 12), sigma2 = c(0.01, 1, 7.5))
gsf <- gaussian(); gsg <- glmFamily$new(family = gsf)
gaussian_ref <- list(y = num(gau$y), mu = num(gau$mu), wt = num(gau$wt), dispersion = num(gau$sigma2),
  r_variance = num(gsf$variance(gau$mu)), lme4_variance = num(gsg$variance(gau$mu)),
  r_dev_resids = num(gsf$dev.resids(gau$y, gau$mu, gau$wt)),
  lme4_dev_resids = num(gsg$devResid(gau$y, gau$mu, gau$wt)),
  log_density = num(dnorm(gau$y, gau$mu, sqrt(gau$sigma2 / gau$wt), log = TRUE)))

## family$initialize: mustart
init_mustart <- function(fam, y, w) {
  env <- new.env()
  env$y <- y; env$weights <- w; env$nobs <- length(y); env$etastart <- NULL; env$mustart <- NULL
  eval(fam$initialize, env)
  env$mustart
}
init_y <- list(binomial = c(0, 0.25, 0.5, 1, 0.3), poisson = c(0, 1, 7, 120, 3),
               Gamma = c(0.1, 1, 2.5, 40, 7), gaussian = c(-2, 0, 1.5, 9, 3))
init_w <- c(1, 4, 2, 1, 10)
initialize_ref <- list()
for (fn in names(init_y)) {
  fam <- switch(fn, binomial = binomial(), poisson = poisson(), Gamma = Gamma(), gaussian = gaussian())
  initialize_ref[[fn]] <- list(y = num(init_y[[fn]]), wt = num(init_w),
                               mustart = num(init_mustart(fam, init_y[[fn]], init_w)))
}

## lme4 aic() on whole vectors: checks sum(-2 * log density) (+2 for Gamma; gaussian uses sigma2 = dev/n)
aic_case <- function(fam, y, mu, wt) {
  gf <- glmFamily$new(family = fam)
  dev <- sum(gf$devResid(y, mu, wt))
  list(y = num(y), mu = num(mu), wt = num(wt), dev = num(dev), aic = num(gf$aic(y, rep(1, length(y)), mu, wt, dev)))
}
aic_ref <- list(
  binomial = aic_case(binomial(), c(0, 0.3, 1, 0.5, 0.8), c(0.2, 0.35, 0.9, 0.5, 0.6), c(1, 10, 3, 2, 5)),
  poisson = aic_case(poisson(), c(0, 3, 10, 1, 25), c(0.7, 2.5, 11, 1.2, 20), c(1, 1, 2, 1, 0.5)),
  Gamma = aic_case(Gamma(), c(0.5, 1.2, 3, 0.9, 7), c(0.6, 1, 2.5, 1.1, 6), c(1, 2, 1, 1, 3)),
  gaussian = aic_case(gaussian(), c(-1, 0.3, 2, 4.5, 1), c(-0.5, 0.5, 1.5, 4, 0), c(1, 2, 1, 0.5, 3)))

## ---- special functions ------------------------------------------------------
## R's lgamma is accurate to about 1e-15 relative away from its roots at 1 and 2, where
## log(gamma(x)) loses relative accuracy; points near the roots are therefore not included.
lg_x <- c(0.5, 1, 1.5, 2, 10, 100.5, 1e6, 1e-300, 1e-8, 0.1, 0.75, 2.5, 3.7, 7.25, 9.99, 10.01, 15,
          30.3, 171.5, 1000.25, 1e10, 1e15, 1e100, -0.5, -2.5, -10.3, -100.7)
lgamma_ref <- list(x = num(lg_x), value = num(lgamma(lg_x)))
lc <- rbind(c(5, 2), c(10, 0), c(10, 1), c(10, 10), c(50, 25), c(100, 3), c(1000, 500), c(1e6, 7),
            c(1e6, 12345), c(1e9, 31), c(170, 85), c(40, 35))
lchoose_ref <- list(n = num(lc[, 1]), k = num(lc[, 2]), value = num(lchoose(lc[, 1], lc[, 2])))
lfact_x <- c(0, 1, 2, 3, 10, 20, 170, 1000, 123456)
lfactorial_ref <- list(x = num(lfact_x), value = num(lfactorial(lfact_x)))
nx <- c(-40, -38, -37.5, -30, -20, -10, -8.3, -5.7, -5, -3, -1, -0.66, -0.5, -1e-10, 0, 1e-10, 0.5,
        0.66, 0.7, 1, 2.5, 5, 5.66, 5.7, 8, 8.29, 10, 38)
normal_ref <- list(x = num(nx), pnorm = num(pnorm(nx)), dnorm = num(dnorm(nx)))
qp <- c(1e-300, 1e-100, 1e-20, eps, 1e-10, 1e-5, 0.001, 0.0228, 0.07, 0.075, 0.2, 0.5, 0.6, 0.9, 0.925,
        0.999, 1 - 1e-10, 1 - eps)
qnorm_ref <- list(p = num(qp), value = num(qnorm(qp)))

out <- list(
  generated_by = "tests/data/rgen/family_reference.R",
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  date = format(Sys.Date()),
  double_eps = num(eps),
  links = links,
  families = list(binomial = binomial_ref, poisson = poisson_ref, Gamma = gamma_ref, gaussian = gaussian_ref),
  binomial_variance_clamp = binomial_variance_clamp,
  initialize = initialize_ref,
  aic = aic_ref,
  lgamma = lgamma_ref,
  lchoose = lchoose_ref,
  lfactorial = lfactorial_ref,
  normal = normal_ref,
  qnorm = qnorm_ref)

writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE), out_json)
cat("wrote", out_json, "\n")
