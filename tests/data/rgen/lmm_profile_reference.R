## lmm_profile_reference.R -- lme4 reference numbers for FastGlmm's profile-likelihood
## confidence intervals of linear mixed models.
##
## What it produces (tests/data/lmm_profile_reference.json), for each model below:
##   * the exact R call of the fit and of the intervals:
##       confint(fm, method = "profile", oldNames = TRUE)      (lme4's default confint)
##     its rows (.sig01, ..., .sigma, then the fixed effects) with the 2.5 % and 97.5 % limits,
##     and the same rows' names under oldNames = FALSE (sd_(Intercept)|Subject, cor_..., sigma);
##   * the ML refit that lme4's profile works on (devfun2 calls refitML(fm), so a REML fit is
##     profiled on the ML deviance about the ML estimates): its deviance, its estimates on the
##     profile's scale (Cv_to_Sv(theta, s = sigma): SDs and correlations per term, then sigma,
##     then the fixed effects) and theta;
##   * a fine-grid version of the same intervals,
##       confint(profile(fm, signames = TRUE, delta.cutoff = 1/32, maxpts = 400))
##     (four times as many profile points as the default delta.cutoff = 1/8): lme4 reads its limits
##     off an interpolating spline through the profile points, so the difference between the two
##     tables measures lme4's own interpolation error.
##
## Models (data from src/FastGlmm/Datasets/data, lme4's sleepstudy and Penicillin):
##   sleepstudy_slope_reml  lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
##   sleepstudy_slope_ml    lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE)
##   sleepstudy_int_ml      lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE)
##   penicillin_reml        lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)
##   cbpp_singular_reml     lmer(incidence ~ period + (1 | herd), cbpp)   (a singular fit: herd SD 0)
##   sleepstudy_quadratic_reml  lmer(Reaction ~ Days + (Days + I(Days^2) | Subject), sleepstudy)  (a three-column
##                          term; lme4 warns that the fit did not converge, max|grad| 0.026)
## For the two models with one scalar random effect, "exact_limits" holds .sig01 and .sigma limits solved
## without lme4's profile(): nested optimize() and uniroot() on devfun2 (see exact_scalar_limits below); for the
## three-column term, the limits of its three correlations (exact_correlation_limits; about five minutes).
##
## How to run (from anywhere; about six minutes):
##   Rscript tests/data/rgen/lmm_profile_reference.R [OUT_JSON]
## Versions used for the committed JSON: R 4.2.2, lme4 1.1-31, jsonlite (recorded in the JSON).
## JSON: jsonlite::write_json(auto_unbox = TRUE, digits = NA, pretty = TRUE).

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/lmm_profile_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else
  file.path(repo_root, "tests", "data", "lmm_profile_reference.json")

