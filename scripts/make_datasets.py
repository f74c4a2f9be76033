"""Build every file in datasets/ (data + codebook) from the simulator.

    python scripts/make_datasets.py            # writes datasets/
    python scripts/make_datasets.py --out DIR  # writes elsewhere (the tests compare bytes)

Same code, same seeds -> byte-identical files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from im_research import models
from im_research.synthetic.linkage import simulate_linkage
from im_research.synthetic.models import service_profit_chain
from im_research.synthetic.simulate import discretize, draw, to_csv_bytes

LABELS_7_EN = ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree",
               "Somewhat agree", "Agree", "Strongly agree"]
LABELS_7_FA = ["کاملاً مخالفم", "مخالفم", "تا حدی مخالفم", "نه موافقم نه مخالف", "تا حدی موافقم",
               "موافقم", "کاملاً موافقم"]
LABELS_5_EN = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
LABELS_5_FA = ["کاملاً مخالفم", "مخالفم", "نظری ندارم", "موافقم", "کاملاً موافقم"]

# Our own item wording (English and Persian); structure follows the instruments named.
BANK_ITEMS = [
    ("im1", "im", "vision", "My organisation explains its vision so that I understand my part in it.",
     "سازمانم چشم‌انداز خود را طوری توضیح می‌دهد که نقش خودم را در آن می‌فهمم."),
    ("im2", "im", "development", "I receive the training I need to serve customers well.",
     "آموزش‌هایی را که برای خدمت خوب به مشتریان لازم دارم دریافت می‌کنم."),
    ("im3", "im", "rewards", "Good service work is recognised and rewarded here.",
     "کار خدماتی خوب در اینجا دیده می‌شود و پاداش می‌گیرد."),
    ("im4", "im", "internal communication",
     "Management tells us about changes before customers hear of them.",
     "مدیریت ما را پیش از آنکه مشتریان از تغییرات باخبر شوند در جریان می‌گذارد."),
    ("js1", "js", "", "All in all, I am satisfied with my job.", "روی‌هم‌رفته از شغلم راضی هستم."),
    ("js2", "js", "", "I enjoy the work I do each day.", "از کاری که هر روز انجام می‌دهم لذت می‌برم."),
    ("js3", "js", "", "I would recommend this job to a friend.", "این شغل را به یک دوست پیشنهاد می‌کنم."),
    ("oc1", "oc", "", "I feel like part of the family at this bank.",
     "احساس می‌کنم عضوی از خانوادهٔ این بانک هستم."),
    ("oc2", "oc", "", "This bank means a great deal to me personally.",
     "این بانک برای من شخصاً اهمیت زیادی دارد."),
    ("oc3", "oc", "", "I feel emotionally detached from this bank.",
     "از نظر عاطفی به این بانک دلبستگی ندارم."),
    ("sq1", "sq", "responsiveness", "I respond to customer requests promptly.",
     "به درخواست‌های مشتریان به‌سرعت پاسخ می‌دهم."),
    ("sq2", "sq", "empathy", "I explain products in a way customers understand.",
     "محصولات را طوری توضیح می‌دهم که مشتریان بفهمند."),
    ("sq3", "sq", "reliability", "I keep the promises I make to customers.",
     "به قول‌هایی که به مشتریان می‌دهم عمل می‌کنم."),
    ("sq4", "sq", "assurance", "Customers can trust the advice I give.",
     "مشتریان می‌توانند به توصیه‌های من اعتماد کنند."),
    ("cs1", "cs", "", "Overall, I am satisfied with the service at this branch.",
     "در مجموع از خدمات این شعبه راضی هستم."),
    ("cs2", "cs", "", "The service met my expectations.", "خدمات با انتظارات من مطابقت داشت."),
    ("cs3", "cs", "", "I am pleased with how my request was handled.",
     "از نحوهٔ رسیدگی به درخواستم خشنودم."),
    ("loy1", "loy", "", "I will keep banking with this bank.", "به کار با این بانک ادامه خواهم داد."),
    ("loy2", "loy", "", "I would recommend this bank to people I know.",
     "این بانک را به آشنایانم پیشنهاد می‌کنم."),
    ("loy3", "loy", "", "This bank would be my first choice for new services.",
     "برای خدمات جدید، این بانک نخستین انتخاب من خواهد بود."),
]
CONSTRUCTS = {
    "im": "internal marketing (vision, development, rewards, internal communication; "
          "structure after Foreman & Money 1995)",
    "js": "overall job satisfaction",
    "oc": "affective organisational commitment (structure after Allen & Meyer 1990)",
    "sq": "service quality delivered, employee self-rating (SERVQUAL-style dimensions, "
          "Parasuraman et al. 1988)",
    "cs": "satisfaction of the customer served by the employee",
    "loy": "loyalty intentions of that customer (Zeithaml et al. 1996 structure)",
}


def _write(out: Path, name: str, data: pd.DataFrame, codebook: dict):
    """Write ``<name>.csv`` and ``<name>.codebook.json`` (stable bytes)."""
    (out / f"{name}.csv").write_bytes(to_csv_bytes(data))
    codebook = {"name": name, "file": f"{name}.csv", **codebook}
    text = json.dumps(codebook, ensure_ascii=False, indent=1) + "\n"
    (out / f"{name}.codebook.json").write_text(text, encoding="utf-8")


def _item_variables(texts: dict, points: dict, reverse=()):
    out = []
    for item, (construct, en, fa) in texts.items():
        k = points[item]
        out.append({"column": item, "construct": construct, "text_en": en, "text_fa": fa,
                    "coding": f"1-{k} Likert",
                    "labels_en": LABELS_7_EN if k == 7 else LABELS_5_EN,
                    "labels_fa": LABELS_7_FA if k == 7 else LABELS_5_FA,
                    "reverse": item in reverse})
    return out


def _id_var(column, en, fa, coding):
    return {"column": column, "construct": "", "text_en": en, "text_fa": fa,
            "coding": coding, "reverse": False}


def bank_service_profit_chain(out: Path):
    spc = service_profit_chain()
    employee = [i for i, c, *_ in BANK_ITEMS if c in ("im", "js", "oc", "sq")]
    customer = [i for i, c, *_ in BANK_ITEMS if c in ("cs", "loy")]
    points = {**{i: 7 for i in employee}, **{i: 5 for i in customer}}
    rng = np.random.default_rng(20260422)
    sim = draw(spc.population, n=420, seed=rng, points=points, skew=0.4, units=28, icc=0.10,
               careless=0.02, careless_kind="mixed")
    data = sim.data.rename(columns={"id": "employee_id", "unit": "branch"})
    n = len(data)
    data.insert(2, "role", np.where(rng.random(n) < 0.7, "frontline", "back office"))
    data.insert(3, "tenure_years", np.round(rng.gamma(2.0, 3.0, size=n), 1))
    (out / "bank_service_profit_chain.csv").write_bytes(to_csv_bytes(data))
    truth = spc.population.truth()
    truth.loc[truth["rhs"] == "oc3", ["rhs", "std_all"]] = ["oc3r", 0.68]
    variables = [
        {"column": "employee_id", "construct": "", "text_en": "Employee number (synthetic)",
         "text_fa": "شمارهٔ کارمند (ساختگی)", "coding": "integer", "reverse": False},
        {"column": "branch", "construct": "", "text_en": "Branch (28 branches)",
         "text_fa": "شعبه", "coding": "integer 1-28", "reverse": False},
        {"column": "role", "construct": "", "text_en": "Frontline or back office",
         "text_fa": "صف یا ستاد", "coding": "frontline / back office", "reverse": False},
        {"column": "tenure_years", "construct": "", "text_en": "Years with the bank",
         "text_fa": "سابقهٔ کار در بانک (سال)", "coding": "years, one decimal",
         "reverse": False},
    ]
    for item, construct, dim, en, fa in BANK_ITEMS:
        k = points[item]
        variables.append({
            "column": item, "construct": construct, "dimension": dim, "text_en": en,
            "text_fa": fa, "coding": f"1-{k} Likert",
            "labels_en": LABELS_7_EN if k == 7 else LABELS_5_EN,
            "labels_fa": LABELS_7_FA if k == 7 else LABELS_5_FA,
            "reverse": item == "oc3", "respondent": "employee" if item in employee else
            "customer served by the employee"})
    codebook = {
        "name": "bank_service_profit_chain",
        "file": "bank_service_profit_chain.csv",
        "kind": "synthetic",
        "n": n,
        "description": "Bank employees (420 in 28 branches) each linked to one customer they "
                       "served: internal marketing, job satisfaction, commitment, service "
                       "quality, customer satisfaction and loyalty (service-profit chain).",
        "provenance": "SYNTHETIC data drawn by scripts/make_datasets.py from "
                      "im_research.synthetic.models.service_profit_chain() with seed 20260422: Likert "
                      "discretisation (7-point employee items, 5-point customer items, "
                      "thresholds shifted 0.4 towards agreement), branch ICC 0.10 on internal "
                      "marketing, 2% careless respondents (random and straight-lining). Not "
                      "real respondents.",
        "design": "employee-customer dyads nested in branches (Heskett et al. 1994 service-"
                  "profit chain; dyadic design as in Brown & Lam 2008)",
        "constructs": CONSTRUCTS,
        "missing_codes": [],
        "model_syntax": spc.syntax,
        "true_values": truth.to_dict(orient="records"),
        "true_values_note": "standardized population values (teaching defaults, not "
                            "estimates from a published study); Likert coarsening attenuates "
                            "the estimates a little.",
        "careless_respondents": sim.truth["careless"],
        "variables": variables,
    }
    text = json.dumps(codebook, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    (out / "bank_service_profit_chain.codebook.json").write_text(text, encoding="utf-8")


IM3 = {
    "im1": ("im", "Management explains where the clinic is heading.",
            "مدیریت توضیح می‌دهد که کلینیک به کجا می‌رود."),
    "im2": ("im", "I receive the training I need to serve clients well.",
            "آموزش‌های لازم برای خدمت خوب به مراجعان را دریافت می‌کنم."),
    "im3": ("im", "Good work with clients is recognised and rewarded.",
            "کار خوب با مراجعان دیده می‌شود و پاداش می‌گیرد."),
    "js1": ("js", "All in all, I am satisfied with my job.", "روی‌هم‌رفته از شغلم راضی هستم."),
    "js2": ("js", "I enjoy the work I do each day.", "از کاری که هر روز انجام می‌دهم لذت می‌برم."),
    "js3": ("js", "I would recommend this job to a friend.",
            "این شغل را به یک دوست پیشنهاد می‌کنم."),
}


def clinic_im_programme(out: Path):
    m = models.im_programme_two_waves(effect=0.5)
    rng = np.random.default_rng(20260501)
    sim = draw(m.population, n=180, seed=rng)
    data = sim.data.rename(columns={"id": "employee_id"})
    # the programme raises perceived IM at wave 2 by `effect` SD (items carry it)
    for col in ("im1_t2", "im2_t2", "im3_t2"):
        lam = m.population.loadings["im_t2"][col]
        data[col] = data[col] + lam * m.effect
    items = [c for c in data.columns if c != "employee_id"]
    data = discretize(data, {c: 7 for c in items}, skew=0.3)
    data.insert(1, "clinic", rng.choice(["Tehran-North", "Tehran-West", "Karaj"], size=180))
    texts = {}
    for wave in ("t1", "t2"):
        for item, (c, en, fa) in IM3.items():
            texts[f"{item}_{wave}"] = (f"{c}_{wave}", f"{en} ({'before' if wave == 't1' else 'after'} the programme)",
                                       f"{fa} ({'پیش' if wave == 't1' else 'پس'} از برنامه)")
    variables = [_id_var("employee_id", "Employee number (synthetic)", "شمارهٔ کارمند",
                         "integer"),
                 _id_var("clinic", "Clinic branch", "شعبهٔ کلینیک", "3 branches")]
    variables += _item_variables(texts, {c: 7 for c in items})
    _write(out, "clinic_im_programme", data, {
        "kind": "synthetic", "n": len(data),
        "description": "Beauty-clinic staff (180) surveyed before and after an internal-"
                       "marketing programme: perceived IM and job satisfaction, two waves.",
        "provenance": "SYNTHETIC: scripts/make_datasets.py, models.im_programme_two_waves(), "
                      "seed 20260501; wave-2 IM items shifted by 0.5 SD of the factor "
                      "(the programme effect); 7-point items.",
        "design": "pre/post panel (same employees), for paired tests and longitudinal "
                  "invariance",
        "model_syntax": m.syntax, "true_values": m.population.truth().to_dict("records"),
        "true_programme_effect_sd": m.effect, "missing_codes": [], "variables": variables})


BRAND_TEXTS = {
    "bk1": ("bk", "I know what our resort's brand promises guests.",
            "می‌دانم برند پیست ما به مهمانان چه وعده‌ای می‌دهد."),
    "bk2": ("bk", "I can explain what makes our brand different.",
            "می‌توانم توضیح دهم چه چیزی برند ما را متمایز می‌کند."),
    "bk3": ("bk", "I know how the brand should show in my daily work.",
            "می‌دانم برند باید چگونه در کار روزانه‌ام دیده شود."),
    "bc1": ("bc", "I am proud to represent our brand to guests.",
            "از اینکه برندمان را به مهمانان معرفی می‌کنم به خود می‌بالم."),
    "bc2": ("bc", "What our brand stands for matters to me.",
            "آنچه برند ما نمایندهٔ آن است برایم مهم است."),
    "bc3": ("bc", "I make an effort to deliver what the brand promises.",
            "برای عمل به وعده‌های برند تلاش می‌کنم."),
    "bc4": ("bc", "I speak well of our brand outside work.",
            "بیرون از محیط کار از برندمان به نیکی یاد می‌کنم."),
    "bb1": ("bb", "I greet and serve guests the way our brand describes.",
            "مهمانان را همان‌گونه که برندمان توصیف می‌کند پذیرایی و خدمت می‌کنم."),
    "bb2": ("bb", "I help colleagues keep to the brand standards.",
            "به همکارانم در رعایت استانداردهای برند کمک می‌کنم."),
    "bb3": ("bb", "I suggest ways to make the guest experience fit the brand better.",
            "راه‌هایی برای هماهنگ‌تر کردن تجربهٔ مهمان با برند پیشنهاد می‌کنم."),
}


def ski_resort_branding(out: Path):
    m = models.internal_branding()
    rng = np.random.default_rng(20260502)
    points = {c: 7 for c in BRAND_TEXTS}
    sim = draw(m.population, n=310, seed=rng, points=points, skew=0.5, careless=0.03,
               missing_mcar=0.02)
    data = sim.data.rename(columns={"id": "employee_id"})
    data.insert(1, "season_contract", rng.choice(["seasonal", "permanent"], size=len(data),
                                                 p=[0.6, 0.4]))
    variables = [_id_var("employee_id", "Employee number (synthetic)", "شمارهٔ کارمند",
                         "integer"),
                 _id_var("season_contract", "Seasonal or permanent contract",
                         "قرارداد فصلی یا دائم", "seasonal / permanent")]
    variables += _item_variables(BRAND_TEXTS, points)
    _write(out, "ski_resort_branding", data, {
        "kind": "synthetic", "n": len(data),
        "description": "Ski-resort staff (310): brand knowledge, brand commitment and "
                       "brand-consistent behaviour (internal branding), with 2% missing "
                       "cells and 3% careless respondents.",
        "provenance": "SYNTHETIC: scripts/make_datasets.py, models.internal_branding(), seed "
                      "20260502; 7-point items; MCAR 2%; careless 3% (listed below).",
        "design": "cross-sectional employee survey (Burmann & Zeplin 2005 internal branding)",
        "model_syntax": m.syntax, "true_values": m.population.truth().to_dict("records"),
        "careless_respondents": sim.truth["careless"],
        "missing_cells": len(sim.truth["missing_cells"]), "missing_codes": ["empty cell"],
        "variables": variables})


AIRLINE_TEXTS = {
    "ifc1": ("ifc", "Departments share information about passengers freely.",
             "واحدها اطلاعات مسافران را آزادانه با هم به اشتراک می‌گذارند."),
    "ifc2": ("ifc", "All departments take part in serving passengers.",
             "همهٔ واحدها در خدمت‌رسانی به مسافران سهیم‌اند."),
    "ifc3": ("ifc", "Managers of different departments plan together.",
             "مدیران واحدهای مختلف با هم برنامه‌ریزی می‌کنند."),
    "ifc4": ("ifc", "Staff in other departments help us solve passenger problems.",
             "کارکنان واحدهای دیگر در حل مشکلات مسافران به ما کمک می‌کنند."),
    "tms1": ("tms", "Top management backs cooperation between departments.",
             "مدیریت ارشد از همکاری میان واحدها پشتیبانی می‌کند."),
    "tms2": ("tms", "Senior managers give service quality real priority.",
             "مدیران ارشد به کیفیت خدمات اولویت واقعی می‌دهند."),
    "tms3": ("tms", "Top management provides the resources joint projects need.",
             "مدیریت ارشد منابع لازم برای پروژه‌های مشترک را فراهم می‌کند."),
    "cons1": ("cons", "Passengers get the same standard of service at every step.",
              "مسافران در همهٔ مراحل خدمتی با یک استاندارد دریافت می‌کنند."),
    "cons2": ("cons", "What one department promises, the others deliver.",
              "آنچه یک واحد وعده می‌دهد، واحدهای دیگر انجام می‌دهند."),
    "cons3": ("cons", "Our service feels like one airline, not separate departments.",
              "خدمات ما حس یک شرکت هواپیمایی واحد را می‌دهد، نه واحدهای جدا."),
    "cs1": ("cs", "Passengers tell us they are satisfied with our service.",
            "مسافران به ما می‌گویند از خدماتمان راضی‌اند."),
    "cs2": ("cs", "Passenger complaints about our department are rare.",
            "شکایت مسافران از واحد ما کم است."),
    "cs3": ("cs", "Passengers would fly with us again.",
            "مسافران دوباره با ما پرواز می‌کنند."),
}
DEPARTMENTS = ["catering", "maintenance", "HR", "finance", "cabin crew"]


def airline_integrated_marketing(out: Path):
    m = models.integrated_marketing()
    rng = np.random.default_rng(20260503)
    points = {c: 5 for c in AIRLINE_TEXTS}
    sim = draw(m.population, n=450, seed=rng, points=points, skew=0.2, units=5, icc=0.15)
    data = sim.data.rename(columns={"id": "employee_id"})
    data["unit"] = [DEPARTMENTS[u - 1] for u in data["unit"]]
    data = data.rename(columns={"unit": "department"})
    variables = [_id_var("employee_id", "Employee number (synthetic)", "شمارهٔ کارمند",
                         "integer"),
                 _id_var("department", "Department", "واحد", " / ".join(DEPARTMENTS))]
    variables += _item_variables(AIRLINE_TEXTS, points)
    _write(out, "airline_integrated_marketing", data, {
        "kind": "synthetic", "n": len(data),
        "description": "Airline staff (450) in five departments (catering, maintenance, HR, "
                       "finance, cabin crew): inter-functional coordination, top-management "
                       "support, service consistency, passenger satisfaction (as staff see "
                       "it).",
        "provenance": "SYNTHETIC: scripts/make_datasets.py, models.integrated_marketing(), "
                      "seed 20260503; 5-point items; department ICC 0.15 on the exogenous "
                      "factors.",
        "design": "employees nested in departments (multi-group comparisons, ICC)",
        "model_syntax": m.syntax, "true_values": m.population.truth().to_dict("records"),
        "missing_codes": [], "variables": variables})


BAGOZZI_VARS = ["PERFORMM", "JBSATIS1", "JBSATIS2", "ACHMOT1", "ACHMOT2", "T_S_S_E1",
                "T_S_S_E2", "VERBINTM"]
BAGOZZI_R = [
    [1.000],
    [.418, 1.000],
    [.394, .627, 1.000],
    [.129, .202, .266, 1.000],
    [.189, .284, .208, .365, 1.000],
    [.544, .281, .324, .201, .161, 1.000],
    [.507, .225, .314, .172, .174, .546, 1.000],
    [-.357, -.156, -.038, -.199, -.277, -.294, -.174, 1.000],
]
BAGOZZI_SD = [2.09, 3.43, 2.81, 1.95, 2.06, 2.16, 2.06, 3.65]
BAGOZZI_MEANS = [720.86, 15.54, 18.46, 14.90, 14.35, 19.57, 24.16, 21.36]

WA_VARS = ["JobsatI1", "JobsatI2", "JobsatI3", "OrgcomI1", "OrgcomI2", "OrgcomI3",
           "LdrrewI1", "LdrrewI2", "LdrrewI3", "JobcomI1", "JobcomI2", "JobcomI3"]
WA_COV = [
    [3.197], [3.392, 6.114], [4.935, 7.543, 20.653], [2.278, 4.289, 6.575, 15.909],
    [2.816, 5.103, 7.844, 13.092, 17.131], [2.856, 4.938, 6.981, 9.207, 11.016, 10.974],
    [4.292, 5.977, 9.294, 9.180, 10.493, 8.720, 43.125],
    [3.245, 4.012, 7.525, 5.985, 6.685, 5.410, 26.165, 21.714],
    [2.759, 3.866, 6.093, 5.727, 6.801, 5.599, 27.433, 18.601, 22.172],
    [2.466, 3.427, 5.567, 2.398, 3.239, 2.776, 5.794, 4.353, 3.711, 5.875],
    [2.211, 3.172, 4.420, 2.326, 3.054, 2.981, 5.108, 3.610, 3.524, 3.535, 5.117],
    [1.775, 2.243, 3.197, 1.553, 2.137, 2.303, 2.783, 2.113, 2.222, 3.594, 2.814, 5.471],
]


def _full(lower, names):
    k = len(names)
    m = np.zeros((k, k))
    for i, row in enumerate(lower):
        for j, v in enumerate(row):
            m[i, j] = m[j, i] = v
    return pd.DataFrame(m, index=names, columns=names)


def published_summaries(out: Path):
    r = _full(BAGOZZI_R, BAGOZZI_VARS).reset_index(names="variable")
    _write(out, "bagozzi1980_salesforce", r, {
        "kind": "published summary statistics", "n": 122, "matrix": "correlation",
        "sd": dict(zip(BAGOZZI_VARS, BAGOZZI_SD)),
        "means": dict(zip(BAGOZZI_VARS, BAGOZZI_MEANS)),
        "description": "Industrial sales force: performance, job satisfaction, achievement "
                       "motivation, task-specific self-esteem, verbal intelligence "
                       "(correlations and SDs).",
        "citation": "Bagozzi, R. P. (1980). Performance and satisfaction in an industrial "
                    "sales force: An examination of their antecedents and simultaneity. "
                    "Journal of Marketing, 44(2), 65-77.",
        "provenance": "PUBLISHED SUMMARY STATISTICS (not raw data): the correlation matrix "
                      "and SDs as circulated with LISREL/lavaan teaching scripts; means from "
                      "a second course copy. N is reported as 122 in most copies and 112 in "
                      "one; 122 is used here. Check against the article before publishing.",
        "model_syntax": ("perform =~ PERFORMM\njobsat =~ JBSATIS1 + JBSATIS2\n"
                         "achmot =~ ACHMOT1 + ACHMOT2\ntsse =~ T_S_S_E1 + T_S_S_E2\n"
                         "verbint =~ VERBINTM\n"
                         "jobsat ~ achmot + tsse + perform + verbint\n"
                         "perform ~ achmot + tsse + verbint\n"),
        "variables": [{"column": v, "construct": c, "text_en": t, "text_fa": "",
                       "coding": "scale score", "reverse": False} for v, c, t in [
            ("PERFORMM", "performance", "Sales performance (company records)"),
            ("JBSATIS1", "jobsat", "Job satisfaction, indicator 1"),
            ("JBSATIS2", "jobsat", "Job satisfaction, indicator 2"),
            ("ACHMOT1", "achmot", "Achievement motivation, indicator 1"),
            ("ACHMOT2", "achmot", "Achievement motivation, indicator 2"),
            ("T_S_S_E1", "tsse", "Task-specific self-esteem, indicator 1"),
            ("T_S_S_E2", "tsse", "Task-specific self-esteem, indicator 2"),
            ("VERBINTM", "verbint", "Verbal intelligence")]]})
    cov = _full(WA_COV, WA_VARS).reset_index(names="variable")
    _write(out, "williams_anderson1994", cov, {
        "kind": "published summary statistics", "n": 232, "matrix": "covariance",
        "description": "Job satisfaction, organisational commitment, leader contingent reward "
                       "and job complexity: three parcels each (covariance matrix).",
        "citation": "Williams, L. J., & Anderson, S. E. (1994). An alternative approach to "
                    "method effects by using latent-variable models: Applications in "
                    "organizational behavior research. Journal of Applied Psychology, 79(3), "
                    "323-331.",
        "provenance": "PUBLISHED SUMMARY STATISTICS (not raw data): the covariance matrix as "
                      "distributed in the R package pathmodelfit (data mediationVC), 3 "
                      "decimals.",
        "model_syntax": ("js =~ JobsatI1 + JobsatI2 + JobsatI3\n"
                         "oc =~ OrgcomI1 + OrgcomI2 + OrgcomI3\n"
                         "lr =~ LdrrewI1 + LdrrewI2 + LdrrewI3\n"
                         "jc =~ JobcomI1 + JobcomI2 + JobcomI3\n"
                         "js ~ lr + jc\noc ~ js\n"),
        "variables": [{"column": v, "construct": v[:6], "text_en": f"{v[:6]} parcel {v[-1]}",
                       "text_fa": "", "coding": "parcel total score", "reverse": False}
                      for v in WA_VARS]})


FIRST = ["Ali", "Sara", "Reza", "Maryam", "Hossein", "Zahra", "Mehdi", "Fatemeh", "Amir",
         "Narges", "John", "Emma", "David", "Laura", "Omid", "Leila", "Babak", "Shirin"]
LAST = ["Ahmadi", "Karimi", "Hosseini", "Rezaei", "Moradi", "Jafari", "Smith", "Brown",
        "Taheri", "Sadeghi", "Kazemi", "Ebrahimi", "Nouri", "Bagheri"]
HR_DEPARTMENTS = ["front desk", "treatment", "treatment", "treatment", "sales", "sales",
                  "admin", "finance", "IT"]


def raw_hr_export(seed=20260504, n=400):
    """A synthetic raw HR export with direct identifiers (never written to datasets/)."""
    rng = np.random.default_rng(seed)
    pop = models.berry_employee_as_customer().population
    sim = draw(pop, n=n, seed=rng, points=7, skew=0.3)
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    raw = pd.DataFrame({
        "employee_id": [f"E{1000 + i}" for i in range(n)],
        "full_name": [f"{a} {b}" for a, b in zip(first, last)],
        "email": [f"{a.lower()}.{b.lower()}{i}@clinic-example.ir" for i, (a, b) in
                  enumerate(zip(first, last))],
        "birth_date": pd.to_datetime("1960-01-01") + pd.to_timedelta(
            rng.integers(0, 365 * 40, n), unit="D"),
        "gender": rng.choice(["female", "male"], n, p=[0.6, 0.4]),
        "department": rng.choice(HR_DEPARTMENTS, n),
        "tenure_years": np.round(rng.gamma(2.0, 3.0, n), 1),
    })
    return pd.concat([raw, sim.data.drop(columns="id")], axis=1)


HR_DEPARTMENT_GROUPS = [
    {"front desk": "client service", "sales": "client service", "treatment": "treatment",
     "admin": "back office", "finance": "back office", "IT": "back office"},
    {"front desk": "client-facing", "sales": "client-facing", "treatment": "client-facing",
     "admin": "back office", "finance": "back office", "IT": "back office"}]


def hr_release(out: Path):
    from im_research.survey.anonymize import anonymize

    raw = raw_hr_export()
    items = [c for c in raw.columns if c[:3] in ("vis", "dev", "rew") or c[:2] in ("js", "sq")]
    model = models.berry_employee_as_customer()
    # employer attacker (the default): birth date, gender, department and tenure are all
    # quasi-identifiers and every answer is sensitive; the id is dropped (the build script
    # is public, so keyed pseudonyms could be recomputed); every class holds at least 3
    # different answers to every item (distinct l = 3)
    rel = anonymize(raw, id_col="employee_id", direct_identifiers=["full_name", "email"],
                    quasi_identifiers={
                        "birth_date": "age_from_date",
                        "tenure_years": [[0, 2, 5, 10, 20], [0, 5, 10], [0, 10]],
                        "department": ["keep", *HR_DEPARTMENT_GROUPS]},
                    k=5, l=3, items=items,
                    reference_model=model.syntax, reference_date="2026-01-01")
    data = rel.data.sample(frac=1, random_state=7).reset_index(drop=True)
    data.insert(0, "respondent", np.arange(1, len(data) + 1))
    log = dict(rel.log)
    log["row_order"] = "rows shuffled and renumbered (column respondent)"
    variables = [_id_var("respondent", "Row number (shuffled)", "شمارهٔ ردیف", "integer"),
                 _id_var("birth_date_ageband", "Age band (from date of birth)", "گروه سنی",
                         "20-29 ... 60+ (or 20-39, 40-59, 60+), * = suppressed"),
                 _id_var("gender", "Gender", "جنسیت", "female / male, * = suppressed"),
                 _id_var("department", "Department, as recorded or grouped",
                         "واحد", "text, * = suppressed"),
                 _id_var("tenure_years", "Tenure band (years; 0-4 = under 5)",
                         "سابقه (سال)", "bands, * = suppressed")]
    variables += [{"column": c, "construct": c.rstrip("0123456789"), "text_en": c,
                   "text_fa": "", "coding": "1-7 Likert", "reverse": False} for c in items]
    _write(out, "hr_release_teaching", data, {
        "kind": "synthetic, anonymised", "n": len(data),
        "description": "Anonymised teaching release of a synthetic clinic HR export against "
                       "an employer who knows every employee's age, gender, department and "
                       f"tenure: k >= {rel.log['k_required']} over those four columns as "
                       "printed ('*' counts as a value of its own).",
        "provenance": "SYNTHETIC raw HR export made by scripts/make_datasets.py (seed "
                      "20260504; the raw file is never written), released through "
                      "im_research.survey.anonymize; the release log is below.",
        "model_syntax": model.syntax, "release_log": log,
        "missing_codes": ["*: suppressed quasi-identifier"], "variables": variables})


# Our own item wording for the linkage surveys (employees, then customers).
LINKAGE_ITEMS = {
    "im1": ("im", "Branch management explains what good service means here.",
            "مدیریت شعبه توضیح می‌دهد که خدمت خوب در اینجا یعنی چه."),
    "im2": ("im", "I get the training I need to serve our customers.",
            "آموزشی را که برای خدمت به مشتریانمان لازم دارم می‌گیرم."),
    "im3": ("im", "Good service is noticed and rewarded in this branch.",
            "خدمت خوب در این شعبه دیده می‌شود و پاداش می‌گیرد."),
    "im4": ("im", "We hear about new products before our customers do.",
            "از محصولات جدید پیش از مشتریان باخبر می‌شویم."),
    "com1": ("com", "I feel that this bank's problems are my own.",
             "احساس می‌کنم مشکلات این بانک مشکلات خودم است."),
    "com2": ("com", "I am proud to tell others where I work.",
             "با افتخار به دیگران می‌گویم کجا کار می‌کنم."),
    "com3": ("com", "I would be happy to spend the rest of my career here.",
             "خوشحال می‌شوم بقیهٔ دوران کاری‌ام را اینجا بگذرانم."),
    "sat1": ("sat", "Overall, I am satisfied with this branch.",
             "در مجموع از این شعبه راضی هستم."),
    "sat2": ("sat", "The staff here handle my requests well.",
             "کارکنان اینجا به درخواست‌هایم به‌خوبی رسیدگی می‌کنند."),
    "sat3": ("sat", "This branch lives up to what I expect from a bank.",
             "این شعبه همان چیزی است که از یک بانک انتظار دارم."),
    "loy1": ("loy", "I will keep my accounts at this branch.",
             "حساب‌هایم را در این شعبه نگه می‌دارم."),
    "loy2": ("loy", "I would recommend this branch to friends.",
             "این شعبه را به دوستانم پیشنهاد می‌کنم."),
    "loy3": ("loy", "This branch is my first choice for new services.",
             "برای خدمات جدید، این شعبه نخستین انتخاب من است."),
}
LINKAGE_CONSTRUCTS = {
    "im": "employee perception of internal marketing in the branch (its branch mean is the "
          "branch's service climate)",
    "com": "affective commitment (structure after Allen & Meyer 1990)",
    "sat": "customer satisfaction with the branch",
    "loy": "customer loyalty intentions (Zeithaml et al. 1996 structure)",
}


def bank_branch_linkage(out: Path):
    """Two linked surveys: employees and customers of 60 branches (issue #13)."""
    rng = np.random.default_rng(20261203)
    n_branches = 60
    employees = rng.integers(6, 19, size=n_branches)
    customers = rng.integers(15, 36, size=n_branches)
    employees[16], customers[42] = 2, 4  # two branches too small to aggregate or link
    sim = simulate_linkage(n_branches, employees, customers, seed=rng, icc_im=0.25, points=5)
    truth = sim.truth
    seed_note = ("SYNTHETIC data drawn by scripts/make_datasets.py with "
                 "im_research.synthetic.linkage.simulate_linkage (seed 20261203): 60 "
                 "branches, 6-18 employees and 15-35 customers per branch (branch 17 has 2 "
                 "employees, branch 43 has 4 customers), branch share of internal "
                 "marketing 0.25, 5-point items cut from continuous scores. Not real "
                 "respondents.")
    common = {"kind": "synthetic", "provenance": seed_note,
              "design": "employees and customers nested in branches, linked by branch "
                        "(Schneider et al. 1998 service-climate linkage; Heskett et al. "
                        "1994 service-profit chain)",
              "constructs": LINKAGE_CONSTRUCTS, "missing_codes": [],
              "true_values": {k: truth[k] for k in ("within", "between", "customers",
                                                     "icc")},
              "true_values_note": truth["note"] + "; they hold for the continuous scores "
                                  "(5-point coarsening attenuates the estimates a little)"}
    for who, frame, id_col, id_en, id_fa, constructs, syntax, desc in (
            ("employees", sim.employees, "employee_id", "Employee number (synthetic)",
             "شمارهٔ کارمند (ساختگی)", ("im", "com"),
             "im =~ im1 + im2 + im3 + im4\ncom =~ com1 + com2 + com3\ncom ~ im\n",
             f"Employee survey of a bank ({len(sim.employees)} employees in 60 branches): "
             "internal marketing (branch service climate) and affective commitment; link "
             "to bank_branch_linkage_customers by branch."),
            ("customers", sim.customers, "customer_id", "Customer number (synthetic)",
             "شمارهٔ مشتری (ساختگی)", ("sat", "loy"),
             "sat =~ sat1 + sat2 + sat3\nloy =~ loy1 + loy2 + loy3\nloy ~ sat\n",
             f"Customer survey of the same bank ({len(sim.customers)} customers of 60 "
             "branches): satisfaction and loyalty; link to bank_branch_linkage_employees "
             "by branch.")):
        variables = [_id_var("branch", "Branch (60 branches)", "شعبه", "integer 1-60"),
                     _id_var(id_col, id_en, id_fa, "integer")]
        texts = {i: v for i, v in LINKAGE_ITEMS.items() if v[0] in constructs}
        variables += _item_variables(texts, dict.fromkeys(texts, 5))
        _write(out, f"bank_branch_linkage_{who}", frame, {
            **common, "n": len(frame), "description": desc, "model_syntax": syntax,
            "linked_to": "bank_branch_linkage_" + ("customers" if who == "employees"
                                                   else "employees"),
            "variables": variables})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "datasets"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bank_service_profit_chain(out)
    clinic_im_programme(out)
    ski_resort_branding(out)
    airline_integrated_marketing(out)
    published_summaries(out)
    hr_release(out)
    bank_branch_linkage(out)
    print(f"wrote datasets to {out}")


if __name__ == "__main__":
    main()
