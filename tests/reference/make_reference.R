# Regenerates every JSON file in tests/reference/ and the data in tests/reference/data/.
#
#   apt-get install r-base-core r-cran-lavaan r-cran-semtools r-cran-jsonlite r-cran-psych
#   Rscript tests/reference/make_reference.R          # from the repository root
#
# The Python tests read the JSON files and never need R.
source("tests/reference/R/common.R")
for (part in c("core", "replication", "bootstrap", "measurement", "groups", "missing",
              "issue3_extra", "ordinal", "issue12", "linkage", "higher_order", "ls_groups",
              "bollen_stine", "rmsea_power", "residuals",
              "twolevel", "twolevel_fiml", "mlmv_groups")) {
  source(file.path("tests/reference/R", paste0(part, ".R")))
}