load_dataset <- function(name, dir = "src/FastGlmm/Datasets/data") {
  d <- read.csv(file.path(repo_root, dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  lv <- fromJSON(file.path(repo_root, dir, paste0(name, ".levels.json")), simplifyVector = TRUE)
  fl <- lv$factor_levels
  for (col in names(fl)) d[[col]] <- factor(as.character(d[[col]]), levels = as.character(fl[[col]]))
  for (col in names(d)) {
    if (is.character(d[[col]])) d[[col]] <- factor(d[[col]], levels = sort(unique(d[[col]]), method = "radix"))
  }
  d
}
sleepstudy <- load_dataset("sleepstudy")
Penicillin <- load_dataset("penicillin")

rows_of <- function(ci) {
  lapply(seq_len(nrow(ci)), function(i) list(name = rownames(ci)[i], lower = unname(ci[i, 1]), upper = unname(ci[i, 2])))
}

one_model <- function(id, dataset, formula, call_text) {
  fm <- eval(parse(text = call_text))
  ci_call <- "confint(fm, method = \"profile\", oldNames = TRUE)"
  t0 <- proc.time()[["elapsed"]]
  ci <- suppressMessages(confint(fm, method = "profile", oldNames = TRUE))
  secs <- proc.time()[["elapsed"]] - t0
  ci_new <- suppressMessages(confint(fm, method = "profile", oldNames = FALSE))
  fine_call <- "confint(profile(fm, signames = TRUE, delta.cutoff = 1/32, maxpts = 400))"
  fine <- confint(profile(fm, signames = TRUE, delta.cutoff = 1/32, maxpts = 400))
  ml <- refitML(fm)
  nvec <- lengths(ml@cnms)
  est <- c(lme4:::Cv_to_Sv(getME(ml, "theta"), n = nvec, s = sigma(ml)), fixef(ml))
  names(est) <- rownames(ci)
  list(
    id = id,
    dataset = dataset,
    formula = formula,
    fit_call = call_text,
    confint_call = ci_call,
    reml = isREML(fm),
    level = 0.95,
    intervals = rows_of(ci),
    names_old_false = rownames(ci_new),
    confint_seconds = secs,
    ml_refit = list(
      deviance = unname(deviance(ml)),
      theta = unname(getME(ml, "theta")),
      estimates = as.list(est)
    ),
    fine_grid_call = fine_call,
    fine_grid_intervals = rows_of(fine)
  )
}

## Exact limits for a model with one scalar random effect (.sig01 and .sigma only), independent of lme4's
## profile(): zeta(c) = sqrt(min over the other variance parameter of devfun2 - basedev), the minimum by
## optimize() (and the boundary sd = 0 checked explicitly), the root of zeta(c) = +-qnorm(0.975) by uniroot().
exact_scalar_limits <- function(fm) {
  dd <- lme4:::devfun2(fm, useSc = TRUE, signames = TRUE,
                       transfuns = list(from.chol = lme4:::Cv_to_Sv, to.chol = lme4:::Sv_to_Cv, to.sd = identity))
  base <- attr(dd, "basedev"); opt <- attr(dd, "optimum")
  z <- qnorm(0.975)
  prof_sigma <- function(s) {
    o <- optimize(function(sd) dd(c(sd, s)), c(0, 20 * opt[[2]]), tol = 1e-12)
    min(o$objective, dd(c(0, s))) - base
  }
  prof_sd <- function(sd) optimize(function(s) dd(c(sd, s)), c(opt[[2]] / 10, opt[[2]] * 10), tol = 1e-12)$objective - base
  root <- function(f, a, b) uniroot(function(x) sqrt(max(0, f(x))) - z, c(a, b), tol = 1e-13)$root
  sd_hat <- opt[[1]]; s_hat <- opt[[2]]
  sd_lower <- if (prof_sd(0) < z^2) 0 else root(prof_sd, 0, sd_hat)
  list(
    call = "uniroot(sqrt(min_other devfun2(fm) - basedev) - qnorm(0.975)), the minimum by optimize(tol = 1e-12)",
    basedev = base,
    .sig01 = c(sd_lower, root(prof_sd, sd_hat, 10 * s_hat + 10 * sd_hat)),
    .sigma = c(root(prof_sigma, s_hat / 5, s_hat), root(prof_sigma, s_hat, 5 * s_hat))
  )
}
cbpp <- load_dataset("cbpp")

## Exact limits of the correlations of a model with a three-column term, independent of lme4's profile():
## zeta(c) = sqrt(min over the other six variance parameters of devfun2 - D0), the minimum by minqa::bobyqa
## (rhoend = 1e-9) from the ML optimum and from three perturbed starts (a point with an infeasible correlation
## matrix counts as 1e10), D0 the minimum of devfun2 over all seven (bobyqa from lme4's optimum; lme4's fit
## stops with max|grad| 0.026), and the root of zeta(c) = +-qnorm(0.975) by uniroot(tol = 1e-10).
exact_correlation_limits <- function(fm, which) {
  dd <- lme4:::devfun2(fm, useSc = TRUE, signames = TRUE,
                       transfuns = list(from.chol = lme4:::Cv_to_Sv, to.chol = lme4:::Sv_to_Cv, to.sd = identity))
  opt0 <- attr(dd, "optimum"); nv <- length(opt0) - length(fixef(fm)); opt0 <- opt0[seq_len(nv)]
  iscor <- c(FALSE, TRUE, TRUE, FALSE, TRUE, FALSE, FALSE)
  lo <- ifelse(iscor, -1, 0); up <- ifelse(iscor, 1, Inf)
  safe <- function(p) { v <- tryCatch(suppressWarnings(dd(p)), error = function(e) 1e10); if (is.finite(v)) v else 1e10 }
  full <- minqa::bobyqa(opt0, safe, lower = lo, upper = up, control = list(rhoend = 1e-9))
  d0 <- full$fval; opt <- full$par
  z <- qnorm(0.975)
  prof <- function(w, c) {
    best <- Inf; set.seed(1)
    for (k in 1:4) {
      st <- opt[-w]; ic <- iscor[-w]
      if (k > 1) { st[!ic] <- st[!ic] * exp(rnorm(sum(!ic), 0, 0.2)); st[ic] <- st[ic] * runif(sum(ic), 0.5, 1) }
      f <- function(x) { p <- numeric(nv); p[w] <- c; p[-w] <- x; safe(p) }
      if (f(st) >= 1e10) st[ic] <- st[ic] / 2
      if (f(st) >= 1e10) next
      best <- min(best, minqa::bobyqa(st, f, lower = lo[-w], upper = up[-w], control = list(rhoend = 1e-9))$fval)
    }
    best - d0
  }
  zeta <- function(w, c) sign(c - opt[w]) * sqrt(max(0, prof(w, c)))
  out <- list(call = "uniroot(zeta(c) -+ qnorm(0.975), tol = 1e-10); zeta from devfun2 minimized by minqa::bobyqa (rhoend 1e-9, 4 starts)",
              ml_deviance = d0)
  for (w in which) {
    nm <- sprintf(".sig%02d", w)
    out[[nm]] <- c(uniroot(function(c) zeta(w, c) + z, c(-0.9999, opt[w]), tol = 1e-10)$root,
                   uniroot(function(c) zeta(w, c) - z, c(opt[w], 0.9999), tol = 1e-10)$root)
  }
  out
}

models <- list(
  one_model("sleepstudy_slope_reml", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)"),
  one_model("sleepstudy_slope_ml", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE)"),
  one_model("sleepstudy_int_ml", "sleepstudy.csv", "Reaction ~ Days + (1 | Subject)", "lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE)"),
  one_model("penicillin_reml", "penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)", "lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)"),
  one_model("cbpp_singular_reml", "cbpp.csv", "incidence ~ period + (1 | herd)", "lmer(incidence ~ period + (1 | herd), cbpp)"),
  one_model("sleepstudy_quadratic_reml", "sleepstudy.csv", "Reaction ~ Days + (Days + I(Days^2) | Subject)",
            "lmer(Reaction ~ Days + (Days + I(Days^2) | Subject), sleepstudy)")
)
models[[6]]$exact_limits <- exact_correlation_limits(
  refitML(suppressWarnings(lmer(Reaction ~ Days + (Days + I(Days^2) | Subject), sleepstudy))), c(2, 3, 5))
## The singular fit (herd SD 0): lme4's profile of .sigma keeps .sig01 at its start near 0, so its lower .sigma
## limit is not a root of the profile; the exact limits show by how much. sleepstudy_int_ml is the check
## that the exact computation agrees with lme4's profile where that is well behaved.
models[[3]]$exact_limits <- exact_scalar_limits(lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE))
models[[5]]$exact_limits <- exact_scalar_limits(refitML(lmer(incidence ~ period + (1 | herd), cbpp)))

res <- list(
  generator = "tests/data/rgen/lmm_profile_reference.R",
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  notes = c("lme4's profile (devfun2) refits a REML fit by ML (refitML) and profiles the ML deviance: the",
            "intervals of a REML fit are those of the ML fit, up to the optimizer's end point.",
            "Limits are read off lme4's interpolating spline of the signed root deviance (zeta) against",
            "each parameter; fine_grid_intervals use 4x as many profile points (see the header)."),
  models = models
)
write_json(res, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("wrote", out_json, "\n")
