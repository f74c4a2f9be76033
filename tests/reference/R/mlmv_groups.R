# MLMV and MLMVS with groups: their RMSEA carries sqrt(G) like every other RMSEA (a
# single-group formula here once gave RMSEA / sqrt(2) for two schools).
HS <- lavaan::HolzingerSwineford1939
HS_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"
for (est in c("MLMV", "MLMVS")) {
  run(paste0("hs_multigroup_", tolower(est)), HS_MODEL,
      sprintf("cfa(HS_MODEL, data = HolzingerSwineford1939, group = 'school', estimator = '%s')",
              est),
      cfa(HS_MODEL, data = HS, group = "school", estimator = est))
}
