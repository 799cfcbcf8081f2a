## frame_reference.R -- independent R/lme4 reference data for FastGlmm's
## formula -> model-frame / model-matrix / random-effects-term code.
##
## Produces a JSON fixture (default: tests/data/frame_reference.json) with, for
## each test case (id, dataset, formula, family):
##   nobs, fixed-effect model-matrix column names before (x_colnames_raw) and
##   after (x_colnames) lme4's rank-deficiency column dropping, the dropped
##   columns and lme4's message, the first 3 rows and the column sums of X,
##   the first 3 offset and response values, and the random-effect terms in
##   lme4's order (grouping factor, column names, number of levels, first
##   levels) plus the bars as lme4::findbars expanded them.
## A case on which lFormula/glFormula stops records only `error`.
## Top level also records R and lme4 versions, the date, and for each data set
## its row count and per-column R class (and levels for factors).
##
## Run from anywhere (R with lme4 and jsonlite, e.g. Debian's r-base-core,
## r-cran-lme4, r-cran-jsonlite):
##   Rscript tests/data/rgen/frame_reference.R [DATA_DIR] [OUT_JSON]
## DATA_DIR defaults to ../shared/data relative to the repo root and must hold
## X.csv plus X.levels.json for each data set; OUT_JSON defaults to
## tests/data/frame_reference.json relative to the repo root.
##
## Data loading: read.csv(stringsAsFactors = FALSE); each column listed in
## X.levels.json "factor_levels" becomes factor(as.character(col), levels =
## given levels); any other character column becomes a factor with levels
## sorted in the C locale; numeric columns stay numeric.

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))

## ---- paths ---------------------------------------------------------------
script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/frame_reference.R", mustWork = FALSE)
})
repo_root <- normalizePath(file.path(dirname(script_path), "..", "..", ".."), mustWork = FALSE)
args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1 && nzchar(args[1])) args[1] else file.path(repo_root, "..", "shared", "data")
out_json <- if (length(args) >= 2 && nzchar(args[2])) args[2] else file.path(repo_root, "tests", "data", "frame_reference.json")
data_dir <- normalizePath(data_dir, mustWork = TRUE)

## ---- data ----------------------------------------------------------------
load_dataset <- function(name) {
  d <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  lv <- fromJSON(file.path(data_dir, paste0(name, ".levels.json")), simplifyVector = TRUE)
  fl <- lv$factor_levels
  for (col in names(fl)) {
    d[[col]] <- factor(as.character(d[[col]]), levels = as.character(fl[[col]]))
  }
  for (col in names(d)) {
    if (is.character(d[[col]])) d[[col]] <- factor(d[[col]], levels = sort(unique(d[[col]]), method = "radix"))
  }
  d
}

dataset_names <- c("cbpp", "bacteria", "epil", "salamander", "sleepstudy", "penicillin")
datasets <- setNames(lapply(dataset_names, load_dataset), dataset_names)

describe_dataset <- function(name, d) {
  cols <- lapply(names(d), function(col) {
    x <- d[[col]]
    o <- list(name = col, class = I(class(x)))
    if (is.factor(x)) o$levels <- I(levels(x))
    o
  })
  list(name = name, nrow = nrow(d), columns = cols)
}

