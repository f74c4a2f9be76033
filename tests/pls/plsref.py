"""Helpers for the PLS tests: the data and oracle numbers of the read-only reference folder
``shared/reference/pls`` (its README.md says how each number was produced and checked),
the models they were computed for, and R's bootstrap row indices.

The folder's data and oracles are GPL-3 material of R packages: they are read in place at
test time and never copied into this project. It is found as ``<repo>/../shared`` (CI runs
the suite in a clone beside a read-only copy of ``shared/``) or at ``$IM_RESEARCH_SHARED``.
"""

import functools
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import im_research as ir

REPO = Path(__file__).resolve().parents[2]
SHARED_ENV = "IM_RESEARCH_SHARED"

CORP_SIMPLE = """
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
CUSA ~ COMP + LIKE
CUSL ~ COMP + LIKE + CUSA
"""

CORP_EXT = """
QUAL <~ qual_1 + qual_2 + qual_3 + qual_4 + qual_5 + qual_6 + qual_7 + qual_8
PERF <~ perf_1 + perf_2 + perf_3 + perf_4 + perf_5
CSOR <~ csor_1 + csor_2 + csor_3 + csor_4 + csor_5
ATTR <~ attr_1 + attr_2 + attr_3
""" + CORP_SIMPLE + """
COMP ~ QUAL + PERF + CSOR + ATTR
LIKE ~ QUAL + PERF + CSOR + ATTR
"""

ECSI = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation =~ CUEX1 + CUEX2 + CUEX3
Quality =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Complaints =~ CUSCO
Loyalty =~ CUSL1 + CUSL2 + CUSL3
Expectation ~ Image
Quality ~ Expectation
Value ~ Expectation + Quality
Satisfaction ~ Image + Expectation + Quality + Value
Complaints ~ Satisfaction
Loyalty ~ Image + Satisfaction + Complaints
"""

# seminr's 4-construct test model (its tests/fixtures)
MOBI4 = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation =~ CUEX1 + CUEX2 + CUEX3
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Satisfaction ~ Image + Expectation + Value
"""


# the vignette's moderation model (seminr's SEMinR.html; its fixtures coefficients*.csv)
MOBI_MODERATION = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation =~ CUEX1 + CUEX2 + CUEX3
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Satisfaction ~ Image + Expectation + Value + Image:Expectation + Image:Value
"""


def seminr_names(table: pd.DataFrame) -> pd.DataFrame:
    """seminr names an interaction "A*B"; we write "A:B" (as lavaan)."""
    return table.rename(index=lambda s: s.replace("*", ":"),
                        columns=lambda s: s.replace("*", ":"))


def pls_ref() -> Path:
    """The folder ``<shared>/reference/pls``; fails the calling test when it is absent (a
    skipped oracle check would go unnoticed)."""
    override = os.environ.get(SHARED_ENV)
    shared = Path(override) if override else REPO.parent / "shared"
    folder = shared / "reference" / "pls"
    if not folder.is_dir():
        source = f"${SHARED_ENV}" if override else f"the default beside the repository ({REPO})"
        pytest.fail(f"PLS reference data not found: no folder {folder} (shared folder from "
                    f"{source}). Put the read-only `shared` folder beside the repository or set "
                    f"{SHARED_ENV} to the `shared` folder that holds reference/pls/.",
                    pytrace=False)
    return folder


def _read_csv(path: Path) -> pd.DataFrame:
    """An R ``write.csv`` table: row names first (kept as text, e.g. "1" for row 1)."""
    table = pd.read_csv(path, index_col=0).astype(float)
    table.index = table.index.astype(str)
    return table


def _read_smartpls(path: Path) -> pd.DataFrame:
    """A SmartPLS 2 text export: tab-separated, blank-padded, decimal commas."""
    rows = [[cell.strip() for cell in line.rstrip().split("\t")]
            for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    body = rows[1:]
    return pd.DataFrame([[float(v.replace(",", ".")) for v in row[1:]] for row in body],
                        index=[row[0] for row in body], columns=rows[0][1:])


SEMINR_CASES = ("corp_rep_simple", "corp_rep_ext", "mobi_ecsi_path", "mobi_ecsi_factorial",
                "mobi_ecsi_plsc", "mobi_interaction_pi_vignette")


@functools.cache
def _catalog() -> dict:
    """Oracle keys → (file, reader), named after the files under ``oracles/``."""
    root = pls_ref() / "oracles"
    catalog = {}
    for case in SEMINR_CASES:
        for f in sorted((root / "seminr").glob(f"{case}_*.csv")):
            what = f.stem.removeprefix(f"{case}_").replace("boot1000_seed123_", "boot1000_")
            # one VIF file per construct: key (case, "vif_items", construct)
            group = re.fullmatch(r"(vif_antecedents|vif_items)_(.+)", what)
            catalog[(f"seminr/{case}", *(group.groups() if group else (what,)))] = (
                f, _read_csv)
    for scheme in sorted((root / "smartpls2_via_semPLS").iterdir()):
        for f in sorted(scheme.glob("*.txt")):
            if f.stem != "readMe":
                catalog[(f"smartpls2/{scheme.name}", f.stem)] = (f, _read_smartpls)
    for f in sorted((root / "crosscheck").glob("mobi_ecsi_*_cSEM.csv")):
        model, _, what = f.stem.removeprefix("mobi_ecsi_").removesuffix("_cSEM").partition("_")
        catalog[(f"cSEM/mobi_ecsi_{model}", what.removeprefix("reliabilities_"))] = (
            f, _read_csv)
    for f in sorted((root / "adanco_via_cSEM").glob("satisfaction_*_ADANCO_2_2_1.csv")):
        what = f.stem.removeprefix("satisfaction_").removesuffix("_ADANCO_2_2_1")
        catalog[("ADANCO/satisfaction", what)] = (f, _read_csv)
    for folder, key in (("seminr_test_fixtures", "seminr_fixtures"), ("csem_dgp", "cSEM_dgp")):
        for f in sorted((root / folder).glob("*.csv")):
            catalog[(key, f.stem)] = (f, _read_csv)
    return catalog


@functools.cache
def _table(keys: tuple) -> pd.DataFrame:
    try:
        path, reader = _catalog()[keys]
    except KeyError:
        raise KeyError(f"no oracle table {keys}; see oracle_keys()") from None
    try:
        return reader(path)
    except ValueError as err:  # a few fixtures are printed R output, not tables
        raise ValueError(f"{path} is not a numeric table: {err}") from err


def oracle(*keys) -> pd.DataFrame:
    """One oracle table (a fresh copy), e.g. ``oracle("seminr/corp_rep_simple", "path_coef")``."""
    return _table(keys).copy()


def oracle_keys(*keys) -> list:
    """The names one level below ``keys`` (e.g. the constructs of a VIF table)."""
    depth = len(keys)
    names = [k[depth] for k in _catalog() if k[:depth] == keys and len(k) > depth]
    if not names:
        raise KeyError(f"no oracle tables below {keys}")
    return list(dict.fromkeys(names))


# the 31 items of the corporate-reputation models; the file's other columns (globals,
# demographics) hold 59 more -99 codes
_CORP_REP_ITEMS = set(re.findall(r"\w+", CORP_EXT))
DATA = {"corp_rep": "corp_rep_data.csv", "mobi": "mobi.csv",
        "satisfaction": "csem_satisfaction.csv"}


@functools.cache
def data(name: str) -> pd.DataFrame:
    """``corp_rep`` (the model items, -99 = missing), ``mobi`` or ``satisfaction`` (cSEM's)
    from ``shared/reference/pls/data`` (copy it before changing it)."""
    table = pd.read_csv(pls_ref() / "data" / DATA[name])
    if name == "corp_rep":
        table = table[[c for c in table.columns if c in _CORP_REP_ITEMS]]
    return table


@functools.cache
def fitted(model: str, name: str, **kwargs):
    """A cached ``ir.pls`` fit (treat it as read-only)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ir.DataWarning)
        return ir.pls(model, data(name), **kwargs)


