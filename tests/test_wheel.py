"""The built wheel works outside the checkout: bundled datasets, exercises and lessons.

The wheel is built from a copy of the project, installed (non-editable, without
dependencies) into a fresh venv whose only other path is the dependencies' site-packages,
and exercised from a folder outside the checkout."""

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "reports", "*.egg-info",
                              "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis",
                              "_bundled", ".ipynb_checkpoints")


def _run(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert out.returncode == 0, (f"{cmd}\nstdout:\n{out.stdout[-3000:]}\n"
                                 f"stderr:\n{out.stderr[-3000:]}")
    return out.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    src = tmp_path_factory.mktemp("src") / "im-research"
    shutil.copytree(ROOT, src, ignore=SKIP)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--quiet", "-w", str(dist), str(src)])
    (whl,) = dist.glob("im_research-*.whl")
    return whl


def test_wheel_carries_the_bundled_folders_but_no_solutions(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    bundled = [n for n in names if n.startswith("im_research/_bundled/")]
    for folder in ("datasets", "notebooks", "exercises"):
        tracked = sorted(p.name for p in (ROOT / folder).iterdir() if p.is_file())
        shipped = sorted(n.rsplit("/", 1)[1] for n in bundled
                         if n.startswith(f"im_research/_bundled/{folder}/") and
                         n.count("/") == 3)
        assert shipped == tracked, folder
    assert not [n for n in names if "solution" in n.lower()]
    assert "im_research/scales/data/servqual.yaml" in names


@pytest.mark.slow
@pytest.mark.kernels
def test_installed_wheel_loads_data_starts_an_exercise_and_runs_lesson_01(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
          "--quiet", str(wheel)])
    # the dependencies come from the test environment's site-packages (a plain path:
    # the editable install's hooks there are not activated by it)
    site = Path(_run([str(py), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([str(py), "-m", "ipykernel", "install", "--prefix", str(venv),
          "--name", "im-research-wheel-test"])
    work = tmp_path / "student"
    work.mkdir()
    script = textwrap.dedent("""
        import json, sys
        from pathlib import Path
        import nbformat
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
        import im_research as ir
        from im_research.cli import main

        report = {"package": ir.__file__}
        report["datasets"] = {n: len(ir.datasets.load(n)) for n in ir.datasets.list()["name"]}
        ex = ir.exercises.start("ex03_measurement", student_id="s1234")
        report["exercise_rows"] = len(ex.data)
        assert main(["lessons", "--copy", "lessons"]) == 0
        report["copied"] = sorted(str(p.relative_to("lessons"))
                                  for p in Path("lessons").rglob("*") if p.is_file())
        path = Path("lessons/notebooks/01_service_profit_chain.ipynb")
        nb = nbformat.read(path, as_version=4)
        check = "import im_research; print(im_research.__file__)"
        nb.cells.append(nbformat.v4.new_code_cell(check))
        # IPC transport, as in tests/teaching/test_notebooks.py: no TCP port races
        km = KernelManager(kernel_name="im-research-wheel-test", transport="ipc",
                           ip=str(Path("kernel").resolve()))
        NotebookClient(nb, km=km, timeout=300,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        report["kernel_package"] = nb.cells[-1].outputs[0]["text"].strip()
        print(json.dumps(report))
    """)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
           "JUPYTER_PATH": str(venv / "share" / "jupyter")}
    out = _run([str(py), "-c", script], cwd=work, env=env, timeout=900)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["package"].startswith(str(venv)), report["package"]
    assert report["kernel_package"].startswith(str(venv)), report["kernel_package"]
    listed = sorted(p.name.removesuffix(".codebook.json")
                    for p in (ROOT / "datasets").glob("*.codebook.json"))
    assert sorted(report["datasets"]) == listed
    assert all(n > 0 for n in report["datasets"].values())
    assert report["exercise_rows"] > 0
    lessons = sorted(f"notebooks/{p.relative_to(ROOT / 'notebooks').as_posix()}"
                     for p in (ROOT / "notebooks").rglob("*.ipynb")
                     if not any(part.startswith(".") for part in p.parts))
    assert "notebooks/fa/01_service_profit_chain.ipynb" in lessons  # translations ship too
    assert set(lessons) <= set(report["copied"])
    assert "exercises/ex03_measurement.ipynb" in report["copied"]
    assert not [p for p in report["copied"] if "solution" in p]
