"""Segmentations that live on: the training file scores back to its own segments, the SQL gives
the app's segment to every row in a real database engine, new customers are placed, drift and
movement are measured, and every bad input is explained."""

from __future__ import annotations

import json
import math
import sqlite3
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings as hypothesis_settings, strategies as st

from custseg_gui.core import pipeline
from custseg_gui.core.errors import UserError
from custseg_gui.core.model import (SCHEMA, UNLIKE, SegmentationModel, apply, build, load,
                                    save)
from custseg_gui.core.scoring import score_table
from custseg_gui.core.settings import SCALINGS, AnalysisSettings, Cap
from custseg_gui.core.sources import load_table
from custseg_gui.core.sql import to_sql


def analysed(frame: pd.DataFrame, folder: Path, settings: AnalysisSettings,
             name: str = "customers.csv"):
    path = Path(folder) / name
    frame.to_csv(path, index=False)
    return pipeline.run(path, settings)


def sql_segments(result, model: SegmentationModel, engine: str = "duckdb") -> np.ndarray:
    """Each row's segment as the SQL gives it, run on the file's table in a real engine (0 for
    NULL). Numbers go in as numbers and text as text, as a database holds them."""
    frame = pd.DataFrame({name: result.table.frame[name] if
                          pd.api.types.is_numeric_dtype(result.table.frame[name])
                          else result.table.raw[name].where(result.table.raw[name] != "", None)
                          for name in result.table.raw.columns})
    statement = to_sql(model)
    if engine == "duckdb":
        connection = duckdb.connect()
        connection.register("customers", frame)
        out = connection.execute(statement).df()
    else:
        connection = sqlite3.connect(":memory:")
        frame.to_sql("customers", connection, index=False)
        out = pd.read_sql_query(statement.replace("AS DOUBLE", "AS REAL"), connection)
    return out["Segment"].fillna(0).astype(int).to_numpy()


def made_customers(rows: int = 150, seed: int = 4) -> pd.DataFrame:
    """Three groups with a skewed spend, some gaps, a region code and a plan name."""
    rng = np.random.default_rng(seed)
    group = np.arange(rows) % 3
    spend = rng.lognormal(3 + 1.5 * group, 0.5).round(2)
    income = rng.normal(30 + 30 * group, 6).round(1)
    income[[gap for gap in (5, 17, 40) if gap < rows]] = np.nan
    return pd.DataFrame({
        "CustomerID": [f"K{number:04d}" for number in range(rows)],
        "Income": income, "Spend": spend,
        "Visits": rng.integers(1, 30, rows),
        "Region": 1 + rng.integers(0, 3, rows),
        "Plan": rng.choice(["basic", "plus", "pro"], rows),
    })


EVERY_FIX = dict(features=("Income", "Spend", "Visits", "Region", "Plan"), log=("Spend",),
                 cap=(Cap("Visits", 5.0, 95.0),), categories=("Region",), k=3, k_min=3,
                 k_max=3)


@pytest.mark.parametrize("missing", ["drop", "median", "mean"])
@pytest.mark.parametrize("scaling", list(SCALINGS))
def test_the_training_file_scores_back_to_exactly_its_segments_in_the_app_and_in_sql(
        tmp_path, scaling, missing):
    # Given an analysis with every kind of fix, a filled or dropped gap and each scaling
    result = analysed(made_customers(), tmp_path, AnalysisSettings(
        scaling=scaling, missing=missing, **EVERY_FIX))
    model = build(result)
    # When its own customers are scored by the saved segmentation and by its SQL in DuckDB
    scored = apply(model, result.table)
    # Then every customer gets exactly the segment the analysis gave (none where it left one
    # out), both ways
    assert np.array_equal(scored.segments, result.segmentation.row_segments)
    assert np.array_equal(sql_segments(result, model), result.segmentation.row_segments)
    assert set(scored.left_out.index) == set(result.prepared.left_out.index)


