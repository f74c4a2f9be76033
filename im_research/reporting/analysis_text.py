"""The words of the analysis report in English and Persian, and the works it cites.

Kept apart from :mod:`~im_research.reporting.analysis` (which builds the report) so that
the HTML and Word writers can read the headings without importing the builder.
"""

__all__ = ["TEXT", "REFERENCES"]

REFERENCES = {
    "chen": "Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of "
            "measurement invariance. Structural Equation Modeling, 14(3), 464–504.",
    "cheung": "Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit "
              "indexes for testing measurement invariance. Structural Equation Modeling, "
              "9(2), 233–255.",
    "curran": "Curran, P. G. (2016). Methods for the detection of carelessly invalid "
              "responses in survey data. Journal of Experimental Social Psychology, 66, "
              "4–19.",
    "fornell": "Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models "
               "with unobservable variables and measurement error. Journal of Marketing "
               "Research, 18(1), 39–50.",
    "hair": "Hair, J. F., Risher, J. J., Sarstedt, M., & Ringle, C. M. (2019). When to use "
            "and how to report the results of PLS-SEM. European Business Review, 31(1), "
            "2–24.",
    "henseler": "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for "
                "assessing discriminant validity in variance-based structural equation "
                "modeling. Journal of the Academy of Marketing Science, 43(1), 115–135.",
    "hu": "Hu, L.-t., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance "
          "structure analysis: Conventional criteria versus new alternatives. Structural "
          "Equation Modeling, 6(1), 1–55.",
    "meade": "Meade, A. W., & Craig, S. B. (2012). Identifying careless responses in survey "
             "data. Psychological Methods, 17(3), 437–455.",
    "rosseel": "Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. "
               "Journal of Statistical Software, 48(2), 1–36.",
}