def exact_sample(sigma: pd.DataFrame, n=300, seed=7) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly ``sigma``."""
    z = np.random.default_rng(seed).standard_normal((n, len(sigma)))
    z -= z.mean(axis=0)
    white = np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)))
    x = z @ white.T @ np.linalg.cholesky(sigma.to_numpy()).T
    return pd.DataFrame(x, columns=sigma.columns)


def max_diff(ours: pd.DataFrame, expected: pd.DataFrame) -> float:
    """Largest absolute difference over the oracle's cells (NaN cells skipped)."""
    ours = ours.reindex(index=expected.index, columns=expected.columns)
    assert not ours.isna().to_numpy()[expected.notna().to_numpy()].any(), "cell missing"
    return float(np.nanmax(np.abs(ours.to_numpy(float) - expected.to_numpy(float))))


def seminr_label(s: str) -> str:
    """seminr writes "A  ->  B"; we write "A -> B"."""
    return " -> ".join(p.strip() for p in s.split("->"))


def _r_mt_keys(seeds) -> np.ndarray:
    """R's ``set.seed`` for the Mersenne Twister, for many seeds at once: scramble each
    seed with the LCG 69069·s + 1 fifty times, then fill the 625 seed words (the first
    is R's position counter, replaced by 624) with the same LCG."""
    s = np.asarray(seeds, dtype=np.uint64) & 0xFFFFFFFF
    for _ in range(50):
        s = (69069 * s + 1) & 0xFFFFFFFF
    key = np.empty((len(s), 625), dtype=np.uint32)
    for j in range(625):
        s = (69069 * s + 1) & 0xFFFFFFFF
        key[:, j] = s
    return key[:, 1:]


def _r_sample(n: int, key) -> np.ndarray:
    """``sample.int(n, replace = TRUE)`` of R ≥ 3.6 from a seeded state, 0-based: a
    uniform is a 32-bit output × 2⁻³² (numpy's MT19937 gives R's outputs from the same
    state); a candidate is its top 16 bits masked to ceil(log2 n) bits, rejected when
    ≥ n (``R_unif_index``)."""
    bg = np.random.MT19937()
    bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624}}
    bits = int(np.ceil(np.log2(n)))
    assert bits < 16, "one 16-bit chunk per candidate (n < 32768)"
    accepted = np.empty(0, dtype=np.int64)
    while accepted.size < n:  # the next draw reseeds, so surplus uniforms do no harm
        u = bg.random_raw(2 * n) * 2.3283064365386963e-10
        v = (u * 65536).astype(np.int64) & ((1 << bits) - 1)
        accepted = np.concatenate([accepted, v[v < n]])
    return accepted[:n]


@functools.cache
def r_boot_indices(n: int, n_boot: int, seed: int = 123) -> np.ndarray:
    """seminr's bootstrap index matrix (0-based): draw i (1-based) runs
    ``set.seed(seed + i); sample.int(n, replace = TRUE)`` in R."""
    keys = _r_mt_keys(seed + np.arange(1, n_boot + 1))
    return np.array([_r_sample(n, key) for key in keys])
