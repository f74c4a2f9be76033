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

from im_research.models import service_profit_chain
from im_research.simulate import draw, to_csv_bytes

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
                      "im_research.models.service_profit_chain() with seed 20260422: Likert "
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "datasets"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bank_service_profit_chain(out)
    print(f"wrote datasets to {out}")


if __name__ == "__main__":
    main()
