# Reference values for issue #12 (lavaan breadth): higher-order factors, variables on very
# different scales, factor scores, orthogonal factors, multiple left/right-hand sides,
# MIMIC, formative composites, modifiers and the GLS/ULS/MLM estimators.
HS <- lavaan::HolzingerSwineford1939
HS_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"

# lavaan's warnings, captured so that the tests can check we warn too
with_warnings <- function(expr) {
  msgs <- character()
  value <- withCallingHandlers(expr, warning = function(w) {
    msgs <<- c(msgs, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = msgs)
}

SECOND_MODEL <- paste0(HS_MODEL, "g =~ visual + textual + speed\n")
run("hs_second_order", SECOND_MODEL, "cfa(SECOND_MODEL, data = HolzingerSwineford1939)",
    cfa(SECOND_MODEL, data = HS))

# x1 multiplied by 100 and a salary column in thousands: lavaan fits and warns about the
# variance ratio. (lavaan 0.6-14 cannot compute SEs from a factor 1e4 more and stops
# converging beyond; the test checks that our fit of the salary in rials, x 1e4, is this
# fit rescaled.)
RESCALED_MODEL <- paste0(HS_MODEL, "textual ~ salary\n")
hs_scaled <- HS
hs_scaled$x1 <- hs_scaled$x1 * 100
hs_scaled$salary <- 1000 * (30 + hs_scaled$x4 + hs_scaled$ageyr + hs_scaled$agemo / 12)
w <- with_warnings(sem(RESCALED_MODEL, data = hs_scaled))
blk <- fit_block(w$value, paste("sem(RESCALED_MODEL, data = HS with x1 * 100 and",
                                "salary = 1000 * (30 + x4 + ageyr + agemo / 12))"), RESCALED_MODEL)
blk$lavaan_warnings <- I(w$warnings)  # a JSON array even with one warning
write_ref(blk, "hs_rescaled")

# a variable used both as a column and as a factor name: lavaan refuses
refusal <- tryCatch(cfa("x1 =~ x2 + x3 + x4", data = HS), error = function(e) conditionMessage(e))
write_ref(list(meta = meta_block(), call = 'cfa("x1 =~ x2 + x3 + x4", data = HS)',
               lavaan_error = refusal), "observed_as_factor")

# factor scores (lavPredict) for a CFA and for a structural model
pred_block <- function(fit) {
  out <- list()
  for (m in c("regression", "Bartlett")) out[[m]] <- mat_block(lavPredict(fit, method = m))
  out
}
fit <- cfa(HS_MODEL, data = HS)
blk <- list(meta = meta_block(), model_syntax = HS_MODEL,
            call = "lavPredict(cfa(HS_MODEL, data = HS), method = 'regression' | 'Bartlett')",
            scores = pred_block(fit))
PD <- lavaan::PoliticalDemocracy
PD_MODEL <- "
ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8
"
fit_pd <- sem(PD_MODEL, data = PD, meanstructure = TRUE)
blk$poldem <- list(model_syntax = PD_MODEL,
                   call = "lavPredict(sem(PD_MODEL, data = PD, meanstructure = TRUE), ...)",
                   scores = pred_block(fit_pd))
# regression scores of a second-order model and of a model with a composite
blk$second_order <- list(model_syntax = SECOND_MODEL,
                         scores = mat_block(lavPredict(cfa(SECOND_MODEL, data = HS))))
FORMATIVE_MODEL <- "
comp <~ 1*x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual + speed ~ comp
"
blk$formative <- list(model_syntax = FORMATIVE_MODEL,
                      scores = mat_block(lavPredict(sem(FORMATIVE_MODEL, data = HS))))
MIMIC_MODEL <- "
visual =~ x1 + x2 + x3
visual ~ sex + ageyr + agemo
"
blk$mimic <- list(model_syntax = MIMIC_MODEL,
                  scores = mat_block(lavPredict(sem(MIMIC_MODEL, data = HS))))
write_ref(blk, "factor_scores")

run("hs_orthogonal", HS_MODEL, "cfa(HS_MODEL, data = HolzingerSwineford1939, orthogonal = TRUE)",
    cfa(HS_MODEL, data = HS, orthogonal = TRUE))

run("hs_mimic", MIMIC_MODEL, "sem(MIMIC_MODEL, data = HolzingerSwineford1939)",
    sem(MIMIC_MODEL, data = HS))

MULTI_MODEL <- paste0(HS_MODEL, "visual + textual ~ sex + ageyr\n")
run("hs_multi_lhs_rhs", MULTI_MODEL, "sem(MULTI_MODEL, data = HolzingerSwineford1939)",
    sem(MULTI_MODEL, data = HS))

run("hs_formative", FORMATIVE_MODEL, "sem(FORMATIVE_MODEL, data = HolzingerSwineford1939)",
    sem(FORMATIVE_MODEL, data = HS))

MODIFIER_MODEL <- "
visual  =~ x1 + start(0.5)*x2 + label('a')*x3
textual =~ x4 + equal('a')*x5 + x6
speed   =~ x7 + x8 + equal('textual=~x6')*x9
"
run("hs_modifiers", MODIFIER_MODEL, "cfa(MODIFIER_MODEL, data = HolzingerSwineford1939)",
    cfa(MODIFIER_MODEL, data = HS))

for (est in c("GLS", "ULS", "MLM")) {
  run(paste0("hs_cfa_", tolower(est)), HS_MODEL,
      sprintf("cfa(HS_MODEL, data = HolzingerSwineford1939, estimator = '%s')", est),
      cfa(HS_MODEL, data = HS, estimator = est))
}

# general constraints (lavaan's constrained optimisation; SEs from the information matrix
# augmented by the Jacobian of the equality and the active inequality constraints).
CON_BASE <- "
visual  =~ x1 + a*x2 + b*x3
textual =~ x4 + c*x5 + d*x6
speed   =~ x7 + x8 + x9
"
for (con in list(c("hs_constraint_linear", "a == 2*b"), c("hs_constraint_active", "c < d"),
                 c("hs_constraint_inactive", "a > 0"))) {
  syntax <- paste0(CON_BASE, con[2], "\n")
  run(con[1], syntax, sprintf("cfa(CON_BASE + '%s', data = HolzingerSwineford1939)", con[2]),
      cfa(syntax, data = HS))
}
# rel.tol = 1e-14: with its default tolerance nlminb.constr stops here at a projected
# gradient of 1e-5, 1e-4 away from the constrained optimum in some estimates (this
# tolerance makes the linear case fail to converge, so it is used for this case only)
NONLIN_MODEL <- paste0(CON_BASE, "a == b*c\n")
run("hs_constraint_nonlinear", NONLIN_MODEL,
    paste("cfa(CON_BASE + 'a == b*c', data = HolzingerSwineford1939,",
          "control = list(rel.tol = 1e-14))"),
    cfa(NONLIN_MODEL, data = HS, control = list(rel.tol = 1e-14)))

# ML variants: first-order information (MLF), observed information, Wishart likelihood
run("hs_cfa_mlf", HS_MODEL, "cfa(HS_MODEL, data = HolzingerSwineford1939, estimator = 'MLF')",
    cfa(HS_MODEL, data = HS, estimator = "MLF"))
run("hs_cfa_observed", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, information = 'observed')",
    cfa(HS_MODEL, data = HS, information = "observed"))
run("hs_cfa_wishart", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, likelihood = 'wishart')",
    cfa(HS_MODEL, data = HS, likelihood = "wishart"))
