"""cite check: each kind of problem is found, reported with its place, and sets the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citeman.check import locator_pages, page_range
from citeman.library import Library
from citeman.models import Locator, Source


def write_quote(library_dir: Path, quote_id: str, body: str, **fields: str) -> Path:
    front = "\n".join(f"{k}: {v}" for k, v in fields.items())
    path = library_dir / "quotes" / f"{quote_id}.md"
    path.write_text(f"---\nid: {quote_id}\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


def kinds(library_dir: Path) -> dict[str, list[str]]:
    report = Library.open(library_dir).check()
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.kind, []).append(str(finding))
    return found


def test_clean_library_passes_with_information(cli: Any, library_dir: Path) -> None:
    write_quote(library_dir, "one", "Words.", source="kotkin2014paradoxes", locator="p. 3")
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output
    assert "source kotkin2017waiting has no quotes" in result.output  # information only
    assert "has no quotes" not in cli("check", "--quiet").output


def test_missing_key(cli: Any, library_dir: Path) -> None:
    path = write_quote(library_dir, "orphan", "Words.", source="kotkin2014paradoxe")
    found = kinds(library_dir)["missing-key"]
    assert found == [
        f"{path}: quote orphan cites 'kotkin2014paradoxe', which is not in library.bib"
        " (did you mean kotkin2014paradoxes?)"
    ]
    assert cli("check").exit_code == 1


def test_duplicate_key_and_failed_block(library_dir: Path) -> None:
    bib = library_dir / "library.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@book{kotkin2014paradoxes, title = {Twice}, year = {2014}}\n"
        + "\n@article{broken, title = {Unclosed, year = 2001\n",
        encoding="utf-8",
    )
    found = kinds(library_dir)
    assert any("kotkin2014paradoxes" in f for f in found["duplicate-key"])
    assert found["bib-parse"] and all("library.bib:" in f for f in found["bib-parse"])


def test_duplicate_quote(library_dir: Path) -> None:
    write_quote(library_dir, "a", "The same words.", source="kotkin2014paradoxes")
    write_quote(library_dir, "b", "the same   words", source="kotkin2014paradoxes")
    write_quote(library_dir, "c", "The same words.", source="kotkin2017waiting")
    assert kinds(library_dir)["duplicate-quote"] == [
        f"{library_dir / 'quotes' / 'b.md'}: quote b repeats quote a (same words, same source)"
    ]


def test_invalid_quote_file(library_dir: Path) -> None:
    write_quote(library_dir, "bad", "Words.", tags="{unclosed: [")
    found = kinds(library_dir)["invalid-quote"]
    assert len(found) == 1 and "bad.md" in found[0]
    assert found[0].count("bad.md") == 1  # the place once, not again inside the message


def test_an_impossible_date_is_an_invalid_quote_not_a_crash(library_dir: Path) -> None:
    (library_dir / "quotes" / "feb.md").write_text(
        "---\nsource: kotkin2014paradoxes\nadded: 2026-02-30\n---\nWords.\n", encoding="utf-8"
    )
    [found] = kinds(library_dir)["invalid-quote"]
    assert found == (
        f"{library_dir / 'quotes' / 'feb.md'}:3: added: cannot read the value:"
        " day is out of range for month"
    )


def test_locator_outside_page_range(library_dir: Path) -> None:
    write_quote(library_dir, "inside", "Words.", source="ahmann2007germany", locator="p. 110")
    write_quote(library_dir, "outside", "Other words.", source="ahmann2007germany",
                locator="pp. 118–25")
    found = kinds(library_dir)["locator-out-of-range"]
    assert found == [
        f"{library_dir / 'quotes' / 'outside.md'}: quote outside: page 125 is outside"
        " ahmann2007germany's pages 100–120"
    ]


def test_json_output(cli: Any, library_dir: Path) -> None:
    write_quote(library_dir, "orphan", "Words.", source="nokey")
    result = cli("check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False
    assert {f["kind"] for f in data["findings"]} >= {"missing-key", "unused-source"}


def test_page_helpers() -> None:
    chapter = Source(key="c", entry_type="incollection", csl={"page": "112-14"})
    assert page_range(chapter) == (112, 114)
    assert page_range(Source(key="b", entry_type="book", csl={"page": "xii-xx"})) is None
    assert locator_pages(Locator(label="page", value="45 n. 3")) == [45]
    assert locator_pages(Locator(label="page", value="112–14")) == [112, 114]
    assert locator_pages(Locator(label="chapter", value="3")) == []
