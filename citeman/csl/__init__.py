"""citeman's CSL processor: citations and bibliographies in any CSL style.

Public API (the render layer codes against this)::

    from citeman.csl import CiteRef, Cluster, Engine, list_styles, resolve_style

    engine = Engine("chicago", items, output="text")        # items: CSL-JSON dicts
    engine.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    engine.cite_all([Cluster(cites=[...], note_index=1), ...])   # whole document at once
    engine.bibliography()                                   # entries, sorted by the style
    engine.is_note_style

    resolve_style("chicago") -> Path    list_styles() -> [(id, title)]    style_title(path)

The engine is our own CSL 1.0.2 renderer (modules below) over citeproc-py's
XML parsing and locale files. One module per part of the spec: names, dates,
labels, numbers and page_ranges, textcase, punctuation, escaping, sorting,
positions, disambiguation, collapsing, bibliography. ``python -m
citeman.csl.conformance`` runs the official test suite through it.
"""

from citeman.csl.engine import CiteRef, Cluster, Engine, OutputFormat
from citeman.csl.styles import list_styles, resolve_style, style_title

__all__ = [
    "CiteRef",
    "Cluster",
    "Engine",
    "OutputFormat",
    "list_styles",
    "resolve_style",
    "style_title",
]
