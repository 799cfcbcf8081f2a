## bootstrap_reference.R -- lme4/pbkrtest reference numbers for FastGlmm's
## parametric bootstrap and parametric-bootstrap likelihood-ratio test.
##
## What it produces (tests/data/bootstrap_reference.json):
##   1. cbpp Laplace fit
##        glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
##      fixef, theta, logLik (plus deviance, nobs, df, timing).
##   2. bootMer(fit, FUN = function(m) c(fixef(m), theta = getME(m, "theta")),
##              nsim = 1000, seed = 1, use.u = FALSE, type = "parametric")
##      per statistic: original value, bootstrap mean, SD (sd(), n - 1), 2.5% and
##      97.5% quantiles (quantile type 7, na.rm = TRUE), number of NA replicates;
##      overall: number of failed replicates (attr "bootFail"), fail/all
##      messages, total elapsed seconds and seconds per replicate.
##      Because bootstrap values depend on R's RNG stream and on lme4's
##      optimizer, they are NOT reproducible bit-for-bit by another engine; they
##      are Monte Carlo references (compare with tolerances of a few Monte-Carlo
##      SEs; mc_se_mean = sd / sqrt(n) is recorded).
##   3. pbkrtest: large = the fit above, small = update(fit, . ~ . - period);
##        set.seed(1); PBmodcomp(large, small, nsim = 1000)
##      t_obs (LRT statistic), chi-square df and p-value, PB p-value, number of
##      simulations / positive simulations / extreme simulations, elapsed
##      seconds, and the captured messages/warnings/output of pbkrtest. Also the
##      summary() extras (Gamma, Bartlett, F tests) where available.
##      pbkrtest runs sequentially here (no options("mc.cores"/"pb.cl") set => cl = 1).
##   4. Timing on a 1,934-row, 60-district binary random-slope design:
##        mlmRev::Contraception, glmer(use ~ age + urban + (urban | district), binomial)
##      then bootMer(fit, FUN (as above), nsim = 20, seed = 1, use.u = FALSE,
##      type = "parametric"); records fit seconds, bootstrap seconds and
##      seconds per replicate. Skipped (recorded as skipped) if mlmRev is absent.
##
## How to run (from anywhere; takes a few minutes):
##   Rscript tests/data/rgen/bootstrap_reference.R [OUT_JSON]
## OUT_JSON defaults to tests/data/bootstrap_reference.json. cbpp is read from
## src/FastGlmm/Datasets/data/cbpp.csv (+ cbpp.levels.json).
##
## Versions used to produce the committed JSON: R 4.2.2, lme4 1.1-31,
## pbkrtest 0.5.2, mlmRev, jsonlite (all recorded in the JSON's top level,
## together with the date and the machine's CPU count). Timings are wall-clock
## (proc.time()[["elapsed"]]) on the generating machine, single-threaded.
##
## JSON: jsonlite::write_json(auto_unbox = TRUE, digits = NA, pretty = TRUE,
## na = "null") -- R NA becomes JSON null. "all_msgs" maps each distinct
## warning/message text raised inside bootMer's refits to its count.
##
## Data loading: read.csv(stringsAsFactors = FALSE); each column listed in
## X.levels.json "factor_levels" becomes factor(as.character(col), levels =
## given levels); any other character column becomes a factor with levels
## sorted in the C locale; numeric columns stay numeric.