TEXT = {
    "en": {
        "title": "Analysis report", "table": "Table", "figure": "Figure", "note": "Note.",
        "sample": "Sample", "measurement": "Measurement model", "fit": "Model fit",
        "structural": "Structural model", "indirect": "Indirect effects",
        "invariance": "Measurement invariance across {group}",
        "nesting": "Respondents nested in {cluster}", "pls": "PLS-SEM results",
        "diagram": "Path diagram", "methods": "Method", "references": "References",
        "constructs": "Constructs",
        # sample
        "t_sample": "Rows read, dropped and analysed", "step": "Step", "rows": "Rows",
        "reason": "Reason", "read": "rows read", "blank": "blank rows skipped on import",
        "miss_group": "dropped: no value of the group column {col}",
        "miss_cluster": "dropped: no value of the nesting column {col}",
        "careless_drop": "dropped: careless responding (flagged by {k} or more screens)",
        "listwise": "dropped: missing answers to model items (listwise deletion)",
        "analysed": "analysed", "from_file": "from {file} ({kind})",
        "flags": ("{n} of {total} respondents were flagged as possibly careless ({k} or more "
                  "of the screens longstring, response variability, Mahalanobis distance, "
                  "even–odd consistency and psychometric synonyms; Curran, 2016; Meade & "
                  "Craig, 2012){ids}. {what}"),
        "flags_kept": "They are kept in the analysis; rerun with drop_careless=True "
                      "(--drop-careless) to leave them out.",
        "flags_dropped": "They are left out of the analysis.",
        "no_screen": "Careless responding was not screened: {why}.",
        "import_problems": ("{n} cells could not be read or were out of range and were set "
                            "to missing on import (see the import report)."),
        "user_missing": "{n} answers were declared missing ('no answer' codes) in the file.",
        # measurement
        "t_loadings": "Standardized factor loadings", "factor": "Construct", "item": "Item",
        "b": "b", "se": "SE", "beta": "β", "p": "p", "threshold": "Threshold",
        "verdict": "Verdict", "meets": "meets", "fails": "below",
        "n_loadings": ("Threshold: standardized loading ≥ {t} (Hair et al., 2019). b: "
                       "unstandardized loading (the first item of each construct fixes its "
                       "scale)."),
        "t_reliability": "Reliability and convergent validity",
        "alpha": "α", "omega": "ω", "cr": "CR", "ave": "AVE", "n_items": "Items",
        "n_reliability": ("α: Cronbach's alpha; ω: omega (semTools compRelSEM); CR: "
                          "composite reliability; AVE: average variance extracted. "
                          "Thresholds: α, ω and CR ≥ .70 (Hair et al., 2019), AVE ≥ .50 "
                          "(Fornell & Larcker, 1981). Verdict: every threshold met."),
        "t_fl": "Fornell–Larcker criterion",
        "n_fl": ("Diagonal: √AVE; below it: correlations between constructs. The criterion "
                 "holds when √AVE exceeds the construct's correlations with every other "
                 "construct (Fornell & Larcker, 1981)."),
        "t_htmt": "Heterotrait–monotrait ratio (HTMT) with bootstrap confidence intervals",
        "pair": "Constructs", "htmt": "HTMT", "ci_l": "95% CI lower", "ci_u": "95% CI upper",
        "n_htmt": ("Percentile intervals from {b} bootstrap draws. Discriminant validity "
                   "holds when the upper bound is below .85 (Henseler et al., 2015)."),
        # fit
        "t_fit": "Fit of the model", "index": "Index", "value": "Value",
        "cutoff": "Cut-off", "chisq": "χ²", "df": "df", "rmsea_ci": "RMSEA 90% CI",
        "n_fit": ("Cut-offs of Hu and Bentler (1999). χ² is reported with its p value; with "
                  "large samples it rejects close-fitting models, so the indices carry the "
                  "judgement."),
        "n_fit_robust": " The scaled χ² and the robust indices are shown.",
        # structural
        "t_paths": "Structural paths", "path": "Path", "ci": "95% CI",
        "boot_ci": "Bootstrap 95% CI", "r2": "R²",
        "n_paths": ("b: unstandardized coefficient; β: standardized. 95% CI: Wald interval; "
                    "bootstrap CI: percentile interval from {b} draws. R² of the outcome "
                    "construct."),
        "t_indirect": "Indirect effects with bootstrap confidence intervals",
        "effect": "Effect", "n_indirect": ("Products of the path coefficients along each "
                                           "route; percentile intervals from {b} bootstrap "
                                           "draws. An interval that excludes 0 supports the "
                                           "indirect effect."),
        "indirect_kind": "indirect", "total_indirect": "total indirect",
        "defined": "defined in the model",
        "no_indirect": "The model has no indirect effects (no chain of two or more paths).",
        # invariance
        "t_invariance": "Measurement invariance across {group} ({groups})",
        "model": "Model", "dchisq": "Δχ²", "ddf": "Δdf", "dp": "p (Δχ²)", "dcfi": "ΔCFI",
        "drmsea": "ΔRMSEA", "dsrmr": "ΔSRMR", "supported": "supported",
        "not_supported": "not supported", "baseline": "baseline",
        "n_invariance": ("Each model adds equality constraints to the previous one (metric: "
                         "loadings; scalar: + intercepts; strict: + residual variances). "
                         "Invariance holds when ΔCFI ≥ {dcfi} (Cheung & Rensvold, 2002) and "
                         "ΔRMSEA ≤ {drmsea} (Chen, 2007), with ΔSRMR ≤ .030 (metric) or "
                         "≤ .010 (scalar, strict) (Chen, 2007)."),
        "steps": {"configural": "configural", "metric": "metric", "scalar": "scalar",
                  "strict": "strict"},
        # nesting
        "t_icc": "Intraclass correlations of the construct scores across {cluster}",
        "icc1": "ICC(1)", "icc2": "ICC(2)", "units": "Units",
        "n_icc": ("Construct scores: the mean of each construct's items. ICC(1): share of "
                  "variance between units; ICC(2): reliability of the unit means. The "
                  "standard errors above treat respondents as independent; with clear "
                  "between-unit variance consider a two-level model."),
        # pls
        "t_pls_paths": "PLS-SEM structural paths", "t_pls_rel": "PLS-SEM reliability",
        "t_pls_htmt": "PLS-SEM HTMT", "rhoa": "ρA", "rhoc": "ρC", "t_value": "t",
        "n_pls": ("PLS path modelling (path weighting scheme, SmartPLS conventions); β: "
                  "path coefficient, SE: bootstrap standard deviation; percentile intervals "
                  "from {b} bootstrap draws."),
        "n_pls_rel": "Thresholds: ρA and ρC ≥ .70, AVE ≥ .50 (Hair et al., 2019).",
        "n_pls_htmt": ("Percentile intervals from {b} bootstrap draws; discriminant validity "
                       "holds when the upper bound is below .85 (Henseler et al., 2015)."),
        "ids": " (ids {ids})", "df_p": "{df_label} = {df}, p = {p}",
        # figure
        "f_caption": ("Path diagram with standardized estimates (* p < .05; dashed: not "
                      "significant)."),
        "no_dot": ("The path diagram needs Graphviz's 'dot' program (apt-get install "
                   "graphviz); it was left out."),
        # methods
        "methods_text": (
            "The data were analysed with im-research {ver} (Python {py}; numpy {np}, "
            "scipy {sp}, pandas {pd}), whose estimates follow lavaan's conventions "
            "(Rosseel, 2012). The model was estimated by {est} on {n} respondents ({drop}). "
            "Reliability and convergent validity were judged by Cronbach's α, ω, composite "
            "reliability and AVE, and discriminant validity by the Fornell–Larcker criterion "
            "and the HTMT ratio with bootstrap intervals (Henseler et al., 2015). Fit was "
            "judged by χ², CFI, TLI, RMSEA and SRMR against the cut-offs of Hu and Bentler "
            "(1999). Confidence intervals of paths and indirect effects are percentile "
            "intervals from {b} nonparametric bootstrap draws (seed {seed}).{extra}"),
        "ml": "maximum likelihood (ML)",
        "mlr": "maximum likelihood with robust standard errors and scaled test (MLR)",
        "methods_inv": (" Measurement invariance across {group} was tested by comparing "
                        "configural, metric, scalar and strict models."),
        "methods_cluster": (" Standard errors and the test statistic are cluster-robust "
                            "for the {c} units of {cluster} (the bootstrap resamples "
                            "respondents)."),
        "methods_pls": (" As a robustness check the model was also estimated by PLS-SEM "
                        "(path weighting; {b} bootstrap draws)."),
        "methods_drop": "{k} of {total} rows dropped; see Table 1",
        "methods_nodrop": "no rows dropped",
    },
    "fa": {
        "title": "گزارش تحلیل", "table": "جدول", "figure": "شکل", "note": "یادداشت.",
        "sample": "نمونه", "measurement": "مدل اندازه‌گیری", "fit": "برازش مدل",
        "structural": "مدل ساختاری", "indirect": "اثرهای غیرمستقیم",
        "invariance": "ناوردایی اندازه‌گیری میان گروه‌های {group}",
        "nesting": "پاسخ‌دهندگان درون {cluster}", "pls": "نتایج PLS-SEM",
        "diagram": "نمودار مسیر", "methods": "روش", "references": "منابع",
        "constructs": "سازه‌ها",
        "t_sample": "ردیف‌های خوانده‌شده، کنارگذاشته‌شده و تحلیل‌شده", "step": "مرحله",
        "rows": "تعداد ردیف", "reason": "دلیل", "read": "ردیف‌های خوانده‌شده",
        "blank": "ردیف‌های خالی که هنگام خواندن نادیده گرفته شد",
        "miss_group": "کنارگذاشته: بدون مقدار در ستون گروه {col}",
        "miss_cluster": "کنارگذاشته: بدون مقدار در ستون واحد {col}",
        "careless_drop": "کنارگذاشته: پاسخ‌دهی بی‌دقت ({k} نشانه یا بیشتر)",
        "listwise": "کنارگذاشته: پاسخ ناقص به گویه‌های مدل (حذف فهرستی)",
        "analysed": "تحلیل‌شده", "from_file": "از {file} ({kind})",
        "flags": ("{n} نفر از {total} پاسخ‌دهنده احتمالاً بی‌دقت پاسخ داده‌اند ({k} نشانه یا "
                  "بیشتر از میان رشتهٔ پاسخ یکسان، تغییرپذیری پاسخ، فاصلهٔ ماهالانوبیس، "
                  "سازگاری زوج–فرد و مترادف‌های روان‌سنجی؛ Curran, 2016; Meade & Craig, "
                  "2012){ids}. {what}"),
        "flags_kept": "این افراد در تحلیل نگه داشته شده‌اند؛ برای کنار گذاشتنشان گزینهٔ "
                      "drop_careless=True (--drop-careless) را به کار ببرید.",
        "flags_dropped": "این افراد از تحلیل کنار گذاشته شده‌اند.",
        "no_screen": "پاسخ‌دهی بی‌دقت بررسی نشد: {why}.",
        "import_problems": ("{n} خانه خوانا نبود یا خارج از دامنه بود و هنگام خواندن گمشده "
                            "منظور شد (گزارش خواندن فایل را ببینید)."),
        "user_missing": "{n} پاسخ در فایل به‌عنوان «بدون پاسخ» علامت خورده بود.",
        "t_loadings": "بارهای عاملی استانداردشده", "factor": "سازه", "item": "گویه",
        "b": "b", "se": "خطای معیار", "beta": "β", "p": "p", "threshold": "آستانه",
        "verdict": "نتیجه", "meets": "قابل قبول", "fails": "کمتر از آستانه",
        "n_loadings": ("آستانه: بار عاملی استانداردشده ≥ {t} (Hair et al., 2019). b: بار "
                       "استانداردنشده (نخستین گویهٔ هر سازه مقیاس آن را تعیین می‌کند)."),
        "t_reliability": "پایایی و روایی همگرا",
        "alpha": "α", "omega": "ω", "cr": "CR", "ave": "AVE", "n_items": "تعداد گویه",
        "n_reliability": ("α: آلفای کرونباخ؛ ω: امگا (semTools compRelSEM)؛ CR: پایایی "
                          "ترکیبی؛ AVE: میانگین واریانس استخراج‌شده. آستانه‌ها: α، ω و CR "
                          "≥ ۰٫۷۰ (Hair et al., 2019)، AVE ≥ ۰٫۵۰ (Fornell & Larcker, "
                          "1981). نتیجه: همهٔ آستانه‌ها برقرارند."),
        "t_fl": "معیار فورنل–لارکر",
        "n_fl": ("قطر: جذر AVE؛ زیر قطر: همبستگی سازه‌ها. معیار برقرار است اگر جذر AVE هر "
                 "سازه از همبستگی آن با همهٔ سازه‌های دیگر بیشتر باشد (Fornell & Larcker, "
                 "1981)."),
        "t_htmt": "نسبت HTMT با فاصله‌های اطمینان بوت‌استرپ",
        "pair": "سازه‌ها", "htmt": "HTMT", "ci_l": "کران پایین ۹۵٪", "ci_u": "کران بالای ۹۵٪",
        "n_htmt": ("فاصله‌های صدکی از {b} نمونهٔ بوت‌استرپ. روایی واگرا برقرار است اگر کران "
                   "بالا کمتر از ۰٫۸۵ باشد (Henseler et al., 2015)."),
        "t_fit": "برازش مدل", "index": "شاخص", "value": "مقدار", "cutoff": "نقطهٔ برش",
        "chisq": "χ²", "df": "درجهٔ آزادی", "rmsea_ci": "فاصلهٔ ۹۰٪ RMSEA",
        "n_fit": ("نقطه‌های برش از Hu و Bentler (1999). χ² با مقدار p آن گزارش شده است؛ در "
                  "نمونه‌های بزرگ مدل‌های با برازش نزدیک را نیز رد می‌کند، پس داوری بر پایهٔ "
                  "شاخص‌هاست."),
        "n_fit_robust": " χ² مقیاس‌شده و شاخص‌های استوار نشان داده شده‌اند.",
        "t_paths": "مسیرهای ساختاری", "path": "مسیر", "ci": "فاصلهٔ اطمینان ۹۵٪",
        "boot_ci": "فاصلهٔ بوت‌استرپ ۹۵٪", "r2": "R²",
        "n_paths": ("b: ضریب استانداردنشده؛ β: ضریب استانداردشده. فاصلهٔ اطمینان ۹۵٪: فاصلهٔ "
                    "والد؛ فاصلهٔ بوت‌استرپ: فاصلهٔ صدکی از {b} نمونه. R² سازهٔ پیامد."),
        "t_indirect": "اثرهای غیرمستقیم با فاصله‌های اطمینان بوت‌استرپ",
        "effect": "اثر", "n_indirect": ("حاصل‌ضرب ضرایب مسیر در طول هر زنجیره؛ فاصله‌های صدکی "
                                        "از {b} نمونهٔ بوت‌استرپ. فاصله‌ای که صفر را در بر "
                                        "نگیرد اثر غیرمستقیم را تأیید می‌کند."),
        "indirect_kind": "غیرمستقیم", "total_indirect": "کل اثر غیرمستقیم",
        "defined": "تعریف‌شده در مدل",
        "no_indirect": "مدل اثر غیرمستقیم ندارد (زنجیره‌ای از دو مسیر یا بیشتر در آن نیست).",
        "t_invariance": "ناوردایی اندازه‌گیری میان گروه‌های {group} ({groups})",
        "model": "مدل", "dchisq": "Δχ²", "ddf": "Δdf", "dp": "p (Δχ²)", "dcfi": "ΔCFI",
        "drmsea": "ΔRMSEA", "dsrmr": "ΔSRMR", "supported": "برقرار",
        "not_supported": "برقرار نیست", "baseline": "مدل پایه",
        "n_invariance": ("هر مدل قیدهای برابری را به مدل پیشین می‌افزاید (متریک: بارها؛ "
                         "عددی: + عرض از مبدأها؛ سخت‌گیرانه: + واریانس‌های باقی‌مانده). "
                         "ناوردایی برقرار است اگر ΔCFI ≥ {dcfi} (Cheung & Rensvold, 2002) و "
                         "ΔRMSEA ≤ {drmsea} (Chen, 2007) و ΔSRMR ≤ ۰٫۰۳۰ (متریک) یا "
                         "≤ ۰٫۰۱۰ (عددی، سخت‌گیرانه) باشد (Chen, 2007)."),
        "steps": {"configural": "شکلی", "metric": "متریک", "scalar": "عددی",
                  "strict": "سخت‌گیرانه"},
        "t_icc": "همبستگی درون‌رده‌ای نمره‌های سازه‌ها میان {cluster}",
        "icc1": "ICC(1)", "icc2": "ICC(2)", "units": "تعداد واحد",
        "n_icc": ("نمرهٔ سازه: میانگین گویه‌های آن. ICC(1): سهم واریانس میان واحدها؛ "
                  "ICC(2): پایایی میانگین واحدها. خطاهای معیار بالا پاسخ‌دهندگان را مستقل "
                  "فرض می‌کنند؛ اگر واریانس میان واحدها روشن است مدل دوسطحی را در نظر "
                  "بگیرید."),
        "t_pls_paths": "مسیرهای ساختاری PLS-SEM", "t_pls_rel": "پایایی در PLS-SEM",
        "t_pls_htmt": "HTMT در PLS-SEM", "rhoa": "ρA", "rhoc": "ρC", "t_value": "t",
        "n_pls": ("مدل‌سازی مسیر PLS (طرح وزن‌دهی مسیر، قراردادهای SmartPLS)؛ β: ضریب مسیر، "
                  "خطای معیار: انحراف معیار بوت‌استرپ؛ فاصله‌های صدکی از {b} نمونهٔ "
                  "بوت‌استرپ."),
        "n_pls_rel": "آستانه‌ها: ρA و ρC ≥ ۰٫۷۰، AVE ≥ ۰٫۵۰ (Hair et al., 2019).",
        "n_pls_htmt": ("فاصله‌های صدکی از {b} نمونهٔ بوت‌استرپ؛ روایی واگرا برقرار است اگر "
                       "کران بالا کمتر از ۰٫۸۵ باشد (Henseler et al., 2015)."),
        "ids": " (شناسه‌ها: {ids})", "df_p": "{df_label} = {df}، p = {p}",
        "f_caption": ("نمودار مسیر با برآوردهای استانداردشده (* p < ۰٫۰۵؛ خط‌چین: غیرمعنادار)."),
        "no_dot": ("رسم نمودار مسیر به برنامهٔ dot از Graphviz نیاز دارد (apt-get install "
                   "graphviz)؛ نمودار حذف شد."),
        "methods_text": (
            "داده‌ها با im-research نسخهٔ {ver} (Python {py}؛ numpy {np}، scipy {sp}، pandas "
            "{pd}) تحلیل شد که برآوردهایش از قراردادهای lavaan پیروی می‌کند (Rosseel, 2012). "
            "مدل با روش {est} بر {n} پاسخ‌دهنده برآورد شد ({drop}). پایایی و روایی همگرا با "
            "آلفای کرونباخ، ω، پایایی ترکیبی و AVE، و روایی واگرا با معیار فورنل–لارکر و "
            "نسبت HTMT با فاصله‌های بوت‌استرپ (Henseler et al., 2015) داوری شد. برازش با χ²، "
            "CFI، TLI، RMSEA و SRMR در برابر نقطه‌های برش Hu و Bentler (1999) داوری شد. "
            "فاصله‌های اطمینان مسیرها و اثرهای غیرمستقیم فاصله‌های صدکی از {b} نمونهٔ "
            "بوت‌استرپ ناپارامتری است (بذر {seed}).{extra}"),
        "ml": "بیشینهٔ درست‌نمایی (ML)",
        "mlr": "بیشینهٔ درست‌نمایی با خطاهای معیار استوار و آزمون مقیاس‌شده (MLR)",
        "methods_inv": (" ناوردایی اندازه‌گیری میان گروه‌های {group} با مقایسهٔ مدل‌های شکلی، "
                        "متریک، عددی و سخت‌گیرانه آزموده شد."),
        "methods_cluster": (" خطاهای معیار و آمارهٔ آزمون برای {c} واحدِ {cluster} استوار "
                            "به خوشه‌اند (بوت‌استرپ پاسخ‌دهندگان را بازنمونه‌گیری می‌کند)."),
        "methods_pls": (" برای سنجش پایداری نتایج، مدل با PLS-SEM نیز برآورد شد (وزن‌دهی مسیر؛ "
                        "{b} نمونهٔ بوت‌استرپ)."),
        "methods_drop": "{k} ردیف از {total} ردیف کنار گذاشته شد؛ جدول ۱ را ببینید",
        "methods_nodrop": "هیچ ردیفی کنار گذاشته نشد",
    },
}
