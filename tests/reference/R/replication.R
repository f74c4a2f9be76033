# Reference values for replications from published summary statistics (bundled datasets).
read_matrix <- function(file) {
  m <- read.csv(file.path("datasets", file), row.names = 1, check.names = FALSE)
  as.matrix(m)
}
BAG_MODEL <- "
perform =~ PERFORMM
jobsat =~ JBSATIS1 + JBSATIS2
achmot =~ ACHMOT1 + ACHMOT2
tsse =~ T_S_S_E1 + T_S_S_E2
verbint =~ VERBINTM
jobsat ~ achmot + tsse + perform + verbint
perform ~ achmot + tsse + verbint
"
cb <- jsonlite::fromJSON(file.path("datasets", "bagozzi1980_salesforce.codebook.json"))
R <- read_matrix("bagozzi1980_salesforce.csv")
sds <- unlist(cb$sd)[colnames(R)]
S <- lavaan::cor2cov(R, sds)
run("bagozzi1980", BAG_MODEL, "sem(BAG_MODEL, sample.cov = cor2cov(R, sds), sample.nobs = 122)",
    sem(BAG_MODEL, sample.cov = S, sample.nobs = 122))

WA_MODEL <- "
js =~ JobsatI1 + JobsatI2 + JobsatI3
oc =~ OrgcomI1 + OrgcomI2 + OrgcomI3
lr =~ LdrrewI1 + LdrrewI2 + LdrrewI3
jc =~ JobcomI1 + JobcomI2 + JobcomI3
js ~ lr + jc
oc ~ js
"
C <- read_matrix("williams_anderson1994.csv")
run("williams_anderson1994", WA_MODEL, "sem(WA_MODEL, sample.cov = C, sample.nobs = 232)",
    sem(WA_MODEL, sample.cov = C, sample.nobs = 232))
