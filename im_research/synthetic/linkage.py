"""Employee–customer linkage data: employees and customers nested in branches.

The population follows the service-climate account of the linkage (Schneider et al.
1998; the service-profit chain of Heskett et al. 1994): each employee's perception of
internal marketing (``im``) has a branch part, the branch's *service climate*, and an
individual part; affective commitment (``com``) depends on it within branches and
between them, with different slopes; the branch climate drives the satisfaction
(``sat``) of that branch's customers, and satisfaction drives loyalty (``loy``).

Latent variables (one branch b, employee i, customer k; all normal)::

    im_bi  = IM_b + IM_w,bi          var(IM_b) = icc_im, var(IM_w) = 1 - icc_im
    com_bi = COM_b + COM_w,bi        COM_w = beta_within · IM_w + ζ,
                                      COM_b = beta_between · IM_b + ζ_b
    sat_bk = SAT_b + SAT_w,bk        SAT_b = climate_to_satisfaction · IM_b + ζ_sb
    loy_bk = satisfaction_to_loyalty · sat_bk + ζ_l

Each item is ``loading × factor + error`` with the first loading of a factor equal to 1
(so the true slopes are those a marker-identified model estimates, at both levels of a
two-level model); item errors have a small between-branch part as well (``item_icc``).
The truth (``.truth``) lists the within and between slopes, variances and ICCs.

Examples
--------
>>> from im_research.synthetic.linkage import simulate_linkage
>>> sim = simulate_linkage(n_branches=20, employees_per_branch=8,
...                        customers_per_branch=10, seed=1)
>>> sim.employees.shape[0], sim.customers.shape[0], sim.truth["between"]["com ~ im"]
(160, 200, 0.6)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..validation import as_count, as_number, show
from .simulate import SimulationError, _rng, discretize, to_csv_bytes

__all__ = ["simulate_linkage", "SimulatedLinkage", "EMPLOYEE_ITEMS", "CUSTOMER_ITEMS"]

# unstandardized loadings, first loading 1 (marker)
EMPLOYEE_ITEMS = {"im": {"im1": 1.0, "im2": 0.9, "im3": 0.85, "im4": 0.8},
                  "com": {"com1": 1.0, "com2": 0.9, "com3": 0.8}}
CUSTOMER_ITEMS = {"sat": {"sat1": 1.0, "sat2": 0.95, "sat3": 0.85},
                  "loy": {"loy1": 1.0, "loy2": 0.9, "loy3": 0.8}}
_ERROR_VAR = 0.35  # item error variance (within plus between)


@dataclass
class SimulatedLinkage:
    """Two linked surveys with their population truth.

    ``employees``: ``branch, employee_id`` and the employee items; ``customers``:
    ``branch, customer_id`` and the customer items; ``truth``: ``within`` and
    ``between`` slopes (``"com ~ im"``, ...), latent variances, ICCs, loadings and the
    settings."""

    employees: pd.DataFrame
    customers: pd.DataFrame
    truth: dict

    def to_csv_bytes(self) -> tuple[bytes, bytes]:
        """The employee and customer tables as CSV bytes (stable across runs)."""
        return to_csv_bytes(self.employees), to_csv_bytes(self.customers)


def _sizes(value, n_branches, name, rng):
    """Units per branch: an int (every branch), a (low, high) range drawn uniformly per
    branch, or one count per branch."""
    if isinstance(value, tuple) and len(value) == 2:
        low = as_count(value[0], f"{name}[0]", minimum=1, error=SimulationError)
        high = as_count(value[1], f"{name}[1]", minimum=low, error=SimulationError)
        return rng.integers(low, high + 1, size=n_branches)
    if np.ndim(value) == 1 and not isinstance(value, str):
        sizes = [as_count(v, name, minimum=1, error=SimulationError) for v in value]
        if len(sizes) != n_branches:
            raise SimulationError(f"{name} has {len(sizes)} counts for {n_branches} branches;"
                                  " give one count per branch")
        return np.array(sizes)
    if np.ndim(value) == 0 and not isinstance(value, (str, bool)):
        return np.full(n_branches, as_count(value, name, minimum=1, error=SimulationError))
    raise SimulationError(f"{name}={show(value)}: give a count, a (low, high) range or one "
                          "count per branch")


def _items(rng, factor, loadings, branch, n_branches, item_icc):
    """Item scores for one factor: loading × factor + within and between errors."""
    n = len(factor)
    out = {}
    for item, lam in loadings.items():
        e_b = rng.standard_normal(n_branches) * np.sqrt(item_icc * _ERROR_VAR)
        e_w = rng.standard_normal(n) * np.sqrt((1 - item_icc) * _ERROR_VAR)
        out[item] = lam * factor + e_b[branch] + e_w
    return out


def simulate_linkage(n_branches=60, employees_per_branch=12, customers_per_branch=25, *,
                     seed, icc_im=0.20, beta_within=0.50, beta_between=0.60,
                     icc_com=0.15, climate_to_satisfaction=0.50, icc_sat=0.15,
                     satisfaction_to_loyalty=0.60, item_icc=0.05,
                     points=None) -> SimulatedLinkage:
    """Draw an employee survey and a customer survey keyed by branch.

    Parameters
    ----------
    n_branches : int
        Number of branches.
    employees_per_branch, customers_per_branch : int, (low, high) or sequence of int
        Respondents per branch: the same for all, drawn uniformly from a range
        (unbalanced), or given per branch.
    seed : int or numpy.random.Generator
        Required; the same seed gives byte-identical CSV output.
    icc_im : float
        Share of the variance of the internal-marketing factor between branches (the
        branch service climate).
    beta_within, beta_between : float
        Slopes of commitment on internal marketing within branches and between branches.
    icc_com : float
        Share of the commitment factor's variance between branches.
    climate_to_satisfaction : float
        Slope of the branch part of customer satisfaction on the branch climate.
    icc_sat : float
        Share of customer satisfaction's variance between branches.
    satisfaction_to_loyalty : float
        Slope of loyalty on satisfaction (customers).
    item_icc : float
        Share of each item's error variance between branches.
    points : int, optional
        Likert points for every item (thresholds on the standardized item); ``None``
        keeps continuous scores (rounded to 6 decimals). The truth is that of the
        continuous scores; Likert coarsening attenuates the estimates a little.

    Returns
    -------
    SimulatedLinkage
        ``employees``, ``customers``, ``truth``.

    Examples
    --------
    >>> sim = simulate_linkage(10, (3, 6), 5, seed=7, points=5)
    >>> int(sim.employees["im1"].max()) <= 5
    True
    """
    rng = _rng(seed)
    n_branches = as_count(n_branches, "n_branches", minimum=2, error=SimulationError)
    shares = {"icc_im": icc_im, "icc_com": icc_com, "icc_sat": icc_sat, "item_icc": item_icc}
    for name, value in shares.items():
        as_number(value, name, low=0, high=1, error=SimulationError)
    slopes = {"beta_within": beta_within, "beta_between": beta_between,
              "climate_to_satisfaction": climate_to_satisfaction,
              "satisfaction_to_loyalty": satisfaction_to_loyalty}
    for name, value in slopes.items():
        as_number(value, name, error=SimulationError)
    # residual variances that give the chosen between shares of com and sat (total 1)
    var_com_w, var_com_b = 1 - icc_com, icc_com
    res_com_w = var_com_w - beta_within ** 2 * (1 - icc_im)
    res_com_b = var_com_b - beta_between ** 2 * icc_im
    res_sat_b = icc_sat - climate_to_satisfaction ** 2 * icc_im
    res_loy = 1 - satisfaction_to_loyalty ** 2
    for name, value in (("icc_com, beta_within", res_com_w),
                        ("icc_com, beta_between", res_com_b),
                        ("icc_sat, climate_to_satisfaction", res_sat_b),
                        ("satisfaction_to_loyalty", res_loy)):
        if value <= 0:
            raise SimulationError(f"{name}: the slope explains more than the variance at that"
                                  " level; lower the slope or raise the variance share")
    if points is not None:
        points = as_count(points, "points", minimum=2, error=SimulationError)
    n_emp = _sizes(employees_per_branch, n_branches, "employees_per_branch", rng)
    n_cus = _sizes(customers_per_branch, n_branches, "customers_per_branch", rng)

    im_b = rng.standard_normal(n_branches) * np.sqrt(icc_im)
    com_b = beta_between * im_b + rng.standard_normal(n_branches) * np.sqrt(res_com_b)
    sat_b = climate_to_satisfaction * im_b + rng.standard_normal(n_branches) * np.sqrt(
        res_sat_b)

    b_e = np.repeat(np.arange(n_branches), n_emp)
    im_w = rng.standard_normal(len(b_e)) * np.sqrt(1 - icc_im)
    com_w = beta_within * im_w + rng.standard_normal(len(b_e)) * np.sqrt(res_com_w)
    emp = {"branch": b_e + 1, "employee_id": np.arange(1, len(b_e) + 1)}
    emp.update(_items(rng, im_b[b_e] + im_w, EMPLOYEE_ITEMS["im"], b_e, n_branches,
                      item_icc))
    emp.update(_items(rng, com_b[b_e] + com_w, EMPLOYEE_ITEMS["com"], b_e, n_branches,
                      item_icc))

    b_c = np.repeat(np.arange(n_branches), n_cus)
    sat = sat_b[b_c] + rng.standard_normal(len(b_c)) * np.sqrt(1 - icc_sat)
    loy = satisfaction_to_loyalty * sat + rng.standard_normal(len(b_c)) * np.sqrt(res_loy)
    cus = {"branch": b_c + 1, "customer_id": np.arange(1, len(b_c) + 1)}
    cus.update(_items(rng, sat, CUSTOMER_ITEMS["sat"], b_c, n_branches, item_icc))
    cus.update(_items(rng, loy, CUSTOMER_ITEMS["loy"], b_c, n_branches, item_icc))

    employees, customers = pd.DataFrame(emp), pd.DataFrame(cus)
    for frame, groups in ((employees, EMPLOYEE_ITEMS), (customers, CUSTOMER_ITEMS)):
        items = [i for loads in groups.values() for i in loads]
        if points is None:
            frame[items] = frame[items].round(6)
        else:  # cut each item on its own standardized scale
            z = (frame[items] - frame[items].mean()) / frame[items].std(ddof=0)
            frame[items] = discretize(z, points)
    lam_sat = np.mean(list(CUSTOMER_ITEMS["sat"].values()))
    truth = {
        "within": {"com ~ im": beta_within, "im ~~ im": 1 - icc_im,
                   "com ~~ com": res_com_w},
        "between": {"com ~ im": beta_between, "im ~~ im": icc_im, "com ~~ com": res_com_b,
                    "sat ~ im": climate_to_satisfaction,
                    "sat_score ~ im": climate_to_satisfaction * lam_sat},
        "customers": {"loy ~ sat": satisfaction_to_loyalty, "sat ~~ sat (between)": icc_sat},
        "icc": {"im": icc_im, "com": icc_com, "sat": icc_sat, "item_error": item_icc},
        "loadings": {**EMPLOYEE_ITEMS, **CUSTOMER_ITEMS},
        "item_error_variance": _ERROR_VAR,
        "settings": {"n_branches": n_branches, "employees": n_emp.tolist(),
                     "customers": n_cus.tolist(), "points": points},
        "note": "unstandardized slopes in the metric of each factor's first item (loading "
                "1); 'sat_score ~ im' is the slope of the branch mean of the customers' "
                "mean satisfaction score (sat1-sat3) on the branch climate",
    }
    return SimulatedLinkage(employees, customers, truth)
