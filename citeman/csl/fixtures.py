"""Read the fixtures of the official CSL processor test suite.

Use cases::

    fixture = load_fixture(Path(".../fixtures/name_AsianGlyphs.txt"))
    fixture.mode, fixture.csl, fixture.items, fixture.expected
    fixture.clusters()      # the citation clusters, in the order to render them

A fixture is plain text made of ``>>===== NAME =====>>`` … ``<<===== NAME =====<<``
sections (the number of ``=`` varies): MODE, RESULT, CSL, INPUT and optionally
CITATION-ITEMS or CITATIONS (an editing session: each entry is a cluster plus the
clusters before and after it, the last entry telling the final document).
BIBENTRIES, BIBSECTION, ABBREVIATIONS and OPTIONS are read by no fixture of
this copy of the suite (none has them), so they are not interpreted.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SECTION = re.compile(r">>=+\s*([A-Z-]+)\s*=+>>\n?(.*?)\n?<<=+\s*\1\s*=+<<", re.DOTALL)
_RESULT_MARKER = re.compile(r"^(?:\.\.|>>)\[\d+\]\s?", re.MULTILINE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_KEEP_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


@dataclass
class FixtureCluster:
    """One citation cluster of a fixture: its cites (CSL-JSON cite objects) and note."""

    cites: list[dict[str, Any]]
    note_index: int


@dataclass
class Fixture:
    name: str
    mode: str
    csl: str
    items: list[dict[str, Any]]
    expected: str
    citation_items: list[list[dict[str, Any]]] | None = None
    citations: list[Any] | None = None

    @property
    def category(self) -> str:
        return self.name.split("_", 1)[0]

    def clusters(self) -> list[FixtureCluster]:
        """The clusters to render, in document order (the final document of a session)."""
        if self.citations:
            by_id: dict[str, FixtureCluster] = {}
            document: list[str] = []
            for citation, before, after in self.citations:
                cluster_id = str(citation.get("citationID", len(by_id)))
                note = int(citation.get("properties", {}).get("noteIndex", 0) or 0)
                by_id[cluster_id] = FixtureCluster(citation["citationItems"], note)
                for other_id, other_note in [*before, *after]:
                    if str(other_id) in by_id:
                        by_id[str(other_id)].note_index = int(other_note or 0)
                document = [str(i) for i, _ in before] + [cluster_id] + [str(i) for i, _ in after]
            return [by_id[cluster_id] for cluster_id in document if cluster_id in by_id]
        if self.citation_items is not None:
            return [
                FixtureCluster(cites, note_index=number)
                for number, cites in enumerate(self.citation_items, start=1)
            ]
        ids = [str(item.get("id", f"ITEM-{n}")) for n, item in enumerate(self.items, start=1)]
        every_item = [{"id": item_id} for item_id in dict.fromkeys(ids)]
        return [FixtureCluster(every_item, note_index=1)]

    def expected_normalized(self) -> str:
        text = self.expected
        if self.citations and self.mode == "citation":
            text = _RESULT_MARKER.sub("", text)
        return normalize_result(text, self.mode)


def load_fixture(path: Path) -> Fixture:
    text = path.read_text(encoding="utf-8-sig")
    sections = {name: body for name, body in _SECTION.findall(text)}

    def json_section(name: str) -> Any:
        body = sections.get(name)
        return json.loads(body) if body and body.strip() else None

    return Fixture(
        name=path.stem,
        mode=sections.get("MODE", "citation").strip(),
        csl=sections["CSL"].strip(),
        items=json_section("INPUT") or [],
        expected=sections.get("RESULT", ""),
        citation_items=json_section("CITATION-ITEMS"),
        citations=json_section("CITATIONS"),
    )


def _canonical_entity(match: re.Match[str]) -> str:
    char = html.unescape(match.group(0))
    return _KEEP_ESCAPED.get(char, char)


def normalize_result(text: str, mode: str = "citation") -> str:
    """Whitespace normalised, equivalent HTML entities made equal.

    A bibliography's line breaks and indentation are layout only; a citation
    fixture has one cluster per line.
    """
    text = _ENTITY.sub(_canonical_entity, text)
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    joiner = "" if mode == "bibliography" else "\n"
    return joiner.join(line for line in lines if line)


def fixture_paths(directory: Path) -> list[Path]:
    """The fixture files of a suite folder (top level only: no experiments, no off-spec)."""
    return sorted(path for path in directory.glob("*_*.txt") if path.is_file())
