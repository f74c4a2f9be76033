"""Student releases: notebooks without solutions, and (with a roster) each student's data.

Without a roster, :func:`release_for_students` copies the student notebooks (self-study,
or when students are given the ids only). With a roster it writes one folder per
student::

    release/s1234/ex03_measurement.ipynb     # the student's id filled in
    release/s1234/data/ex03_measurement.csv  # their data, drawn from the course secret
    release/s1234/data/release.json          # id, file checksums, settings
    release/s1234/README.md

so the notebook loads the student's data and nobody but the instructor needs the secret.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ...errors import ArgumentError
from . import course
from .catalog import EXERCISES, RELEASE_INFO, file_digest, generate

__all__ = ["release_for_students", "PLACEHOLDER"]

PLACEHOLDER = "YOUR-STUDENT-ID"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
_SAFE_ID = re.compile(r"[A-Za-z0-9._@-]+")

STUDENT_README = """# Exercises

Open each notebook in Jupyter and run it from the top. `ex.q1.check(answer)` tells you at
once whether an answer is right; `ex.q1.hint()` (and `hint(2)`, ...) helps. Your answers
are recorded in the notebook: save it and hand it in as your instructor asks.
"""


def _student_notebook(path: Path, student_id: str | None):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells
                if "solution" not in c.get("metadata", {}).get("tags", [])]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
            if student_id is not None:
                c.source = c.source.replace(PLACEHOLDER, student_id)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def release_for_students(source, target, *, roster=None, course_secret=None,
                         solutions: bool = False, keep_right_answers: bool = True):
    """Write the student release of the exercise notebooks in ``source`` to ``target``.

    The ``solutions/`` folder, cells tagged ``solution`` and outputs are left out, the
    instructor's README is replaced by a student one, and every notebook gets a python3
    kernelspec (no "Select Kernel" dialog).

    Parameters
    ----------
    source, target : path
        The exercise folder (``ex*.ipynb``) and where the release goes.
    roster : list of str, optional
        Student ids (see :func:`~im_research.teaching.exercises.course.read_roster`): one
        folder per student with their id filled in and their data files.
    course_secret : str, optional
        Needed with a roster (default: environment or ``im-research.toml``).
    solutions : bool
        Let ``q.solution()`` show worked solutions in this release (default off).
    keep_right_answers : bool
        A later, worse answer does not replace an earlier better one (default True).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from im_research.resources import resource_dir
    >>> files = release_for_students(resource_dir("exercises"), tempfile.mkdtemp())
    >>> any(f.name == "ex03_measurement.ipynb" for f in files)
    True
    """
    import nbformat

    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise ArgumentError(f"source={str(source)!r} is not a folder; give the folder with the "
                            "exercise notebooks (default: the bundled exercises)")
    notebooks = sorted(p for p in source.glob("*.ipynb"))
    if not notebooks:
        raise ArgumentError(f"source={str(source)!r} holds no exercise notebooks (*.ipynb)")
    if target.resolve() == source.resolve() or source.resolve() in target.resolve().parents:
        raise ArgumentError(f"target={str(target)!r} is inside the source folder; release to "
                            "another folder")
    if roster is None:
        folders = {None: target}
    else:
        secret = course.course_secret(course_secret, required=True)
        bad = [s for s in roster if not _SAFE_ID.fullmatch(str(s))]
        if bad:
            raise ArgumentError(f"roster ids {bad[:3]} have characters other than letters, "
                                "digits and . _ - @; they become folder names")
        folders = {str(s): target / str(s) for s in roster}
    written = []
    for sid, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        for nb_path in notebooks:
            out = folder / nb_path.name
            nbformat.write(_student_notebook(nb_path, sid), out)
            written.append(out)
        (folder / "README.md").write_text(STUDENT_README, encoding="utf-8")
        written.append(folder / "README.md")
        if sid is None:
            continue
        data_dir = folder / "data"
        data_dir.mkdir(exist_ok=True)
        info = {"student_id": sid, "exercises": {},
                "settings": {"solutions": bool(solutions),
                             "keep_right_answers": bool(keep_right_answers)}}
        for nb_path in notebooks:
            if nb_path.stem not in EXERCISES:
                continue
            csv = data_dir / f"{nb_path.stem}.csv"
            generate(nb_path.stem, sid, secret).to_csv(csv, index=False)
            info["exercises"][nb_path.stem] = {"sha256": file_digest(csv)}
            written.append(csv)
        (data_dir / RELEASE_INFO).write_text(json.dumps(info, indent=1, sort_keys=True),
                                             encoding="utf-8")
        written.append(data_dir / RELEASE_INFO)
    return written
