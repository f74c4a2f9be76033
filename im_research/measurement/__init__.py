"""Measurement quality: reliability (α, ω, CR, AVE), discriminant validity (HTMT,
Fornell–Larcker), common-method bias, multilevel agreement (ICC, rwg) and the
employee → customer linkage workflow."""

from .linkage import LinkageResult, linkage
from .multilevel import icc, rwg, rwg_j
from .reliability import higher_order_reliability, item_statistics, reliability
from .validity import fornell_larcker, htmt, htmt_inference

__all__ = ["reliability", "higher_order_reliability", "item_statistics", "htmt",
           "htmt_inference", "fornell_larcker", "icc", "rwg", "rwg_j",
           "linkage", "LinkageResult"]
