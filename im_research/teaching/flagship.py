"""The flagship analysis: the service-profit chain in the bundled bank dataset.

``im-research flagship`` (and ``./dev main``) prints the fitted model's summary and writes
an executed HTML report of ``notebooks/01_service_profit_chain.ipynb``.
"""

from __future__ import annotations

from pathlib import Path

from ..resources import resource_dir
from ..sem.estimate import fit
from ..survey import datasets

__all__ = ["load_flagship_data", "fit_flagship", "run_flagship"]

DATASET = "bank_service_profit_chain"
NOTEBOOK = "01_service_profit_chain.ipynb"


def load_flagship_data():
    """The bank dataset with reverse-keyed items scored (``oc3`` -> ``oc3r``)."""
    return datasets.load(DATASET, reverse_scored=True)


def fit_flagship():
    """Fit the service-profit-chain SEM of the codebook to the bank data."""
    data = load_flagship_data()
    return fit(data.attrs["codebook"]["model_syntax"], data=data)


def run_flagship(out_dir=Path("reports"), html=True):
    """Print the summary; execute the flagship notebook and save it as HTML."""
    res = fit_flagship()
    print(f"Flagship: the service-profit chain in {DATASET} (synthetic, n = {res.nobs})\n")
    print(res.summary())
    if html:
        import tempfile

        import nbformat
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
        from nbconvert import HTMLExporter

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        notebook = resource_dir("notebooks") / NOTEBOOK
        nb = nbformat.read(notebook, as_version=4)
        # the kernel talks over local sockets (IPC): no TCP ports, no plain-text warning
        with tempfile.TemporaryDirectory() as sockets:
            km = KernelManager(kernel_name="python3", transport="ipc",
                               ip=str(Path(sockets) / "kernel"))
            try:
                NotebookClient(nb, km=km, timeout=600,
                               resources={"metadata": {"path": str(notebook.parent)}}).execute()
            finally:  # nbclient leaves a kernel it was given running
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
        body, _ = HTMLExporter().from_notebook_node(nb)
        target = out_dir / (notebook.stem + ".html")
        target.write_text(body, encoding="utf-8")
        print(f"\nExecuted report: {target}")
    return res
