# semTools 0.5-6 findRMSEApower() and findRMSEAsamplesize(): the power of the RMSEA test of
# a whole model (MacCallum, Browne & Sugawara 1996), for inference/power.py's rmsea_power()
# and rmsea_sample_size(). Tests of close fit (.05 vs .08), not-close fit (.05 vs .01) and
# exact fit (0 vs .05), at alpha .05 and .01.
suppressPackageStartupMessages(library(semTools))
cases <- expand.grid(df = c(2, 10, 24, 40, 100), n = c(60, 200, 500),
                     pair = c("close", "not_close", "exact"), alpha = c(0.05, 0.01),
                     stringsAsFactors = FALSE)
pairs <- list(close = c(0.05, 0.08), not_close = c(0.05, 0.01), exact = c(0, 0.05))
rows <- lapply(seq_len(nrow(cases)), function(i) {
  cs <- cases[i, ]
  r <- pairs[[cs$pair]]
  n_needed <- findRMSEAsamplesize(r[1], r[2], cs$df, power = 0.8, alpha = cs$alpha)
  list(df = cs$df, n = cs$n, rmsea0 = r[1], rmsea1 = r[2], alpha = cs$alpha,
       power = findRMSEApower(r[1], r[2], cs$df, cs$n, alpha = cs$alpha),
       n_for_80 = if (is.numeric(n_needed)) n_needed else NA)
})
write_ref(list(meta = meta_block(), cases = rows), "rmsea_power")
