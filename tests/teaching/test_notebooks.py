"""Every teaching notebook executes from top to bottom without errors.

Kernels talk over IPC (Unix sockets) rather than TCP: Jupyter chooses TCP ports by
binding and releasing them, and with other tests using local ports a stolen port made a
kernel's replies go astray (a silent hang) in one CI run.
"""

import os
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from test_lesson_prose import LESSONS

ROOT = Path(__file__).resolve().parents[2]
# figures inline, as in JupyterLab (./dev sets MPLBACKEND=Agg for the test process)
_KERNEL_ENV = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
# Lessons written to the standard are executed (once) by test_lesson_prose.py, whose
# checks fail on any error output; the other notebooks are executed here.
def _rel(path: Path) -> str:
    """A notebook's path under notebooks/ (LESSONS names translations as fa/...)."""
    return path.relative_to(ROOT / "notebooks").as_posix()


NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").rglob("*.ipynb"))
             if _rel(p) not in LESSONS and ".ipynb_checkpoints" not in p.parts]


def test_every_notebook_is_executed_by_the_suite():
    every = {_rel(p) for p in (ROOT / "notebooks").rglob("*.ipynb")
             if ".ipynb_checkpoints" not in p.parts}
    assert every == {_rel(p) for p in NOTEBOOKS} | set(LESSONS)


@pytest.mark.kernels
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def _notebook_executes(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = NotebookClient(nb, km=km, timeout=300,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(env=_KERNEL_ENV)
    finally:  # nbclient leaves a kernel it was given running
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


if NOTEBOOKS:  # every notebook may already be a checked lesson: then nothing to skip here
    test_notebook_executes = _notebook_executes
