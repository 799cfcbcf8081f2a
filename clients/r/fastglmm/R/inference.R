## predict(), simulate(), the parametric bootstrap and tidy().

## Per-row tables come back as Parquet, read with arrow, when arrow is installed (large data), else as CSV.
fg_table_name <- function(stem) paste0(stem, if (requireNamespace("arrow", quietly = TRUE)) ".parquet" else ".csv")
fg_read_table <- function(path) {
  if (grepl("\\.parquet$", path)) as.data.frame(arrow::read_parquet(path)) else read.csv(path)
}

## lme4's predict(fit, newdata, re.form, type): re.form = NULL (the default) includes the random effects, re.form = NA
## leaves them out; type "link" or "response".
predict.fgMerMod <- function(object, newdata = NULL, re.form = NULL, type = c("link", "response"), ...) {
  type <- match.arg(type)
  level <- if (is.null(re.form)) "conditional" else if (identical(re.form, NA) || identical(re.form, ~0)) "population"
           else stop("fastglmm: re.form must be NULL (with random effects) or NA (without)", call. = FALSE)
  p <- fg_rerun(object, "predict", function(dir) {
    nd <- character()
    if (!is.null(newdata)) {
      sub <- file.path(dir, "new"); dir.create(sub)
      nd <- c("--newdata", fg_data_args(newdata, sub)[2])
    }
    c(nd, "--level", level, "--scale", type, "--out", file.path(dir, fg_table_name("pred")))
  }, function(dir) fg_read_table(file.path(dir, fg_table_name("pred"))))
  setNames(p$prediction, p$row)
}

## lme4's simulate(fit, nsim, seed): a data frame sim_1 ... sim_nsim of responses simulated with new random effects
## (successes for a cbind() response). The CLI's generator is FastGlmm's own (Philox), so draws differ from R's.
simulate.fgMerMod <- function(object, nsim = 1, seed = NULL, ...) {
  if (is.null(seed)) seed <- sample.int(.Machine$integer.max, 1)
  s <- fg_rerun(object, "simulate",
    function(dir) c("--nsim", as.character(as.integer(nsim)), "--seed", as.character(seed), "--out", file.path(dir, fg_table_name("sim"))),
    function(dir) fg_read_table(file.path(dir, fg_table_name("sim"))))
  rownames(s) <- s$row
  s$row <- NULL
  s
}

## A parametric bootstrap (lme4's bootMer with FUN = the estimates): nsim replicates, seeded. Returns an object of class
## "fgBoot" with t0 (the original estimates), t (a replicates x statistics matrix, NA for a failed replicate) and the
## CLI's summary table, read from the CLI's JSON replicate file.
fg_bootstrap <- function(object, nsim, seed, level = 0.95) {
  b <- fg_rerun(object, "bootstrap",
    function(dir) c("-B", as.character(as.integer(nsim)), "--seed", as.character(seed), "--level", format(level, digits = 15),
                    "--out", file.path(dir, "boot.json"), "--quiet"),
    function(dir) jsonlite::fromJSON(file.path(dir, "boot.json"), simplifyVector = FALSE))
  stats <- unlist(b$statistics)
  num <- function(v) if (is.null(v)) NA_real_ else as.numeric(v)
  t <- t(vapply(b$replicates, function(r) if (identical(r$status, "ok")) vapply(r$values, num, numeric(1)) else rep(NA_real_, length(stats)),
                numeric(length(stats))))
  colnames(t) <- stats
  summary <- do.call(rbind, lapply(b$summary, function(s) as.data.frame(lapply(s[names(s) != "name"], num), check.names = FALSE)))
  rownames(summary) <- stats
  structure(list(t0 = setNames(vapply(b$original, num, numeric(1)), stats), t = t, R = b$b, seed = b$seed, level = b$level,
                 summary = summary), class = "fgBoot")
}

print.fgBoot <- function(x, ...) {
  print(x$summary)
  invisible(x)
}

## broom.mixed's tidy() layout: effect ("fixed" or "ran_pars"), group, term, estimate, std.error, statistic (and
## p.value for GLMMs); variance parameters as sd__X, cor__X.Y and sd__Observation for the residual.
tidy.fgMerMod <- function(x, effects = c("fixed", "ran_pars"), ...) {
  s <- summary(x)$coefficients
  out <- list()
  if ("fixed" %in% effects) {
    fixed <- data.frame(effect = "fixed", group = NA_character_, term = rownames(s), estimate = s[, 1], std.error = s[, 2],
                        statistic = s[, 3], stringsAsFactors = FALSE, row.names = NULL)
    if (ncol(s) == 4) fixed$p.value <- s[, 4]
    out$fixed <- fixed
  }
  if ("ran_pars" %in% effects) {
    v <- as.data.frame(unclass(VarCorr(x)), stringsAsFactors = FALSE)
    term <- ifelse(v$grp == "Residual", "sd__Observation",
                   ifelse(is.na(v$var2), paste0("sd__", v$var1), paste0("cor__", v$var1, ".", v$var2)))
    out$ran <- data.frame(effect = "ran_pars", group = v$grp, term = term, estimate = v$sdcor, std.error = NA_real_,
                          statistic = NA_real_, stringsAsFactors = FALSE)
    if (!is.null(out$fixed$p.value)) out$ran$p.value <- NA_real_
  }
  res <- do.call(rbind, unname(out))
  rownames(res) <- NULL
  res
}

tidy <- function(x, ...) UseMethod("tidy")

.onLoad <- function(libname, pkgname) {
  # broom and broom.mixed users call generics::tidy; register the method there too.
  if (requireNamespace("generics", quietly = TRUE))
    registerS3method("tidy", "fgMerMod", tidy.fgMerMod, envir = asNamespace("generics"))
}
