## crossed_binary_reference.R -- lme4 1.1-31 values for FastGlmm's crossed-GLMM test (the blocked factor in PIRLS).
## The data, tests/data/extra/crossed_binary.csv (6,000 rows; 500 subjects g x 120 items h, one crossed block of 620
## random effects), were made by FastGlmm itself:
##   fastglmm simulate-data --rows 6000 --clusters 500 --items 120 --seed 7 --out tests/data/extra/crossed_binary.csv
## This script fits glmer(y ~ x + (1 | g) + (1 | h), binomial, Laplace) and writes tests/data/crossed_binary_reference.json.
## Run from the repository root: Rscript tests/data/rgen/crossed_binary_reference.R
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
d <- read.csv("tests/data/extra/crossed_binary.csv", stringsAsFactors = TRUE)
t0 <- proc.time()[["elapsed"]]
m <- glmer(y ~ x + (1 | g) + (1 | h), d, family = binomial)
secs <- proc.time()[["elapsed"]] - t0
out <- list(note = "lme4 reference for tests/data/extra/crossed_binary.csv, made by tests/data/rgen/crossed_binary_reference.R",
            r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            formula = "y ~ x + (1 | g) + (1 | h)", nobs = nobs(m), logLik = as.numeric(logLik(m)),
            theta = unname(getME(m, "theta")), theta_names = names(getME(m, "theta")), beta = unname(fixef(m)),
            beta_se = unname(sqrt(diag(as.matrix(vcov(m))))), converged = is.null(m@optinfo$conv$lme4$messages),
            seconds = secs)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/data/crossed_binary_reference.json")
