## profile_zeta_reference.R -- lme4's zeta profiles (the data behind xyplot(profile(fit))), for FastGlmm's
## profile plot and ProfileConfidence.Trace.
##
## What it produces (tests/data/profile_zeta_reference.json), per model: the rows of
##   as.data.frame(profile(fm, signames = TRUE))
## as (parameter, value, zeta): for each profiled parameter (.sig01, ..., .sigma for an LMM, then the fixed
## effects) the parameter's value and the signed square root of the deviance increase, zeta, at every point
## lme4's profile() evaluated. An LMM is profiled on the ML deviance (profile refits a REML fit by ML); a GLMM on
## its Laplace deviance.
##
## Models (data from src/FastGlmm/Datasets/data):
##   sleepstudy_slope_reml  lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
##   cbpp_laplace           glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
##
## How to run (from anywhere; under a minute):
##   Rscript tests/data/rgen/profile_zeta_reference.R [OUT_JSON]
## Versions used for the committed JSON: R 4.2.2, lme4 1.1-31, jsonlite (recorded in the JSON).

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/profile_zeta_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else
  file.path(repo_root, "tests", "data", "profile_zeta_reference.json")

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
cbpp <- load_dataset("cbpp")

one_model <- function(id, dataset, formula, family, call_text) {
  fm <- eval(parse(text = call_text))
  prof_call <- "as.data.frame(profile(fm, signames = TRUE))"
  pr <- as.data.frame(profile(fm, signames = TRUE))
  points <- lapply(seq_len(nrow(pr)), function(i) {
    par <- as.character(pr$.par[i])
    list(parameter = par, value = unname(pr[i, par]), zeta = unname(pr$.zeta[i]))
  })
  list(id = id, dataset = dataset, formula = formula, family = family, fit_call = call_text,
       profile_call = prof_call, reml = isREML(fm), points = points)
}

models <- list(
  one_model("sleepstudy_slope_reml", "sleepstudy", "Reaction ~ Days + (Days | Subject)", "gaussian",
            "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)"),
  one_model("cbpp_laplace", "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial",
            "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)")
)

out <- list(
  generated_by = "tests/data/rgen/profile_zeta_reference.R",
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  models = models
)
write_json(out, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("wrote", out_json, "\n")
