## confint_reference.R -- lme4 reference tables for FastGlmm's `fit --confint profile|Wald --confint-level L`.
##
## What it produces (tests/data/confint_reference.json):
##   * headers: for several levels L, the column names lme4's confint() gives its table,
##       lme4:::format.perc(c(a, 1 - a), 3), a = (1 - L)/2
##     i.e. paste(format(100 * c(a, 1 - a), trim = TRUE, scientific = FALSE, digits = 3), "%");
##   * per model and per level L in {0.95, 0.9}:
##       wald     confint(fm, method = "Wald", level = L)      rows .sig01, ... (.sigma for LMMs) with NA
##                                                             limits (null in the JSON), then the fixed effects
##       profile  confint(fm, method = "profile", level = L, oldNames = TRUE)   (lme4's default confint)
##       profile_fine  confint(profile(fm, signames = TRUE, delta.cutoff = 1/32, maxpts = 400), level = L)
##                (four times as many profile points: lme4 reads limits off a spline through the profile
##                points, so profile - profile_fine measures lme4's own interpolation error)
##     with the row names and the column names exactly as lme4 prints them;
##   * per model the estimates the Wald table was made from: fixef(fm) and sqrt(diag(vcov(fm))).
##
## Models (data from src/FastGlmm/Datasets/data):
##   sleepstudy_slope_reml  lmer(Reaction ~ Days + (Days | Subject), sleepstudy)          (REML, the default)
##   cbpp_binomial          glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
##   cbpp_binomial_tight    the same with control = glmerControl(tolPwrss = 1e-12): lme4 then runs PIRLS to
##                          convergence, as FastGlmm does, so its optimum (logLik -92.02628) and its Hessian-based
##                          standard errors are FastGlmm's; with the default tolPwrss = 1e-7 lme4's Laplace deviance
##                          is off by ~1e-3 and its standard errors by up to 1.2%.
##
## How to run (from anywhere; about a minute and a half):
##   Rscript tests/data/rgen/confint_reference.R [OUT_JSON]
## OUT_JSON defaults to tests/data/confint_reference.json.
## Versions used for the committed JSON: R 4.2.2, lme4 1.1-31, jsonlite 1.8.4 (recorded in the JSON).
## JSON: jsonlite::write_json(auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null") -- 15 significant digits.

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/confint_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else
  file.path(repo_root, "tests", "data", "confint_reference.json")

load_dataset <- function(name, dir = "src/FastGlmm/Datasets/data") {
  d <- read.csv(file.path(repo_root, dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  lv <- fromJSON(file.path(repo_root, dir, paste0(name, ".levels.json")), simplifyVector = TRUE)
  fl <- lv$factor_levels
  for (col in names(fl)) d[[col]] <- factor(as.character(d[[col]]), levels = as.character(fl[[col]]))
  d
}
sleepstudy <- load_dataset("sleepstudy")
cbpp <- load_dataset("cbpp")

table_of <- function(ci, call) {
  list(call = call, columns = I(colnames(ci)),
       rows = lapply(seq_len(nrow(ci)), function(i)
         list(name = rownames(ci)[i], lower = unname(ci[i, 1]), upper = unname(ci[i, 2]))))
}

one_model <- function(id, dataset, formula, family, fit_call, levels = c(0.95, 0.9)) {
  fm <- eval(parse(text = fit_call))
  fine <- profile(fm, signames = TRUE, delta.cutoff = 1/32, maxpts = 400)
  tables <- lapply(levels, function(L) list(
    level = L,
    wald = table_of(confint(fm, method = "Wald", level = L),
                    sprintf("confint(fm, method = \"Wald\", level = %s)", L)),
    profile = table_of(suppressMessages(confint(fm, method = "profile", level = L, oldNames = TRUE)),
                       sprintf("confint(fm, method = \"profile\", level = %s, oldNames = TRUE)", L)),
    profile_fine = table_of(confint(fine, level = L),
                       sprintf("confint(profile(fm, signames = TRUE, delta.cutoff = 1/32, maxpts = 400), level = %s)", L))))
  list(
    id = id, dataset = dataset, formula = formula, family = family, fit_call = fit_call,
    reml = isLMM(fm) && isREML(fm),
    logLik = as.numeric(logLik(fm)),
    fixef = as.list(fixef(fm)),
    se = as.list(sqrt(diag(as.matrix(vcov(fm))))),
    theta = I(unname(getME(fm, "theta"))),
    tables = tables)
}

header_levels <- c(0.95, 0.9, 0.99, 0.999, 0.8, 0.5, 0.123456, 0.9999, 1e-9)
headers <- lapply(header_levels, function(L) {
  a <- (1 - L) / 2
  list(level = L, columns = I(lme4:::format.perc(c(a, 1 - a), 3)))
})

models <- list(
  one_model("sleepstudy_slope_reml", "sleepstudy", "Reaction ~ Days + (Days | Subject)", "gaussian",
            "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)"),
  one_model("cbpp_binomial", "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial",
            "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)"),
  one_model("cbpp_binomial_tight", "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial",
            "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, control = glmerControl(tolPwrss = 1e-12))")
)

res <- list(
  generator = "tests/data/rgen/confint_reference.R",
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  notes = c("lme4's profile (devfun2) refits a REML fit by ML and profiles the ML deviance.",
            "Wald tables: NA (null) limits for the variance parameters, as lme4 prints them.",
            "profile_fine uses 4x as many profile points (delta.cutoff = 1/32) as lme4's default profile."),
  headers = headers,
  models = models)
write_json(res, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat("wrote", out_json, "\n")
