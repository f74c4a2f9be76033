# Reference values for measurement quality (semTools 0.5-6, psych, multilevel).
suppressPackageStartupMessages({ library(semTools); library(psych) })
fit <- cfa(HS_MODEL, data = HS)
factors <- c("visual", "textual", "speed")
items <- list(visual = c("x1", "x2", "x3"), textual = c("x4", "x5", "x6"),
              speed = c("x7", "x8", "x9"))
alpha_block <- lapply(items, function(v) {
  a <- psych::alpha(HS[, v], warnings = FALSE)
  list(raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
       r_drop = as.list(setNames(a$item.stats$r.drop, v)),
       alpha_if_dropped = as.list(setNames(a$alpha.drop$raw_alpha, v)))
})
std <- standardizedSolution(fit)
fl <- lapply(factors, function(f) {
  l <- std$est.std[std$lhs == f & std$op == "=~"]
  list(CR = sum(l)^2 / (sum(l)^2 + sum(1 - l^2)), AVE = mean(l^2))
})
names(fl) <- factors
write_ref(list(
  meta = meta_block(), model_syntax = HS_MODEL,
  omega = as.list(compRelSEM(fit)),
  omega_implied = as.list(compRelSEM(fit, obs.var = FALSE)),
  ave = as.list(AVE(fit)),
  alpha = alpha_block,
  fornell_larcker = fl,
  factor_cor = mat_block(lavInspect(fit, "cor.lv")),
  htmt2 = mat_block(htmt(HS_MODEL, data = HS)),
  htmt = mat_block(htmt(HS_MODEL, data = HS, htmt2 = FALSE))
), "hs_reliability")

# multilevel: a grouped Likert dataset made here (stored as CSV)
set.seed(31)
J <- 30
sizes <- sample(5:15, J, replace = TRUE)
grp <- rep(seq_len(J), sizes)
u <- rnorm(J, sd = 0.6)[grp]
lik <- function(z) pmin(5, pmax(1, round(3 + z)))
ml <- data.frame(unit = grp,
                 i1 = lik(u + rnorm(length(grp), sd = 0.9)),
                 i2 = lik(u + rnorm(length(grp), sd = 0.9)),
                 i3 = lik(u + rnorm(length(grp), sd = 0.9)),
                 i4 = lik(u + rnorm(length(grp), sd = 0.9)))
ml$score <- rowMeans(ml[, c("i1", "i2", "i3", "i4")])
write.csv(ml, file.path(DATA_DIR, "multilevel_likert.csv"), row.names = FALSE)
ml <- read.csv(file.path(DATA_DIR, "multilevel_likert.csv"))
have_ml <- requireNamespace("multilevel", quietly = TRUE)
mod <- aov(score ~ as.factor(unit), data = ml)
tab <- summary(mod)[[1]]
msb <- tab[1, "Mean Sq"]; msw <- tab[2, "Mean Sq"]
k <- nrow(ml) / J
icc1 <- (msb - msw) / (msb + (k - 1) * msw)
icc2 <- (msb - msw) / msb
out <- list(meta = meta_block(), source = if (have_ml) "multilevel package" else "formulas",
            icc1 = icc1, icc2 = icc2, msb = msb, msw = msw,
            df_between = tab[1, "Df"], df_within = tab[2, "Df"])
if (have_ml) {
  out$icc1_pkg <- multilevel::ICC1(mod); out$icc2_pkg <- multilevel::ICC2(mod)
  rj <- multilevel::rwg.j(ml[, c("i1", "i2", "i3", "i4")], ml$unit, ranvar = 2)
  out$rwg_j <- as.list(setNames(rj$rwg.j, rj$grpid))
  rjs <- multilevel::rwg.j(ml[, c("i1", "i2", "i3", "i4")], ml$unit, ranvar = 1.34)
  out$rwg_j_slight_skew <- as.list(setNames(rjs$rwg.j, rjs$grpid))
  r1 <- multilevel::rwg(ml$i1, ml$unit, ranvar = 2)
  out$rwg_i1 <- as.list(setNames(r1$rwg, r1$grpid))
}
write_ref(out, "multilevel")

# reliability of endogenous factors (semTools uses the total latent variance, cov.lv)
pd_fit <- sem(PD_MODEL, data = PD)
write_ref(list(
  meta = meta_block(), model_syntax = PD_MODEL,
  omega = as.list(compRelSEM(pd_fit)),
  omega_implied = as.list(compRelSEM(pd_fit, obs.var = FALSE)),
  ave = as.list(AVE(pd_fit))
), "poldem_reliability")
