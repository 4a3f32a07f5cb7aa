"""The Engine API: clusters in document order, positions, bibliography, output formats."""

from __future__ import annotations

from typing import Any

import pytest

from citeman.csl import CiteRef, Engine

KOTKIN: dict[str, Any] = {
    "id": "Kotkin2017",
    "type": "book",
    "title": "Stalin: Waiting for Hitler, 1929–1941",
    "author": [{"family": "Kotkin", "given": "Stephen"}],
    "publisher": "Penguin Press",
    "publisher-place": "New York",
    "issued": {"date-parts": [[2017]]},
}
FIGES: dict[str, Any] = {
    "id": "figes1996",
    "type": "book",
    "title": "A People's Tragedy",
    "author": [{"family": "Figes", "given": "Orlando"}],
    "publisher": "Jonathan Cape",
    "publisher-place": "London",
    "issued": {"date-parts": [[1996]]},
}


@pytest.fixture
def chicago() -> Engine:
    return Engine("chicago", [KOTKIN, FIGES], output="text")


def test_note_style_is_detected(chicago: Engine) -> None:
    assert chicago.is_note_style
    assert not Engine("apa", [KOTKIN]).is_note_style


def test_first_note_is_a_full_citation_with_the_locator(chicago: Engine) -> None:
    note = chicago.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    assert "Kotkin" in note
    assert "519" in note
    assert "Waiting for Hitler" in note


def test_ids_are_case_sensitive_keys_of_the_items(chicago: Engine) -> None:
    note = chicago.cite([CiteRef(id="Kotkin2017")], note_index=1)
    assert "Kotkin" in note


def test_bibliography_lists_cited_works_sorted_by_author(chicago: Engine) -> None:
    chicago.cite([CiteRef(id="Kotkin2017")], note_index=1)
    chicago.cite([CiteRef(id="figes1996")], note_index=2)
    entries = chicago.bibliography()
    assert len(entries) == 2
    assert entries[0].startswith("Figes")
    assert entries[1].startswith("Kotkin")
    assert all("<" not in entry for entry in entries)
