"""Bootstrap: same draws as lavaan on the same resampling indices; backends agree."""


import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import REF, load_reference, load_reference_data
from im_research.inference.bootstrap import bootstrap, percentile_interval

NAMES = ["a", "b", "cp", "M~~M", "Y~~Y", "indirect", "total"]


@pytest.fixture(scope="module")
def med():
    ref = load_reference("mediation_boot_indices")
    res = ir.fit(ref["model_syntax"], data=load_reference_data("mediation_sim_n500.csv"))
    idx = pd.read_csv(REF / "data" / "mediation_boot_indices.csv.gz", header=None).to_numpy()
    return ref, res, idx


def test_draws_match_lavaan_refits(med):
    ref, res, idx = med
    boot = bootstrap(res, indices=idx, progress=False)
    assert boot.n_failed == 0 and len(boot.draws) == ref["R"] == 500
    for r, draw in enumerate(ref["first_draws"]):
        ours = boot.draws.iloc[r].to_numpy()
        assert np.allclose(ours, [draw[n] for n in NAMES], atol=1e-6)


@pytest.mark.parametrize("ci, key", [("perc", "perc"), ("bca", "bca"), ("norm", "norm")])
def test_se_and_intervals_match_lavaan(med, ci, key):
    ref, res, idx = med
    table = bootstrap(res, indices=idx, ci=ci, progress=False).table
    for name, (_, row) in zip(NAMES, table.iterrows()):
        want = ref["params"][name]
        # lavaan 0.6-14: divisor R for free parameters, R - 1 for defined ones
        sd = want["sd_R1"] if name in ("indirect", "total") else want["sd_R"]
        assert row["boot_se"] == pytest.approx(sd, abs=1e-6), name
        assert [row["ci_lower"], row["ci_upper"]] == pytest.approx(want[key], abs=1e-6), name


def test_numpy_quantile_option(med):
    ref, res, idx = med
    table = bootstrap(res, indices=idx, quantile="numpy", progress=False).table
    row = table.set_index("lhs").loc["indirect"]
    assert [row["ci_lower"], row["ci_upper"]] == pytest.approx(
        ref["params"]["indirect"]["perc_type7"], abs=1e-6)


def test_norm_inter_rule_by_hand():
    t = np.arange(1, 1000)  # 999 draws: rank (R+1)*0.025 = 25 exactly
    assert percentile_interval(t, [0.025])[0] == 25
    lo = percentile_interval(np.arange(1, 1001), [0.025])[0]  # rank 25.025: interpolated
    assert 25 < lo < 26


def test_same_seed_same_results_across_backends(med):
    _, res, _ = med
    serial = bootstrap(res, n_boot=300, seed=7, progress=False)
    again = bootstrap(res, n_boot=300, seed=7, progress=False, chunk_size=37)
    procs = bootstrap(res, n_boot=300, seed=7, progress=False, n_jobs=2)
    assert np.array_equal(serial.draws.to_numpy(), again.draws.to_numpy())
    assert np.array_equal(serial.draws.to_numpy(), procs.draws.to_numpy())
    other = bootstrap(res, n_boot=300, seed=8, progress=False)
    assert not np.array_equal(serial.draws.to_numpy(), other.draws.to_numpy())


@pytest.mark.slow
@pytest.mark.kernels
def test_dask_backend_gives_the_same_draws(med):
    distributed = pytest.importorskip("distributed")
    _, res, _ = med
    serial = bootstrap(res, n_boot=200, seed=3, progress=False)
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = bootstrap(res, n_boot=200, seed=3, progress=False, client=client)
    assert np.array_equal(serial.draws.to_numpy(), on_dask.draws.to_numpy())


def test_multigroup_resamples_within_groups():
    hs = load_reference_data("HolzingerSwineford1939.csv")
    res = ir.fit("visual =~ x1 + x2 + x3", data=hs, group="school")
    boot = bootstrap(res, n_boot=30, seed=1, progress=False)
    assert boot.n_failed == 0 and boot.table["group"].notna().all()
    assert (boot.table["boot_se"] > 0).all()


def test_bad_input(med):
    _, res, idx = med
    with pytest.raises(ValueError, match="seed= is required"):
        bootstrap(res, n_boot=10)
    with pytest.raises(ValueError, match="at least 2"):
        bootstrap(res, n_boot=1, seed=1)
    with pytest.raises(ValueError, match=r"shape \(n_boot, 500\)"):
        bootstrap(res, indices=idx[:, :10])
    with pytest.raises(ValueError, match="must lie in"):
        bootstrap(res, indices=idx + 5)
    with pytest.raises(ValueError, match="ci="):
        bootstrap(res, n_boot=10, seed=1, ci="basic")
    cov_fit = ir.fit("M ~ X", cov=res.sample_cov, nobs=500)
    with pytest.raises(ir.DataError, match="needs the raw data"):
        bootstrap(cov_fit, n_boot=10, seed=1)


def test_wlsmv_bootstrap_matches_lavaan_draw_by_draw():
    # the ski-resort SEM with ordered items, refitted by lavaan on 40 fixed resamples; 7
    # resamples lose a category of some item and fail in both programs (as in lavaan's
    # own bootstrapLavaan, which keeps the original categories)
    ref = load_reference("ski_branding_wlsmv_boot")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ir.DataWarning)
        res = ir.fit(ref["model_syntax"], data=ir.datasets.load("ski_resort_branding"),
                     ordered=True)
    boot = bootstrap(res, indices=np.array(ref["indices"]), progress=False)
    failed = [i for i, d in enumerate(ref["draws"]) if d is None]
    assert boot.n_failed == len(failed) == 7
    want = pd.DataFrame([d for d in ref["draws"] if d is not None])
    assert set(want.columns) == set(boot.draws.columns)
    assert np.max(np.abs(boot.draws[want.columns].to_numpy() - want.to_numpy())) < 1e-5
    assert "ind" in set(boot.table["lhs"]) and boot.table["boot_se"].gt(0).all()


@pytest.mark.parametrize("kwargs, extra, match", [
    ({"estimator": "ULS"}, "", "estimator='ULS'"),
    ({"estimator": "GLS"}, "", "estimator='GLS'"),
    ({}, "a > 0.1", "a > 0.1"),
    ({"missing": "fiml"}, "", "missing='fiml'"),
])
def test_bootstrap_refuses_fits_its_refits_would_get_wrong(hs, kwargs, extra, match):
    # the refitters use ML (or WLSMV) with equality labels: anything else would give
    # draws of another estimator without a word
    model = "visual =~ x1 + a*x2 + x3\ntextual =~ x4 + x5 + x6\n" + extra
    data = hs.copy()
    if kwargs.get("missing") == "fiml":
        data.loc[:20, "x1"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ir.fit(model, data=data, **kwargs)
    with pytest.raises(ir.ArgumentError, match=match.replace("(", r"\(")):
        ir.bootstrap(res, n_boot=20, seed=1)
