# lavaan 0.6-14 residuals(fit, type = "raw" / "cor" / "standardized"): the covariance
# part, for SEMResult.residuals(). One group without and with a mean structure, a path
# model with residual covariances, fixed covariates (MIMIC) and two groups with equal
# loadings; MLR, MLM and the observed information.
hs <- read.csv(file.path(DATA_DIR, "HolzingerSwineford1939.csv"))
pdm <- read.csv(file.path(DATA_DIR, "PoliticalDemocracy.csv"))
HS <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
MIMIC <- paste(HS, "visual ~ sex + ageyr", sep = "\n")
PD <- jsonlite::fromJSON(file.path(REF_DIR, "poldem_sem.json"))$model_syntax
residual_block <- function(fit, syntax, call_text) {
  out <- list(meta = meta_block(), model_syntax = syntax, call = call_text)
  for (type in c("raw", "cor", "standardized")) {
    r <- residuals(fit, type = type)
    out[[type]] <- if (lavInspect(fit, "ngroups") > 1) {
      lapply(r, function(g) mat_block(g$cov))
    } else {
      mat_block(r$cov)
    }
  }
  out
}
cases <- list(
  list("residuals_hs", HS, "cfa(HS, data = hs)", cfa(HS, data = hs)),
  list("residuals_hs_means", HS, "cfa(HS, data = hs, meanstructure = TRUE)",
       cfa(HS, data = hs, meanstructure = TRUE)),
  list("residuals_poldem", PD, "sem(PD, data = pdm)", sem(PD, data = pdm)),
  list("residuals_mimic", MIMIC, "sem(MIMIC, data = hs)", sem(MIMIC, data = hs)),
  list("residuals_hs_groups", HS,
       "cfa(HS, data = hs, group = 'school', group.equal = 'loadings')",
       cfa(HS, data = hs, group = "school", group.equal = "loadings")),
  # robust and observed-information variants: the sample moments' covariance from
  # fourth moments (MLR, MLM), the h1 information observed at the implied moments
  list("residuals_hs_mlr", HS, "cfa(HS, data = hs, estimator = 'MLR')",
       cfa(HS, data = hs, estimator = "MLR")),
  list("residuals_hs_mlr_means", HS,
       "cfa(HS, data = hs, estimator = 'MLR', meanstructure = TRUE)",
       cfa(HS, data = hs, estimator = "MLR", meanstructure = TRUE)),
  list("residuals_poldem_mlr", PD, "sem(PD, data = pdm, estimator = 'MLR')",
       sem(PD, data = pdm, estimator = "MLR")),
  list("residuals_hs_mlm", HS, "cfa(HS, data = hs, estimator = 'MLM')",
       cfa(HS, data = hs, estimator = "MLM")),
  list("residuals_hs_observed", HS, "cfa(HS, data = hs, information = 'observed')",
       cfa(HS, data = hs, information = "observed")),
  list("residuals_hs_groups_mlr", HS,
       "cfa(HS, data = hs, group = 'school', estimator = 'MLR')",
       cfa(HS, data = hs, group = "school", estimator = "MLR")))
for (cs in cases) write_ref(residual_block(cs[[4]], cs[[2]], cs[[3]]), cs[[1]])
