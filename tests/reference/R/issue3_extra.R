# Issue 3 extras: FIML with MLR on the incomplete HS1939 (hs_missing.csv, made in missing.R).
# Run alone with:  Rscript -e 'source("tests/reference/R/common.R"); HS_MODEL <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"; source("tests/reference/R/issue3_extra.R")'
hsm <- read.csv(file.path(DATA_DIR, "hs_missing.csv"))
fmlr <- cfa(HS_MODEL, data = hsm, missing = "ml", estimator = "MLR")
write_ref(fit_block(fmlr, "cfa(HS_MODEL, data = hs_missing, missing = 'ml', estimator = 'MLR')",
                    HS_MODEL), "hs_missing_fiml_mlr")

# Likert-coded HS1939: x1..x9 cut into 5 categories at fixed quantiles of each item
# (stored as CSV), then WLSMV (delta parameterization) and the polychoric step alone.
hsl <- HS[, c("school", HS_VARS)]
for (v in HS_VARS) {
  hsl[[v]] <- as.integer(cut(HS[[v]], breaks = quantile(HS[[v]], c(0, .1, .3, .6, .85, 1)),
                             include.lowest = TRUE))
}
write.csv(hsl, file.path(DATA_DIR, "hs_likert.csv"), row.names = FALSE)
hsl <- read.csv(file.path(DATA_DIR, "hs_likert.csv"))
wl <- cfa(HS_MODEL, data = hsl, ordered = HS_VARS)  # estimator WLSMV by default
blk <- fit_block(wl, "cfa(HS_MODEL, data = hs_likert, ordered = paste0('x', 1:9))", HS_MODEL)
st <- lavInspect(wl, "sampstat")
blk$polychoric <- mat_block(st$cov)
blk$thresholds <- as.list(st$th)
blk$polychoric_lavCor <- mat_block(lavCor(hsl[, HS_VARS], ordered = HS_VARS))
write_ref(blk, "hs_likert_wlsmv")
