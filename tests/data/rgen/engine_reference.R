## engine_reference.R -- lme4 (and some glmmTMB) reference numbers for
## FastGlmm's fitting engine.
##
## What: for each case (id, dataset, formula, family, method) fits the model
## with lme4 (lmer for gaussian, glmer otherwise; default control) and records
##   theta, beta, sigma, logLik, deviance(), -2logLik, df, nobs, AIC, BIC,
##   standard errors (lme4 default vcov, i.e. Hessian-based for glmer when
##   available = se_hessian; R_X-based = se_rx), VarCorr rows, devcomp, the
##   Laplace components at the optimum (ldL2, ||u||^2, sum of squared deviance
##   residuals, conditional aic, saturated loglik), the first 5 conditional
##   modes and conditional SDs per (grouping factor, term), timing, warnings,
##   messages and lme4 convergence messages; and -- the main point -- the
##   objective at FIXED parameters from update(fit, devFunOnly = TRUE):
##     glmer nAGQ >= 1 : dd(c(theta, beta))   (Laplace / AGQ deviance)
##     glmer nAGQ = 0  : dd(theta)            (theta only; beta from joint PIRLS)
##     lmer            : dd(theta)            (profiled deviance or REML criterion)
##   at the optimum and at a perturbed point
##     theta2 = theta * 1.1 + 0.05 for diagonal (lower bound 0) entries,
##              theta + 0.05 for off-diagonal entries,
##     beta2  = beta + 0.1 (only where beta is an argument).
##   Each devfun is also re-evaluated at the optimum after the perturbed call
##   (objective_at_opt_repeat) to show the evaluation does not depend on the
##   previous call. For glmer the Laplace components of the devfun state after
##   each evaluation are recorded too (devfun_components_*), plus a third point
##   par3 = (theta2, beta + 0.5 * se_rx).
##   IMPORTANT: lme4's glmer devfun values depend on the PIRLS start (lp0) by up
##   to ~1e-2, because PIRLS stops at tolPwrss = 1e-7 and ldL2 comes from the
##   penultimate iterate. For glmer we therefore also record
##   objective_at_{opt,perturbed,par3}_converged: the same devfun iterated with
##   warm-started lp0 until the value repeats (the objective at the exact PIRLS
##   solution; start-independent to ~1e-11, see *_converged_altstart). Tests of
##   an engine that converges PIRLS fully should use the *_converged values.
##   Cases 1, 5 and 7 (Laplace) are also fitted with glmmTMB (`glmmtmb`).
##
## How to run (from anywhere):
##   Rscript tests/data/rgen/engine_reference.R [OUT_JSON]
## OUT_JSON defaults to tests/data/engine_reference.json. Data are read from
## src/FastGlmm/Datasets/data/ and tests/data/extra/ (X.csv + X.levels.json).
##
## Versions used to produce the committed JSON: R 4.2.2, lme4 1.1-31,
## glmmTMB 1.1.5, jsonlite (recorded in the JSON's top level as well).
##
## Data loading: read.csv(stringsAsFactors = FALSE); each column listed in
## X.levels.json "factor_levels" becomes factor(as.character(col), levels =
## given levels); any other character column becomes a factor with levels
## sorted in the C locale; numeric columns stay numeric.

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
  library(glmmTMB)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))
t_start <- proc.time()[["elapsed"]]

## ---- paths ---------------------------------------------------------------
script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/engine_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out_json <- if (length(args) >= 1 && nzchar(args[1])) args[1] else file.path(repo_root, "tests", "data", "engine_reference.json")
data_dirs <- c(builtin = "src/FastGlmm/Datasets/data", extra = "tests/data/extra")

