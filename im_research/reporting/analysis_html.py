"""Self-contained HTML for an :class:`~im_research.reporting.analysis.AnalysisReport`.

One file, no outside requests: the CSS is inline and the path diagram is an embedded SVG
(``data:`` URI). Tables are APA style (horizontal rules only, the title in italics above,
the note below). Persian reports set ``lang="fa" dir="rtl"`` on the document.
"""

from __future__ import annotations

import base64
import html

from .analysis_text import TEXT

__all__ = ["write_html", "body_html"]

_CSS = """
body { margin: 0; background: #f4f4f1; color: #1d1d1b; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 2.5rem 4rem; background: #fff;
       font: 16px/1.55 "Source Serif Pro", Georgia, "Times New Roman", serif; }
main[lang="fa"] { font-family: Vazirmatn, "Noto Naskh Arabic", "Noto Sans Arabic", Tahoma,
                  "DejaVu Sans", sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 1.2rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd;
     padding-bottom: .2rem; }
p { margin: .5rem 0; }
.apa { margin: 1.4rem 0 1.8rem; overflow-x: auto; }
.apa .tnum { font-weight: bold; margin: 0; }
.apa .ttitle { font-style: italic; margin: 0 0 .4rem; }
.apa table { border-collapse: collapse; border-top: 2px solid #1d1d1b;
             border-bottom: 2px solid #1d1d1b; font-size: .92rem; }
.apa thead th { border-bottom: 1px solid #1d1d1b; font-weight: normal; text-align: center;
                padding: .35rem .6rem; vertical-align: bottom; }
.apa td { padding: .25rem .6rem; text-align: center; white-space: nowrap; }
.apa td:first-child, .apa th:first-child { text-align: start; }
.apa .note { font-size: .86rem; margin-top: .4rem; }
.apa .note em { font-style: italic; }
figure.diagram { margin: 1.2rem 0; }
figure.diagram img { max-width: 100%; height: auto; }
figure.diagram figcaption { font-size: .9rem; }
.refs p { padding-inline-start: 2rem; text-indent: -2rem; font-size: .92rem; }
"""


def _table(t, T) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in t.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>"
                   for row in t.rows)
    note = (f'<p class="note"><em>{esc(T["note"])}</em> {esc(t.note)}</p>' if t.note else "")
    return (f'<section class="apa" id="table-{t.number}" data-key="{esc(t.key)}">'
            f'<p class="tnum">{esc(T["table"])} {esc(t.label)}</p>'
            f'<p class="ttitle">{esc(t.title)}</p>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"
            "</section>")


def _figure(f, T) -> str:
    data = base64.b64encode(f.svg.encode("utf-8")).decode("ascii")
    return (f'<figure class="diagram"><p class="tnum"><b>{html.escape(T["figure"])} '
            f"{html.escape(f.label)}</b></p>"
            f'<img alt="{html.escape(T["diagram"])}" src="data:image/svg+xml;base64,{data}">'
            f"<figcaption><em>{html.escape(f.caption)}</em></figcaption></figure>")


def body_html(report) -> str:
    """The report as an HTML fragment (``<main>``), for notebooks and :func:`write_html`."""
    T = TEXT[report.lang]
    parts = []
    in_refs = False
    for kind, item in report.blocks:
        if kind == "h1":
            parts.append(f"<h1>{html.escape(item)}</h1>")
        elif kind == "h2":
            if in_refs:
                parts.append("</div>")
            in_refs = item == T["references"]
            parts.append(f"<h2>{html.escape(item)}</h2>" + ('<div class="refs">' if in_refs
                                                            else ""))
        elif kind == "p":
            parts.append(f"<p>{html.escape(item)}</p>")
        elif kind == "table":
            parts.append(_table(item, T))
        elif kind == "figure":
            parts.append(_figure(item, T))
    if in_refs:
        parts.append("</div>")
    rtl = ' dir="rtl"' if report.lang == "fa" else ""
    return f'<main lang="{report.lang}"{rtl}>' + "\n".join(parts) + "</main>"


def write_html(report) -> str:
    """The whole document: ``<!DOCTYPE html>`` with inline CSS and the embedded figure."""
    rtl = ' dir="rtl"' if report.lang == "fa" else ""
    title = next((item for kind, item in report.blocks if kind == "h1"), "report")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{report.lang}"{rtl}><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{body_html(report)}</body></html>\n")
