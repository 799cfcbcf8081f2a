## insteval_reference.R -- lme4 1.1-31 values for FastGlmm's crossed-design tests and benchmark (issue 16).
## Writes src/FastGlmm/Datasets/data/insteval.csv (lme4's InstEval: 73,421 lecture ratings; students s, lecturers d,
## departments dept; y the rating 1-5; service, studage, lectage) with insteval.levels.json (R's level orders), and
## tests/data/insteval_reference.json with, for y ~ service + (1 | s) + (1 | d) + (1 | dept):
##   fits (REML and ML): theta, beta, sigma, deviance or REML criterion, the optimizer's evaluation count;
##   devfun: lme4's deviance function (devFunOnly = TRUE) at fixed theta vectors, REML and ML.
## Run from the repository root: Rscript tests/data/rgen/insteval_reference.R
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
data(InstEval, package = "lme4")
d <- InstEval
out_csv <- data.frame(y = d$y, s = d$s, d = d$d, dept = d$dept, service = d$service,
                      studage = d$studage, lectage = d$lectage)
write.csv(out_csv, "src/FastGlmm/Datasets/data/insteval.csv", row.names = FALSE, quote = FALSE)
lev <- list(s = levels(d$s), d = levels(d$d), dept = levels(d$dept), service = levels(d$service),
            studage = levels(d$studage), lectage = levels(d$lectage))
writeLines(toJSON(list(dataset = "insteval.csv", factor_levels = lev), auto_unbox = FALSE, pretty = FALSE),
           "src/FastGlmm/Datasets/data/insteval.levels.json")
f <- y ~ service + (1 | s) + (1 | d) + (1 | dept)
summ <- function(m) list(theta = unname(getME(m, "theta")), beta = unname(fixef(m)), sigma = sigma(m),
                         criterion = unname(if (isREML(m)) REMLcrit(m) else deviance(m)),
                         logLik = as.numeric(logLik(m)), evaluations = m@optinfo$feval,
                         seconds = NA_real_)
fits <- list()
for (reml in c(TRUE, FALSE)) {
  t0 <- proc.time()[["elapsed"]]
  m <- lmer(f, d, REML = reml)
  s <- summ(m); s$seconds <- proc.time()[["elapsed"]] - t0
  fits[[if (reml) "REML" else "ML"]] <- s
}
thetas <- list(c(0.5, 0.5, 0.5), c(0.25, 0.4, 0.1), c(1, 0.05, 0.3), c(0, 0.4, 0.2))
devfun <- list()
for (reml in c(TRUE, FALSE)) {
  df <- lmer(f, d, REML = reml, devFunOnly = TRUE)
  devfun[[if (reml) "REML" else "ML"]] <- lapply(thetas, function(t) list(theta = t, value = df(t)))
}
out <- list(note = "lme4 reference values for InstEval, made by tests/data/rgen/insteval_reference.R",
            r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            formula = deparse(f), nobs = nrow(d), fits = fits, devfun = devfun)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/data/insteval_reference.json")
