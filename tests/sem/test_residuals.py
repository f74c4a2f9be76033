"""Residual covariances equal lavaan 0.6-14's ``residuals(fit, type = ...)``.

References: tests/reference/residuals_*.json (tests/reference/R/residuals.R): ML, MLR, MLM
and the observed information, with and without means, fixed covariates and groups. Raw
and correlation residuals to 1e-5; standardized residuals (numbers of order 1-5) to 1e-3.
"""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

CASES = {
    "residuals_hs": ("HolzingerSwineford1939.csv", {}),
    "residuals_hs_means": ("HolzingerSwineford1939.csv", {"meanstructure": True}),
    "residuals_poldem": ("PoliticalDemocracy.csv", {}),
    "residuals_mimic": ("HolzingerSwineford1939.csv", {}),
    "residuals_hs_groups": ("HolzingerSwineford1939.csv",
                            {"group": "school", "group_equal": ["loadings"]}),
    # robust SEs: the moments' covariance from fourth moments; MLR and information=
    # "observed": the h1 information observed at the implied moments
    "residuals_hs_mlr": ("HolzingerSwineford1939.csv", {"estimator": "MLR"}),
    "residuals_hs_mlr_means": ("HolzingerSwineford1939.csv",
                               {"estimator": "MLR", "meanstructure": True}),
    "residuals_poldem_mlr": ("PoliticalDemocracy.csv", {"estimator": "MLR"}),
    "residuals_hs_mlm": ("HolzingerSwineford1939.csv", {"estimator": "MLM"}),
    "residuals_hs_observed": ("HolzingerSwineford1939.csv", {"information": "observed"}),
    "residuals_hs_groups_mlr": ("HolzingerSwineford1939.csv",
                                {"group": "school", "estimator": "MLR"}),
}
TOL = {"raw": 1e-5, "cor": 1e-5, "standardized": 1e-3}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("kind", list(TOL))
def test_residuals_equal_lavaan(name, kind):
    data, kw = CASES[name]
    ref = load_reference(name)
    res = ir.fit(ref["model_syntax"], data=load_reference_data(data), **kw)
    ours = res.residuals(type=kind)
    theirs = ref[kind] if "values" not in ref[kind] else {None: ref[kind]}
    frames = ours if isinstance(ours, dict) else {None: ours}
    assert list(frames) == list(theirs)  # groups in lavaan's order
    for group, block in theirs.items():
        lav = pd.DataFrame(np.array(block["values"], float), index=block["rownames"],
                           columns=block["colnames"])
        mine = frames[group].loc[lav.index, lav.columns]
        assert np.max(np.abs(mine.to_numpy() - lav.to_numpy())) < TOL[kind], group


def test_standardized_residuals_lavaan_does_not_define_here_are_refused():
    hs = load_reference_data("HolzingerSwineford1939.csv")
    model = load_reference("residuals_hs")["model_syntax"]
    mimic = load_reference("residuals_mimic")["model_syntax"]
    for m, kw in ((model, {"missing": "fiml"}), (model, {"estimator": "MLF"}),
                  (model, {"estimator": "ULS"}), (mimic, {"estimator": "MLR"}),
                  (model, {"estimator": "MLR", "cluster": "school"})):
        res = ir.fit(m, data=hs, **kw)
        with pytest.raises(NotImplementedError, match="standardized residuals are computed"):
            res.residuals(type="standardized")
        assert res.residuals(type="cor").shape == (len(res.observed),) * 2  # still there
