# WLSMV references (ordered indicators, DWLS with the delta parameterization, robust.sem
# SEs, scaled-shifted test). Besides fit_block() each file keeps the intermediate pieces a
# reimplementation needs: Gamma (NACOV), the diagonal weights, Delta and the test details.
# Run alone with:  Rscript -e 'source("tests/reference/R/common.R"); source("tests/reference/R/core.R"); source("tests/reference/R/ordinal.R")'

suppressPackageStartupMessages(library(semTools))

# semTools' reliability for categorical indicators: Green & Yang's (2009) categorical
# omega (compRelSEM default), omega of the latent responses (ord.scale = FALSE), AVE from
# the polychorics, and alpha / ordinal alpha (Zumbo et al. 2007) from reliability().
reliability_block <- function(fit) {
  old <- suppressWarnings(semTools::reliability(fit))
  list(omega = as.list(compRelSEM(fit)), omega_ystar = as.list(compRelSEM(fit, ord.scale = FALSE)),
       ave = as.list(AVE(fit)), alpha = as.list(old["alpha", ]),
       alpha_ord = as.list(old["alpha.ord", ]))
}

# fit_block plus the WLS pieces: statistics and their names, Gamma, the scaled-shifted
# test details, fmin and the thresholds.
wls_core_block <- function(fit, call_text, syntax) {
  blk <- fit_block(fit, call_text, syntax)
  blk$thresholds <- as.list(lavInspect(fit, "sampstat")$th)
  blk$gamma <- unname(lavInspect(fit, "gamma"))
  blk$wls_obs <- unname(lavInspect(fit, "wls.obs"))
  blk$wls_obs_names <- names(lavInspect(fit, "wls.obs"))
  tst <- lavInspect(fit, "test")$scaled.shifted
  blk$test_scaled_shifted <- list(stat = tst$stat, df = tst$df,
                                  scaling_factor = tst$scaling.factor,
                                  shift_parameter = tst$shift.parameter,
                                  trace_UGamma = tst$trace.UGamma,
                                  trace_UGamma2 = tst$trace.UGamma2)
  blk$fmin <- fit@optim$fx
  blk
}

wlsmv_block <- function(fit, call_text, syntax) {
  blk <- wls_core_block(fit, call_text, syntax)
  blk$polychoric <- mat_block(lavInspect(fit, "sampstat")$cov)
  blk$wls_v_diag <- diag(lavInspect(fit, "wls.v"))
  blk$wls_est <- unname(lavInspect(fit, "wls.est"))
  blk$reliability <- reliability_block(fit)
  blk
}

# 1. Likert-coded HS1939: x1..x9 cut into 5 categories at fixed quantiles (stored as CSV).
hsl <- HS[, c("school", HS_VARS)]
for (v in HS_VARS) {
  hsl[[v]] <- as.integer(cut(HS[[v]], breaks = quantile(HS[[v]], c(0, .1, .3, .6, .85, 1)),
                             include.lowest = TRUE))
}
write.csv(hsl, file.path(DATA_DIR, "hs_likert.csv"), row.names = FALSE)
hsl <- read.csv(file.path(DATA_DIR, "hs_likert.csv"))
wl <- cfa(HS_MODEL, data = hsl, ordered = HS_VARS)  # estimator WLSMV by default
blk <- wlsmv_block(wl, "cfa(HS_MODEL, data = hs_likert, ordered = paste0('x', 1:9))", HS_MODEL)
blk$polychoric_lavCor <- mat_block(lavCor(hsl[, HS_VARS], ordered = HS_VARS))
write_ref(blk, "hs_likert_wlsmv")

# 2. Three categories, std.lv, a residual correlation and a binary item (x9 split at its
#    median): 2x2 and 2x3 tables, a free off-diagonal theta.
hs3 <- HS[, c("school", HS_VARS)]
for (v in HS_VARS[1:8]) {
  hs3[[v]] <- as.integer(cut(HS[[v]], breaks = quantile(HS[[v]], c(0, .25, .7, 1)),
                             include.lowest = TRUE))
}
hs3$x9 <- as.integer(HS$x9 > median(HS$x9)) + 1L
write.csv(hs3, file.path(DATA_DIR, "hs_3cat.csv"), row.names = FALSE)
hs3 <- read.csv(file.path(DATA_DIR, "hs_3cat.csv"))
M3 <- paste(HS_MODEL, "x2 ~~ x3", sep = "\n")
w3 <- cfa(M3, data = hs3, ordered = HS_VARS, std.lv = TRUE)
write_ref(wlsmv_block(w3, "cfa(HS_MODEL + 'x2 ~~ x3', data = hs_3cat, ordered = x1..x9, std.lv = TRUE)",
                      M3), "hs_3cat_wlsmv")

