"""The built-in sample customers: committed file, generator and the analysis a new user sees."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from custseg_gui.core.pipeline import run as run_analysis

from custseg_gui.core.sources import load_table

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = REPO_ROOT / "resources" / "make_sample_data.py"


@pytest.fixture(scope="module")
def make_sample_data():
    """resources/make_sample_data.py imported by path (resources/ is no package when run from
    a checkout that is not installed)."""
    spec = importlib.util.spec_from_file_location("custseg_make_sample_data", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_committed_sample_equals_a_fresh_generation(make_sample_data, sample_csv):
    # Given the generator's seeded output written the way the script writes it
    fresh = make_sample_data.generate().to_csv(index=False, lineterminator="\n")

    # Then the committed file is byte for byte the same
    assert sample_csv.read_bytes() == fresh.encode("utf-8")


def test_generator_is_deterministic_for_a_seed(make_sample_data):
    first = make_sample_data.generate(seed=5)
    second = make_sample_data.generate(seed=5)
    assert first.equals(second)
    assert not first.equals(make_sample_data.generate(seed=6))


def test_sample_has_300_customers_with_text_ids(sample_csv):
    # When the sample is loaded
    table = load_table(sample_csv)

    # Then it has 300 customers, the mall-like columns, and IDs 0001..0300 as text
    assert table.n_rows == 300
    assert list(table.raw.columns) == ["CustomerID", "Gender", "Age", "Annual Income (k$)",
                                       "Spending Score (1-100)"]
    assert table.raw["CustomerID"].iloc[0] == "0001"
    assert table.raw["CustomerID"].iloc[-1] == "0300"
    assert set(table.frame["Gender"]) == {"Female", "Male"}


def test_sample_recommends_five_segments_with_default_features(sample_csv):
    # When the sample is analysed with the default settings (every usable numeric column)
    analysis = run_analysis(sample_csv)

    # Then the features are age, income and spending, and 5 segments are recommended
    assert analysis.prepared.settings.features == (
        "Age", "Annual Income (k$)", "Spending Score (1-100)")
    assert analysis.search.recommended_k == 5
    assert analysis.segmentation.k == 5
    assert analysis.search.recommendation.startswith("5 segments fit best")
