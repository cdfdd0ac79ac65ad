"""The rule for ../shared/data: a test that reads it is marked shared_data, skips in a plain clone
and fails under CI; and .ci/run is CI.

The rule lives in tests/conftest.py; here it is run on a throwaway copy of the tests folder,
beside which there is no shared data folder, with and without CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

EXAMPLE_TESTS = '''
import pytest


def test_plain():
    assert True


@pytest.mark.shared_data
def test_marked(mall_csv):
    assert mall_csv.name == "Mall_Customers.csv"


def test_unmarked(mall_csv):
    assert mall_csv


@pytest.fixture(scope="module")
def mall_analysis(mall_csv):
    return mall_csv


def test_unmarked_through_a_fixture(mall_analysis):
    assert mall_analysis


def test_unmarked_through_the_helper(shared_file):
    assert shared_file("CC GENERAL.csv")


@pytest.mark.shared_data
def test_marked_helper(shared_file):
    assert shared_file("CC GENERAL.csv")


def test_unmarked_importing_the_helper():
    from conftest import shared_file_path

    assert shared_file_path("Mall_Customers.csv")
'''


def outcomes(clone: Path, ci: str | None) -> tuple[dict[str, str], str]:
    """Run the clone's tests; return test name -> PASSED/FAILED/SKIPPED/ERROR, and the output."""
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        environment["CI"] = ci
    done = subprocess.run([sys.executable, "-m", "pytest", "-v", "-rA", "-p", "no:cacheprovider",
                           "tests"], cwd=clone, env=environment, capture_output=True, text=True,
                          timeout=120)
    results = dict(re.findall(r"^\S*::(\w+) (PASSED|FAILED|SKIPPED|ERROR)", done.stdout,
                              re.MULTILINE))
    return results, done.stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of tests/conftest.py and the pytest settings, with example tests, and no
    ../shared/data beside it."""
    root = tmp_path_factory.mktemp("plain-clone") / "custseg"
    (root / "tests").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "tests" / "conftest.py", root / "tests" / "conftest.py")
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "tests" / "test_example.py").write_text(EXAMPLE_TESTS, encoding="utf-8")
    assert not (root.parent / "shared" / "data").exists()
    return root


@pytest.fixture(scope="module")
def plain_run(clone):
    return outcomes(clone, ci=None)


@pytest.fixture(scope="module")
def ci_run(clone):
    return outcomes(clone, ci="true")


# Tests that read the shared data without the marker: through a fixture they fail at setup (an
# error), through the helper imported from conftest when they call it.
UNMARKED = {"test_unmarked": "ERROR", "test_unmarked_through_a_fixture": "ERROR",
            "test_unmarked_through_the_helper": "ERROR",
            "test_unmarked_importing_the_helper": "FAILED"}


def test_in_a_plain_clone_marked_tests_skip_and_unmarked_ones_fail(plain_run):
    results, output = plain_run
    assert results["test_plain"] == "PASSED", output
    assert results["test_marked"] == "SKIPPED", output
    assert results["test_marked_helper"] == "SKIPPED", output
    assert {name: results[name] for name in UNMARKED} == UNMARKED, output
    assert "test_unmarked reads ../shared/data (through mall_csv) but is not marked " \
           "@pytest.mark.shared_data: add the marker." in output
    assert "test_unmarked_through_a_fixture reads ../shared/data (through mall_csv)" in output
    assert "test_unmarked_importing_the_helper reads Mall_Customers.csv from ../shared/data " \
           "but is not marked @pytest.mark.shared_data" in output
    assert "shared data folder" in output and "is absent (it is not part of the project)" in output


def test_under_ci_a_missing_shared_data_folder_fails_the_marked_tests(ci_run):
    results, output = ci_run
    assert results["test_plain"] == "PASSED", output
    assert results["test_marked"] == "ERROR", output
    assert results["test_marked_helper"] == "ERROR", output
    assert {name: results[name] for name in UNMARKED} == UNMARKED, output
    assert "CI must have ../shared/data beside the checkout" in output
    assert "SKIPPED" not in output


def test_ci_run_is_ci_and_runs_the_readme_test_command_word_for_word():
    # Given the README's test command and the CI script
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"Run the tests \(the same command CI runs\):\n\n```\n(.+)\n```",
                        readme).group(1)
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()

    # Then the script runs it word for word, as CI (CI=true), after checking for the data
    assert command in script
    position = script.index(command)
    assert "export CI=true" in script[:position]
    assert any("../shared/data" in line and "[ ! -d" in line for line in script[:position])