# 3. A structural model on a bundled Likert survey (7-point items, missing cells dropped
#    listwise): internal branding, knowledge -> commitment -> behaviour, indirect effect.
ski <- read.csv("datasets/ski_resort_branding.csv")
SKI_MODEL <- "
bk =~ bk1 + bk2 + bk3
bc =~ bc1 + bc2 + bc3 + bc4
bb =~ bb1 + bb2 + bb3
bc ~ a*bk
bb ~ b*bc + bk
ind := a*b
"
SKI_VARS <- c(paste0("bk", 1:3), paste0("bc", 1:4), paste0("bb", 1:3))
wsk <- sem(SKI_MODEL, data = ski, ordered = SKI_VARS)
write_ref(wlsmv_block(wsk, "sem(SKI_MODEL, data = ski_resort_branding, ordered = items)",
                      SKI_MODEL), "ski_branding_wlsmv")

# 4. Two groups (school) on the 5-category HS items: configural, equal thresholds, equal
#    thresholds and loadings (the Wu & Estabrook 2016 order), with lavTestLRT's
#    scaled-shifted (Satorra 2000) difference tests.
GE <- list(configural = "none", thresholds = "thresholds",
           metric = c("thresholds", "loadings"))
mg <- lapply(GE, function(ge) cfa(HS_MODEL, data = hsl, ordered = HS_VARS, group = "school",
                                  group.equal = ge))
for (step in names(mg)) {
  blk <- fit_block(mg[[step]], paste0("cfa(HS_MODEL, data = hs_likert, ordered = x1..x9, ",
                                      "group = 'school', group.equal = c('",
                                      paste(GE[[step]], collapse = "', '"), "'))"), HS_MODEL)
  blk$group_equal <- setdiff(GE[[step]], "none")
  blk$gamma <- lapply(lavInspect(mg[[step]], "gamma"), unname)
  blk$test_scaled_shifted <- lavInspect(mg[[step]], "test")$scaled.shifted[
    c("stat", "df", "scaling.factor", "shift.parameter", "trace.UGamma", "trace.UGamma2")]
  write_ref(blk, paste0("hs_likert_mg_", step))
}
lrt <- lavTestLRT(mg$configural, mg$thresholds, mg$metric)
write_ref(list(meta = meta_block(), steps = names(mg), lrt = as.data.frame(lrt),
               attrs = list(method = attr(lrt, "heading"))), "hs_likert_mg_lrt")

# 5. Mixed indicators: x1..x6 ordered (5 categories), x7..x9 continuous (the original
#    HS1939 scores): polyserial and Pearson correlations, means and variances in Gamma.
mix <- hsl
mix[, c("x7", "x8", "x9")] <- HS[, c("x7", "x8", "x9")]
write.csv(mix, file.path(DATA_DIR, "hs_mixed.csv"), row.names = FALSE)
mix <- read.csv(file.path(DATA_DIR, "hs_mixed.csv"))
wm <- cfa(HS_MODEL, data = mix, ordered = paste0("x", 1:6))
blk <- wls_core_block(wm, "cfa(HS_MODEL, data = hs_mixed, ordered = x1..x6)", HS_MODEL)
blk$sampstat_cov <- mat_block(lavInspect(wm, "sampstat")$cov)
blk$reliability <- list(omega = as.list(compRelSEM(wm)),
                        omega_ystar = as.list(compRelSEM(wm, ord.scale = FALSE)),
                        ave = as.list(AVE(wm)))
write_ref(blk, "hs_mixed_wlsmv")

# 6. Mixed indicators in two groups with equal thresholds and loadings (lavaan equates
#    the means of the continuous indicators along with the thresholds).
wmg <- cfa(HS_MODEL, data = mix, ordered = paste0("x", 1:6), group = "school",
           group.equal = c("thresholds", "loadings"))
write_ref(fit_block(wmg, paste0("cfa(HS_MODEL, data = hs_mixed, ordered = x1..x6, ",
                                "group = 'school', group.equal = c('thresholds', 'loadings'))"),
                    HS_MODEL), "hs_mixed_mg_metric")

# 7. Bootstrap of the ski-resort WLSMV SEM on fixed resampling indices (into the 251
#    complete rows, in data order): every draw refitted by lavaan; failed draws are null.
#    A resample in which some item loses a category fails, as in lavaan's own bootstrap
#    (bootstrapLavaan keeps the original categories: 9 of 40 such runs failed here).
skic <- ski[complete.cases(ski[, SKI_VARS]), ]
set.seed(7)
B <- 40
idx <- t(replicate(B, sample.int(nrow(skic), nrow(skic), replace = TRUE)))
boot_est <- function(d) tryCatch({
  full <- all(sapply(SKI_VARS, function(v) length(unique(d[[v]])) == length(unique(skic[[v]]))))
  if (!full) stop("a category is empty in this resample")
  f <- sem(SKI_MODEL, data = d, ordered = SKI_VARS)
  if (!lavInspect(f, "converged")) stop("not converged")
  pe <- parameterEstimates(f)
  as.list(c(coef(f), ind = pe$est[pe$op == ":="]))
}, error = function(e) NULL)
draws <- lapply(seq_len(B), function(b) boot_est(skic[idx[b, ], ]))
write_ref(list(meta = meta_block(), model_syntax = SKI_MODEL, indices = idx, draws = draws),
          "ski_branding_wlsmv_boot")

