"""The CSL engine: citation clusters and bibliographies from CSL-JSON items.

Use cases::

    engine = Engine("chicago", items, output="text")
    engine.cite([CiteRef(id="kotkin2017", locator="519")], note_index=1)
    engine.cite([CiteRef(id="kotkin2017", locator="520")], note_index=2)   # "Ibid., 520."
    engine.bibliography()                                                 # sorted entries

Clusters are rendered in the order ``cite()`` is called; positions (first,
subsequent, ibid, near-note) are counted over that order.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
)
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from pydantic import BaseModel

from citeman.csl.styles import resolve_style

OutputFormat = Literal["html", "text", "markdown"]


class CiteRef(BaseModel):
    """One cite in a citation cluster."""

    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False


class Engine:
    """Renders citations and a bibliography of ``items`` in one style."""

    def __init__(
        self,
        style: str | Path,
        items: Iterable[dict[str, Any]],
        locale: str | None = None,
        output: OutputFormat = "text",
    ) -> None:
        self.output = output
        # CSL-JSON allows numeric ids and items without a type (CSL's default is "article").
        self.items = {
            str(item["id"]): {"type": "article", **item, "id": str(item["id"])} for item in items
        }
        if isinstance(style, str) and style.lstrip().startswith("<"):
            source: Any = io.BytesIO(style.encode("utf-8"))
        else:
            source = str(resolve_style(style))
        self._style = CitationStylesStyle(source, locale=locale, validate=False)
        formatter = citeproc_formatter.html if output == "html" else citeproc_formatter.plain
        self._bibliography = CitationStylesBibliography(
            self._style, CiteProcJSON(list(self.items.values())), formatter
        )
        self.is_note_style: bool = self._style.root.get("class") == "note"

    def cite(
        self,
        cites: Sequence[CiteRef],
        note_index: int | None = None,
        delimiter: str | None = None,
    ) -> str:
        """Render one citation cluster, in document order."""
        citation_items = []
        for cite in cites:
            extra: dict[str, Any] = {}
            if cite.locator:
                extra["locator"] = Locator(cite.label or "page", cite.locator)
            if cite.prefix:
                extra["prefix"] = cite.prefix
            if cite.suffix:
                extra["suffix"] = cite.suffix
            citation_items.append(CitationItem(cite.id, **extra))
        citation = Citation(citation_items)
        self._bibliography.register(citation)
        return str(self._bibliography.cite(citation, lambda item: None))

    def bibliography(self, ids: Sequence[str] | None = None) -> list[str]:
        """The entries of the cited items (or of ``ids``), sorted as the style sorts."""
        if ids is not None:
            self._bibliography.register(Citation([CitationItem(key) for key in ids]))
        self._bibliography.sort()
        return [str(entry) for entry in self._bibliography.bibliography()]