def test_the_sql_runs_unchanged_in_sqlite_with_its_math_functions(tmp_path):
    # Given the SQL of an analysis with a log scale (SQLite names a double REAL)
    result = analysed(made_customers(), tmp_path, AnalysisSettings(**EVERY_FIX))
    try:
        sqlite3.connect(":memory:").execute("SELECT LN(2.0)")
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no math functions")
    assert np.array_equal(sql_segments(result, build(result), "sqlite"),
                          result.segmentation.row_segments)


SHARED = {
    "Mall_Customers.csv": dict(features=("Age", "Annual Income (k$)", "Spending Score (1-100)",
                                         "Gender"), cap=(Cap("Age", 2.0, 98.0),)),
    "Wholesale customers data.csv": dict(log=("Fresh", "Milk", "Grocery", "Frozen",
                                              "Detergents_Paper", "Delicassen"),
                                         categories=("Channel", "Region"),
                                         features=("Channel", "Region", "Fresh", "Milk",
                                                   "Grocery", "Frozen", "Detergents_Paper",
                                                   "Delicassen")),
    "CC GENERAL.csv": dict(missing="median", log=("BALANCE", "PURCHASES", "CASH_ADVANCE"),
                           cap=(Cap("PAYMENTS", 1.0, 99.0), Cap("CREDIT_LIMIT", 5.0, 95.0))),
    "marketing_campaign_semicolon.csv": dict(missing="mean", log=("MntWines", "MntMeatProducts"),
                                             cap=(Cap("Income", 1.0, 99.0),),
                                             features=("Income", "Recency", "MntWines",
                                                       "MntMeatProducts", "Kidhome",
                                                       "Education", "Marital_Status")),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", list(SHARED))
@pytest.mark.parametrize("scaling", list(SCALINGS))
def test_the_sql_gives_the_apps_segment_to_every_customer_of_the_real_files(
        shared_file, name, scaling):
    # Given a real file analysed with fills, logs, caps and categories, and a scaling
    result = pipeline.run(shared_file(name), AnalysisSettings(scaling=scaling, k=4, k_min=4,
                                                              k_max=4, **SHARED[name]))
    model = build(result)
    # Then DuckDB, running segments.sql on the file's table, gives every customer the segment
    # the app gave (and leaves out the same customers)
    assert np.array_equal(sql_segments(result, model), result.segmentation.row_segments)
    assert np.array_equal(apply(model, result.table).segments,
                          result.segmentation.row_segments)


# --- any data, any settings ---------------------------------------------------------------------

@st.composite
def data_and_settings(draw):
    rows = draw(st.integers(12, 60))
    columns = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"N{index}": rng.choice(
        [rng.normal(50, 20, rows).round(draw(st.integers(0, 3))),
         rng.integers(0, 6, rows).astype(float), rng.lognormal(2, 1, rows).round(2)])
        for index in range(columns)})
    gaps = draw(st.lists(st.integers(0, rows - 1), max_size=3))
    frame.iloc[gaps, 0] = np.nan
    with_category = draw(st.booleans())
    if with_category:
        frame["Kind"] = rng.choice(["a", "b", "c"], rows)
    numbers = [name for name in frame.columns if name.startswith("N")]
    non_negative = [name for name in numbers if (frame[name].dropna() >= 0).all()]
    log = tuple(draw(st.lists(st.sampled_from(non_negative), unique=True))) \
        if non_negative else ()
    capped = draw(st.lists(st.sampled_from(numbers), unique=True, max_size=2))
    cap = tuple(Cap(name, draw(st.sampled_from([0.0, 1.0, 5.0])),
                    draw(st.sampled_from([95.0, 99.0, 100.0]))) for name in capped)
    k = draw(st.integers(2, 4))
    settings = AnalysisSettings(
        features=tuple(frame.columns), scaling=draw(st.sampled_from(list(SCALINGS))),
        missing=draw(st.sampled_from(["drop", "median", "mean"])), log=log, cap=cap,
        k=k, k_min=2, k_max=k, seed=draw(st.integers(0, 1000)))
    return frame, settings


