# lme4 1.1-31's profiled ML and REML deviance functions (devFunOnly = TRUE) of the kb07-shaped maximal model at three
# fixed theta: lme4's own ML optimum (a boundary fit), a regular point, and one with a zero diagonal. Writes
# tests/data/kb07_devfun_reference.json. Usage (repository root): Rscript tests/data/rgen/kb07_devfun_reference.R
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
d <- read.csv("tests/data/extra/kb07_sim.csv")
d$subj <- factor(d$subj); d$item <- factor(d$item)
f <- rt ~ 1 + spkr * prec * load + (1 + spkr + prec + load | subj) + (1 + spkr + prec + load | item)
m <- lmer(f, d, REML = FALSE)
lower <- getME(m, "lower")
regular <- ifelse(lower == 0, 0.4, 0.05)
regular[c(1, 11)] <- c(0.45, 0.55)
zero <- regular; zero[5] <- 0
points <- list(lme4_ml_optimum = unname(getME(m, "theta")), regular = regular, zero_diagonal = zero)
ml <- lmer(f, d, REML = FALSE, devFunOnly = TRUE)
reml <- lmer(f, d, REML = TRUE, devFunOnly = TRUE)
out <- list(lme4 = as.character(packageVersion("lme4")), formula = deparse1(f),
            cases = lapply(names(points), function(n) list(name = n, theta = points[[n]],
                                                          ml = ml(points[[n]]), reml = reml(points[[n]]))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/data/kb07_devfun_reference.json")