## ---- cases ---------------------------------------------------------------
cases <- read.table(header = TRUE, sep = "|", quote = "", strip.white = TRUE,
                    stringsAsFactors = FALSE, comment.char = "", text = "
id |dataset   |family  |formula
c1 |cbpp      |binomial|cbind(incidence, size - incidence) ~ period + (1 @ herd)
c2 |cbpp      |poisson |incidence ~ period * size + (1 @ herd)
c3 |cbpp      |poisson |incidence ~ 0 + period + (1 @ herd)
c4 |cbpp      |poisson |incidence ~ period - 1 + (1 @ herd)
c5 |cbpp      |poisson |incidence ~ size + period:size + (1 @ herd)
c6 |cbpp      |poisson |incidence ~ log(size) + sqrt(size) + exp(size/100) + abs(size - 10) + (1 @ herd)
c7 |cbpp      |poisson |incidence ~ I(size^2) + I(size > 15) + offset(log(size)) + (1 @ herd)
c8 |cbpp      |poisson |incidence ~ period + (1 @ herd) + (1 @ period:herd)
c9 |cbpp      |poisson |incidence ~ 1 + (1 @ herd/period)
c10|cbpp      |poisson |incidence ~ size + (size @ herd)
c11|cbpp      |binomial|cbind(incidence, size - incidence) ~ factor(period) + (1 @ herd)
c12|cbpp      |poisson |incidence ~ period:size + (1 @ herd)
b1 |bacteria  |binomial|y2 ~ trt + I(week > 2) + (1 @ ID)
b2 |bacteria  |binomial|y ~ trt + ap + (1 @ ID)
b3 |bacteria  |binomial|y ~ trt * hilo + (1 @ ID)
b4 |bacteria  |binomial|y ~ ap * hilo + (1 @ ID)
b5 |bacteria  |binomial|y ~ ap:hilo + (1 @ ID)
b6 |bacteria  |binomial|y ~ week + trt:week + (1 @ ID)
b7 |bacteria  |binomial|y ~ trt:week + (1 @ ID)
b8 |bacteria  |binomial|y ~ ap/hilo + (1 @ ID)
b9 |bacteria  |binomial|y ~ (trt + week + hilo)^2 + (1 @ ID)
b10|bacteria  |binomial|y ~ trt + (week @@ ID)
b11|bacteria  |binomial|y ~ trt + (1 + week @ ID)
b12|bacteria  |binomial|y ~ trt + (0 + week @ ID)
b13|bacteria  |binomial|y ~ trt + (ap @ ID)
b14|bacteria  |binomial|y ~ 0 + ap:hilo + (1 @ ID)
b15|bacteria  |binomial|y ~ hilo:ap + week + (1 @ ID)
b16|bacteria  |binomial|y2 ~ trt + I(week > 2) + I(week^2) + (1 @ ID) + (1 @ trt:ID)
b17|bacteria  |binomial|y ~ ap + hilo + ap:hilo:week + (1 @ ID)
b18|bacteria  |binomial|y ~ (ap + hilo + week)^3 - ap:hilo:week + (1 @ ID)
b19|bacteria  |binomial|y ~ trt - 1 + I(week == 0) + (1 @ ID)
b20|bacteria  |binomial|y ~ 0 + week + trt + (1 @ ID)
e1 |epil      |poisson |y ~ lbase * trt + lage + V4 + (1 @ subject)
e2 |epil      |poisson |y ~ lbase * trt + lage + V4 + (1 @ subject) + (1 @ period)
e3 |epil      |poisson |y ~ trt * factor(period) + (1 @ subject)
e4 |epil      |poisson |y ~ base + age + trt:lbase + (1 @ subject)
e5 |epil      |poisson |y ~ (lbase + trt + V4)^2 + (1 @ subject)
e6 |epil      |poisson |y ~ trt/lbase + (1 @ subject)
e7 |epil      |poisson |y ~ lbase:lage + trt + (1 @ subject)
e8 |epil      |poisson |y ~ lbase + offset(log(base)) + (1 @ subject)
e9 |epil      |poisson |y ~ trt + (lbase @ subject)
e10|epil      |poisson |y ~ lbase * trt - lbase + (1 @ subject)
s1 |salamander|binomial|Mate ~ 0 + Cross + (1 @ Female) + (1 @ Male)
s2 |salamander|binomial|Mate ~ Cross + (1 @ Female)
s3 |salamander|binomial|Mate ~ 1 + (1 @ Female:Cross)
s4 |salamander|binomial|Mate ~ 0 + Cross + (1 @ Female) + (1 @ Male) + (1 @ Female:Male)
l1 |sleepstudy|gaussian|Reaction ~ Days + (Days @ Subject)
l2 |sleepstudy|gaussian|Reaction ~ Days + (Days @@ Subject)
l3 |sleepstudy|gaussian|Reaction ~ Days + (1 @ Subject) + (0 + Days @ Subject)
l4 |sleepstudy|gaussian|Reaction ~ 1 + Days + I(Days^2) + (1 + Days @ Subject)
l5 |sleepstudy|gaussian|Reaction ~ Days - 1 + (1 @ Subject)
l6 |sleepstudy|gaussian|log(Reaction) ~ Days + (1 @ Subject)
l7 |sleepstudy|gaussian|Reaction ~ Days + (1 @ Subject:Days)
l8 |sleepstudy|gaussian|Reaction ~ Days + I(Days - 4.5) + (1 @ Subject)
l9 |sleepstudy|gaussian|Reaction ~ poly(Days, 2) + (1 @ Subject)
l10|sleepstudy|gaussian|Reaction ~ 1 + (1 @ Subject) + (0 + Days @ Subject) + (0 + I(Days^2) @ Subject)
p1 |penicillin|gaussian|diameter ~ 1 + (1 @ plate) + (1 @ sample)
p2 |penicillin|gaussian|diameter ~ sample + (1 @ plate)
p3 |penicillin|gaussian|diameter ~ 0 + sample + (1 @ plate)
p4 |penicillin|gaussian|diameter ~ (1 @ plate/sample)
p5 |penicillin|gaussian|diameter ~ sample + (1 @ plate) + (1 @ plate:sample)
")
## '|' is the table separator above, so bars are written '@' and put back here.
cases$formula <- gsub("@", "|", cases$formula, fixed = TRUE)

## ---- one case ------------------------------------------------------------
rows_as_arrays <- function(m, n = 3) {
  m <- as.matrix(m)
  lapply(seq_len(min(n, nrow(m))), function(i) I(unname(as.vector(m[i, ]))))
}

vec_head <- function(v, n = 3) {
  if (is.factor(v)) return(I(as.character(head(v, n))))
  I(unname(as.vector(head(v, n))))
}

run_case <- function(cs) {
  d <- datasets[[cs$dataset]]
  fml <- as.formula(cs$formula, env = globalenv())
  out <- list(id = cs$id, dataset = cs$dataset, formula = cs$formula, family = cs$family)
  msgs <- character(0)
  warns <- character(0)
  glf <- tryCatch(
    withCallingHandlers({
      if (cs$family == "gaussian") {
        lFormula(formula = fml, data = d)
      } else {
        fam <- switch(cs$family, binomial = binomial(), poisson = poisson())
        glFormula(formula = fml, data = d, family = fam)
      }
    },
    message = function(m) {
      msgs <<- c(msgs, trimws(conditionMessage(m)))
      invokeRestart("muffleMessage")
    },
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    }),
    error = function(e) e)

  if (inherits(glf, "error")) {
    out$error <- conditionMessage(glf)
    return(out)
  }

  fr <- glf$fr
  X <- glf$X
  fixedform <- lme4::nobars(fml)
  Xraw <- model.matrix(fixedform, fr)   # same call lme4 makes before dropping
  raw_names <- colnames(Xraw)
  out$nobs <- nrow(fr)
  out$x_colnames_raw <- I(raw_names)
  out$x_colnames <- I(colnames(X))
  out$dropped <- I(setdiff(raw_names, colnames(X)))
  drop_msg <- msgs[grepl("rank deficient", msgs)]
  out["drop_message"] <- list(if (length(drop_msg)) paste(drop_msg, collapse = "\n") else NULL)
  out$messages <- I(msgs)
  out$warnings <- I(warns)
  out$x_head <- rows_as_arrays(X)
  out$x_colsums <- I(unname(colSums(X)))
  off <- model.offset(fr)
  out["offset_head"] <- list(if (is.null(off)) NULL else I(unname(head(as.vector(off), 3))))
  resp <- model.response(fr)
  out$response_class <- I(class(resp))
  out$response_head <- if (is.matrix(resp)) rows_as_arrays(resp) else vec_head(resp)
  rt <- glf$reTrms
  asg <- attr(rt$flist, "assign")
  out$re_terms <- lapply(seq_along(rt$cnms), function(k) {
    f <- rt$flist[[asg[k]]]
    list(group = names(rt$cnms)[k],
         cnms = I(rt$cnms[[k]]),
         nlevels = nlevels(f),
         first_levels = I(head(levels(f), 5)))
  })
  out$bars <- I(vapply(lme4::findbars(fml), function(b) paste(deparse(b), collapse = " "), ""))
  out
}

results <- lapply(seq_len(nrow(cases)), function(i) run_case(cases[i, , drop = FALSE]))

fixture <- list(
  note = paste("Provenance for FastGlmm tests: reference model frames, fixed-effect model matrices",
               "and random-effect terms computed by R/lme4 (lFormula for gaussian, glFormula otherwise,",
               "default control) by tests/data/rgen/frame_reference.R from shared/data/*.csv."),
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  datasets = lapply(dataset_names, function(n) describe_dataset(n, datasets[[n]])),
  cases = results
)

dir.create(dirname(out_json), recursive = TRUE, showWarnings = FALSE)
write_json(fixture, out_json, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null")
cat(sprintf("wrote %d cases (%d errors) to %s\n", length(results),
            sum(vapply(results, function(r) !is.null(r$error), TRUE)), out_json))
