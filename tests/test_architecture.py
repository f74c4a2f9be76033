"""The layering of im_research holds (import-linter contracts in pyproject.toml) and the
code passes ruff: a change that imports upwards or adds an import cycle turns CI red."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(tool, *args):
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True)


def test_import_contracts_are_kept():
    out = _run("lint-imports")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "3 kept" in out.stdout


def test_import_linter_catches_an_upward_import(tmp_path):
    # the contract is not vacuous: a copy of the package whose engine imports the
    # teaching layer is rejected
    import shutil

    pkg = tmp_path / "im_research"
    shutil.copytree(ROOT / "im_research", pkg,
                    ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    ml = pkg / "sem" / "ml.py"
    ml.write_text(ml.read_text() + "\nfrom ..teaching import flagship  # noqa\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    out = subprocess.run([str(BIN / "lint-imports")], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(tmp_path), "PATH": str(BIN)})
    assert out.returncode != 0
    assert "im_research.sem.ml -> im_research.teaching.flagship" in out.stdout


def test_ruff_check_passes():
    out = _run("ruff", "check", ".")
    assert out.returncode == 0, out.stdout + out.stderr
