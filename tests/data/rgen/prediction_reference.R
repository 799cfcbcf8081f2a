## prediction_reference.R -- lme4 reference numbers for FastGlmm's predictions on new data.
##
## What it produces (tests/data/prediction_reference.json), per model:
##   cbpp:       glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
##   sleepstudy: lmer(Reaction ~ Days + (Days | Subject), sleepstudy)            (REML, the default)
## on a small new data set `nd` (stored in the JSON as columns of strings / numbers) that holds
## no response, every fixed-effect level, training grouping levels and one grouping level absent
## from the training data (herd "16"; Subject "999"):
##   population_link      predict(fm, newdata = nd, re.form = NA, type = "link")
##   population_response  predict(fm, newdata = nd, re.form = NA, type = "response")
##   conditional_link     predict(fm, newdata = nd, allow.new.levels = TRUE, type = "link")
##   conditional_response predict(fm, newdata = nd, allow.new.levels = TRUE, type = "response")
## and lme4's estimates the predictions were made from: fixef, theta, sigma (LMM) and the
## conditional modes ranef(fm) per level (row-major, level x column), so that another engine can
## recompute the predictions from exactly these parameters.
## For cbpp also the population-averaged (marginal) mean of each new row, from the same estimates:
##   marginal_response[i] = integrate(function(x) plogis(eta_i + s * x) * dnorm(x), -Inf, Inf,
##                                    rel.tol = 1e-13)$value,  eta_i = population_link[i], s = theta
## (lme4 has no marginal predictions; this is a plain numerical integral in R).
## Missing values ("na", per model): a second new data set `nd_na` with NA in a fixed-effect column, in the
## grouping column, in both, and complete rows. lme4's predict() keeps every row (na.action = na.pass):
##   population_link, conditional_link, conditional_response   the same calls as above, made on the rows whose
##       fixed-effect columns are complete (nd_na[ok, ]) and NA (null) elsewhere: the na.pass result. lme4 1.1-31 itself
##       gives exactly this where it can (sleepstudy, a numeric Days), but stops with "non-conformable arguments" when a
##       factor fixed effect is NA (cbpp's period), because model.matrix drops that row;
##   lme4_direct_population_link, lme4_direct_conditional_link   predict() on all of nd_na as lme4 answers it: the
##       predictions, or the text "error: <message>" when it stops.
## An NA grouping value is a level the model was not fitted with: under allow.new.levels = TRUE its random effects are 0
## (the row gets its population prediction), not NA.
##
## How to run (from anywhere; a few seconds):
##   Rscript tests/data/rgen/prediction_reference.R [OUT_JSON]
## OUT_JSON defaults to tests/data/prediction_reference.json. cbpp and sleepstudy are read
## from src/FastGlmm/Datasets/data/<name>.csv (+ <name>.levels.json).
##
## Versions used for the committed JSON: R 4.2.2, lme4 1.1-31, jsonlite 1.8.4 (recorded in the JSON).
## JSON: jsonlite::write_json(auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null") -- 15 significant
## digits; sigma is null for the GLMM.
##
## Data loading: read.csv(stringsAsFactors = FALSE); each column listed in X.levels.json
## "factor_levels" becomes factor(as.character(col), levels = given levels); numeric columns stay
## numeric. The new data's factor columns are character vectors; lme4 maps them onto the training
## levels itself (model.frame with the training xlev).

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/prediction_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else
  file.path(repo_root, "tests", "data", "prediction_reference.json")

