"""Exercise 02 (lesson 02, survey data): a raw employee-survey export with declined
answers, typing errors, a reverse-keyed item, careless respondents and direct identifiers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .framework import ExerciseSpec, Mistake, MultiChoice, Numeric, Written

ITEMS = tuple(f"{c}{j}" for c in ("im", "js", "oc") for j in range(1, 5))
REVERSED = "oc3"  # "I feel emotionally detached from my employer"
NO_ANSWER = 99
MIN_SECONDS = 120  # faster than this, nobody can have read twelve statements
COLUMNS = ("full_name", "email", "employee_no", "branch", "role", "tenure_years", "seconds")
DIRECT = ("full_name", "email", "employee_no")
QUASI = ("branch", "role", "tenure_years")
_FIRST = ("Ali", "Sara", "Reza", "Mina", "Omid", "Neda", "Arash", "Leila", "Kaveh", "Parisa",
          "Hamed", "Shirin", "Babak", "Nazanin", "Farid", "Yasmin")
_LAST = ("Ahmadi", "Karimi", "Rahimi", "Hosseini", "Moradi", "Jafari", "Rezaei", "Kazemi",
         "Sadeghi", "Mohammadi", "Ebrahimi", "Nouri")


def codebook():
    """The questionnaire's codebook: twelve 7-point items, ``oc3`` reverse-keyed, code 99
    "prefer not to answer" (a :class:`~im_research.survey.codebook.Codebook`).

    Examples
    --------
    >>> cb = codebook()
    >>> cb.missing_codes, [v["name"] for v in cb.items() if v.get("reverse")]
    ([99], ['oc3'])
    """
    from ...survey.codebook import Codebook

    return Codebook("Retail chain employee survey (synthetic)", [
        {"name": item, "type": "likert", "points": 7, "construct": item[:2],
         "reverse": item == REVERSED} for item in ITEMS], missing_codes=[NO_ANSWER])


def make_data(rng) -> pd.DataFrame:
    """180-320 employees of 8-16 branches. Planted: declined answers (99), 4-20 typing
    errors (codes outside 1-7), straight-liners, random answerers and speeders (how many
    of each differs per student)."""
    n = int(rng.integers(180, 321))
    r = rng.uniform(0.3, 0.6, size=3)
    cov = np.array([[1, r[0], r[1]], [r[0], 1, r[2]], [r[1], r[2], 1]])
    eta = rng.multivariate_normal(np.zeros(3), cov, size=n)
    cuts = np.array([-1.8, -1.1, -0.4, 0.3, 1.0, 1.7]) - rng.uniform(0.1, 0.5)
    answers = np.empty((n, len(ITEMS)), dtype=int)
    for j, item in enumerate(ITEMS):
        lam = rng.uniform(0.6, 0.85)
        ystar = lam * eta[:, j // 4] + rng.normal(scale=np.sqrt(1 - lam ** 2), size=n)
        answers[:, j] = 1 + np.searchsorted(cuts, ystar)
        if item == REVERSED:
            answers[:, j] = 8 - answers[:, j]
    seconds = np.round(rng.lognormal(np.log(420), 0.35, size=n)).astype(int)
    order = rng.permutation(n)
    n_straight, n_random, n_speed = (int(k) for k in rng.integers([2, 2, 3], [15, 15, 17]))
    straight, rand = order[:n_straight], order[n_straight:n_straight + n_random]
    speed = order[n_straight + n_random:n_straight + n_random + n_speed]
    answers[straight] = rng.choice([4, 5, 6, 7], size=n_straight)[:, None]
    answers[rand] = rng.integers(1, 8, size=(n_random, len(ITEMS)))
    careless_speeders = speed[: n_speed // 2]  # the others read fast but answer honestly
    answers[careless_speeders] = rng.integers(1, 8, size=(len(careless_speeders), len(ITEMS)))
    seconds[speed] = rng.integers(35, MIN_SECONDS, size=n_speed)
    codes = answers.astype(float)
    codes[rng.random(codes.shape) < rng.uniform(0.02, 0.05)] = NO_ANSWER
    n_typos = int(rng.integers(4, 21))
    cells = rng.choice(codes.size, size=n_typos, replace=False)
    # one respondent mistyped twice, so counting rows is not counting cells
    row, col = divmod(int(cells[0]), len(ITEMS))
    second = row * len(ITEMS) + (col + 1 + int(rng.integers(len(ITEMS) - 1))) % len(ITEMS)
    if second not in cells:
        cells[-1] = second
    codes.flat[cells] = rng.choice([0, 8, 9, 44, 77], size=n_typos)
    n_branches = int(rng.integers(8, 17))
    first, last = rng.choice(_FIRST, size=n), rng.choice(_LAST, size=n)
    data = pd.DataFrame({
        "full_name": [f"{a} {b}" for a, b in zip(first, last)],
        "email": [f"{a.lower()}.{b.lower()}{i}@shop.example" for i, (a, b) in
                  enumerate(zip(first, last))],
        "employee_no": [f"E{k:05d}" for k in rng.choice(90000, size=n, replace=False) + 10000],
        "branch": 1 + rng.choice(n_branches, size=n, p=rng.dirichlet(np.full(n_branches, 3))),
        "role": rng.choice(["frontline", "back office"], size=n, p=[0.7, 0.3]),
        "tenure_years": rng.integers(0, 26, size=n),
        "seconds": seconds})
    for j, item in enumerate(ITEMS):
        data[item] = codes[:, j].astype(int)
    return data


def _clean(d: pd.DataFrame) -> pd.DataFrame:
    """Declined answers (99) and codes outside 1-7 set missing."""
    d = d.copy()
    items = list(ITEMS)
    d[items] = d[items].where(d[items].isin(range(1, 8)))
    return d


def _typos(ex, with_declined=False) -> pd.DataFrame:
    x = ex.source_data()[list(ITEMS)]
    bad = ~x.isin(range(1, 8))
    return bad if with_declined else bad & (x != NO_ANSWER)


def _screen(ex, data=None, timed=True, min_flags=2) -> int:
    from ...survey.quality import screen

    d = _clean(ex.source_data()) if data is None else data
    kw = {"time_col": "seconds", "min_seconds": MIN_SECONDS} if timed else {}
    table = screen(d, list(ITEMS), **kw).table
    return int((table["n_flags"] >= min_flags).sum())


def _alpha(ex, reverse=True, clean=True) -> float:
    from ...measurement.reliability import cronbach_alpha

    d = _clean(ex.source_data()) if clean else ex.source_data()
    cols = ["oc1", "oc2", "oc3", "oc4"]
    x = d[cols].dropna().astype(float)
    if reverse:
        x["oc3"] = 8 - x["oc3"]
    return float(cronbach_alpha(x.cov().to_numpy()))


def _small_groups(ex, count="people") -> int:
    sizes = ex.source_data().groupby(["branch", "role"]).size()
    small = sizes[sizes < 5]
    return int(small.sum() if count == "people" else len(small))


QUESTIONS = (
    Numeric(
        "q1", "Code 99 means 'prefer not to answer'. How many cells of the twelve items hold "
        "another code outside 1-7 (a typing error)?",
        lambda ex: int(_typos(ex).to_numpy().sum()),
        ["Set 99 to missing first: a declined answer is not an error.",
         "codebook().validate(data) lists every cell outside 1..7; run it after "
         "data[ITEMS].replace(99, np.nan)."],
        0.0,
        mistakes=[Mistake("99 counted as an error", lambda ex: int(
            _typos(ex, with_declined=True).to_numpy().sum()),
            "that count includes the 99s, which are declined answers (missing by the "
            "codebook), not typing errors. Set 99 to missing first.", 0.25),
                  Mistake("rows instead of cells", lambda ex: int(_typos(ex).any(axis=1).sum()),
                          "that is the number of respondents with an error; the question "
                          "asks for cells (one respondent can have two).", 0.5)],
        solution="codebook().validate(data with 99 set missing): its number of rows"),
    MultiChoice(
        "q2", "Which columns are direct identifiers, to delete (or replace by a keyed "
        "pseudonym) before the file leaves HR?",
        {c: c for c in COLUMNS},
        lambda ex: list(DIRECT),
        ["A direct identifier names a person on its own; a quasi-identifier does so only "
         "combined with others.",
         "The employer can look up a name, an e-mail address and a staff number."],
        mistakes=[Mistake("quasi-identifiers deleted", lambda ex: list(DIRECT + QUASI),
                          "branch, role and tenure are quasi-identifiers: harmless alone, "
                          "identifying together. Protect them with k-anonymity "
                          "(coarsen, suppress), not by deleting them.", 0.5),
                  Mistake("staff number missed", lambda ex: ["full_name", "email"],
                          "the employee number is a direct identifier too: HR can look "
                          "every employee up by it.", 0.5)],
        solution="full_name, email, employee_no"),
    Numeric(
        "q3", "Set 99 and the typing errors missing. How many respondents does "
        "ir.quality.screen(data, ITEMS, time_col='seconds', min_seconds=MIN_SECONDS) call "
        "suspect (two flags or more)?",
        _screen,
        ["Clean the codes first: a 99 is not an answer, and it makes a row look unusual.",
         "screen(...).table['suspect'].sum(), on the data with 99 and out-of-range codes "
         "set to NaN."],
        0.0,
        mistakes=[Mistake("missing counted as careless", lambda ex: _screen(
            ex, data=ex.source_data()),
            "you screened the raw codes: the 99s (declined answers) and typing errors "
            "were treated as answers, so respondents who declined a question look "
            "careless. Set them missing first."),
                  Mistake("one flag counted", lambda ex: _screen(ex, min_flags=1),
                          "that counts everyone with at least one flag; a respondent is "
                          "suspect with two or more (min_flags=2): one flag alone catches "
                          "many honest respondents.", 0.25),
                  Mistake("completion time ignored", lambda ex: _screen(ex, timed=False),
                          "the completion time was left out: give time_col='seconds' and "
                          "min_seconds=MIN_SECONDS, so speeders collect a flag.", 0.5)],
        solution="screen(clean, ITEMS, time_col='seconds', min_seconds=MIN_SECONDS)"
                 ".table['suspect'].sum()"),
    Numeric(
        "q4", "Cronbach's alpha of commitment (oc1-oc4) on the cleaned codes, with the "
        "reverse-keyed oc3 reverse-scored (respondents who answered all four; 3 decimals).",
        _alpha,
        ["codebook().score(clean) adds oc3r = 8 - oc3.",
         "from im_research.measurement.reliability import cronbach_alpha; "
         "cronbach_alpha(scored[['oc1', 'oc2', 'oc3r', 'oc4']].dropna().cov())"],
        0.002,
        mistakes=[Mistake("forgot to reverse-key", lambda ex: _alpha(ex, reverse=False),
                          "that is alpha with oc3 as answered: it is reverse-keyed "
                          "('emotionally detached'), so reverse-score it (oc3r = 8 - oc3) "
                          "before adding it to the scale."),
                  Mistake("codes not cleaned", lambda ex: _alpha(ex, clean=False),
                          "the 99s and typing errors were used as answers; set them "
                          "missing first.", 0.25)],
        solution="cronbach_alpha of oc1, oc2, oc3r, oc4 (complete rows, cleaned codes)"),
    Numeric(
        "q5", "HR knows every employee's branch and role. How many respondents are in a "
        "branch x role group of fewer than 5 respondents (easy to recognise)?",
        _small_groups,
        ["data.groupby(['branch', 'role']).size() gives each group's size.",
         "Add up the sizes of the groups below 5."],
        0.0,
        mistakes=[Mistake("groups instead of respondents", lambda ex: _small_groups(
            ex, "groups"), "that is the number of small groups; the question asks how many "
                           "respondents are in them.", 0.5)],
        solution="sizes = data.groupby(['branch', 'role']).size(); sizes[sizes < 5].sum()"),
    Written(
        "q6", "For the HR director: what will you do with the suspect respondents, and what "
        "must change in the file before it goes to the research group?",
        ["does not drop the suspects blindly: checks them, reports results with and "
         "without them",
         "deletes the direct identifiers (or keyed pseudonyms)",
         "protects the quasi-identifiers (k-anonymity: coarsen tenure, suppress small "
         "branches)"],
        ["A screen flags suspects, not proof; and the employer is the attacker."],
        solution="A good answer quotes q3 and q5 and names k-anonymity."),
)

SPEC = ExerciseSpec(
    name="ex02_survey_data", title="Survey data: codes, careless respondents, identifiers",
    lesson="02", make_data=make_data, questions=QUESTIONS)
