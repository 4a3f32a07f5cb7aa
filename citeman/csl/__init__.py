"""citeman's CSL processor: citations and bibliographies in any CSL style.

Public API (the render layer codes against this)::

    from citeman.csl import CiteRef, Engine, resolve_style, list_styles

    engine = Engine("chicago", items, output="text")       # items: CSL-JSON dicts
    note = engine.cite([CiteRef(id="kotkin2017", locator="519")], note_index=1)
    entries = engine.bibliography()
"""

from citeman.csl.engine import CiteRef, Engine, OutputFormat
from citeman.csl.styles import list_styles, resolve_style, style_title

__all__ = ["CiteRef", "Engine", "OutputFormat", "list_styles", "resolve_style", "style_title"]
