"""pytest plugin for benchmarks/mutation.py: credit what a shared fixture calls to every test
that uses the fixture.

mutmut runs each mutant against the tests that called the mutated function while it recorded
its statistics. A module-scoped fixture (one analysis shared by a file's tests) is made during
the setup of the first test that needs it, so mutmut credits the functions it calls to that
first test alone, and a mutant would never meet the other tests that read the same analysis.
This plugin notes which functions each fixture's setup called and, at the end of every test,
adds them to the functions that test called. It also adds the setup time of the test's
fixtures, shared or its own, to the test's time (mutmut counts only the test's own call), so
that mutmut, which runs the quickest tests first and stops at the first failure, knows what a
test costs when run alone: a test whose own fixture runs an analysis is not a quick one.
It also caps the examples of property tests (MAX_EXAMPLES, below). Outside mutmut it does
nothing.
"""

from __future__ import annotations

import time

import pytest

try:
    from mutmut.state import state  # mutmut 3.8's record of the functions called so far
except ImportError:  # pragma: no cover - only loaded by benchmarks/mutation.py
    state = None

_called_by_fixture: dict[int, set[str]] = {}
_seconds_of_fixture: dict[int, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if state is None:
        yield
        return
    # Record the fixture's calls apart, so that a function the test's setup called already
    # still counts for this fixture.
    earlier, state()._stats = state()._stats, set()
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        made, state()._stats = state()._stats, earlier
        state()._stats.update(made)
        _called_by_fixture.setdefault(id(fixturedef), set()).update(made)
        _seconds_of_fixture[id(fixturedef)] = max(
            seconds, _seconds_of_fixture.get(id(fixturedef), 0.0))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    # tryfirst: before mutmut's own teardown hook reads (and clears) the functions called.
    if state is None:
        return
    shared_seconds = 0.0
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        for fixturedef in definitions:
            state()._stats.update(_called_by_fixture.get(id(fixturedef), ()))
            shared_seconds += _seconds_of_fixture.get(id(fixturedef), 0.0)
    if item.nodeid in state().duration_by_test:  # only while mutmut records its statistics
        state().duration_by_test[item.nodeid] += shared_seconds


# Property tests (Hypothesis) run at most this many examples per mutant. A surviving mutant runs
# every test that reaches it: the workbook's property test alone took 7.7 s of the 34 s that
# each surviving mutant of exports/workbook.py cost with its 60 examples. Twenty generated
# tables still hold every kind of awkward cell the strategies make; CI runs them all.
MAX_EXAMPLES = 20


def pytest_collection_modifyitems(items):
    if state is None:
        return
    from hypothesis import settings

    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is not None and current.max_examples > MAX_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(current, max_examples=MAX_EXAMPLES)
