# Bollen-Stine bootstrap (lavaan 0.6-14): the model-implied transformation of the data,
# the bootstrap chi-squares for fixed resampling indices, and the p-value of
# test = "bollen.stine" drawn with the same seed (so with the same indices).
PD <- read.csv(file.path(DATA_DIR, "PoliticalDemocracy.csv"))
HS <- read.csv(file.path(DATA_DIR, "HolzingerSwineford1939.csv"))
cases <- list(
  hs_cfa = list(data = HS, syntax = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n",
                args = list()),
  hs_meanstructure = list(data = HS, syntax = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n",
                          args = list(meanstructure = TRUE)),
  pd_sem = list(data = PD, syntax = paste(
    "ind60 =~ x1 + x2 + x3", "dem60 =~ y1 + y2 + y3 + y4", "dem65 =~ y5 + y6 + y7 + y8",
    "dem60 ~ ind60", "dem65 ~ ind60 + dem60", sep = "\n"), args = list())
)
R_BOOT <- 100L
ISEED <- 20261203L
out <- list(meta = meta_block(), R = R_BOOT, iseed = ISEED)
for (name in names(cases)) {
  cs <- cases[[name]]
  fit <- do.call("sem", c(list(model = cs$syntax, data = cs$data), cs$args))
  T.boot <- bootstrapLavaan(fit, R = R_BOOT, type = "bollen.stine",
                            FUN = function(x) fitMeasures(x, "chisq"),
                            iseed = ISEED, keep.idx = TRUE)
  idx <- attr(T.boot, "boot.idx")[[1]]
  fit_bs <- do.call("sem", c(list(model = cs$syntax, data = cs$data, test = "bollen.stine",
                                bootstrap = R_BOOT, iseed = ISEED), cs$args))
  bs <- lavInspect(fit_bs, "test")[["bollen.stine"]]
  out[[name]] <- list(model_syntax = cs$syntax, args = cs$args,
                      chisq = unname(fitMeasures(fit, "chisq")),
                      boot_chisq = unname(drop(T.boot[, 1])),
                      boot_idx = unname(idx),
                      pvalue_bollen_stine = bs$pvalue,
                      boot_larger = bs$boot.larger, boot_length = bs$boot.length)
}
write_ref(out, "bollen_stine")
