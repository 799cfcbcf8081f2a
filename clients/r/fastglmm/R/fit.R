## fg_lmer() and fg_glmer(): fit through the CLI, return an "fgMerMod" object.

#' Linear mixed model, as lme4's lmer(formula, data, REML): returns an object of class "fgMerMod".
fg_lmer <- function(formula, data, REML = TRUE, weights = NULL, ...) {
  fg_fit(formula, data, family = "gaussian(identity)", extra = c(if (REML) "--reml" else "--ml", fg_weights(weights)),
         call = match.call(), ...)
}

#' Generalized linear mixed model, as lme4's glmer(formula, data, family, nAGQ): returns an object of class "fgMerMod".
fg_glmer <- function(formula, data, family = stats::binomial, nAGQ = 1L, weights = NULL, ...) {
  fg_fit(formula, data, family = fg_family_text(family), extra = c("--nagq", as.character(as.integer(nAGQ)), fg_weights(weights)),
         call = match.call(), ...)
}

fg_weights <- function(weights) if (is.null(weights)) character() else c("--weights", weights)

fg_fit <- function(formula, data, family, extra, call, args = character()) {
  dir <- tempfile("fastglmm-"); dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  model_args <- c("--formula", fg_formula_text(formula), "--family", family, extra, args)
  json <- file.path(dir, "fit.json"); ranef_csv <- file.path(dir, "ranef.csv")
  printed <- fg_run(c("fit", fg_data_args(data, dir), model_args, "--json", json, "--json-rows", "--ranef", ranef_csv))
  fit <- jsonlite::fromJSON(json, simplifyVector = TRUE)
  structure(list(
    call = call, formula = formula, data = data, model_args = model_args, fit = fit,
    ranef_table = read.csv(ranef_csv, stringsAsFactors = FALSE, check.names = FALSE),
    printed = printed
  ), class = "fgMerMod")
}

## Runs another CLI command on the object's model and data (the CLI refits the same model, so its results are the
## same fit's): `more(dir)` gives the command's own arguments (files go in the scratch folder dir), `read(dir)` reads
## what it wrote before the folder is removed.
fg_rerun <- function(object, command, more, read) {
  dir <- tempfile("fastglmm-"); dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  fg_run(c(command, fg_data_args(object$data, dir), object$model_args, more(dir)))
  read(dir)
}