# 8. Binary items with an empty cell in one 2x2 table (y1 = top decile of x1, y2 = bottom
#    5% of x1): lavaan adds 0.5 to the empty cell keeping the margins (zero.add).
hsb <- data.frame(y1 = as.integer(HS$x1 > quantile(HS$x1, .9)),
                  y2 = as.integer(HS$x1 < quantile(HS$x1, .05)),
                  y3 = as.integer(HS$x2 > median(HS$x2)),
                  y4 = as.integer(HS$x3 > median(HS$x3)),
                  y5 = as.integer(HS$x4 > median(HS$x4)))
write.csv(hsb, file.path(DATA_DIR, "hs_binary.csv"), row.names = FALSE)
hsb <- read.csv(file.path(DATA_DIR, "hs_binary.csv"))
BIN_MODEL <- "f =~ y1 + y2 + y3 + y4 + y5"
wb <- cfa(BIN_MODEL, data = hsb, ordered = names(hsb))
blk <- wlsmv_block(wb, "cfa('f =~ y1 + ... + y5', data = hs_binary, ordered = y1..y5)", BIN_MODEL)
blk$polychoric_lavCor <- mat_block(lavCor(hsb, ordered = names(hsb)))
write_ref(blk, "hs_binary_wlsmv")

# 9. Observed covariates predicting factors of ordered items (lavaan switches to
#    conditional.x = TRUE): probit regressions, residual polychorics, slopes in Gamma.
hsx <- hsl
hsx$age <- HS$ageyr + HS$agemo / 12
hsx$female <- as.integer(HS$sex == 2)
write.csv(hsx, file.path(DATA_DIR, "hs_likert_covariates.csv"), row.names = FALSE)
hsx <- read.csv(file.path(DATA_DIR, "hs_likert_covariates.csv"))
CX_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
visual  ~ age + female
textual ~ age
"
wx <- sem(CX_MODEL, data = hsx, ordered = paste0("x", 1:6))
blk <- wls_core_block(wx, "sem(CX_MODEL, data = hs_likert_covariates, ordered = x1..x6)",
                      CX_MODEL)
blk$conditional_x <- lavInspect(wx, "options")$conditional.x
write_ref(blk, "hs_likert_covariates_wlsmv")

# 10. Covariates with ordered and continuous indicators together: x1..x6 ordered, x7..x9
#     continuous (linear regressions on the covariates, residual polyserial/Pearson).
hsxm <- hsx
hsxm[, c("x7", "x8", "x9")] <- HS[, c("x7", "x8", "x9")]
write.csv(hsxm, file.path(DATA_DIR, "hs_mixed_covariates.csv"), row.names = FALSE)
hsxm <- read.csv(file.path(DATA_DIR, "hs_mixed_covariates.csv"))
CXM_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
visual  ~ age + female
speed   ~ age
"
wxm <- sem(CXM_MODEL, data = hsxm, ordered = paste0("x", 1:6))
blk <- wls_core_block(wxm, "sem(CXM_MODEL, data = hs_mixed_covariates, ordered = x1..x6)",
                      CXM_MODEL)
write_ref(blk, "hs_mixed_covariates_wlsmv")

# 11. missing = "pairwise" on the ski-resort survey (310 rows, 63 empty cells): thresholds
#     from each item's answers, polychorics from pairwise-present rows, Gamma over N = 310.
wpw <- sem(SKI_MODEL, data = ski, ordered = SKI_VARS, missing = "pairwise")
write_ref(wls_core_block(wpw, paste0("sem(SKI_MODEL, data = ski_resort_branding, ",
                                     "ordered = items, missing = 'pairwise')"), SKI_MODEL),
          "ski_branding_wlsmv_pairwise")

# 12. Score tests of the equality constraints of the equal-thresholds model
#     (lavTestScore, univariate): which thresholds to release.
sc <- lavTestScore(mg$thresholds)
pt_th <- parTable(mg$thresholds)
uni <- sc$uni
uni$lhs_param <- pt_th$lhs[match(uni$lhs, pt_th$plabel)]
uni$op_param <- pt_th$op[match(uni$lhs, pt_th$plabel)]
uni$rhs_param <- pt_th$rhs[match(uni$lhs, pt_th$plabel)]
write_ref(list(meta = meta_block(), uni = as.data.frame(uni)), "hs_likert_mg_score")

# 13. HTMT from polychoric correlations (semTools htmt(..., ordered =); lavCor listwise).
SKI_CFA <- "bk =~ bk1 + bk2 + bk3\nbc =~ bc1 + bc2 + bc3 + bc4\nbb =~ bb1 + bb2 + bb3"
write_ref(list(meta = meta_block(), model_syntax = SKI_CFA,
               htmt = mat_block(htmt(SKI_CFA, data = ski[, SKI_VARS], ordered = SKI_VARS,
                                     htmt2 = FALSE)),
               htmt2 = mat_block(htmt(SKI_CFA, data = ski[, SKI_VARS], ordered = SKI_VARS,
                                      htmt2 = TRUE))), "ski_htmt_ordered")
