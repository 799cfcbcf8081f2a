# A Poisson random-slope GLMM with frequency weights whose Laplace optimum is on the boundary (a rank-1 covariance), after
# the design of glmmTMB's test-weight.R: 100 ids × 20 replicates × x in {0, 0.2, 0.4}, random intercept SD 0.1 and slope
# SD 0.2 (correlation −0.1), y Poisson with log mean b0 + x(0.8 + b1), aggregated to one row per (id, x, y) with its
# frequency (written to tests/data/extra/freq_weights_sim.csv). A derivative-free search can end in the other corner of
# the boundary (intercept SD 0), 5 log-likelihood units lower. Writes tests/data/boundary_restart_reference.json with
# lme4 1.1-31's glmer fit (logLik, β, θ) and glmmTMB 1.1.5's logLik and β of the same model.
# Usage (repository root): Rscript tests/data/rgen/boundary_restart_reference.R
suppressPackageStartupMessages({ library(lme4); library(glmmTMB); library(MASS); library(jsonlite) })
set.seed(1)
ni <- 100; nrep <- 20
grid <- expand.grid(i = 1:ni, rep = 1:nrep, x = c(0, .2, .4))
S <- matrix(c(.1^2, -.1 * .1 * .2, -.1 * .1 * .2, .2^2), 2, 2)
b <- mvrnorm(n = ni, mu = c(0, 0), Sigma = S)
grid$y <- rpois(nrow(grid), exp(b[grid$i, 1] + grid$x * (0.8 + b[grid$i, 2])))
tab <- as.data.frame(table(i = grid$i, x = grid$x, y = grid$y), stringsAsFactors = FALSE)
tab <- tab[tab$Freq > 0, ]
agg <- data.frame(g = sprintf("i%03d", as.integer(tab$i)), x = as.numeric(tab$x), y = as.numeric(tab$y), Freq = tab$Freq)
agg <- agg[order(agg$g, agg$x, agg$y), ]
write.csv(agg, "tests/data/extra/freq_weights_sim.csv", row.names = FALSE)
d <- read.csv("tests/data/extra/freq_weights_sim.csv")
m <- glmer(y ~ x + (x | g), d, poisson, weights = Freq)
t <- glmmTMB(y ~ x + (x | g), d, family = poisson, weights = Freq)
out <- list(generator = "lme4 1.1-31, glmmTMB 1.1.5", formula = "y ~ x + (x | g)", family = "poisson", weights = "Freq",
            lme4 = list(logLik = as.numeric(logLik(m)), beta = unname(fixef(m)), theta = unname(getME(m, "theta")),
                        singular = isSingular(m)),
            glmmTMB = list(logLik = as.numeric(logLik(t)), beta = unname(fixef(t)$cond)))
print(out)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/data/boundary_restart_reference.json")
