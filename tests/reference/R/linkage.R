# Issue #13 (items 2 and 4): single-level models with cluster-robust SEs and the
# Yuan-Bentler scaled test (lavaan's cluster = "..." without level: blocks).
# Run alone from the repository root:
#   Rscript -e 'source("tests/reference/R/common.R"); source("tests/reference/R/linkage.R")'

demo <- lavaan::Demo.twolevel
write.csv(demo, file.path(DATA_DIR, "demo_twolevel_cluster.csv"), row.names = FALSE)

cluster_ref <- function(name, syntax, data, cluster, estimator, call_text) {
  fit <- sem(syntax, data = data, cluster = cluster, estimator = estimator)
  out <- fit_block(fit, call_text, syntax)
  out$fit_info$nclusters <- length(unique(data[[cluster]]))
  write_ref(out, name)
}

m_mimic <- "fw =~ y1 + y2 + y3
fw ~ x1 + x2 + x3"
m_cfa <- "f1 =~ y1 + y2 + y3
f2 =~ y4 + y5 + y6"

cluster_ref("linkage_demo_mimic_mlr", m_mimic, demo, "cluster", "MLR",
            'sem(model, data = Demo.twolevel, cluster = "cluster", estimator = "MLR")')
cluster_ref("linkage_demo_cfa_mlr", m_cfa, demo, "cluster", "MLR",
            'sem(model, data = Demo.twolevel, cluster = "cluster", estimator = "MLR")')
cluster_ref("linkage_demo_cfa_ml", m_cfa, demo, "cluster", "ML",
            'sem(model, data = Demo.twolevel, cluster = "cluster", estimator = "ML")')
cluster_ref("linkage_demo_mimic_ml", m_mimic, demo, "cluster", "ML",
            'sem(model, data = Demo.twolevel, cluster = "cluster", estimator = "ML")')

# the bundled employee survey (datasets/bank_branch_linkage_employees.csv), if built
emp_path <- "datasets/bank_branch_linkage_employees.csv"
if (file.exists(emp_path)) {
  emp <- read.csv(emp_path)
  m_emp <- "im =~ im1 + im2 + im3 + im4
commit =~ com1 + com2 + com3
commit ~ im"
  cluster_ref("linkage_bank_employees_mlr", m_emp, emp, "branch", "MLR",
              'sem(model, data = employees, cluster = "branch", estimator = "MLR")')
}

# (d) of the linkage workflow: the two-level SEM on the kept branches (>= 3 employees,
# >= 5 customers), the customers' branch mean scores as between-level variables
cus_path <- "datasets/bank_branch_linkage_customers.csv"
if (file.exists(emp_path) && file.exists(cus_path)) {
  emp <- read.csv(emp_path)
  cus <- read.csv(cus_path)
  ne <- table(emp$branch)
  nc <- table(cus$branch)
  keep <- as.integer(intersect(names(ne)[ne >= 3], names(nc)[nc >= 5]))
  cus$sat <- rowMeans(cus[, c("sat1", "sat2", "sat3")])
  cus$loy <- rowMeans(cus[, c("loy1", "loy2", "loy3")])
  cm <- aggregate(cbind(sat, loy) ~ branch, data = cus[cus$branch %in% keep, ], FUN = mean)
  d <- merge(emp[emp$branch %in% keep, ], cm, by = "branch")
  m_tl <- "level: 1
  im_w =~ im1 + im2 + im3 + im4
  com_w =~ com1 + com2 + com3
level: 2
  im_b =~ im1 + im2 + im3 + im4
  com_b =~ com1 + com2 + com3
  sat ~ im_b + com_b
  loy ~ im_b + com_b
"
  fit <- sem(m_tl, data = d, cluster = "branch")
  write_ref(list(meta = meta_block(),
                 call = 'sem(model, data = kept employees + customer branch means, cluster = "branch")',
                 model_syntax = m_tl, kept_branches = sort(keep),
                 fit_info = list(converged = lavInspect(fit, "converged"),
                                 nobs = lavInspect(fit, "nobs"),
                                 nclusters = length(keep)),
                 parameter_estimates = parameterEstimates(fit),
                 fit_measures = as.list(fitMeasures(fit))),
            "linkage_bank_twolevel")
}
