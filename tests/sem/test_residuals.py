"""Residual covariances equal lavaan 0.6-14's ``residuals(fit, type = ...)``.

References: tests/reference/residuals_*.json (tests/reference/R/residuals.R). Raw and
correlation residuals to 1e-5; standardized residuals (numbers of order 1-5) to 1e-3.
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


def test_standardized_residuals_outside_ml_are_refused():
    hs = load_reference_data("HolzingerSwineford1939.csv")
    model = load_reference("residuals_hs")["model_syntax"]
    for kw in ({"estimator": "MLR"}, {"missing": "fiml"}, {"information": "observed"}):
        res = ir.fit(model, data=hs, **kw)
        with pytest.raises(NotImplementedError, match="estimator='ML'"):
            res.residuals(type="standardized")
        assert res.residuals(type="cor").shape == (9, 9)  # the others stay available
