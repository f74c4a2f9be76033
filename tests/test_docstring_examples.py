"""Every docstring example in the package runs and prints what it shows.

The widgets are left out: their examples build a widget for JupyterLab, and outside a
kernel ipywidgets echoes the widget's output to stdout (their behaviour is tested in
tests/teaching/ and in the browser).
"""

import doctest
import importlib
import pkgutil
import warnings

import pytest

import im_research

MODULES = sorted(m.name for m in pkgutil.walk_packages(im_research.__path__, "im_research.")
                 if not m.name.startswith("im_research.teaching.widgets"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an example may fit a small, warned-about model
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
