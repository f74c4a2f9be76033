"""Repository-level pytest hooks.

Everything that talks over local TCP ports (notebook kernels run by nbmake and nbclient,
the Dask LocalCluster test) runs in one xdist group, i.e. one after the other in the
same worker: Jupyter picks kernel ports by binding and releasing them, and a port taken
in between by another process makes the kernel's messages go astray (a silent hang)."""

import sys
from pathlib import Path

import pytest

# The browser tests' session fixtures (one JupyterLab server and one chromium per worker,
# shared by every lesson's test file) live in tests/browser/browserlab.py.
sys.path.insert(0, str(Path(__file__).parent / "tests" / "browser"))
pytest_plugins = ["browserlab"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).endswith(".ipynb") or item.get_closest_marker("kernels"):
            item.add_marker(pytest.mark.xdist_group("kernels"))
