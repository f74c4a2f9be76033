# Least-squares estimators (GLS, ULS, WLS, DWLS) with a mean structure and with groups
# (lavaan adds the mean structure itself for groups), on HolzingerSwineford1939.
HS <- read.csv(file.path(DATA_DIR, "HolzingerSwineford1939.csv"))
HS_CFA <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
out <- list(meta = meta_block())
for (est in c("GLS", "ULS", "WLS", "DWLS")) {
  f1 <- cfa(HS_CFA, data = HS, estimator = est, meanstructure = TRUE)
  out[[paste0(tolower(est), "_meanstructure")]] <- fit_block(
    f1, sprintf("cfa(HS_CFA, data = HS, estimator = '%s', meanstructure = TRUE)", est), HS_CFA)
  f2 <- cfa(HS_CFA, data = HS, estimator = est, group = "school")
  out[[paste0(tolower(est), "_groups")]] <- fit_block(
    f2, sprintf("cfa(HS_CFA, data = HS, estimator = '%s', group = 'school')", est), HS_CFA)
  f3 <- cfa(HS_CFA, data = HS, estimator = est, group = "school",
            group.equal = c("loadings", "intercepts"))
  out[[paste0(tolower(est), "_groups_scalar")]] <- fit_block(
    f3, sprintf("cfa(HS_CFA, data = HS, estimator = '%s', group = 'school', group.equal = c('loadings', 'intercepts'))", est), HS_CFA)
}
write_ref(out, "ls_groups")
