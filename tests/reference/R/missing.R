# FIML reference: HS1939 x1..x9 with about 10% missing cells (MCAR and MAR), made here.
set.seed(77)
hsm <- HS[, c("school", HS_VARS)]
n <- nrow(hsm)
for (v in HS_VARS) hsm[runif(n) < 0.06, v] <- NA                 # MCAR
low <- hsm$x1 < quantile(HS$x1, 0.3) & !is.na(hsm$x1)            # MAR on x1
hsm$x5[low & runif(n) < 0.3] <- NA
hsm$x9[low & runif(n) < 0.3] <- NA
hsm <- hsm[rowSums(!is.na(hsm[, HS_VARS])) > 0, ]
write.csv(hsm, file.path(DATA_DIR, "hs_missing.csv"), row.names = FALSE)
hsm <- read.csv(file.path(DATA_DIR, "hs_missing.csv"))
fiml <- cfa(HS_MODEL, data = hsm, missing = "ml")
blk <- fit_block(fiml, "cfa(HS_MODEL, data = hs_missing, missing = 'ml')", HS_MODEL)
blk$h1_mean <- as.list(lavInspect(fiml, "sampstat")$mean)
write_ref(blk, "hs_missing_fiml")
lw <- cfa(HS_MODEL, data = hsm)
write_ref(fit_block(lw, "cfa(HS_MODEL, data = hs_missing)  # listwise", HS_MODEL),
          "hs_missing_listwise")
