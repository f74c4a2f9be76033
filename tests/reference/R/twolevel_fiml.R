# Two-level SEM with missing data by FIML (issue #13, item 1: lavaan's missing = "ml" for
# two-level models). Demo.twolevel (data/demo_twolevel.csv) with values set missing by a
# seeded rule, written to data/demo_twolevel_missing.csv and read back here:
#   y1..y6: each value missing with probability 0.10; x1..x3: with probability 0.03;
#   w1, w2 (between-only): missing for every row of about 5 % of the clusters.
tl_full <- read.csv(file.path(DATA_DIR, "demo_twolevel.csv"))
set.seed(20261203)
tl_na <- tl_full
for (v in paste0("y", 1:6)) tl_na[[v]][runif(nrow(tl_na)) < 0.10] <- NA
for (v in paste0("x", 1:3)) tl_na[[v]][runif(nrow(tl_na)) < 0.03] <- NA
for (v in c("w1", "w2")) {
  gone <- unique(tl_na$cluster)[runif(length(unique(tl_na$cluster))) < 0.05]
  tl_na[[v]][tl_na$cluster %in% gone] <- NA
}
write.csv(tl_na, file.path(DATA_DIR, "demo_twolevel_missing.csv"), row.names = FALSE)
tl_na <- read.csv(file.path(DATA_DIR, "demo_twolevel_missing.csv"))

twolevel_fiml_block <- function(fit, call_text, syntax) {
  h1 <- lavInspect(fit, "h1")
  list(
    meta = meta_block(),
    call = call_text,
    model_syntax = syntax,
    fit_info = list(
      converged = lavInspect(fit, "converged"),
      npar = lavInspect(fit, "npar"),
      ntotal = lavInspect(fit, "ntotal"),
      nclusters = lavInspect(fit, "nclusters"),
      missing = lavInspect(fit, "options")$missing,
      information = lavInspect(fit, "options")$information[1],
      observed_information = lavInspect(fit, "options")$observed.information[1]
    ),
    parameter_estimates = parameterEstimates(fit),
    fit_measures = as.list(fitMeasures(fit)),
    logl = as.numeric(logLik(fit)),
    h1_within_cov = mat_block(h1[[1]]$cov),
    h1_between_cov = mat_block(h1[[2]]$cov),
    h1_within_mean = as.list(h1[[1]]$mean),
    h1_between_mean = as.list(h1[[2]]$mean),
    implied_within_cov = mat_block(fitted(fit)[[1]]$cov),
    implied_between_cov = mat_block(fitted(fit)[[2]]$cov),
    implied_within_mean = as.list(fitted(fit)[[1]]$mean),
    implied_between_mean = as.list(fitted(fit)[[2]]$mean)
  )
}

run_twolevel_fiml <- function(name, syntax, ...) {
  fit <- sem(syntax, data = tl_na, cluster = "cluster", missing = "ml", ...)
  options <- paste(deparse(substitute(list(...))), collapse = "")
  options <- sub("^list\\((.*)\\)$", "\\1", options)
  call_text <- sprintf(
    "sem(model, data = demo_twolevel_missing, cluster = 'cluster', missing = 'ml'%s)",
    if (nzchar(options)) paste0(", ", options) else "")
  write_ref(twolevel_fiml_block(fit, call_text, syntax), name)
}

# a CFA at both levels (one within factor, two between factors)
TL_FIML_CFA <- "
level: within
  fw =~ y1 + y2 + y3 + y4 + y5 + y6
level: between
  fb1 =~ y1 + y2 + y3
  fb2 =~ y4 + y5 + y6
"
run_twolevel_fiml("twolevel_fiml_cfa", TL_FIML_CFA)

# lavaan's tutorial model: within-only covariates x1..x3, between-only covariates w1, w2;
# with fixed.x = TRUE lavaan drops the rows missing a covariate (with a warning)
TL_FIML_TUTORIAL <- "
level: 1
  fw =~ y1 + y2 + y3
  fw ~ x1 + x2 + x3
level: 2
  fb =~ y1 + y2 + y3
  fb ~ w1 + w2
"
run_twolevel_fiml("twolevel_fiml_tutorial", TL_FIML_TUTORIAL)
# the same with the covariates modelled (fixed.x = FALSE): every row is kept and the
# clusters missing w1, w2 contribute their observed values
run_twolevel_fiml("twolevel_fiml_tutorial_free_x", TL_FIML_TUTORIAL, fixed.x = FALSE)

# a between-only outcome z (the cluster mean of y5 in the complete data) missing for five
# whole clusters, and rows with between-level values only (cluster 9 loses y1 and y2, and
# y3 in its first three rows): lavaan calls those rows empty (not counted in ntotal) but
# keeps their cluster's level-2 values
tl_z <- tl_na
tl_z$z <- ave(tl_full$y5, tl_full$cluster)
tl_z$z[tl_z$cluster %in% c(3, 50, 77, 120, 121)] <- NA
tl_z$y1[tl_z$cluster == 9] <- NA
tl_z$y2[tl_z$cluster == 9] <- NA
tl_z$y3[which(tl_z$cluster == 9)[1:3]] <- NA
TL_FIML_BETWEEN <- "
level: 1
  fw =~ y1 + y2 + y3
level: 2
  fb =~ y1 + y2 + y3
  z ~ fb + w1
"
fit <- sem(TL_FIML_BETWEEN, data = tl_z, cluster = "cluster", missing = "ml",
           fixed.x = FALSE)
write_ref(twolevel_fiml_block(
  fit, paste("sem(model, data = demo_twolevel_missing with z and cluster 9 changed,",
             "cluster = 'cluster', missing = 'ml', fixed.x = FALSE)"), TL_FIML_BETWEEN),
  "twolevel_fiml_between_outcome")
