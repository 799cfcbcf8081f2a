## The R front end against the CLI it calls and against lme4 1.1-31. Skips without the fastglmm command.

cli_found <- function() {
  ok <- tryCatch(nzchar(fg_cli()), error = function(e) FALSE)
  if (!ok) skip("the fastglmm command is not installed (set FASTGLMM_CLI)")
}

cbpp_data <- function() {
  skip_if_not_installed("lme4")
  lme4::cbpp
}

test_that("fg_glmer on cbpp gives the CLI's numbers, and lme4's", {
  cli_found()
  cbpp <- cbpp_data()
  fit <- fg_glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
  # The CLI on its built-in copy of cbpp (the same rows and level order).
  cli <- strsplit(fg_cli(), " ", fixed = TRUE)[[1]]
  json <- tempfile(fileext = ".json")
  system2(cli[1], c(cli[-1], "fit", "--data", "cbpp", "--formula", shQuote("cbind(incidence, size - incidence) ~ period + (1 | herd)"),
                    "--family", "binomial", "--json", json, "--quiet"), stdout = FALSE)
  ref <- jsonlite::fromJSON(json)
  expect_equal(unname(fixef(fit)), ref$beta, tolerance = 1e-12)
  expect_equal(as.numeric(logLik(fit)), ref$log_lik, tolerance = 1e-12)
  expect_equal(names(fixef(fit)), c("(Intercept)", "period2", "period3", "period4"))
  # lme4 1.1-31: glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
  expect_equal(unname(fixef(fit)), c(-1.3985, -0.9923, -1.1287, -1.5803), tolerance = 1e-4)
  expect_equal(as.numeric(logLik(fit)), -92.02628, tolerance = 1e-6)
  expect_equal(attr(logLik(fit), "df"), 5)
  vc <- VarCorr(fit)
  expect_equal(vc$grp, "herd")
  expect_equal(vc$sdcor, 0.6422614, tolerance = 1e-5)
  re <- ranef(fit)$herd
  expect_equal(dim(re), c(15L, 1L))
  expect_equal(rownames(re), levels(cbpp$herd))
  expect_equal(dim(attr(re, "condsd")), c(15L, 1L))
  expect_equal(nobs(fit), 56)
  td <- tidy(fit)
  expect_equal(td$term, c("(Intercept)", "period2", "period3", "period4", "sd__(Intercept)"))
  expect_equal(td$effect, c(rep("fixed", 4), "ran_pars"))
  expect_equal(td$estimate[1:4], unname(fixef(fit)))
  s <- summary(fit)
  expect_equal(colnames(s$coefficients), c("Estimate", "Std. Error", "z value", "Pr(>|z|)"))
  expect_output(print(s), "Generalized linear mixed model fit by maximum likelihood")
})

test_that("confint matches lme4's profile and Wald intervals", {
  cli_found()
  cbpp <- cbpp_data()
  fit <- fg_glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
  ci <- confint(fit)
  expect_equal(dimnames(ci), list(c(".sig01", "(Intercept)", "period2", "period3", "period4"), c("2.5 %", "97.5 %")))
  # lme4 1.1-31: confint(fit) (profile); its own devfun is about 1e-3 off in places.
  expect_equal(unname(ci[".sig01", ]), c(0.3460732, 1.0999746), tolerance = 1e-3)
  expect_equal(unname(ci["period2", ]), c(-1.6167833, -0.4077631), tolerance = 1e-3)
  w <- confint(fit, method = "Wald", level = 0.9)
  expect_equal(colnames(w), c("5 %", "95 %"))
  expect_true(all(is.na(w[".sig01", ])))
  expect_equal(unname(w["(Intercept)", ]), fixef(fit)[[1]] + c(-1, 1) * qnorm(0.95) * summary(fit)$coefficients[1, 2], tolerance = 1e-10)
})

test_that("fg_lmer on sleepstudy, predict, simulate and the bootstrap", {
  cli_found()
  skip_if_not_installed("lme4")
  fit <- fg_lmer(Reaction ~ Days + (Days | Subject), lme4::sleepstudy)
  # lme4 1.1-31: lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
  expect_equal(unname(fixef(fit)), c(251.405105, 10.467286), tolerance = 1e-6)
  expect_equal(as.numeric(logLik(fit)), -871.8141, tolerance = 1e-6)
  vc <- VarCorr(fit)
  expect_equal(vc$sdcor, c(24.740448, 5.922133, 0.06555, 25.591805), tolerance = 1e-4)
  expect_equal(tidy(fit)$term, c("(Intercept)", "Days", "sd__(Intercept)", "sd__Days", "cor__(Intercept).Days", "sd__Observation"))
  p <- predict(fit)
  expect_length(p, 180)
  p0 <- predict(fit, re.form = NA)
  expect_equal(unname(p0[1:2]), fixef(fit)[[1]] + c(0, 1) * fixef(fit)[[2]], tolerance = 1e-10)
  nd <- data.frame(Days = c(0, 5), Subject = factor(c("308", "new"), levels = c(levels(lme4::sleepstudy$Subject), "new")))
  pn <- predict(fit, newdata = nd)
  expect_equal(unname(pn[2]), fixef(fit)[[1]] + 5 * fixef(fit)[[2]], tolerance = 1e-10)   # a new subject: random effects 0
  sim <- simulate(fit, nsim = 3, seed = 42)
  expect_equal(dim(sim), c(180L, 3L))
  expect_equal(sim, simulate(fit, nsim = 3, seed = 42))
  b <- fg_bootstrap(fit, nsim = 40, seed = 7)
  expect_equal(dim(b$t), c(40L, length(b$t0)))
  expect_equal(unname(b$t0[1:2]), unname(fixef(fit)), tolerance = 1e-10)
  expect_equal(b$summary[1, "mean"], mean(b$t[, 1], na.rm = TRUE), tolerance = 1e-12)
})

test_that("bad input is an R error with the CLI's one-line message", {
  cli_found()
  skip_if_not_installed("lme4")
  expect_error(fg_lmer(Reaction ~ Days + (Days | nope), lme4::sleepstudy), "nope")
  expect_error(fg_glmer(y ~ 1 + (1 | g), data.frame(y = 1:3, g = factor(1:3)), family = "notafamily"))
})
