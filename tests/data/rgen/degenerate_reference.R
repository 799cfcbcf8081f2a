## degenerate_reference.R -- lme4 1.1-31 values for FastGlmm's degenerate-input tests.
## Writes tests/data/extra/degenerate.csv (a seeded gaussian data set: y, x, g with 10 groups, w with two zero
## weights) and tests/data/degenerate_reference.json with:
##   zero_weights: lmer(y ~ x + (1 | g), weights = w) on the rows with w > 0 (lme4 on all rows reports logLik -Inf,
##                 which is recorded too, as logLik_all_rows);
##   response_on_right: lmer(y ~ y + x + (1 | g)) (R drops the response from the right-hand side and warns);
##   constant: the error lmer and glmer give for a constant response.
## Run from the repository root: Rscript tests/data/rgen/degenerate_reference.R
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
set.seed(20261202)
n <- 200
g <- factor(paste0("g", (seq_len(n) - 1) %% 10))
x <- rnorm(n)
y <- 0.5 + 0.3 * x + rnorm(10, sd = 0.4)[as.integer(g)] + rnorm(n)
w <- ifelse(seq_len(n) <= 2, 0, 1)
d <- data.frame(y = y, x = x, g = g, w = w)
write.csv(d, "tests/data/extra/degenerate.csv", row.names = FALSE)
writeLines('{"factor_levels": {"g": ["g0","g1","g2","g3","g4","g5","g6","g7","g8","g9"]}}', "tests/data/extra/degenerate.levels.json")
summ <- function(m) list(logLik = as.numeric(logLik(m)), nobs = nobs(m), beta = unname(fixef(m)),
                         theta = unname(getME(m, "theta")), sigma = sigma(m))
zw <- summ(lmer(y ~ x + (1 | g), d[d$w > 0, ]))
zw$logLik_all_rows <- as.character(as.numeric(logLik(lmer(y ~ x + (1 | g), d, weights = w))))
ror <- withCallingHandlers(lmer(y ~ y + x + (1 | g), d), warning = function(w) invokeRestart("muffleWarning"))
const <- tryCatch(glmer(rep(1, n) ~ x + (1 | g), d, family = poisson), error = function(e) conditionMessage(e))
out <- list(note = "lme4 reference values for degenerate inputs, made by tests/data/rgen/degenerate_reference.R",
            r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            zero_weights = zw, response_on_right = summ(ror), constant_glmer_error = const)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/data/degenerate_reference.json")
