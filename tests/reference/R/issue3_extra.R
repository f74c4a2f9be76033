# Issue 3 extras: FIML with MLR on the incomplete HS1939 (hs_missing.csv, made in missing.R).
# Run alone with:  Rscript -e 'source("tests/reference/R/common.R"); HS_MODEL <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"; source("tests/reference/R/issue3_extra.R")'
hsm <- read.csv(file.path(DATA_DIR, "hs_missing.csv"))
fmlr <- cfa(HS_MODEL, data = hsm, missing = "ml", estimator = "MLR")
write_ref(fit_block(fmlr, "cfa(HS_MODEL, data = hs_missing, missing = 'ml', estimator = 'MLR')",
                    HS_MODEL), "hs_missing_fiml_mlr")
