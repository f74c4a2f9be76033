# semTools 0.5-6 reliabilityL2(): reliability of a second-order factor (omega at level 1
# and level 2, partial omega) on HolzingerSwineford1939, for
# measurement/reliability.py's higher_order_reliability().
suppressPackageStartupMessages(library(semTools))
HS <- read.csv(file.path(DATA_DIR, "HolzingerSwineford1939.csv"))
HS_FIRST <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
cases <- list(
  second_order = list(syntax = paste0(HS_FIRST, "g =~ visual + textual + speed\n"),
                      call = "cfa"),
  # g explained by a covariate (its variance is then model-implied, not a parameter),
  # and a correlated uniqueness inside visual
  endogenous_g = list(syntax = paste0(HS_FIRST, "g =~ visual + textual + speed\n",
                                      "g ~ sex\nx2 ~~ x3\n"),
                      call = "sem"),
  std_lv = list(syntax = paste0(HS_FIRST, "g =~ visual + textual + speed\n"),
                call = "cfa", std.lv = TRUE)
)
out <- list(meta = meta_block())
for (name in names(cases)) {
  cs <- cases[[name]]
  std <- isTRUE(cs$std.lv)
  fit <- if (cs$call == "cfa") cfa(cs$syntax, data = HS, std.lv = std) else
    sem(cs$syntax, data = HS, std.lv = std)
  rel <- suppressWarnings(reliabilityL2(fit, "g"))
  out[[name]] <- list(model_syntax = cs$syntax, call = cs$call, std_lv = std,
                      reliabilityL2 = as.list(rel))
}
write_ref(out, "higher_order_reliability")

# A one-factor model of 15 SERVQUAL items whose true structure has five dimensions (data:
# im_research's servqual_loyalty() population, draw(n=450, seed=3, points=7, skew=-0.4)).
# Fisher scoring from the default starts runs away along a ridge here (a factor variance
# heading to zero); lavaan's nlminb converges. Regression case for that fallback.
SQ <- read.csv(file.path(DATA_DIR, "servqual_sim_seed3.csv"))
SQ_ONE <- paste0("sq =~ ", paste(grep("^sq_", names(SQ), value = TRUE), collapse = " + "),
                 "\nloy =~ loy1 + loy2 + loy3\nloy ~ sq\n")
write_ref(fit_block(sem(SQ_ONE, data = SQ), "sem(SQ_ONE, data = SQ)", SQ_ONE),
          "servqual_one_factor")
