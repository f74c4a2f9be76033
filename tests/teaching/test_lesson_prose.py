"""A lesson read as a student reads it, after running it top to bottom.

- **Every number the prose quotes is one the cells print** (in a cell's output, in a
  widget's output area, or as a label of a figure). Conventions are written without a
  leading zero (cut-offs ".95", ".708") and are not checked; results keep it ("0.989").
  Also not checked: integers below 10 (counts written as words or list numbers), years
  (1900-2099), numbers in `code`, the References section, and "lesson 10" / "section 3"
  / "task 2" cross-references. A number matches the output when it is the same number as
  printed (``0.99`` matches ``0.990``; ``0.63`` does not match ``0.639``). Persian
  digits and decimal separator (``۰٫۶۳۹``) are read as ``0.639``, so the Persian edition
  (``fa/``) is checked the same way; its length is that of its English original.
- Outputs are readable: no raw reprs (``np.float64(``, ``dtype:``, bare ``True``/
  ``False``), no ``NaN`` cells in tables, no errors.
- The shape of a lesson (issue #15): 1200-2500 words of prose, a path diagram, displayed
  widgets, 2-4 "your turn" checks that the notebook leaves unanswered (``check(None)``).

Lessons are added to LESSONS once they are written to this standard.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
# figures inline, as in JupyterLab (./dev sets MPLBACKEND=Agg for the test process)
_KERNEL_ENV = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
LESSONS = ["01_service_profit_chain.ipynb", "02_survey_data.ipynb",
           "03_measurement_quality.ipynb", "04_structural_model_mediation.ipynb",
           "05_likert_items_and_missing_answers.ipynb", "06_measurement_invariance.ipynb",
           "07_ski_resort_internal_branding.ipynb", "08_airline_integrated_marketing.ipynb",
           "09_clinic_programme_over_time.ipynb",
           "10_employees_and_customers_of_branches.ipynb",
           "11_pls_and_cb_sem_side_by_side.ipynb",
           "12_higher_order_servqual.ipynb", "13_power_and_sample_size.ipynb",
           "14_replicate_published_study.ipynb",
           "fa/01_service_profit_chain.ipynb"]

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)")
_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CROSS_REF = re.compile(r"(?i)\b(?:lessons?|sections?|tasks?|درس|بخش|تمرین)\s+\d+"
                        r"(?:\s*(?:and|or|,|–|-)\s*\d+)*")
# Persian prose and tables (the Persian edition) write ۰٫۶۳۹ for 0.639
_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫", "0123456789.")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _execute(path: Path, tmp_path: Path):
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    try:
        NotebookClient(nb, km=km, timeout=300,
                       resources={"metadata": {"path": str(path.parent)}}).execute(env=_KERNEL_ENV)
    finally:  # nbclient leaves a kernel it was given running
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb


# one xdist group per lesson: its three checks run in one worker, on one execution
@pytest.fixture(scope="module", params=[pytest.param(name, marks=pytest.mark.xdist_group(name))
                                        for name in LESSONS])
def lesson(request, tmp_path_factory):
    path = ROOT / "notebooks" / request.param
    return nbformat.read(path, as_version=4), _execute(path, tmp_path_factory.mktemp("nb"))


def _prose_cells(nb):
    """Markdown cells up to (not including) the References section."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        if re.match(r"#+\s*References", cell.source.strip()):
            break
        out.append(cell.source)
    return out


def _prose_text(nb) -> str:
    text = "\n".join(_prose_cells(nb))
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`]*`", " ", text)


def _visible_texts(output) -> list[str]:
    """What a reader sees of one output: text, HTML without tags, figure labels."""
    if output.get("output_type") == "stream":
        return [output["text"]]
    data = output.get("data", {})
    texts = []
    if "text/html" in data:
        texts.append(html.unescape(re.sub(r"<[^>]+>", " ", data["text/html"])))
    elif "text/markdown" in data:
        texts.append(data["text/markdown"])
    elif "text/plain" in data and _WIDGET_VIEW not in data:
        texts.append(data["text/plain"])
    if "image/svg+xml" in data:
        texts += [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>",
                                                       data["image/svg+xml"], re.S)]
    return texts


