"""Rendering services: quotes → notes + bibliography, in text, markdown, html or json."""

from citeman.render.document import (
    SOURCE_NEEDED,
    OutputFormat,
    RenderedDocument,
    RenderedQuote,
    render_quotes,
)
from citeman.render.formats import format_document

__all__ = [
    "SOURCE_NEEDED",
    "OutputFormat",
    "RenderedDocument",
    "RenderedQuote",
    "format_document",
    "render_quotes",
]
