"""read_survey on arbitrary bytes: a result or the package's DataError, never another
exception, never a hang."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from im_research.errors import DataError
from im_research.survey.codebook import load_codebook
from im_research.survey.io import read_survey

FIXTURES = Path(__file__).parent / "fixtures"
CODEBOOK = load_codebook(FIXTURES / "codebook.yaml")

# starts that steer the bytes into each reader (SPSS, Excel/ZIP, OLE, BOMs, CSV)
PREFIXES = [b"", b"$FL2", b"$FL2@(#) SPSS DATA FILE", b"PK\x03\x04",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe",
            b"emp_id,im1,comment\n", "emp_id,im1\n۱,كاملاً موافقم\n".encode(), b'"a""']
# valid files cut or damaged: the readers' error paths
SEEDS = [(FIXTURES / n).read_bytes() for n in ("survey.sav", "survey.xlsx", "qualtrics.csv")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _check(folder, data: bytes, suffix: str, codebook):
    path = folder / f"f{suffix}"
    path.write_bytes(data)
    start = time.perf_counter()
    try:
        out, report = read_survey(path, codebook=codebook)
    except DataError:
        pass
    else:
        assert report.rows_read == len(out)
    assert time.perf_counter() - start < 5


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=400),
       st.sampled_from([".csv", ".sav", ".xlsx", ".txt"]), st.booleans())
def test_arbitrary_bytes_raise_only_data_error(folder, prefix, body, suffix, with_codebook):
    _check(folder, prefix + body, suffix, CODEBOOK if with_codebook else None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(SEEDS))), st.data())
def test_damaged_real_files_raise_only_data_error(folder, which, data):
    raw = bytearray(SEEDS[which])
    cut = data.draw(st.integers(0, len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)),
                               max_size=8))
    for pos, byte in flips:
        raw[pos] = byte
    _check(folder, bytes(raw[:cut] if data.draw(st.booleans()) else raw), ".csv", CODEBOOK)


def _crash_like_readstat(path):
    import faulthandler
    import os
    import signal

    faulthandler.disable()  # pytest's dump would print a (harmless) traceback of the child
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_reader_crash_on_a_damaged_sav_is_a_data_error_not_a_dead_session(
        folder, monkeypatch):
    # readstat crashed the interpreter on a fuzzed .sav once; the reader runs in a child
    # process, so a crash there must come back as a DataError naming the file
    import im_research.survey.io as io_module

    monkeypatch.setattr(io_module, "_sav_contents", _crash_like_readstat)
    monkeypatch.setattr(io_module, "_SAV_READER", None)  # a reader forked after the patch
    path = folder / "damaged.sav"
    path.write_bytes(SEEDS[0] if SEEDS[0][:4] == b"$FL2" else b"$FL2" + bytes(200))
    with pytest.raises(DataError, match="damaged.sav: the SPSS file is damaged"):
        read_survey(path)