for (est in c("MLMV", "MLMVS")) {
  run(paste0("hs_cfa_", tolower(est)), HS_MODEL,
      sprintf("cfa(HS_MODEL, data = HolzingerSwineford1939, estimator = '%s')", est),
      cfa(HS_MODEL, data = HS, estimator = est))
}
# MLM with fixed exogenous covariates (MIMIC) and with groups
run("hs_mimic_mlm", MIMIC_MODEL, "sem(MIMIC_MODEL, data = HolzingerSwineford1939, estimator = 'MLM')",
    sem(MIMIC_MODEL, data = HS, estimator = "MLM"))
run("hs_multigroup_mlm", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, group = 'school', estimator = 'MLM')",
    cfa(HS_MODEL, data = HS, group = "school", estimator = "MLM"))

# latent growth curve (lavaan's growth(): int.ov.free = FALSE, int.lv.free = TRUE)
write.csv(lavaan::Demo.growth, file.path(DATA_DIR, "Demo.growth.csv"), row.names = FALSE)
growth_data <- read.csv(file.path(DATA_DIR, "Demo.growth.csv"))
GROWTH_MODEL <- "
i =~ 1*t1 + 1*t2 + 1*t3 + 1*t4
s =~ 0*t1 + 1*t2 + 2*t3 + 3*t4
i ~ x1 + x2
s ~ x1 + x2
"
run("growth", GROWTH_MODEL, "growth(GROWTH_MODEL, data = Demo.growth)",
    growth(GROWTH_MODEL, data = growth_data))

# multi-group input from published matrices: a list of covariance matrices, sizes and means
by_school <- split(HS[, paste0("x", 1:9)], HS$school)
run("hs_multigroup_from_cov", HS_MODEL,
    paste("cfa(HS_MODEL, sample.cov = list(Pasteur = cov(...), `Grant-White` = cov(...)),",
          "sample.nobs = list(156, 145), sample.mean = list(colMeans(...), ...),",
          "group.equal = 'loadings')"),
    cfa(HS_MODEL, sample.cov = lapply(by_school[c("Pasteur", "Grant-White")], cov),
        sample.nobs = sapply(by_school[c("Pasteur", "Grant-White")], nrow),
        sample.mean = lapply(by_school[c("Pasteur", "Grant-White")], colMeans),
        group.equal = "loadings"))

# least squares with the asymptotic covariance of the moments (ADF) as weight
for (est in c("WLS", "DWLS")) {
  run(paste0("hs_cfa_", tolower(est)), HS_MODEL,
      sprintf("cfa(HS_MODEL, data = HolzingerSwineford1939, estimator = '%s')", est),
      cfa(HS_MODEL, data = HS, estimator = est))
}

# se= and test= overriding an estimator's defaults
run("hs_cfa_se_hw", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, se = 'robust.huber.white')",
    cfa(HS_MODEL, data = HS, se = "robust.huber.white"))
run("hs_cfa_test_sb", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, test = 'satorra.bentler')",
    cfa(HS_MODEL, data = HS, test = "satorra.bentler"))
run("hs_cfa_mlm_se_standard", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, estimator = 'MLM', se = 'standard')",
    cfa(HS_MODEL, data = HS, estimator = "MLM", se = "standard"))
