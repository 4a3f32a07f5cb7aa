"""The CSL test-suite ratchet: every fixture in tests/csl_passing.txt must keep passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeman.csl.conformance import category_table, run_suite

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / ".." / "shared" / "csl-test-suite" / "fixtures"
PASSING_LIST = REPO / "tests" / "csl_passing.txt"


@pytest.mark.slow
def test_no_fixture_of_the_ratchet_list_regresses() -> None:
    if not FIXTURES.is_dir():
        pytest.skip(f"CSL test suite not found at {FIXTURES} (shared/csl-test-suite is absent)")
    must_pass = set(PASSING_LIST.read_text(encoding="utf-8").split())
    outcomes = run_suite(FIXTURES)
    print("\n" + category_table(outcomes))
    passing = {outcome.name for outcome in outcomes if outcome.passed}
    regressed = sorted(must_pass - passing)
    details = {
        outcome.name: outcome.error or f"expected {outcome.expected!r}, got {outcome.actual!r}"
        for outcome in outcomes
        if outcome.name in regressed
    }
    assert not regressed, f"{len(regressed)} fixtures stopped passing: {details}"
    assert len(must_pass) >= 822, "the ratchet list only grows"
