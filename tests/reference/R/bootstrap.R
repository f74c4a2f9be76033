# Bootstrap reference on fixed resampling indices (mediation model), so that a Python
# implementation can be compared draw by draw, plus the CI conventions written out:
#  - percentile CI as boot::norm.inter (lavaan's boot.ci.type = "perc"): rank (R+1)*alpha,
#    interpolated on the qnorm scale between neighbouring order statistics;
#  - percentile CI with quantile(type = 7) (numpy's default) for comparison;
#  - BCa with jackknife acceleration: z0 = qnorm(mean(t < t0)), a = sum(L^3)/(6 sum(L^2)^1.5)
#    with L_i = (n - 1) * (mean(t_(-.)) - t_(-i)), alpha' = pnorm(z0 + (z0 + z)/(1 - a(z0 + z)))
#    then norm.inter at alpha';
#  - normal CI: est - bias -/+ qnorm(.975) * sd (divisor R - 1), bias = mean(t) - est.
med <- read.csv(file.path(DATA_DIR, "mediation_sim_n500.csv"))
fit0 <- sem(MED_MODEL, data = med)
n <- nrow(med)
R <- 500
set.seed(2024)
idx <- t(replicate(R, sample.int(n, n, replace = TRUE)))
gz <- gzfile(file.path(DATA_DIR, "mediation_boot_indices.csv.gz"), "w")
write.table(idx, gz, sep = ",", row.names = FALSE, col.names = FALSE)
close(gz)

par_names <- c("a", "b", "cp", "M~~M", "Y~~Y", "indirect", "total")
est_vec <- function(fit) {
  pe <- parameterEstimates(fit)
  c(a = pe$est[pe$label == "a"], b = pe$est[pe$label == "b"], cp = pe$est[pe$label == "cp"],
    "M~~M" = pe$est[pe$lhs == "M" & pe$op == "~~" & pe$rhs == "M"],
    "Y~~Y" = pe$est[pe$lhs == "Y" & pe$op == "~~" & pe$rhs == "Y"],
    indirect = pe$est[pe$lhs == "indirect"], total = pe$est[pe$lhs == "total"])
}
t0 <- est_vec(fit0)
draws <- t(apply(idx, 1, function(i) est_vec(sem(MED_MODEL, data = med[i, ]))))
jack <- t(sapply(seq_len(n), function(i) est_vec(sem(MED_MODEL, data = med[-i, ]))))

norm_inter <- function(t, alpha) {
  t <- sort(t); R <- length(t)
  sapply(alpha, function(a) {
    rk <- (R + 1) * a; k <- trunc(rk)
    if (k == rk) return(t[k])
    if (k == 0) return(t[1])
    if (k >= R) return(t[R])
    z <- qnorm(a); z1 <- qnorm(k / (R + 1)); z2 <- qnorm((k + 1) / (R + 1))
    t[k] + (z - z1) / (z2 - z1) * (t[k + 1] - t[k])
  })
}
alpha <- c(0.025, 0.975)
out <- list()
for (j in seq_along(par_names)) {
  tt <- draws[, j]; est <- unname(t0[j])
  z0 <- qnorm(mean(tt < est))
  L <- (n - 1) * (mean(jack[, j]) - jack[, j])
  acc <- sum(L^3) / (6 * sum(L^2)^1.5)
  zq <- qnorm(alpha)
  adj <- pnorm(z0 + (z0 + zq) / (1 - acc * (z0 + zq)))
  sd1 <- sd(tt)
  out[[par_names[j]]] <- list(
    est = est, mean = mean(tt), sd_R = sqrt(mean((tt - mean(tt))^2)), sd_R1 = sd1,
    perc = norm_inter(tt, alpha), perc_type7 = unname(quantile(tt, alpha, type = 7)),
    bca = norm_inter(tt, adj), bca_z0 = z0, bca_a = acc,
    norm = c(est - (mean(tt) - est) - qnorm(0.975) * sd1,
             est - (mean(tt) - est) + qnorm(0.975) * sd1))
}
write_ref(list(meta = meta_block(), model_syntax = MED_MODEL,
               data = "mediation_sim_n500.csv",
               indices_file = "data/mediation_boot_indices.csv.gz (R rows of 1-based row indices)",
               R = R, seed = 2024, params = out,
               first_draws = lapply(seq_len(5), function(r) as.list(draws[r, ]))),
          "mediation_boot_indices")
