# A kb07-shaped crossed design (Kronmüller & Barr 2007's layout; simulated, not their data): 56 subjects x 32 items,
# fully crossed (1,792 rows), three +-0.5-coded factors spkr, prec, load counterbalanced by a Latin square
# (condition = (subj + item) mod 8), maximal random effects on both factors. Writes tests/data/extra/kb07_sim.csv and
# prints lme4 1.1-31's ML fit of the maximal model (20 theta) with its time.
# Usage (repository root): Rscript tests/data/rgen/kb07_sim_reference.R
suppressPackageStartupMessages(library(lme4))
set.seed(2007)
ns <- 56; ni <- 32
d <- expand.grid(item = seq_len(ni), subj = seq_len(ns))
cond <- (d$subj + d$item) %% 8
d$spkr <- ifelse(bitwAnd(cond, 1) > 0, 0.5, -0.5)
d$prec <- ifelse(bitwAnd(cond, 2) > 0, 0.5, -0.5)
d$load <- ifelse(bitwAnd(cond, 4) > 0, 0.5, -0.5)
rcov <- function(sd, rho) { r <- matrix(rho, 4, 4); diag(r) <- 1; diag(sd) %*% r %*% diag(sd) }
bs <- MASS::mvrnorm(ns, rep(0, 4), rcov(c(300, 60, 120, 40), 0.3))
bi <- MASS::mvrnorm(ni, rep(0, 4), rcov(c(350, 50, 200, 30), -0.2))
X <- cbind(1, d$spkr, d$prec, d$load)
beta <- c(2200, 70, -330, 80)
d$rt <- round(as.vector(X %*% beta) + rowSums(X * bs[d$subj, ]) + rowSums(X * bi[d$item, ]) + rnorm(nrow(d), 0, 650))
d$subj <- sprintf("S%02d", d$subj); d$item <- sprintf("I%02d", d$item)
write.csv(d[, c("subj", "item", "spkr", "prec", "load", "rt")], "tests/data/extra/kb07_sim.csv", row.names = FALSE)
d$subj <- factor(d$subj); d$item <- factor(d$item)
f <- rt ~ 1 + spkr * prec * load + (1 + spkr + prec + load | subj) + (1 + spkr + prec + load | item)
t0 <- proc.time()
m <- lmer(f, d, REML = FALSE)
el <- (proc.time() - t0)[["elapsed"]]
cat(sprintf("lme4 %s: ML deviance %.8f, %d evaluations, %.2f s\n", packageVersion("lme4"), deviance(m), m@optinfo$feval, el))
cat("theta:", sprintf("%.8f", getME(m, "theta")), "\n")
cat("beta:", sprintf("%.8f", fixef(m)), "\n")
cat("messages:", unlist(m@optinfo$conv$lme4$messages), "\n")
