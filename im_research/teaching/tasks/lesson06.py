"""Lesson 06, frontline vs back office, measurement invariance: its "your turn" tasks,
and the variant of the bank data with a planted non-invariant item."""

from __future__ import annotations

from ..exercises import Question

# The employee constructs of the bank's survey, compared across roles.
MODEL = ("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
         "oc =~ oc1 + oc2 + oc3r\n")
GROUP = "role"
# The planted difference: frontline staff read the reward item im3 ("Good service work is
# recognised and rewarded here") as their service bonus and answer it one point higher
# (at most 7) than back-office staff with the same view of internal marketing.
BONUS_ITEM, BONUS_SHIFT = "im3", 1


def bank_as_bundled():
    """The bank data (``oc3`` reverse-scored as ``oc3r``), as bundled."""
    from ._common import bank_data

    return bank_data()


def bonus_bank():
    """The bank data with the planted frontline bonus on ``BONUS_ITEM``."""
    bank = bank_as_bundled()
    front = bank[GROUP] == "frontline"
    bank.loc[front, BONUS_ITEM] = (bank.loc[front, BONUS_ITEM] + BONUS_SHIFT).clip(upper=7)
    return bank


# ---------------------------------------------------------------------------------------
def _latent_mean(res, factor, group):
    p = res.params
    return float(p.loc[(p["lhs"] == factor) & (p["op"] == "~1") & (p["group"] == group),
                       "est"].iloc[0])


def _q1_release_the_loading(t):
    from ...inference.invariance import invariance

    tab = t.cached("loading", lambda: invariance(
        MODEL, bonus_bank(), GROUP, steps=("configural", "metric", "scalar"),
        partial={"metric": [f"im =~ {BONUS_ITEM}"]}))
    return float(tab.loc["scalar", "delta_cfi"])


def _q2_latent_mean_bundled(t):
    from ...inference.invariance import invariance

    tab = t.cached("bundled", lambda: invariance(
        MODEL, bank_as_bundled(), GROUP, steps=("configural", "metric", "scalar")))
    return _latent_mean(tab.attrs["fits"]["scalar"], "im", "back office")


def _q3_raw_difference_without_bonus_item(t):
    bank = bonus_bank()
    score = bank[["im1", "im2", "im4"]].mean(axis=1)
    means = score.groupby(bank[GROUP]).mean()
    return float(means["back office"] - means["frontline"])


QUESTIONS = [
        Question("q1", "Release the LOADING of im3 (im =~ im3) instead of its intercept. "
                 "What is the scalar step's ΔCFI now (3 decimals)?",
                 _q1_release_the_loading,
                 "Tick 'im =~ im3' (and only it) in the invariance explorer, or call "
                 "ir.invariance(model, bonus, 'role', partial={'metric': ['im =~ im3']}); "
                 "read delta_cfi of the scalar row.", 0.001),
        Question("q2", "Run the sequence on the bank data as bundled (no planted bonus). "
                 "What is the back-office latent mean of internal marketing in the scalar "
                 "model (3 decimals)?",
                 _q2_latent_mean_bundled,
                 "tab = ir.invariance(model, bank_as_bundled(), 'role'); in "
                 "tab.attrs['fits']['scalar'].params find lhs 'im', op '~1', group "
                 "'back office'.", 0.001),
        Question("q3", "Leave the biased item out of the raw score: average im1, im2 and "
                 "im4 per employee of the bonus data. What is the back-office mean minus "
                 "the frontline mean (3 decimals)?",
                 _q3_raw_difference_without_bonus_item,
                 "bonus[['im1', 'im2', 'im4']].mean(axis=1), grouped by bonus['role']; "
                 "subtract the frontline mean from the back-office mean.", 0.001),
]