load_dataset <- function(name, dir = "src/FastGlmm/Datasets/data") {
  d <- read.csv(file.path(repo_root, dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  lv <- fromJSON(file.path(repo_root, dir, paste0(name, ".levels.json")), simplifyVector = TRUE)
  fl <- lv$factor_levels
  for (col in names(fl)) d[[col]] <- factor(as.character(d[[col]]), levels = as.character(fl[[col]]))
  d
}

## The na.pass predictions of nd_na (see the header): fixed_cols are the columns the fixed effects read.
na_predictions <- function(fm, nd, fixed_cols) {
  ok <- complete.cases(nd[fixed_cols])
  pass <- function(...) {
    out <- rep(NA_real_, nrow(nd))
    out[ok] <- unname(predict(fm, newdata = nd[ok, , drop = FALSE], ...))
    out
  }
  direct <- function(...) tryCatch(unname(predict(fm, newdata = nd, ...)),
                                   error = function(e) paste("error:", conditionMessage(e)))
  list(
    newdata = as.list(nd),
    population_link = pass(re.form = NA),
    conditional_link = pass(allow.new.levels = TRUE),
    conditional_response = pass(allow.new.levels = TRUE, type = "response"),
    lme4_direct_population_link = direct(re.form = NA),
    lme4_direct_conditional_link = direct(allow.new.levels = TRUE))
}

ranef_rows <- function(fm) {
  lapply(ranef(fm), function(r) list(levels = rownames(r), columns = I(colnames(r)),
                                      values = as.numeric(t(as.matrix(r)))))
}

predictions <- function(fm, nd) {
  list(
    population_link = unname(predict(fm, newdata = nd, re.form = NA, type = "link")),
    population_response = unname(predict(fm, newdata = nd, re.form = NA, type = "response")),
    conditional_link = unname(predict(fm, newdata = nd, allow.new.levels = TRUE, type = "link")),
    conditional_response = unname(predict(fm, newdata = nd, allow.new.levels = TRUE, type = "response")))
}

res <- list(
  generator = "tests/data/rgen/prediction_reference.R",
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  jsonlite_version = as.character(packageVersion("jsonlite")))

## ---- cbpp: a factor fixed effect, a new herd --------------------------------
cbpp <- load_dataset("cbpp")
gm <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
nd_cbpp <- data.frame(
  herd = c("1", "1", "7", "15", "16", "16", "3", "10"),
  period = c("1", "4", "2", "3", "1", "4", "3", "2"),
  stringsAsFactors = FALSE)
p_cbpp <- predictions(gm, nd_cbpp)
s <- getME(gm, "theta")[[1]]
p_cbpp$marginal_response <- vapply(p_cbpp$population_link, function(eta)
  integrate(function(x) plogis(eta + s * x) * dnorm(x), -Inf, Inf, rel.tol = 1e-13)$value, 0)
res$cbpp <- c(list(
  call = "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)",
  formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)", family = "binomial",
  newdata = as.list(nd_cbpp),
  fixef = as.list(fixef(gm)), theta = I(unname(getME(gm, "theta"))), sigma = NA,
  ranef = ranef_rows(gm)), p_cbpp)
nd_na_cbpp <- data.frame(
  herd = c("1", NA, "16", "3", NA, "7"),
  period = c("1", "2", NA, "4", NA, "3"),
  stringsAsFactors = FALSE)
res$cbpp$na <- na_predictions(gm, nd_na_cbpp, "period")

## ---- sleepstudy: a random slope, a new Subject -------------------------------
sleep <- load_dataset("sleepstudy")
fm <- lmer(Reaction ~ Days + (Days | Subject), sleep)
nd_sleep <- data.frame(
  Subject = c("308", "308", "372", "335", "999", "999", "350"),
  Days = c(0, 9, 4.5, 12, 0, 7, -1),
  stringsAsFactors = FALSE)
res$sleepstudy <- c(list(
  call = "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)",
  formula = "Reaction ~ Days + (Days | Subject)", family = "gaussian",
  newdata = as.list(nd_sleep),
  fixef = as.list(fixef(fm)), theta = I(unname(getME(fm, "theta"))), sigma = sigma(fm),
  ranef = ranef_rows(fm)), predictions(fm, nd_sleep))
nd_na_sleep <- data.frame(
  Subject = c("308", NA, "308", "999", NA, "372"),
  Days = c(1, 2, NA, 3, NA, 4.5),
  stringsAsFactors = FALSE)
res$sleepstudy$na <- na_predictions(fm, nd_na_sleep, "Days")

write_json(res, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat("wrote", out_json, "\n")
