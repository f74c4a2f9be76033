# Multi-group models and measurement invariance (HS1939 by school), ML and MLR.
mg <- function(name, call_text, ...) {
  fit <- cfa(HS_MODEL, data = HS, group = "school", ...)
  write_ref(fit_block(fit, call_text, HS_MODEL), name)
  fit
}
configural <- mg("hs_multigroup", "cfa(HS_MODEL, data = HS, group = 'school')")
metric <- mg("hs_multigroup_loadings",
             "cfa(HS_MODEL, data = HS, group = 'school', group.equal = 'loadings')",
             group.equal = "loadings")
partial <- mg("hs_multigroup_partial",
              "cfa(HS_MODEL, ..., group.equal = c('loadings','intercepts'), group.partial = 'x3~1')",
              group.equal = c("loadings", "intercepts"), group.partial = c("x3~1"))
scalar <- cfa(HS_MODEL, data = HS, group = "school", group.equal = c("loadings", "intercepts"))
strict <- cfa(HS_MODEL, data = HS, group = "school",
              group.equal = c("loadings", "intercepts", "residuals"))
steps <- list(configural = configural, metric = metric, scalar = scalar, strict = strict)
lrt <- function(a, b) {
  t <- as.data.frame(lavTestLRT(a, b))
  list(chisq_diff = t[2, "Chisq diff"], df_diff = t[2, "Df diff"], pvalue = t[2, "Pr(>Chisq)"])
}
fm_keys <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
inv <- list(meta = meta_block(), model_syntax = HS_MODEL, group = "school",
            steps = lapply(steps, function(f) as.list(fitMeasures(f, fm_keys))),
            lrt = list(metric = lrt(configural, metric), scalar = lrt(metric, scalar),
                       strict = lrt(scalar, strict)),
            score_scalar = as.data.frame(lavTestScore(scalar)$uni))
write_ref(inv, "hs_invariance")

mlr <- cfa(HS_MODEL, data = HS, estimator = "MLR")
write_ref(fit_block(mlr, "cfa(HS_MODEL, data = HS, estimator = 'MLR')", HS_MODEL), "hs_cfa_mlr")

# invariance under MLR: scaled (Satorra-Bentler 2001) difference tests, lavTestLRT default
mlr_steps <- lapply(list(configural = NULL, metric = "loadings",
                         scalar = c("loadings", "intercepts")), function(eq) {
  if (is.null(eq)) cfa(HS_MODEL, data = HS, group = "school", estimator = "MLR")
  else cfa(HS_MODEL, data = HS, group = "school", estimator = "MLR", group.equal = eq)
})
lrt_mlr <- function(a, b) {
  t <- as.data.frame(lavTestLRT(a, b))
  list(chisq_diff = t[2, "Chisq diff"], df_diff = t[2, "Df diff"], pvalue = t[2, "Pr(>Chisq)"])
}
mlr_keys <- c("chisq", "df", "chisq.scaled", "chisq.scaling.factor", "cfi.scaled",
              "cfi.robust", "rmsea.scaled", "rmsea.robust", "srmr")
write_ref(list(meta = meta_block(), model_syntax = HS_MODEL, group = "school",
               steps = lapply(mlr_steps, function(f) as.list(fitMeasures(f, mlr_keys))),
               lrt = list(metric = lrt_mlr(mlr_steps$configural, mlr_steps$metric),
                          scalar = lrt_mlr(mlr_steps$metric, mlr_steps$scalar)),
               params_configural = parameterEstimates(mlr_steps$configural)),
          "hs_invariance_mlr")
