# Reference values for issue #12, part 2: test = "yuan.bentler" / "yuan.bentler.mplus" with
# ML and complete data.
# Run alone with:  Rscript -e 'source("tests/reference/R/common.R"); source("tests/reference/R/issue12_tests.R")'
HS <- lavaan::HolzingerSwineford1939
HS_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"
MIMIC_MODEL <- "
visual =~ x1 + x2 + x3
visual ~ sex + ageyr + agemo
"
for (tst in c("yuan.bentler", "yuan.bentler.mplus")) {
  tag <- if (tst == "yuan.bentler") "yb" else "yb_mplus"
  run(paste0("hs_cfa_test_", tag), HS_MODEL,
      sprintf("cfa(HS_MODEL, data = HolzingerSwineford1939, test = '%s')", tst),
      cfa(HS_MODEL, data = HS, test = tst))
  run(paste0("hs_mimic_test_", tag), MIMIC_MODEL,
      sprintf("sem(MIMIC_MODEL, data = HolzingerSwineford1939, test = '%s')", tst),
      sem(MIMIC_MODEL, data = HS, test = tst))
}
run("hs_multigroup_test_yb", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, group = 'school', test = 'yuan.bentler')",
    cfa(HS_MODEL, data = HS, group = "school", test = "yuan.bentler"))
# MLR with fixed exogenous covariates: their own moments leave the h1 information
run("hs_mimic_mlr", MIMIC_MODEL, "sem(MIMIC_MODEL, data = HolzingerSwineford1939, estimator = 'MLR')",
    sem(MIMIC_MODEL, data = HS, estimator = "MLR"))

# missing = "ml.x": FIML that keeps the rows missing an exogenous covariate
hs_mx <- HS[, c("x1", "x2", "x3", "sex", "ageyr", "agemo")]
hs_mx$x2[seq(3, 301, by = 11)] <- NA
hs_mx$ageyr[seq(5, 301, by = 17)] <- NA
hs_mx$agemo[seq(8, 301, by = 23)] <- NA
write.csv(hs_mx, file.path(DATA_DIR, "hs_missing_x.csv"), row.names = FALSE)
hs_mx <- read.csv(file.path(DATA_DIR, "hs_missing_x.csv"))
run("hs_mimic_ml_x", MIMIC_MODEL,
    "sem(MIMIC_MODEL, data = hs_missing_x.csv, missing = 'ml.x')",
    sem(MIMIC_MODEL, data = hs_mx, missing = "ml.x"))
run("hs_mimic_ml_x_fiml", MIMIC_MODEL,
    "sem(MIMIC_MODEL, data = hs_missing_x.csv, missing = 'ml')",
    sem(MIMIC_MODEL, data = hs_mx, missing = "ml"))
run("hs_mimic_ml_x_mlr", MIMIC_MODEL,
    "sem(MIMIC_MODEL, data = hs_missing_x.csv, missing = 'ml.x', estimator = 'MLR')",
    sem(MIMIC_MODEL, data = hs_mx, missing = "ml.x", estimator = "MLR"))
run("hs_mimic_fiml_mlr", MIMIC_MODEL,
    "sem(MIMIC_MODEL, data = hs_missing_x.csv, missing = 'ml', estimator = 'MLR')",
    sem(MIMIC_MODEL, data = hs_mx, missing = "ml", estimator = "MLR"))
