"""The quote rows of the index: what a quote borrows from the works it cites follows
edits to library.bib, through ``source`` and ``quoted_in`` alike."""

from __future__ import annotations

from pathlib import Path

from citeman.index import LibraryIndex
from citeman.models import LibrarySettings
from citeman.search import search


def _ids(index: LibraryIndex, query: str) -> list[str]:
    return sorted(hit.quote.id for hit in search(index, query))


def test_quotes_citing_an_edited_source_either_way_are_reindexed(library_dir: Path) -> None:
    quotes = library_dir / "quotes"
    (quotes / "direct.md").write_text("---\nsource: kotkin2017waiting\n---\nDirect.\n")
    (quotes / "indirect.md").write_text(
        "---\nspeaker: Molotov\nquoted_in: kotkin2017waiting\n---\nIndirect.\n"
    )
    (quotes / "other.md").write_text("---\nsource: ahmann2007germany\n---\nOther.\n")
    index = LibraryIndex(LibrarySettings(root=library_dir))
    index.refresh()
    assert _ids(index, "title:hitler") == ["direct", "indirect"]
    bib = library_dir / "library.bib"
    bib.write_text(bib.read_text().replace("Waiting for Hitler", "Waiting for Godot", 1))
    stats = index.refresh()
    assert stats.quotes_indexed == 2  # the two citing quotes, not the third
    assert _ids(index, "title:hitler") == []
    assert _ids(index, "title:godot") == ["direct", "indirect"]
