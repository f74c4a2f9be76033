"""``import im_research`` is light: the subpackages load when a name is first used."""

import subprocess
import sys

import pytest

import im_research as ir

HEAVY = ["scipy.stats", "scipy.optimize", "pandas", "matplotlib", "seaborn", "statsmodels",
         "ipywidgets", "graphviz", "pyreadstat", "openpyxl", "im_research.sem"]


def _run(code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


def test_import_loads_no_heavy_module():
    loaded = _run("import sys, im_research\n"
                  f"print(*[m for m in {HEAVY!r} if m in sys.modules])")
    assert loaded == []


def test_every_public_name_resolves_on_first_use():
    for name in ir.__all__:
        assert getattr(ir, name) is not None, name
    assert set(ir.__all__) <= set(dir(ir))
    assert ir.io.__name__ == "im_research.survey.io"
    assert ir.datasets.__name__ == "im_research.survey.datasets"
    assert callable(ir.fit) and callable(ir.reliability) and callable(ir.pls)
    assert ir.sem.fit is ir.fit


def test_from_import_and_unknown_names():
    names = _run("from im_research import fit, io, ModelSyntaxError\n"
                 "print(fit.__module__, io.__name__, ModelSyntaxError.__name__)")
    assert names == ["im_research.sem.estimate", "im_research.survey.io", "ModelSyntaxError"]
    with pytest.raises(AttributeError, match="no_such_function"):
        ir.no_such_function  # noqa: B018  (the access is the test)
