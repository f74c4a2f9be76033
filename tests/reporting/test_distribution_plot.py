"""reporting.plots.distribution_plot: the histogram of draws used by lessons 04 and 13."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from im_research.reporting.plots import distribution_plot  # noqa: E402


def test_draws_truth_estimate_and_intervals_are_drawn():
    x = np.random.default_rng(1).gamma(2.0, 0.05, size=300)
    ax = distribution_plot(x, truth=0.1, estimate=0.12,
                           intervals={"percentile": (0.02, 0.25), "delta": (-0.01, 0.2)})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "300 draws" in labels and "truth 0.100" in labels and "estimate 0.120" in labels
    assert "percentile [0.020, 0.250]" in labels
    assert "normal, same mean and SD" in labels
    assert sum(p.get_height() for p in ax.patches) > 0
    assert ax.get_ylim()[0] < 0  # room for the interval bars under the histogram
    bare = distribution_plot(x, normal=False)
    assert [t.get_text() for t in bare.get_legend().get_texts()] == ["300 draws"]