@hypothesis_settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
@given(data_and_settings())
def test_the_sql_and_the_app_agree_on_any_data_and_settings(case):
    # Given any small customer table and any settings an analysis accepts
    frame, settings = case
    with tempfile.TemporaryDirectory() as folder:
        try:
            result = analysed(frame, Path(folder), settings)
        except UserError:
            assume(False)  # settings this data cannot take (too few distinct customers, ...)
        model = build(result)
        # Then the saved segmentation and its SQL give every row the analysis' segment
        assert np.array_equal(apply(model, result.table).segments,
                              result.segmentation.row_segments)
        assert np.array_equal(sql_segments(result, model), result.segmentation.row_segments)


# --- new customers -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trained")
    result = analysed(made_customers(), folder, AnalysisSettings(**EVERY_FIX))
    return result, build(result, {1: "Loyal"}), folder


def table_of(frame: pd.DataFrame, folder: Path, name: str):
    path = Path(folder) / name
    frame.to_csv(path, index=False)
    return load_table(path)


def test_who_moved_is_counted_by_customer_id(trained):
    result, model, folder = trained
    # Given last month's segments, and this month's file: 10 customers gone, 5 new, and 20
    # whose spend rose a hundredfold
    before = result.table.raw.copy()
    earlier = table_of(pd.concat([before, pd.DataFrame({"Segment": result.segmentation
                                                        .row_segments.astype(str)})], axis=1)
                       .assign(Segment=lambda f: f["Segment"].replace("0", "")),
                       folder, "earlier.csv")
    now = made_customers().iloc[10:].copy()
    now.loc[now.index[:20], "Spend"] = now["Spend"].iloc[:20] * 100
    extra = made_customers(5, seed=9).assign(CustomerID=[f"N{n}" for n in range(5)])
    current = table_of(pd.concat([now, extra]), folder, "now.csv")
    scored = score_table(model, current, earlier, "CustomerID")
    # Then the movement matches a count done here from the two segment columns
    names = model.names()
    old = dict(zip(before["CustomerID"], result.segmentation.row_segments))
    new_ids = current.raw["CustomerID"].tolist()
    both = [(names.get(old[cid], "(left out)"), names.get(int(seg), "(left out)"))
            for cid, seg in zip(new_ids, scored.scored.segments) if cid in old]
    flows = scored.migration
    assert flows.new == 5 and flows.gone == 10
    assert flows.moved == sum(a != b for a, b in both)
    assert flows.stayed == sum(a == b for a, b in both)
    assert sorted(flows.from_to) == sorted(
        (a, b, both.count((a, b))) for a, b in set(both))
    assert flows.moved > 0  # some whose spend rose did move


def test_a_customer_far_from_every_centre_is_unlike_any_segment(trained):
    result, model, folder = trained
    # Given a customer with ten times the largest spend and income ever seen
    odd = made_customers(3, seed=2)
    odd.loc[0, ["Income", "Spend", "Visits"]] = [2_000, 1_000_000, 25]
    scored = apply(model, table_of(odd, folder, "odd.csv"))
    # Then it still gets the nearest segment, but is marked unlike any segment
    assert scored.segments[0] > 0 and scored.fit[0] == UNLIKE


def test_a_column_that_shifted_is_flagged_as_drifted(trained):
    result, model, folder = trained
    # Given this month's customers whose incomes all rose by a whole spread
    shifted = made_customers()
    shifted["Income"] = shifted["Income"] + shifted["Income"].std()
    drift = apply(model, table_of(shifted, folder, "shifted.csv")).drift
    # Then income is flagged, with its shift in spreads; spend is not
    assert drift["Income"]["drifted"] and drift["Income"]["shift_sd"] == pytest.approx(1.0,
                                                                                    abs=0.1)
    assert not drift["Spend"]["drifted"]
    assert set(drift) >= {"Income", "Spend", "Visits", "Region = 1", "Plan = pro"}