def _shown_outputs(nb):
    """Cell outputs and the outputs inside widgets (their final state)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.outputs
    state = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        if model.get("model_name") == "OutputModel":
            yield from model["state"].get("outputs", [])


def _same_number(prose: str, shown: str) -> bool:
    short, long = sorted((prose, shown), key=len)
    return float(short) == float(long) and long.startswith(short)


def prose_numbers_not_shown(nb) -> list[str]:
    text = _CROSS_REF.sub(" ", _prose_text(nb).translate(_ASCII_DIGITS))
    quoted = set()
    for m in _NUMBER.finditer(text):
        s = m.group()
        if "." not in s and (int(s) < 10 or 1900 <= int(s) <= 2099):
            continue
        quoted.add(s)
    shown = {t for o in _shown_outputs(nb) for txt in _visible_texts(o)
             for t in _ANY_NUMBER.findall(txt.translate(_ASCII_DIGITS))}
    return sorted(q for q in quoted if not any(_same_number(q, s) for s in shown))


def _section_numbers(nb) -> list[str]:
    """The numbers of the ``## N.`` section headings, in order."""
    return [m for c in nb.cells if c.cell_type == "markdown"
            for m in re.findall(r"(?m)^##\s*(\d+)\.", c.source.translate(_ASCII_DIGITS))]


def prose_words(nb) -> int:
    # Latin and Persian words (a zero-width non-joiner stays inside a Persian word)
    return len(re.findall(r"[A-Za-zÀ-ÿ\u0600-\u06FF][\w'’\u200c-]*", _prose_text(nb)))


@pytest.mark.kernels
@pytest.mark.slow
def test_every_number_in_the_prose_is_printed_by_a_cell(lesson):
    _, executed = lesson
    assert prose_numbers_not_shown(executed) == []


@pytest.mark.kernels
@pytest.mark.slow
def test_outputs_are_readable(lesson):
    _, executed = lesson
    problems = []
    for i, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        for o in cell.outputs:
            if o.output_type == "error":
                problems.append(f"cell {i}: {o.ename}: {o.evalue}")
            for txt in _visible_texts(o):
                for bad in ("np.float64(", "np.int64(", "dtype:", "object at 0x"):
                    if bad in txt:
                        problems.append(f"cell {i}: raw repr {bad!r}")
                if re.search(r"\bNaN\b", txt):
                    problems.append(f"cell {i}: NaN in a table")
                if txt.strip() in ("True", "False"):
                    problems.append(f"cell {i}: a bare {txt.strip()}")
    assert problems == []


@pytest.mark.kernels
@pytest.mark.slow
def test_lesson_has_figure_widgets_and_tasks(lesson, request):
    stored, executed = lesson
    name = request.node.callspec.params["lesson"]
    if "/" in name:  # a translation (fa/...): Persian takes more words for the same text,
        # so the length is its original's, and it must keep the original's sections
        original = nbformat.read(ROOT / "notebooks" / Path(name).name, as_version=4)
        assert 1200 <= prose_words(original) <= 2500 and prose_words(stored) >= 1200
        assert _section_numbers(stored) == _section_numbers(original)
    else:
        assert 1200 <= prose_words(stored) <= 2500, prose_words(stored)
    mimes = [set(o.get("data", {})) for c in executed.cells if c.cell_type == "code"
             for o in c.outputs]
    assert any("image/svg+xml" in m or "image/png" in m for m in mimes), "no figure"
    assert any(_WIDGET_VIEW in m for m in mimes), "no widget displayed"
    checks = [c.source for c in stored.cells
              if c.cell_type == "code" and re.search(r"\.q\d+\.check\(", c.source)]
    assert 2 <= len(checks) <= 4
    # the student answers: the lesson itself never does
    assert all(re.search(r"\.check\(None\)", src) for src in checks), checks
    assert "## References" in "\n".join(c.source for c in stored.cells)


def test_the_prose_checker_catches_a_number_that_no_cell_prints():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("CFI 0.99 and RMSEA 0.043 (cut-off .95, lesson 13, "
                                      "Berry 1981, `x = 0.5`, 3 items)."),
        nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": "<td>0.990</td><td>0.0431</td>"})]),
        nbformat.v4.new_markdown_cell("## References\n\nBerry (1981), 3(1), 33–40."),
    ])
    assert prose_numbers_not_shown(nb) == ["0.043"]
