"""Lesson 04, the structural model, mediation and the bootstrap: constants and tasks."""

from __future__ import annotations

from ..exercises import Question
from ._common import bank_data

#: Bootstrap draws and seed of the lesson (500 draws keep the lesson quick; the
#: intervals' limits move in the third decimal with another seed).
N_BOOT = 500
BOOT_SEED = 2026
#: The simulation lab's seed and number of simulated studies per setting.
LAB_SEED = 1
LAB_REPS = 100
#: Task 1: the indirect effect of internal marketing on service quality through job
#: satisfaction and commitment.
IND_IM_SQ = "ind_im_sq := a*b*c"


def _model_q1():
    return bank_data().attrs["codebook"]["model_syntax"] + IND_IM_SQ + "\n"


def _q1_bca_lower(t):
    from ...inference.bootstrap import bootstrap
    from ...sem.estimate import fit

    def compute():
        res = fit(_model_q1(), data=bank_data())
        return bootstrap(res, n_boot=N_BOOT, seed=BOOT_SEED, ci="bca", progress=False)

    table = t.cached("bca_im_sq", compute).table
    return float(table.loc[table["lhs"] == "ind_im_sq", "ci_lower"].iloc[0])


def _q2_share_through_js(t):
    from ...inference.effects import indirect_effects
    from ...sem.estimate import fit

    bank = bank_data()
    res = t.cached("chain", lambda: fit(bank.attrs["codebook"]["model_syntax"], data=bank))
    eff = indirect_effects(res, x="im", y="oc").set_index("kind")["std_all"]
    return float(eff["indirect"] / eff["total"])


def _q3_skewness_n100(t):
    from ...inference.sampling import sampling_distribution
    from ..widgets.simulation_lab import MODEL, population

    dist = sampling_distribution(population(0.3, 0.3, 0.0), 100, LAB_REPS,
                                 seed=LAB_SEED + 1, model=MODEL,
                                 truth={"ind": 0.09, "total": 0.09})
    return float(dist.summary.loc["ind", "skewness"])


QUESTIONS = [
    Question("q1", f"Add '{IND_IM_SQ}' to the chain's syntax, fit it, and bootstrap it with "
             f"{N_BOOT} draws, seed={BOOT_SEED} and ci='bca'. What is the lower limit of "
             "the BCa interval of ind_im_sq (3 decimals)?",
             _q1_bca_lower,
             "model = book['model_syntax'] + 'ind_im_sq := a*b*c\\n'; "
             "ir.bootstrap(ir.fit(model, data=bank), n_boot=500, seed=2026, ci='bca') and "
             "read the row of ind_im_sq in .table.", 0.0005),
    Question("q2", "What share of the total standardized effect of internal marketing on "
             "commitment runs through job satisfaction (2 decimals)?",
             _q2_share_through_js,
             "ir.indirect_effects(sem, x='im', y='oc') lists the direct, the indirect and "
             "the total effect; divide the indirect std_all by the total std_all.", 0.005),
    Question("q3", "In the simulation lab set a = 0.30, b = 0.30, c = 0.00 and n = 100. "
             "What is the skewness of the indirect effect over the simulated studies "
             "(2 decimals)?",
             _q3_skewness_n100,
             "Move the four sliders, then read the skewness column of the row 'indirect "
             "a·b' in the second table.", 0.005),
]
