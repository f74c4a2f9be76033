# Reference values for the ML estimation core (issue: lavaan-parity SEM core).
HS <- lavaan::HolzingerSwineford1939
PD <- lavaan::PoliticalDemocracy
HS_VARS <- paste0("x", 1:9)

write.csv(HS, file.path(DATA_DIR, "HolzingerSwineford1939.csv"), row.names = FALSE)
write.csv(PD, file.path(DATA_DIR, "PoliticalDemocracy.csv"), row.names = FALSE)

HS_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"
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
MED_MODEL <- "
M ~ a*X
Y ~ b*M + cp*X
indirect := a*b
total    := cp + a*b
"


run("hs_cfa", HS_MODEL, "cfa(HS_MODEL, data = HolzingerSwineford1939)",
    cfa(HS_MODEL, data = HS))
run("poldem_sem", PD_MODEL, "sem(PD_MODEL, data = PoliticalDemocracy)",
    sem(PD_MODEL, data = PD))
run("hs_cfa_from_cov", HS_MODEL,
    "cfa(HS_MODEL, sample.cov = cov(HS[, x1..x9]), sample.nobs = 301)",
    cfa(HS_MODEL, sample.cov = cov(HS[, HS_VARS]), sample.nobs = nrow(HS)))

# mediation data: simulated once with a fixed seed and stored as CSV
set.seed(20240501)
n <- 500
X <- rnorm(n)
M <- 0.5 * X + rnorm(n)
Y <- 0.35 * M + 0.2 * X + rnorm(n)
med <- data.frame(X = round(X, 6), M = round(M, 6), Y = round(Y, 6))
write.csv(med, file.path(DATA_DIR, "mediation_sim_n500.csv"), row.names = FALSE)
med <- read.csv(file.path(DATA_DIR, "mediation_sim_n500.csv"))
run("mediation", MED_MODEL, "sem(MED_MODEL, data = mediation_sim_n500)",
    sem(MED_MODEL, data = med))

run("hs_cfa_stdlv", HS_MODEL, "cfa(HS_MODEL, data = HolzingerSwineford1939, std.lv = TRUE)",
    cfa(HS_MODEL, data = HS, std.lv = TRUE))

EQ_MODEL <- "
visual  =~ x1 + a*x2 + a*x3
textual =~ x4 + b*x5 + b*x6
speed   =~ x7 + x8 + x9
"
run("hs_cfa_equal", EQ_MODEL, "cfa(EQ_MODEL, data = HolzingerSwineford1939)",
    cfa(EQ_MODEL, data = HS))

run("hs_cfa_meanstructure", HS_MODEL,
    "cfa(HS_MODEL, data = HolzingerSwineford1939, meanstructure = TRUE)",
    cfa(HS_MODEL, data = HS, meanstructure = TRUE))

CROSS_MODEL <- "
visual  =~ x1 + x2 + x3 + x9
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
x1 ~~ x4
"
run("hs_bifactor_or_crossload", CROSS_MODEL, "cfa(CROSS_MODEL, data = HolzingerSwineford1939)",
    cfa(CROSS_MODEL, data = HS))

# a non-recursive model with instruments x1 -> y1, x2 -> y2 (simulated, stored as CSV)
set.seed(1994)
n <- 300
x1 <- rnorm(n); x2 <- rnorm(n)
e1 <- rnorm(n); e2 <- 0.3 * e1 + rnorm(n)
# y1 = 0.4 y2 + 0.6 x1 + e1 ; y2 = 0.3 y1 + 0.5 x2 + e2  (solve the system)
B <- matrix(c(0, 0.4, 0.3, 0), 2, 2, byrow = TRUE)
G <- cbind(0.6 * x1, 0.5 * x2) + cbind(e1, e2)
Yv <- t(solve(diag(2) - B, t(G)))
nonrec <- data.frame(y1 = round(Yv[, 1], 6), y2 = round(Yv[, 2], 6),
                     x1 = round(x1, 6), x2 = round(x2, 6))
write.csv(nonrec, file.path(DATA_DIR, "nonrecursive.csv"), row.names = FALSE)
nonrec <- read.csv(file.path(DATA_DIR, "nonrecursive.csv"))
NONREC_MODEL <- "
y1 ~ y2 + x1
y2 ~ y1 + x2
y1 ~~ y2
"
run("nonrecursive", NONREC_MODEL, "sem(NONREC_MODEL, data = nonrecursive)",
    sem(NONREC_MODEL, data = nonrec))

# a published-style correlation table with SDs (rounded to 3 decimals, as in papers)
R <- round(cor(HS[, HS_VARS]), 3)
sds <- round(apply(HS[, HS_VARS], 2, sd), 3)
S <- lavaan::cor2cov(R, sds)
blk <- fit_block(cfa(HS_MODEL, sample.cov = S, sample.nobs = 301),
                 "cfa(HS_MODEL, sample.cov = cor2cov(R, sds), sample.nobs = 301)", HS_MODEL)
blk$input_cor <- mat_block(R)
blk$input_sd <- as.list(sds)
write_ref(blk, "corr_sd_input")

# Two endogenous factors with correlated disturbances: std.lv of their covariance uses the
# residual variances (cov.std = TRUE).
ENDO_MODEL <- "
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
visual  ~ speed
textual ~ speed
"
run("hs_endogenous_cov", ENDO_MODEL, "sem(ENDO_MODEL, data = HolzingerSwineford1939)",
    sem(ENDO_MODEL, data = HS))