suppressPackageStartupMessages({
  library(lme4)
  library(pbkrtest)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(mc.cores = NULL, pb.cl = NULL)
t_start <- proc.time()[["elapsed"]]
elapsed <- function() proc.time()[["elapsed"]]

## ---- paths ---------------------------------------------------------------
script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/bootstrap_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else file.path(repo_root, "tests", "data", "bootstrap_reference.json")

## ---- data ----------------------------------------------------------------
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
cbpp <- load_dataset("cbpp")

## capture warnings / messages / printed output of an expression
capture_all <- function(expr) {
  warns <- character(); msgs <- character()
  out <- utils::capture.output(
    val <- withCallingHandlers(expr,
      warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
      message = function(m) { msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleMessage") }),
    type = "output")
  list(value = val, warnings = warns, messages = msgs, output = out)
}

named_list <- function(x) as.list(setNames(unname(x), names(x)))
boot_fun <- function(m) c(fixef(m), theta = getME(m, "theta"))

summarise_boot <- function(bm, nsim, secs) {
  tt <- bm$t
  stats <- list()
  for (j in seq_len(ncol(tt))) {
    v <- tt[, j]; ok <- v[is.finite(v)]
    q <- unname(quantile(ok, c(0.025, 0.975), type = 7))
    stats[[j]] <- list(name = colnames(tt)[j], original = unname(bm$t0[j]),
                       mean = mean(ok), sd = sd(ok), q025 = q[1], q975 = q[2],
                       n_ok = length(ok), n_na = sum(!is.finite(v)),
                       mc_se_mean = sd(ok) / sqrt(length(ok)))
  }
  nfail <- attr(bm, "bootFail"); if (is.null(nfail)) nfail <- NA
  all_msgs <- attr(bm, "boot.all.msgs")
  fail_msgs <- attr(bm, "boot.fail.msgs")
  msgs_tab <- function(m) {
    if (is.null(m)) return(list())
    tab_list <- function(tb) if (length(tb)) as.list(setNames(as.integer(tb), names(tb))) else setNames(list(), character())
    if (is.list(m)) return(lapply(m, tab_list))
    tab_list(m)
  }
  list(nsim = nsim, stat_names = colnames(tt), statistics = stats,
       n_failed = nfail, n_rows_any_na = sum(!stats::complete.cases(tt)),
       fail_msgs = if (is.null(fail_msgs) || !length(fail_msgs)) setNames(list(), character()) else as.list(setNames(as.integer(fail_msgs), names(fail_msgs))),
       all_msgs = msgs_tab(all_msgs),
       elapsed_s = secs, seconds_per_replicate = secs / nsim)
}

res <- list(
  generator = "tests/data/rgen/bootstrap_reference.R",
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  pbkrtest_version = as.character(packageVersion("pbkrtest")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  mlmRev_version = if (requireNamespace("mlmRev", quietly = TRUE)) as.character(packageVersion("mlmRev")) else NA,
  platform = R.version$platform,
  cpu_count = parallel::detectCores(),
  rng_kind = RNGkind(),
  notes = c("Bootstrap / PB numbers are Monte Carlo references for the stated seeds (R's Mersenne-Twister / Inversion / Rejection);",
            "another engine's RNG gives different draws, so compare within Monte-Carlo tolerances (see mc_se_mean).",
            "Timings are single-threaded wall-clock seconds on the generating machine (cpu_count recorded).")
)

## ---- 1. cbpp fit ---------------------------------------------------------
cat("fitting cbpp ...\n")
t0 <- elapsed()
fitc <- capture_all(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd),
                          data = cbpp, family = binomial))
fit_secs <- elapsed() - t0
fit <- fitc$value
res$cbpp_fit <- list(
  formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)",
  family = "binomial logit", method = "Laplace (nAGQ = 1), default glmerControl",
  fixef = named_list(fixef(fit)),
  theta = named_list(getME(fit, "theta")),
  logLik = as.numeric(logLik(fit)),
  df = attr(logLik(fit), "df"),
  deviance = deviance(fit),
  minus2logLik = -2 * as.numeric(logLik(fit)),
  nobs = nobs(fit),
  elapsed_s = fit_secs,
  warnings = fitc$warnings, messages = fitc$messages,
  convergence_messages = fit@optinfo$conv$lme4$messages
)

## ---- 2. bootMer ----------------------------------------------------------
nsim_boot <- 1000L
cat("bootMer cbpp nsim =", nsim_boot, "...\n")
t0 <- elapsed()
bc <- capture_all(bootMer(fit, FUN = boot_fun, nsim = nsim_boot, seed = 1,
                          use.u = FALSE, type = "parametric"))
boot_secs <- elapsed() - t0
res$cbpp_bootMer <- c(
  list(call = "bootMer(fit, FUN = function(m) c(fixef(m), theta = getME(m, \"theta\")), nsim = 1000, seed = 1, use.u = FALSE, type = \"parametric\")",
       quantile_type = 7L, sd_denominator = "n - 1",
       note = "statistics computed over finite replicates only (na.rm)"),
  summarise_boot(bc$value, nsim_boot, boot_secs),
  list(warnings = unique(bc$warnings), n_warnings = length(bc$warnings),
       messages = unique(bc$messages), n_messages = length(bc$messages))
)
cat("  done in", boot_secs, "s\n")

## ---- 3. PBmodcomp --------------------------------------------------------
cat("PBmodcomp nsim = 1000 ...\n")
small <- update(fit, . ~ . - period)
set.seed(1)
t0 <- elapsed()
pbc <- capture_all(PBmodcomp(fit, small, nsim = 1000))
pb_secs <- elapsed() - t0
pb <- pbc$value
sm <- tryCatch(capture_all(summary(pb)), error = function(e) NULL)
pb_extra <- NULL
if (!is.null(sm)) {
  tst <- sm$value$test
  pb_extra <- lapply(rownames(tst), function(r)
    list(test = r, stat = unname(tst[r, "stat"]), df = unname(tst[r, "df"]),
         ddf = if ("ddf" %in% colnames(tst)) unname(tst[r, "ddf"]) else NA,
         p_value = unname(tst[r, "p.value"])))
}
res$cbpp_PBmodcomp <- list(
  call = "set.seed(1); PBmodcomp(large, small, nsim = 1000)",
  large_formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)",
  small_formula = "cbind(incidence, size - incidence) ~ (1 | herd)",
  small_logLik = as.numeric(logLik(small)),
  small_fixef = named_list(fixef(small)),
  small_theta = named_list(getME(small, "theta")),
  t_obs = unname(pb$test["LRT", "stat"]),
  chisq_df = unname(pb$test["LRT", "df"]),
  chisq_p_value = unname(pb$test["LRT", "p.value"]),
  pb_p_value = unname(pb$test["PBtest", "p.value"]),
  pb_p_value_formula = "(1 + n_extreme) / (1 + n_positive), n_extreme = #(ref > t_obs) among ref > 0",
  nsim = unname(pb$samples["nsim"]), n_positive = unname(pb$samples["npos"]),
  n_extreme = pb$n.extreme,
  ref_mean = mean(pb$ref), ref_sd = sd(pb$ref),
  ref_quantiles_type7 = named_list(quantile(pb$ref, c(0.5, 0.9, 0.95, 0.99), type = 7)),
  ctime_s = unname(pb$ctime),
  elapsed_s = pb_secs,
  seconds_per_replicate = pb_secs / 1000,
  summary_tests = pb_extra,
  captured_warnings = unique(pbc$warnings), n_warnings = length(pbc$warnings),
  captured_messages = unique(pbc$messages), n_messages = length(pbc$messages),
  captured_output = pbc$output
)
cat("  done in", pb_secs, "s\n")

## ---- 4. Contraception random-slope timing ---------------------------------
if (requireNamespace("mlmRev", quietly = TRUE)) {
  cat("Contraception fit + bootMer nsim = 20 ...\n")
  data(Contraception, package = "mlmRev", envir = environment())
  t0 <- elapsed()
  fcc <- capture_all(glmer(use ~ age + urban + (urban | district), data = Contraception, family = binomial))
  cfit_secs <- elapsed() - t0
  cfit <- fcc$value
  t0 <- elapsed()
  cbc <- capture_all(bootMer(cfit, FUN = boot_fun, nsim = 20, seed = 1,
                             use.u = FALSE, type = "parametric"))
  cboot_secs <- elapsed() - t0
  res$contraception_timing <- c(
    list(skipped = FALSE,
         formula = "use ~ age + urban + (urban | district)", family = "binomial logit", method = "Laplace",
         nobs = nobs(cfit), n_clusters = nlevels(Contraception$district),
         fixef = named_list(fixef(cfit)), theta = named_list(getME(cfit, "theta")),
         logLik = as.numeric(logLik(cfit)),
         fit_elapsed_s = cfit_secs, fit_warnings = fcc$warnings,
         fit_convergence_messages = cfit@optinfo$conv$lme4$messages,
         call = "bootMer(fit, FUN, nsim = 20, seed = 1, use.u = FALSE, type = \"parametric\")"),
    summarise_boot(cbc$value, 20L, cboot_secs),
    list(warnings = unique(cbc$warnings), n_warnings = length(cbc$warnings))
  )
  cat("  done in", cboot_secs, "s\n")
} else {
  res$contraception_timing <- list(skipped = TRUE, reason = "mlmRev not installed")
}

res$total_elapsed_s <- elapsed() - t_start
write_json(res, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat("wrote", out_json, "\n")
