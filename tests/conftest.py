"""Shared test setup: no display, a throwaway log folder, and access to ../shared/data."""

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


def shared_file_path(name: str) -> Path:
    """Path of one file of ../shared/data, skipping the calling test when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (it is not part of the project)")
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"shared data file {name} is absent from {SHARED_DATA}")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real customer data sets beside the checkout; skips when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (it is not part of the project)")
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