## ---- data ----------------------------------------------------------------
load_dataset <- function(name) {
  dir <- NULL
  for (dd in data_dirs) if (file.exists(file.path(repo_root, dd, paste0(name, ".csv")))) { dir <- dd; break }
  if (is.null(dir)) stop("data set not found: ", name)
  d <- read.csv(file.path(repo_root, dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  lv <- fromJSON(file.path(repo_root, dir, paste0(name, ".levels.json")), simplifyVector = TRUE)
  fl <- lv$factor_levels
  for (col in names(fl)) d[[col]] <- factor(as.character(d[[col]]), levels = as.character(fl[[col]]))
  for (col in names(d)) {
    if (is.character(d[[col]])) d[[col]] <- factor(d[[col]], levels = sort(unique(d[[col]]), method = "radix"))
  }
  attr(d, "dir") <- dir
  d
}
dataset_names <- c("cbpp", "bacteria", "epil", "salamander", "sleepstudy", "penicillin",
                   "contraception", "grouseticks", "verbagg")
datasets <- setNames(lapply(dataset_names, load_dataset), dataset_names)
## derived columns (documented per case in `data_rule`)
datasets$sleepstudy$w <- 1 + (datasets$sleepstudy$Days %% 3)

## ---- cases ---------------------------------------------------------------
## fam: R expression for the family (NULL => lmer, gaussian)
S <- function(id, case, dataset, formula, fam = NULL, family, method, nAGQ = 1L, REML = NA,
              weights = NULL, data_rule = NULL, glmmtmb = FALSE, note = NULL)
  list(id = id, case = case, dataset = dataset, formula = formula, fam = fam, family = family,
       method = method, nAGQ = nAGQ, REML = REML, weights = weights, data_rule = data_rule,
       glmmtmb = glmmtmb, note = note)

f_cbpp <- "cbind(incidence, size - incidence) ~ period + (1 | herd)"
f_epil <- "y ~ lbase * trt + lage + V4 + (1 | subject)"
f_bact <- "y2 ~ trt + I(week > 2) + (1 | ID)"
cases <- list(
  S("c01_laplace", 1, "cbpp", f_cbpp, "binomial()", "binomial logit", "Laplace", glmmtmb = TRUE),
  S("c01_nagq0",   1, "cbpp", f_cbpp, "binomial()", "binomial logit", "nAGQ0", nAGQ = 0L),
  S("c01_agq25",   1, "cbpp", f_cbpp, "binomial()", "binomial logit", "AGQ(25)", nAGQ = 25L),
  S("c02_probit",  2, "cbpp", f_cbpp, "binomial(link = \"probit\")", "binomial probit", "Laplace"),
  S("c02_cloglog", 2, "cbpp", f_cbpp, "binomial(link = \"cloglog\")", "binomial cloglog", "Laplace"),
  S("c03_poisson_offset", 3, "cbpp", "incidence ~ period + offset(log(size)) + (1 | herd)",
    "poisson()", "poisson log", "Laplace"),
  S("c04_nested", 4, "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd/period)",
    "binomial()", "binomial logit", "Laplace",
    note = "herd/period expands to (1 | period:herd) + (1 | herd); period:herd is an observation-level effect"),
  S("c05_laplace", 5, "bacteria", f_bact, "binomial()", "binomial logit", "Laplace", glmmtmb = TRUE),
  S("c05_agq15",   5, "bacteria", f_bact, "binomial()", "binomial logit", "AGQ(15)", nAGQ = 15L),
  S("c05_agq25",   5, "bacteria", f_bact, "binomial()", "binomial logit", "AGQ(25)", nAGQ = 25L),
  S("c06_uncorr_slope", 6, "bacteria", "y ~ trt + week + (week || ID)", "binomial()", "binomial logit", "Laplace",
    note = "y is a factor (n, y); (week || ID) = (1 | ID) + (0 + week | ID)"),
  S("c06_corr_slope", 6, "bacteria", "y ~ trt + (1 + week | ID)", "binomial()", "binomial logit", "Laplace",
    note = "y is a factor (n, y)"),
  S("c07_laplace", 7, "epil", f_epil, "poisson()", "poisson log", "Laplace", glmmtmb = TRUE),
  S("c07_agq20",   7, "epil", f_epil, "poisson()", "poisson log", "AGQ(20)", nAGQ = 20L),
  S("c07_nagq0",   7, "epil", f_epil, "poisson()", "poisson log", "nAGQ0", nAGQ = 0L),
  S("c08_crossed", 8, "epil", "y ~ lbase * trt + lage + V4 + (1 | subject) + (1 | period)",
    "poisson()", "poisson log", "Laplace",
    note = "subject and period are numeric columns; lme4 turns grouping variables into factors (as.factor)"),
  S("c09_salamander", 9, "salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)",
    "binomial()", "binomial logit", "Laplace"),
  S("c10_corr_reml", 10, "sleepstudy", "Reaction ~ Days + (Days | Subject)", NULL, "gaussian identity", "REML", REML = TRUE),
  S("c10_corr_ml",   10, "sleepstudy", "Reaction ~ Days + (Days | Subject)", NULL, "gaussian identity", "ML", REML = FALSE),
  S("c10_uncorr_reml", 10, "sleepstudy", "Reaction ~ Days + (Days || Subject)", NULL, "gaussian identity", "REML", REML = TRUE),
  S("c10_int_ml",    10, "sleepstudy", "Reaction ~ Days + (1 | Subject)", NULL, "gaussian identity", "ML", REML = FALSE),
  S("c11_reml", 11, "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", NULL, "gaussian identity", "REML", REML = TRUE),
  S("c11_ml",   11, "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", NULL, "gaussian identity", "ML", REML = FALSE),
  S("c12_factor_slope", 12, "contraception", "use ~ age * livch + I(age^2) + urban + (urban | district)",
    "binomial()", "binomial logit", "Laplace", note = "use is a factor (N, Y); random slope on factor urban"),
  S("c12_interaction_group", 12, "contraception", "use ~ age + urban + (1 | urban:district)",
    "binomial()", "binomial logit", "Laplace", note = "use is a factor (N, Y)"),
  S("c13_grouseticks", 13, "grouseticks", "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)",
    "poisson()", "poisson log", "Laplace", note = "INDEX is observation-level; BROOD nested in LOCATION"),
  S("c14_laplace", 14, "verbagg", "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)",
    "binomial()", "binomial logit", "Laplace", note = "r2 is a factor (N, Y); crossed id x item"),
  S("c14_nagq0", 14, "verbagg", "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)",
    "binomial()", "binomial logit", "nAGQ0", nAGQ = 0L, note = "r2 is a factor (N, Y); crossed id x item"),
  S("c15_gamma_log", 15, "sleepstudy", "Reaction ~ Days + (1 | Subject)", "Gamma(link = \"log\")", "Gamma log", "Laplace"),
  S("c15_binomial_prior_weights", 15, "cbpp", "incidence/size ~ period + (1 | herd)", "binomial()", "binomial logit",
    "Laplace", weights = "size", note = "proportion response with prior weights = size; should reproduce c01_laplace"),
  S("c16_lmer_weights", 16, "sleepstudy", "Reaction ~ Days + (1 | Subject)", NULL, "gaussian identity", "REML",
    REML = TRUE, weights = "w", data_rule = "w = 1 + Days %% 3 (prior weights column added to sleepstudy)")
)

## ---- helpers -------------------------------------------------------------
named <- function(x) if (is.null(x)) NULL else as.list(setNames(as.numeric(x), names(x)))
arr <- function(x) I(if (is.null(x)) character(0) else x)

## run expr, collecting warnings and messages (muffled)
capture <- function(expr) {
  warns <- character(0); msgs <- character(0)
  val <- tryCatch(withCallingHandlers(expr,
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) { msgs <<- c(msgs, sub("\n$", "", conditionMessage(m))); invokeRestart("muffleMessage") }),
    error = function(e) structure(list(msg = conditionMessage(e)), class = "captured_error"))
  list(value = val, warnings = warns, messages = msgs,
       error = if (inherits(val, "captured_error")) val$msg else NULL)
}

make_call <- function(sp) {
  f <- as.formula(sp$formula, env = globalenv())
  cl <- if (is.null(sp$fam)) {
    call("lmer", formula = f, data = quote(dat), REML = sp$REML)
  } else {
    call("glmer", formula = f, data = quote(dat), family = str2lang(sp$fam), nAGQ = sp$nAGQ)
  }
  if (!is.null(sp$weights)) cl$weights <- as.name(sp$weights)
  cl
}

## Laplace components from the state of a glmer devfun environment
devfun_components <- function(dd) {
  env <- environment(dd)
  pp <- env$pp; resp <- env$resp
  out <- tryCatch(list(
    ldL2 = pp$ldL2(),
    sqrL = pp$sqrL(1),
    sum_dev_resid = resp$resDev(),
    cond_aic = resp$aic(),
    beta = as.numeric(pp$beta(1))
  ), error = function(e) list(error = conditionMessage(e)))
  out
}

saturated_loglik <- function(fit) {
  fam <- family(fit)$family
  if (!fam %in% c("binomial", "poisson")) return(NULL)
  y <- fit@resp$y; n <- fit@resp$n; wt <- fit@resp$weights
  -family(fit)$aic(y, n, y, wt, 0) / 2
}

ranef_first5 <- function(fit) {
  rr <- capture(as.data.frame(ranef(fit, condVar = TRUE)))
  if (!is.null(rr$error)) return(list(error = rr$error))
  df <- rr$value
  out <- list()
  for (g in unique(as.character(df$grpvar))) {
    for (tm in unique(as.character(df$term[df$grpvar == g]))) {
      s <- df[df$grpvar == g & df$term == tm, ]
      nlev <- nrow(s)
      s <- head(s, 5)
      out[[length(out) + 1]] <- list(grpvar = g, term = tm, n_levels = nlev,
                                     levels = arr(as.character(s$grp)),
                                     condval = I(s$condval), condsd = I(s$condsd))
    }
  }
  out
}

varcorr_rows <- function(fit) {
  vc <- as.data.frame(VarCorr(fit))
  lapply(seq_len(nrow(vc)), function(i) list(grp = vc$grp[i],
    var1 = if (is.na(vc$var1[i])) NULL else vc$var1[i],
    var2 = if (is.na(vc$var2[i])) NULL else vc$var2[i],
    vcov = vc$vcov[i], sdcor = vc$sdcor[i]))
}

glmmtmb_fit <- function(sp, dat) {
  fam <- eval(str2lang(sp$fam))
  r <- capture({
    t0 <- proc.time()[["elapsed"]]
    m <- glmmTMB(as.formula(sp$formula, env = globalenv()), data = dat, family = fam)
    attr(m, "secs") <- proc.time()[["elapsed"]] - t0
    m
  })
  if (!is.null(r$error)) return(list(error = r$error, warnings = arr(r$warnings)))
  m <- r$value
  vc <- VarCorr(m)$cond
  sds <- unlist(lapply(names(vc), function(g) { s <- attr(vc[[g]], "stddev"); setNames(s, paste0(g, ".", names(s))) }))
  pars <- m$fit$par
  list(
    version = as.character(packageVersion("glmmTMB")),
    logLik = as.numeric(logLik(m)),
    minus2logLik = -2 * as.numeric(logLik(m)),
    objective_nll = m$fit$objective,
    beta = named(fixef(m)$cond),
    theta_sd = named(sds),
    theta_raw_logsd = I(as.numeric(pars[names(pars) == "theta"])),
    se = named(sqrt(diag(vcov(m)$cond))),
    convergence = m$fit$convergence,
    optimizer_message = m$fit$message,
    pdHess = m$sdr$pdHess,
    seconds = attr(m, "secs"),
    warnings = arr(r$warnings),
    messages = arr(r$messages)
  )
}

## ---- one case ------------------------------------------------------------
run_case <- function(sp) {
  cat(sprintf("%-28s ", sp$id)); flush.console()
  dat <- datasets[[sp$dataset]]
  e <- new.env(parent = globalenv()); e$dat <- dat
  cl <- make_call(sp)
  is_lmer <- is.null(sp$fam)
  out <- list(id = sp$id, case = sp$case, dataset = paste0(sp$dataset, ".csv"),
              dataset_dir = attr(dat, "dir"), formula = sp$formula,
              family = sp$family, method = sp$method,
              engine = if (is_lmer) "lmer" else "glmer",
              nAGQ = if (is_lmer) NULL else sp$nAGQ,
              REML = if (is_lmer) sp$REML else NULL,
              weights = sp$weights, data_rule = sp$data_rule, note = sp$note,
              r_call = paste(deparse(cl, width.cutoff = 500L), collapse = " "))
  t0 <- proc.time()[["elapsed"]]
  r <- capture(eval(cl, e))
  out$seconds <- proc.time()[["elapsed"]] - t0
  out$warnings <- arr(r$warnings)
  out$messages <- arr(r$messages)
  if (!is.null(r$error)) { out$error <- r$error; cat("ERROR:", r$error, "\n"); return(out) }
  fit <- r$value

  theta <- getME(fit, "theta"); beta <- fixef(fit); lower <- getME(fit, "lower")
  ll <- logLik(fit)
  out$theta <- named(theta)
  out$theta_lower <- named(setNames(lower, names(theta)))
  out$beta <- named(beta)
  if (getME(fit, "devcomp")$dims[["useSc"]] == 1) out$sigma <- sigma(fit)
  out$logLik <- as.numeric(ll)
  dv <- capture(deviance(fit))
  out$deviance <- if (is.null(dv$error)) dv$value else NULL
  if (length(dv$warnings)) out$deviance_warnings <- arr(dv$warnings)
  if (is_lmer && isREML(fit)) {
    out$REMLcrit <- REMLcrit(fit)
    out$deviance_ML_at_REML_fit <- deviance(fit, REML = FALSE)
  }
  out$minus2logLik <- -2 * as.numeric(ll)
  out$df <- attr(ll, "df")
  out$nobs <- nobs(fit)
  out$AIC <- AIC(fit)
  out$BIC <- BIC(fit)
  out$isSingular <- isSingular(fit)

  ## standard errors
  v1 <- capture(sqrt(diag(as.matrix(vcov(fit)))))
  if (is_lmer) {
    out$se <- named(setNames(v1$value, names(beta)))
  } else {
    out$se_hessian <- if (is.null(v1$error)) named(setNames(v1$value, names(beta))) else NULL
    if (length(v1$warnings)) out$se_hessian_warnings <- arr(v1$warnings)
    h <- fit@optinfo$derivs$Hessian
    out$hessian_available <- !is.null(h)
    v2 <- capture(sqrt(diag(as.matrix(vcov(fit, use.hessian = FALSE)))))
    out$se_rx <- if (is.null(v2$error)) named(setNames(v2$value, names(beta))) else NULL
    out$se_default_uses_hessian <- isTRUE(out$hessian_available) && is.null(v1$error) &&
      !isTRUE(all.equal(v1$value, v2$value, tolerance = 1e-12)) && !length(v1$warnings)
  }
  out$varcorr <- varcorr_rows(fit)
  cmp <- getME(fit, "devcomp")$cmp
  out$devcomp_cmp <- named(cmp)

  if (!is_lmer) {
    out$components_at_opt <- list(
      ldL2 = cmp[["ldL2"]],
      sqrL = sum(getME(fit, "u")^2),
      sum_dev_resid = sum(residuals(fit, type = "deviance")^2),
      cond_aic = fit@resp$aic(),
      saturated_loglik = saturated_loglik(fit))
    if (sp$nAGQ == 1L) {
      co <- out$components_at_opt
      out$components_at_opt$laplace_sum <- co$ldL2 + co$sqrL + co$cond_aic
      out$components_at_opt$laplace_sum_note <- "ldL2 + sqrL + cond_aic, to compare with minus2logLik"
    }
  }

  ## objective at fixed parameters
  dcall <- update(fit, devFunOnly = TRUE, evaluate = FALSE)
  dr <- capture(eval(dcall, e))
  if (!is.null(dr$error)) {
    out$devfun_error <- dr$error
  } else {
    dd <- dr$value
    diag_theta <- lower == 0
    theta2 <- ifelse(diag_theta, pmax(theta * 1.1 + 0.05, 0), theta + 0.05)
    names(theta2) <- names(theta)
    theta_only <- is_lmer || sp$nAGQ == 0L
    if (theta_only) {
      p_opt <- theta; p2 <- theta2
      out$devfun_args <- "theta"
    } else {
      p_opt <- c(theta, beta); p2 <- c(theta2, beta + 0.1)
      out$devfun_args <- "theta,beta"
    }
    out$devfun_par_names <- arr(names(p_opt))
    out$devfun_kind <- if (is_lmer) (if (isREML(fit)) "REML criterion (profiled)" else "profiled deviance (-2 logLik)")
                       else if (sp$nAGQ == 0L) "Laplace deviance, beta from joint PIRLS (theta only)"
                       else if (sp$nAGQ == 1L) "Laplace deviance D_L = ldL2 + ||u||^2 + aic(mu)"
                       else "AGQ deviance D_AGQ (deviance-residual scale)"
    out$par_opt <- named(p_opt)
    out$par2 <- named(p2)
    out$par2_rule <- "theta*1.1+0.05 for diagonal (lower bound 0) theta, theta+0.05 off-diagonal; beta+0.1 where beta is an argument"
    ev <- function(p) {
      x <- capture(dd(as.numeric(p)))
      comp <- if (!is_lmer) devfun_components(dd) else NULL
      list(val = if (is.null(x$error)) as.numeric(x$value) else NULL, err = x$error, warn = x$warnings, comp = comp)
    }
    a <- ev(p_opt); b <- ev(p2); a2 <- ev(p_opt)
    out$objective_at_opt <- a$val
    out$objective_at_perturbed <- b$val
    out$objective_at_opt_repeat <- a2$val
    errs <- c(a$err, b$err, a2$err); ws <- c(a$warn, b$warn, a2$warn)
    if (length(errs)) out$devfun_errors <- arr(errs)
    if (length(ws)) out$devfun_warnings <- arr(ws)
    if (!is_lmer) {
      if (!is.null(a$comp$beta) && theta_only) {
        a$comp$beta <- named(setNames(a$comp$beta, names(beta)))
        b$comp$beta <- named(setNames(b$comp$beta, names(beta)))
      } else { a$comp$beta <- NULL; b$comp$beta <- NULL }
      out$devfun_components_at_opt <- a$comp
      out$devfun_components_at_perturbed <- b$comp
      out$devfun_components_note <- "state of environment(dd)$pp/$resp after the evaluation: ldL2, sqrL = ||u||^2, sum_dev_resid, cond_aic = -2 log p(y|u); beta is the joint-PIRLS beta (theta-only devfun)"
    }
    if (!is_lmer && !theta_only && !is.null(out$se_rx)) {
      ## a moderate perturbation in standard-error units (par2 can be far out for
      ## covariates with a large range, e.g. I(age^2))
      p3 <- c(theta2, beta + 0.5 * unlist(out$se_rx))
      names(p3) <- names(p_opt)
      c3 <- ev(p3)
      out$par3 <- named(p3)
      out$par3_rule <- "theta as in par2; beta + 0.5 * se_rx"
      out$objective_at_par3 <- c3$val
      if (!is.null(c3$err)) out$par3_error <- c3$err
    }
    if (!is_lmer) {
      ## Fully converged objective. lme4's PIRLS (tolPwrss = 1e-7 on the relative
      ## change of pdev) restarts every evaluation from lp0 (state at the end of
      ## stage 1) and takes ldL2 from the factor of the penultimate iterate, so
      ## objective_at_* carries a start-dependent error of up to ~1e-2. Here the
      ## devfun is re-evaluated with lp0 warm-started at the previous evaluation's
      ## linear predictor (and tolPwrss = 1e-10) until the value repeats, which gives
      ## ldL2(u^) + ||u^||^2 + aic(mu^) (or D_AGQ) at the exact PIRLS solution.
      env <- environment(dd)
      base_off <- if (exists("baseOffset", envir = env, inherits = FALSE)) env$baseOffset else env$resp$offset
      lp0_saved <- env$lp0; tol_saved <- env$tolPwrss
      fam <- family(fit)
      ybar <- mean(fit@resp$y)
      ybar <- if (fam$family == "binomial") min(max(ybar, 0.05), 0.95) else ybar + 0.1
      lp0_alt <- rep(fam$linkfun(ybar), length(lp0_saved))
      conv_eval <- function(p, lp0) {
        env$lp0 <- lp0; env$tolPwrss <- 1e-10
        vals <- numeric(0); r <- NULL
        for (k in 1:30) {
          r <- ev(p)
          if (is.null(r$val)) break
          vals <- c(vals, r$val)
          env$lp0 <- as.numeric(env$resp$eta - base_off)
          if (k >= 3 && abs(vals[k] - vals[k - 1]) < 1e-10 && abs(vals[k - 1] - vals[k - 2]) < 1e-10) break
        }
        env$lp0 <- lp0_saved; env$tolPwrss <- tol_saved
        list(val = if (length(vals)) vals[length(vals)] else NULL, n = length(vals), err = r$err, comp = r$comp)
      }
      pts <- list(opt = p_opt, perturbed = p2)
      if (!is.null(out$par3)) pts$par3 <- out$par3
      conv <- list(); conv_alt <- list(); cerr <- character(0)
      for (nm in names(pts)) {
        pv <- unlist(pts[[nm]])
        a1 <- conv_eval(pv, lp0_saved); a2 <- conv_eval(pv, lp0_alt)
        out[[paste0("objective_at_", nm, "_converged")]] <- a1$val
        comp <- a1$comp; if (!theta_only) comp$beta <- NULL else if (!is.null(comp$beta)) comp$beta <- named(setNames(comp$beta, names(beta)))
        out[[paste0("devfun_components_at_", nm, "_converged")]] <- comp
        conv[[nm]] <- a1$val; conv_alt[[nm]] <- a2$val
        out[[paste0("objective_at_", nm, "_converged_altstart")]] <- a2$val
        if (!is.null(a1$err)) cerr <- c(cerr, paste0(nm, ": ", a1$err))
        if (!is.null(a2$err)) cerr <- c(cerr, paste0(nm, " (altstart): ", a2$err))
      }
      if (length(cerr)) out$converged_eval_errors <- arr(cerr)
    }
    if (is_lmer) {
      out$devfun_sigma_note <- "lmer: sigma is profiled out of the objective"
    }
  }

  out$ranef_first5 <- ranef_first5(fit)
  out$optimizer <- fit@optinfo$optimizer
  out$opt_conv_code <- fit@optinfo$conv$opt
  out$lme4_conv_messages <- arr(fit@optinfo$conv$lme4$messages)
  out$optinfo_warnings <- arr(unlist(fit@optinfo$warnings))
  out$feval <- fit@optinfo$feval
  out$converged <- length(fit@optinfo$conv$lme4$messages) == 0 && !length(r$warnings) &&
    identical(as.integer(fit@optinfo$conv$opt), 0L)

  if (sp$glmmtmb) out$glmmtmb <- glmmtmb_fit(sp, dat)
  cat(sprintf("%7.2fs  obj_opt=%.10g  obj_pert=%s  %s\n", out$seconds,
              if (is.null(out$objective_at_opt)) NA else out$objective_at_opt,
              if (is.null(out$objective_at_perturbed)) "NA" else format(out$objective_at_perturbed, digits = 10),
              paste(c(out$warnings, out$messages, out$lme4_conv_messages), collapse = " | ")))
  out
}

results <- lapply(cases, run_case)

top <- list(
  description = "lme4 reference fits and objectives at fixed parameters for FastGlmm's engine tests; generated by tests/data/rgen/engine_reference.R",
  generated = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  glmmTMB_version = as.character(packageVersion("glmmTMB")),
  Matrix_version = as.character(packageVersion("Matrix")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  conventions = list(
    theta = "lme4 relative covariance factor parameters (getME(fit, 'theta')), column-wise lower-triangular per term; theta_lower null means -Inf (off-diagonal)",
    logLik = "as.numeric(logLik(fit)); for AGQ fits lme4 reports -D_AGQ/2 on the deviance-residual scale (not comparable with Laplace)",
    deviance = "deviance(fit): for glmer the sum of squared deviance residuals; for lmer ML the -2logLik; REML lmer: deviance(fit) (with warning, if any)",
    se_hessian = "sqrt(diag(vcov(fit))) with lme4 defaults (Hessian-based when available)",
    se_rx = "sqrt(diag(vcov(fit, use.hessian = FALSE)))",
    objective = "update(fit, devFunOnly = TRUE) evaluated at par_opt and par2 (see devfun_args)",
    objective_converged = "glmer only: lme4's devfun values (objective_at_*) restart PIRLS from lp0 (the stage-1 end state) with tolPwrss = 1e-7 and take ldL2 from the penultimate PIRLS iterate, so they depend on the start by up to ~1e-2 (VerbAgg) and are usually within ~1e-3. objective_at_*_converged re-evaluates the same devfun, warm-starting lp0 at the previous evaluation's linear predictor (tolPwrss 1e-10) until the value repeats: the objective at the exact PIRLS solution, start-independent (*_converged_altstart starts from a constant linear predictor). Match *_converged to ~1e-8; match objective_at_* to ~1e-2 unless lme4's lp0 and iteration sequence are replicated.",
    reproducibility = "Refitting in a fresh R process can move lme4's optimum slightly (observed: theta/beta by up to ~2e-5 for glmer with several RE terms, ~1e-10 for lmer), apparently from floating-point summation-order effects; every objective here is evaluated at the par_opt/par2 recorded in the same case, so the file is internally consistent."
  ),
  total_seconds = NULL,
  cases = results
)
top$total_seconds <- proc.time()[["elapsed"]] - t_start
write_json(top, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null")
cat("wrote", out_json, "in", round(top$total_seconds, 1), "s\n")
