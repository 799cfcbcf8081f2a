## Accessors with lme4's names and shapes.

print.fgMerMod <- function(x, ...) {
  cat(x$printed, sep = "\n")
  invisible(x)
}

formula.fgMerMod <- function(x, ...) x$formula

nobs.fgMerMod <- function(object, ...) object$fit$nobs

fixef.fgMerMod <- function(object, ...) setNames(object$fit$beta, object$fit$beta_names)

vcov.fgMerMod <- function(object, ...) {
  p <- length(object$fit$beta)
  v <- matrix(object$fit$beta_covariance, p, p, dimnames = list(object$fit$beta_names, object$fit$beta_names))
  v
}

logLik.fgMerMod <- function(object, ...) {
  structure(object$fit$log_lik, df = object$fit$df, nobs = object$fit$nobs, class = "logLik")
}

## lme4's ranef(fit, condVar = TRUE): a list, one data frame per grouping factor (levels as row names, one column per
## random effect), with the conditional SDs in attribute "condsd" (same shape).
ranef.fgMerMod <- function(object, ...) {
  t <- object$ranef_table
  out <- lapply(split(t, factor(t$grpvar, levels = unique(t$grpvar))), function(g) {
    terms <- unique(g$term); levels <- unique(g$grp)
    mode <- sapply(terms, function(k) g$condval[g$term == k])
    sd <- sapply(terms, function(k) g$condsd[g$term == k])
    mode <- matrix(mode, length(levels), length(terms), dimnames = list(levels, terms))
    sd <- matrix(sd, length(levels), length(terms), dimnames = list(levels, terms))
    structure(as.data.frame(mode, check.names = FALSE), condsd = sd)
  })
  structure(out, class = c("ranef.fg", "list"))
}

## as.data.frame(VarCorr(fit)) of lme4: grp, var1, var2, vcov, sdcor.
VarCorr.fgMerMod <- function(x, sigma = 1, ...) {
  v <- x$fit$var_corr
  d <- data.frame(grp = v$group, var1 = v$var1, var2 = v$var2, vcov = v$variance, sdcor = v$sd_or_correlation,
                  stringsAsFactors = FALSE)
  structure(d, class = c("fgVarCorr", "data.frame"))
}

print.fgVarCorr <- function(x, digits = 5, ...) {
  d <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  shown <- d[is.na(d$var2), , drop = FALSE]
  cat(sprintf(" %-10s %-12s %12s %10s\n", "Groups", "Name", "Variance", "Std.Dev."))
  for (i in seq_len(nrow(shown)))
    cat(sprintf(" %-10s %-12s %12s %10s\n", shown$grp[i], ifelse(is.na(shown$var1[i]), "", shown$var1[i]),
                format(shown$vcov[i], digits = digits), format(shown$sdcor[i], digits = digits)))
  invisible(x)
}

## The coefficient table (Estimate, Std. Error, t or z value and, for GLMMs, Pr(>|z|)) and the fit's criteria; print()
## shows the CLI's lme4-style summary.
summary.fgMerMod <- function(object, ...) {
  f <- object$fit
  est <- f$beta; se <- f$beta_se; stat <- est / se
  glmm <- !grepl("^gaussian\\(identity\\)$", f$family)
  coefs <- if (glmm) cbind(Estimate = est, `Std. Error` = se, `z value` = stat, `Pr(>|z|)` = 2 * pnorm(-abs(stat)))
           else cbind(Estimate = est, `Std. Error` = se, `t value` = stat)
  rownames(coefs) <- f$beta_names
  structure(list(coefficients = coefs, varcor = VarCorr(object), logLik = logLik(object), AICtab = c(AIC = f$aic, BIC = f$bic,
    logLik = f$log_lik, deviance = f$deviance, df.resid = f$df_residual), converged = f$convergence$converged,
    printed = object$printed), class = "summary.fgMerMod")
}

print.summary.fgMerMod <- function(x, ...) {
  cat(x$printed, sep = "\n")
  invisible(x)
}

## lme4's confint(fit, method = "profile" | "Wald", level): a matrix with rows .sig01, ..., (.sigma), the fixed effects
## and columns named "2.5 %", "97.5 %" at level 0.95.
confint.fgMerMod <- function(object, parm, level = 0.95, method = c("profile", "Wald"), ...) {
  method <- match.arg(method)
  res <- fg_rerun(object, "fit",
    function(dir) c("--confint", method, "--confint-level", format(level, digits = 15), "--json", file.path(dir, "ci.json"), "--quiet"),
    function(dir) jsonlite::fromJSON(file.path(dir, "ci.json"), simplifyVector = TRUE)$confint$intervals)
  a <- (1 - level) / 2
  cols <- paste(format(100 * c(a, 1 - a), trim = TRUE, scientific = FALSE, digits = 3), "%")
  num <- function(v) vapply(v, function(x) if (is.null(x)) NA_real_ else as.numeric(x), numeric(1))
  m <- cbind(num(res$lower), num(res$upper))
  dimnames(m) <- list(res$parameter, cols)
  if (!missing(parm)) m <- m[parm, , drop = FALSE]
  m
}
