"""Shared test setup: no display, a throwaway log folder, and access to ../shared/data.

../shared/data (real customer data sets) is not part of the project: a test that reads it
carries @pytest.mark.shared_data and is skipped in a plain clone, but fails under CI (CI=true),
which always has the folder, so a missing folder can never pass for a green run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

# Qt must be told before it is first imported that there is no display (CI has none).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The app logs into its per-user data folder; a test run must not write into the real one.
# One folder per session, removed at the end (see pytest_unconfigure).
_SESSION_DATA_DIR = Path(tempfile.mkdtemp(prefix="custseg-tests-"))
os.environ["CUSTSEG_DATA_DIR"] = str(_SESSION_DATA_DIR)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

MALL = "Mall_Customers.csv"
WHOLESALE = "Wholesale customers data.csv"
CC_GENERAL = "CC GENERAL.csv"


def pytest_unconfigure(config):
    # ignore_errors: on Windows the log file may still be open in this process.
    shutil.rmtree(_SESSION_DATA_DIR, ignore_errors=True)


# The fixtures that read ../shared/data. A test that uses one (directly or through a fixture of
# its own) must carry @pytest.mark.shared_data; pytest_runtest_setup fails it otherwise, so
# `-m "not shared_data"` always means "runs in a plain clone".
SHARED_FIXTURES = frozenset({"shared_data", "shared_file", "mall_csv", "wholesale_csv",
                             "cc_general_csv"})


def in_ci() -> bool:
    """Whether the tests run under CI (CI=true, as CI services and .ci/run set it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _shared_data_absent(what: str) -> None:
    """Skip the calling test in a plain clone; under CI, where the data always is, fail it."""
    if in_ci():
        pytest.fail(f"{what}, and CI=true: CI must have ../shared/data beside the checkout, so "
                    "its absence is an error here, not a skip.", pytrace=False)
    pytest.skip(f"{what} (it is not part of the project)")


_running: list[pytest.Item] = []  # the test being set up or run, for shared_file_path


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]
    uses = sorted(SHARED_FIXTURES.intersection(item.fixturenames))
    marked = item.get_closest_marker("shared_data") is not None
    if uses and not marked:
        pytest.fail(f"{item.nodeid} reads ../shared/data (through {', '.join(uses)}) but is "
                    "not marked @pytest.mark.shared_data: add the marker.", pytrace=False)
    if marked and not SHARED_DATA.is_dir():
        _shared_data_absent(f"shared data folder {SHARED_DATA} is absent")


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _running.clear()


def pytest_report_header(config) -> str:
    state = "present" if SHARED_DATA.is_dir() else (
        "ABSENT: shared_data tests fail (CI=true)" if in_ci() else
        "absent: shared_data tests are skipped")
    return f"shared data {SHARED_DATA}: {state}"


def shared_file_path(name: str) -> Path:
    """Path of one file of ../shared/data, skipping the calling test when it is not there
    (failing it under CI, or when the test is not marked shared_data)."""
    if _running and _running[0].get_closest_marker("shared_data") is None:
        pytest.fail(f"{_running[0].nodeid} reads {name} from ../shared/data but is not marked "
                    "@pytest.mark.shared_data: add the marker.", pytrace=False)
    if not SHARED_DATA.is_dir():
        _shared_data_absent(f"shared data folder {SHARED_DATA} is absent")
    path = SHARED_DATA / name
    if not path.is_file():
        _shared_data_absent(f"shared data file {name} is absent from {SHARED_DATA}")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real customer data sets beside the checkout; skips when it is absent."""
    if not SHARED_DATA.is_dir():
        _shared_data_absent(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_file() -> Callable[[str], Path]:
    """A function name -> Path of a shared data file, skipping the test when the file is absent."""
    return shared_file_path


@pytest.fixture(scope="session")
def mall_csv() -> Path:
    return shared_file_path(MALL)


@pytest.fixture(scope="session")
def wholesale_csv() -> Path:
    return shared_file_path(WHOLESALE)


@pytest.fixture(scope="session")
def cc_general_csv() -> Path:
    return shared_file_path(CC_GENERAL)


@pytest.fixture(scope="session")
def sample_csv() -> Path:
    """The sample customers committed with the project (always present)."""
    return REPO_ROOT / "resources" / "sample_customers.csv"
