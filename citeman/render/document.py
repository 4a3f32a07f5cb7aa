"""Assemble quotes into a document: each quote with its note, then the bibliography.

Use cases::

    doc = render_quotes(quotes, sources, style="chicago", output="markdown")
    doc.notes          # one citation per quote, in document order
    doc.bibliography   # the works cited, sorted as the style sorts

Notes are numbered in document order, so the style's first/subsequent/ibid forms
follow the order of the quotes given. A quote's citation is built from its
fields:

* ``source`` only → a cite of the source at the locator;
* ``source`` and ``quoted_in`` → the original's cite, ", quoted in ", then the
  secondary's cite (Chicago 14.260; in author-date styles
  "(Churchill 1939, quoted in Kotkin 2017, 519)");
* ``speaker`` and ``quoted_in`` only → "Speaker, quoted in " + the secondary's cite;
* nothing to cite → "[source needed]", and a warning.

"quoted in" and the bibliography's heading are the style family's own words
(APA's "as cited in", MLA's "qtd. in" and "Works Cited"): see
:mod:`citeman.render.conventions`.

The bibliography lists the works consulted: ``quoted_in`` always, ``source``
when library.bib holds it (it must, for the quote to validate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from citeman.csl import CiteRef, Engine
from citeman.csl.styles import resolve_style, style_title
from citeman.models import Locator, OutputFormat, Quote, Source
from citeman.render.conventions import Conventions, conventions_for, speaker_in_citation

SOURCE_NEEDED = "[source needed]"


class RenderedQuote(BaseModel):
    id: str
    text: str
    note: str
    number: int


class RenderedDocument(BaseModel):
    """A rendered set of quotes; ``output`` tells the markup of ``note`` and entries."""

    style: str
    style_title: str
    is_note_style: bool
    bibliography_heading: str
    output: OutputFormat
    quotes: list[RenderedQuote]
    bibliography: list[str]
    warnings: list[str] = Field(default_factory=list)

    def as_text(self) -> str:
        from citeman.render.formats import format_document

        return format_document(self)


def _engine_output(output: OutputFormat) -> Literal["text", "html", "markdown"]:
    return "text" if output == "json" else output


def render_quotes(
    quotes: Sequence[Quote],
    sources: Mapping[str, Source],
    *,
    style: str,
    locale: str | None = None,
    output: OutputFormat = "text",
) -> RenderedDocument:
    """Render ``quotes`` (in order) citing ``sources`` (by key) in ``style``."""
    style_path = resolve_style(style)
    items = [source.csl | {"id": key} for key, source in sources.items()]
    engine = Engine(style_path, items, locale=locale, output=_engine_output(output))
    conventions = conventions_for(style_path.stem, is_note_style=engine.is_note_style)
    rendered: list[RenderedQuote] = []
    warnings: list[str] = []
    for number, quote in enumerate(quotes, start=1):
        cites, delimiter = _cites_for(quote, conventions, is_note_style=engine.is_note_style)
        if cites:
            # the writer's order: "X, quoted in Y" whatever order the style sorts cites in
            note = engine.cite(cites, note_index=number, delimiter=delimiter, unsorted=True)
        else:
            note = _source_needed(quote.speaker, is_note_style=engine.is_note_style)
            warnings.append(f"quote {quote.id} has no source: its note says {SOURCE_NEEDED}")
        rendered.append(RenderedQuote(id=quote.id, text=quote.text, note=note, number=number))
    return RenderedDocument(
        style=style_path.stem,
        style_title=style_title(style_path),
        is_note_style=engine.is_note_style,
        bibliography_heading=conventions.bibliography_heading,
        output=output,
        quotes=rendered,
        bibliography=engine.bibliography() if sources else [],
        warnings=warnings,
    )


def _source_needed(speaker: str | None, *, is_note_style: bool) -> str:
    """The citation of words with no work to cite: "Speaker, [source needed]"."""
    text = SOURCE_NEEDED
    if speaker:
        text = f"{speaker_in_citation(speaker, is_note_style=is_note_style)}, {text}"
    return text if is_note_style else f"({text})"


def _cite(key: str, locator: Locator | None, prefix: str | None = None) -> CiteRef:
    if locator is None:
        return CiteRef(id=key, prefix=prefix)
    return CiteRef(id=key, locator=locator.value, label=locator.label, prefix=prefix)


def _cites_for(
    quote: Quote, conventions: Conventions, *, is_note_style: bool
) -> tuple[list[CiteRef], str | None]:
    """The cites of a quote's citation and the delimiter between them."""
    quoted_in = f"{conventions.quoted_in} "
    if quote.source and quote.quoted_in:
        return [
            _cite(quote.source, quote.locator),
            _cite(quote.quoted_in, quote.quoted_in_locator, prefix=quoted_in),
        ], ", "
    if quote.quoted_in:
        prefix = quoted_in
        if quote.speaker:
            speaker = speaker_in_citation(quote.speaker, is_note_style=is_note_style)
            prefix = f"{speaker}, {quoted_in}"
        return [_cite(quote.quoted_in, quote.quoted_in_locator, prefix=prefix)], None
    if quote.source:
        return [_cite(quote.source, quote.locator)], None
    return [], None
