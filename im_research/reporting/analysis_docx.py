"""Word (.docx) output of an :class:`~im_research.reporting.analysis.AnalysisReport`.

Real Word tables in APA style, written with python-docx: the table number in bold and
the title in italics above, horizontal rules only (above and below the header row and
under the last row), the note below. The path diagram is a PNG picture. For Persian
(``lang="fa"``) every paragraph and table is right-to-left (Word's ``bidi`` paragraph
and ``bidiVisual`` table properties, ``rtl`` runs) and the section reads right to left.
Text is set in Times New Roman, which Word ships with Arabic-script glyphs; change the
"Normal" style in Word to use another font (e.g. B Nazanin) for the whole document.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from .analysis_text import TEXT

__all__ = ["write_docx"]

_FONT = "Times New Roman"


# Elements that follow w:bidi / w:bidiVisual in their parent (the OOXML schema fixes the
# order of properties; Word refuses a file that breaks it)
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                      "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                      "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                      "w:tblPrChange")
_AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _rtl_paragraph(par):
    par._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)


def _run(par, text, rtl, bold=False, italic=False, size=None):
    run = par.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if rtl:  # w:rtl comes after every property set above (schema order)
        run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    return run


def _para(doc_or_cell, text="", rtl=False, bold=False, italic=False, size=None,
          style=None, space_after=None):
    par = doc_or_cell.add_paragraph(style=style) if style else doc_or_cell.add_paragraph()
    if rtl:
        _rtl_paragraph(par)
    if text:
        _run(par, text, rtl, bold, italic, size)
    if space_after is not None:
        par.paragraph_format.space_after = Pt(space_after)
    return par


def _border(cell, edge, size=8):
    """A single horizontal rule on ``edge`` ("top" or "bottom") of ``cell``."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tcpr.append(borders)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), "000000")
    borders.append(el)


def _cell_text(cell, text, rtl, first_col):
    par = cell.paragraphs[0]
    if rtl:
        _rtl_paragraph(par)
    par.alignment = None if first_col else WD_ALIGN_PARAGRAPH.CENTER
    par.paragraph_format.space_after = Pt(0)
    _run(par, str(text), rtl, size=10)


def _table(doc, t, T, rtl):
    _para(doc, f"{T['table']} {t.label}", rtl, bold=True, space_after=0)
    _para(doc, t.title, rtl, italic=True, space_after=4)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT if rtl else WD_TABLE_ALIGNMENT.LEFT
    table.autofit = True
    if rtl:  # columns laid out right to left
        table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"),
                                               *_AFTER_BIDI_VISUAL)
    for j, name in enumerate(t.columns):
        cell = table.cell(0, j)
        _cell_text(cell, name, rtl, j == 0)
        _border(cell, "top", 12)
        _border(cell, "bottom", 6)
    for i, row in enumerate(t.rows, start=1):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            _cell_text(cell, value, rtl, j == 0)
            if i == len(t.rows):
                _border(cell, "bottom", 12)
    if t.note:
        par = _para(doc, "", rtl, space_after=12)
        par.paragraph_format.space_before = Pt(4)
        _run(par, T["note"], rtl, italic=True, size=10)
        _run(par, " " + t.note, rtl, size=10)
    else:
        _para(doc, "", rtl, space_after=6)


def write_docx(report, path: Path) -> Path:
    """Write ``report`` as a Word document at ``path``."""
    T = TEXT[report.lang]
    rtl = report.lang == "fa"
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(12)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:cs"), _FONT)  # complex scripts (Persian) use the same family
    if rtl:
        doc.sections[0]._sectPr.insert_element_before(OxmlElement("w:bidi"),
                                                      *_AFTER_SECTION_BIDI)
    props = doc.core_properties
    props.title = next((item for kind, item in report.blocks if kind == "h1"), "")
    props.author = "im-research"
    for kind, item in report.blocks:
        if kind in ("h1", "h2"):
            par = doc.add_heading("", level=0 if kind == "h1" else 1)
            if rtl:
                _rtl_paragraph(par)
            _run(par, item, rtl)
        elif kind == "p":
            _para(doc, item, rtl)
        elif kind == "table":
            _table(doc, item, T, rtl)
        elif kind == "figure":
            _para(doc, f"{T['figure']} {item.label}", rtl, bold=True, space_after=4)
            doc.add_picture(io.BytesIO(item.png), width=Inches(6.2))
            _para(doc, item.caption, rtl, italic=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