# --- bad input ------------------------------------------------------------------------------------

def test_values_that_are_not_numbers_are_left_out_with_the_reason(trained):
    result, model, folder = trained
    frame = made_customers(6, seed=3).astype({"Income": object})
    frame.loc[2, "Income"] = "unknown yet"
    scored = apply(model, table_of(frame, folder, "text.csv"))
    assert scored.segments[2] == 0
    assert scored.left_out[2] == "Income is not a number"


def test_a_category_never_seen_is_scored_with_a_note(trained):
    result, model, folder = trained
    frame = made_customers(20, seed=5)
    frame.loc[[0, 1, 2], "Plan"] = "enterprise"
    scored = apply(model, table_of(frame, folder, "plans.csv"))
    # the customers with the new plan are placed; only the income gaps are left out
    assert (scored.segments[:3] > 0).all()
    assert set(scored.left_out.index) == set(frame.index[frame["Income"].isna()])
    assert scored.notes == ("3 customers have a Plan never seen when the segments were found "
                            "('enterprise'); they are placed by their other columns.",)


def test_a_missing_column_is_named(trained):
    result, model, folder = trained
    with pytest.raises(UserError) as raised:
        apply(model, table_of(made_customers(5).drop(columns=["Spend"]), folder, "less.csv"))
    assert str(raised.value).startswith("The new file has no column 'Spend', which the "
                                        "segmentation needs.")


def test_the_saved_segmentation_round_trips_and_damage_is_refused(trained, tmp_path):
    result, model, folder = trained
    path = tmp_path / "segmentation.custseg"
    save(path, model)
    assert load(path) == model
    content = json.loads(path.read_text(encoding="utf-8"))
    assert content["schema"] == SCHEMA and content["segments"][0]["name"] == "Loyal"
    # cut short
    path.write_text(path.read_text(encoding="utf-8")[:500], encoding="utf-8")
    with pytest.raises(UserError, match="it cannot be read as JSON"):
        load(path)
    # from a newer CustSeg
    content["version"], content["app_version"] = 99, "9.0"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(UserError, match=r"saved by a newer version of CustSeg \(9.0\)"):
        load(path)
    # edited by hand: a centre with a number missing
    content["version"] = 1
    content["segments"][0]["centre"] = content["segments"][0]["centre"][:-1]
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(UserError, match="its numbers do not fit together"):
        load(path)


def test_reach_is_the_99th_percentile_of_each_segments_distances(trained):
    result, model, folder = trained
    scored = apply(model, result.table)
    for segment in model.segments:
        mine = scored.distance[scored.segments == segment.number]
        assert segment.reach == pytest.approx(np.percentile(mine, 99))
        assert math.isclose((mine > segment.reach).mean(), 0.01, abs_tol=0.03)


def test_a_total_row_in_the_new_file_is_left_out_with_its_reason_and_kept_out_of_drift(
        trained):
    result, model, folder = trained
    frame = made_customers(30, seed=6)
    total = {"CustomerID": "Total", "Income": frame["Income"].sum(),
             "Spend": frame["Spend"].sum(), "Visits": frame["Visits"].sum(), "Region": 1,
             "Plan": "basic"}
    with_total = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    scored = apply(model, table_of(with_total, folder, "with_total.csv"))
    plain = apply(model, table_of(frame, folder, "plain.csv"))
    assert scored.segments[30] == 0
    assert "total" in scored.left_out[30].lower()
    assert np.array_equal(scored.segments[:30], plain.segments)
    assert scored.drift["Income"]["new_mean"] == pytest.approx(plain.drift["Income"]["new_mean"])
