# Helpers shared by the reference scripts: JSON writing in one format.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

REF_DIR <- "tests/reference"
DATA_DIR <- file.path(REF_DIR, "data")

meta_block <- function() {
  list(
    lavaan_version = as.character(packageVersion("lavaan")),
    semTools_version = tryCatch(as.character(packageVersion("semTools")), error = function(e) NA),
    jsonlite_version = as.character(packageVersion("jsonlite")),
    R_version = R.version.string
  )
}

mat_block <- function(m) {
  m <- as.matrix(m)
  list(rownames = rownames(m), colnames = colnames(m), values = unname(m))
}

write_ref <- function(obj, name) {
  path <- file.path(REF_DIR, paste0(name, ".json"))
  jsonlite::write_json(obj, path, digits = 15, auto_unbox = TRUE, na = "null",
                       null = "null", pretty = FALSE)
  cat("wrote", path, "\n")
}

# Everything a parity test needs from one fitted lavaan model.
fit_block <- function(fit, call_text, syntax) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  fi <- list(
    converged = lavInspect(fit, "converged"),
    npar = lavInspect(fit, "npar"),
    nobs = lavInspect(fit, "nobs"),
    ntotal = lavInspect(fit, "ntotal"),
    estimator = lavInspect(fit, "options")$estimator,
    se = lavInspect(fit, "options")$se,
    test = lavInspect(fit, "options")$test,
    information = lavInspect(fit, "options")$information,
    meanstructure = lavInspect(fit, "meanstructure"),
    missing = lavInspect(fit, "options")$missing
  )
  fm <- fitMeasures(fit)
  mi <- tryCatch(modindices(fit), error = function(e) NULL)
  ngroups <- lavInspect(fit, "ngroups")
  samp <- lavInspect(fit, "sampstat")
  impl <- fitted(fit)
  if (ngroups > 1) {
    sample_cov <- lapply(samp, function(s) mat_block(s$cov))
    implied_cov <- lapply(impl, function(s) mat_block(s$cov))
  } else {
    sample_cov <- mat_block(samp$cov)
    implied_cov <- mat_block(impl$cov)
  }
  list(
    meta = meta_block(),
    call = call_text,
    model_syntax = syntax,
    fit_info = fi,
    parameter_estimates = pe,
    fit_measures = as.list(fm),
    rsquare = as.list(unlist(lavInspect(fit, "rsquare"))),
    modindices = mi,
    sample_cov = sample_cov,
    implied_cov = implied_cov
  )
}

run <- function(name, syntax, call_text, fit) write_ref(fit_block(fit, call_text, syntax), name)
