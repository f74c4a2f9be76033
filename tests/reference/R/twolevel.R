# Two-level SEM references (issue #13, item 1): lavaan's Demo.twolevel (200 clusters of
# 5, 10, 15 or 20 rows), written once to data/demo_twolevel.csv and read back here.
write.csv(Demo.twolevel, file.path(DATA_DIR, "demo_twolevel.csv"), row.names = FALSE)
tl <- read.csv(file.path(DATA_DIR, "demo_twolevel.csv"))

twolevel_block <- function(fit, call_text, syntax) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  h1 <- lavInspect(fit, "h1")
  rsq <- lavInspect(fit, "rsquare")
  list(
    meta = meta_block(),
    call = call_text,
    model_syntax = syntax,
    fit_info = list(
      converged = lavInspect(fit, "converged"),
      npar = lavInspect(fit, "npar"),
      ntotal = lavInspect(fit, "ntotal"),
      nclusters = lavInspect(fit, "nclusters"),
      information = lavInspect(fit, "options")$information[1],
      observed_information = lavInspect(fit, "options")$observed.information[1]
    ),
    parameter_estimates = pe,
    fit_measures = as.list(fitMeasures(fit)),
    icc = as.list(lavInspect(fit, "icc")),
    rsquare_within = as.list(rsq[[1]]),
    rsquare_between = as.list(rsq[[2]]),
    logl = as.numeric(logLik(fit)),
    h1_within_cov = mat_block(h1[[1]]$cov),
    h1_between_cov = mat_block(h1[[2]]$cov),
    implied_within_cov = mat_block(fitted(fit)[[1]]$cov),
    implied_between_cov = mat_block(fitted(fit)[[2]]$cov)
  )
}

run_twolevel <- function(name, syntax, data, data_text, ...) {
  fit <- sem(syntax, data = data, cluster = "cluster", ...)
  options <- paste(deparse(substitute(list(...))), collapse = "")
  options <- sub("^list\\((.*)\\)$", "\\1", options)
  call_text <- sprintf("sem(model, data = %s, cluster = 'cluster'%s)", data_text,
                       if (nzchar(options)) paste0(", ", options) else "")
  write_ref(twolevel_block(fit, call_text, syntax), name)
}

# the lavaan tutorial model
TL_TUTORIAL <- "
level: 1
  fw =~ y1 + y2 + y3
  fw ~ x1 + x2 + x3
level: 2
  fb =~ y1 + y2 + y3
  fb ~ w1 + w2
"
run_twolevel("twolevel_tutorial", TL_TUTORIAL, tl, "demo_twolevel")
# the same with factor variances fixed at 1 and the covariates' moments estimated
run_twolevel("twolevel_stdlv_free_x", TL_TUTORIAL, tl, "demo_twolevel", std.lv = TRUE,
             fixed.x = FALSE)

# unbalanced clusters: cluster k keeps its first 1 + (k mod 13) rows (sizes 1..13, one
# cluster of each size at least); one within factor for y1..y6 (misfit), two between
tl_unb <- do.call(rbind, lapply(split(tl, tl$cluster), function(d) {
  d[seq_len(min(nrow(d), 1 + d$cluster[1] %% 13)), ]
}))
TL_UNBALANCED <- "
level: within
  fw =~ y1 + y2 + y3 + y4 + y5 + y6
level: between
  fb1 =~ y1 + y2 + y3
  fb2 =~ y4 + y5 + y6
"
run_twolevel("twolevel_unbalanced", TL_UNBALANCED, tl_unb,
             "demo_twolevel[cluster k keeps its first 1 + k %% 13 rows]")

# a saturated between level
TL_SATURATED <- "
level: 1
  fw =~ y1 + y2 + y3
  fw ~ x1 + x2
level: 2
  y1 ~~ y2 + y3
  y2 ~~ y3
"
run_twolevel("twolevel_saturated_between", TL_SATURATED, tl, "demo_twolevel")

# labels and := across the levels
TL_DEFINED <- "
level: 1
  fw =~ y1 + lw2*y2 + lw3*y3
  fw ~ a*x1
level: 2
  fb =~ y1 + lb2*y2 + lb3*y3
  fb ~ b*w1
diff2 := lw2 - lb2
ratio3 := lb3 / lw3
ab := a * b
"
run_twolevel("twolevel_defined", TL_DEFINED, tl, "demo_twolevel")

# a within-only outcome (y4), a covariate at both levels (y2), a between-only outcome (z,
# the cluster mean of y5)
tl_z <- tl
tl_z$z <- ave(tl_z$y5, tl_z$cluster)
TL_MIXED <- "
level: 1
  y1 ~ y2 + y4
  y4 ~ x2
level: 2
  y1 ~ w1 + y2
  z ~ w1
"
run_twolevel("twolevel_mixed_roles", TL_MIXED, tl_z, "demo_twolevel with z = ave(y5, cluster)")
