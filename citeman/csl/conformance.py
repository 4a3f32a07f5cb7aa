"""Run the official CSL test suite through our engine and count what passes.

Use cases::

    python -m citeman.csl.conformance                       # all fixtures, per category
    python -m citeman.csl.conformance -k disambiguate       # only names containing a pattern
    python -m citeman.csl.conformance --write-passing tests/csl_passing.txt
    python -m citeman.csl.conformance -k name_Foo --show    # print expected vs. actual

Each fixture is rendered in html mode and compared with its RESULT, whitespace
normalised and equivalent HTML entities treated as equal. A fixture that raises,
or runs past the per-fixture time limit, fails.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from citeman.csl.engine import CiteRef, Cluster, Engine, Position
from citeman.csl.fixtures import Fixture, fixture_paths, load_fixture, normalize_result

DEFAULT_FIXTURES = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "csl-test-suite" / ("fixtures")
)
FIXTURE_TIME_LIMIT = 5.0
# a cite's "position" in CSL-JSON, numbered as citeproc-js numbers them
CSL_JSON_POSITIONS: dict[int, Position] = {
    0: "first",
    1: "subsequent",
    2: "ibid",
    3: "ibid-with-locator",
}


class FixtureTimeout(Exception):
    pass


@dataclass
class FixtureOutcome:
    name: str
    passed: bool
    expected: str
    actual: str
    error: str | None = None

    @property
    def category(self) -> str:
        return self.name.split("_", 1)[0]


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise FixtureTimeout in the main thread after ``seconds`` (guards endless loops)."""

    def _expire(_signum: int, _frame: FrameType | None) -> None:
        raise FixtureTimeout(f"over {seconds} s")

    if not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cite_ref(cite: dict[str, Any]) -> CiteRef:
    """A CiteRef from a CSL-JSON cite object of a fixture."""
    return CiteRef(
        id=str(cite["id"]),
        locator=str(cite["locator"]) if cite.get("locator") not in (None, "") else None,
        label=cite.get("label"),
        prefix=cite.get("prefix"),
        suffix=cite.get("suffix"),
        suppress_author=bool(cite.get("suppress-author")),
        author_only=bool(cite.get("author-only")),
        position=CSL_JSON_POSITIONS.get(cite.get("position", -1)),
    )


def render_fixture(fixture: Fixture) -> str:
    """What our engine renders for a fixture, in the suite's html result format."""
    # the suite's harness names items without an id ITEM-1, ITEM-2, ...
    items = [{"id": f"ITEM-{n}", **item} for n, item in enumerate(fixture.items, start=1)]
    engine = Engine(fixture.csl, items, output="html")
    clusters = [
        Cluster(cites=[cite_ref(c) for c in cluster.cites], note_index=cluster.note_index)
        for cluster in fixture.clusters()
    ]
    if fixture.citation_items is None and fixture.citations is None:
        # the suite's harness synthesizes its one cluster from the items as the
        # bibliography sorts them (test-suite issue 66)
        ordered = engine.bibliography_order([cite.id for cite in clusters[0].cites])
        clusters[0].cites.sort(key=lambda cite: ordered.index(cite.id))
    if fixture.mode == "bibliography":
        if fixture.citation_items is not None or fixture.citations is not None:
            engine.cite_all(clusters)
            entries = engine.bibliography()
        else:
            entries = engine.bibliography([str(item["id"]) for item in items])
        body = "\n".join(f'  <div class="csl-entry">{entry}</div>' for entry in entries)
        return f'<div class="csl-bib-body">\n{body}\n</div>'
    return "\n".join(engine.cite_all(clusters))


def run_fixture(path: Path, time_limit: float = FIXTURE_TIME_LIMIT) -> FixtureOutcome:
    fixture = load_fixture(path)
    expected = fixture.expected_normalized()
    try:
        with _time_limit(time_limit):
            actual = normalize_result(render_fixture(fixture), fixture.mode)
    except Exception as error:  # any crash of the engine is a failed fixture
        return FixtureOutcome(fixture.name, False, expected, "", f"{type(error).__name__}: {error}")
    return FixtureOutcome(fixture.name, actual == expected, expected, actual)


def run_suite(directory: Path, pattern: str | None = None) -> list[FixtureOutcome]:
    paths = fixture_paths(directory)
    if pattern:
        paths = [path for path in paths if pattern in path.stem]
    return [run_fixture(path) for path in paths]


def category_table(outcomes: Sequence[FixtureOutcome]) -> str:
    totals: Counter[str] = Counter(outcome.category for outcome in outcomes)
    passes: Counter[str] = Counter(outcome.category for outcome in outcomes if outcome.passed)
    lines = [
        f"{category:<14} {passes[category]:>4} / {totals[category]:<4}"
        for category in sorted(totals)
    ]
    total_passed = sum(passes.values())
    lines.append(
        f"{'TOTAL':<14} {total_passed:>4} / {len(outcomes):<4}"
        f" ({100 * total_passed / max(len(outcomes), 1):.1f}%)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m citeman.csl.conformance")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--write-passing", type=Path, metavar="FILE")
    parser.add_argument("-k", dest="pattern", help="only fixtures whose name contains this")
    parser.add_argument("--show", action="store_true", help="print failures in full")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="FILE",
        help="list fixtures of FILE (a passing list) that fail now",
    )
    args = parser.parse_args(argv)
    if not args.fixtures.is_dir():
        print(f"no fixtures at {args.fixtures}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    outcomes = run_suite(args.fixtures, args.pattern)
    if args.show:
        for outcome in outcomes:
            if not outcome.passed:
                print(f"--- {outcome.name} {outcome.error or ''}")
                print(f"expected:\n{outcome.expected}\nactual:\n{outcome.actual}\n")
    print(category_table(outcomes))
    print(f"{time.perf_counter() - started:.1f} s")
    if args.against:
        must_pass = set(args.against.read_text(encoding="utf-8").split())
        failing = sorted(o.name for o in outcomes if not o.passed and o.name in must_pass)
        print(f"{len(failing)} of {args.against} fail: {' '.join(failing)}")
    if args.write_passing:
        names = sorted(outcome.name for outcome in outcomes if outcome.passed)
        args.write_passing.write_text("\n".join(names) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
