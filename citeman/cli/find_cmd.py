"""``cite find``: search quotes.

Use cases::

    cite find riddle                         # words match text, note, speaker, tags, author, title
    cite find '"curious dualism"'            # an exact phrase
    cite find 'stalin -trotsky' --tag ideology
    cite find 'author:kotkin year:1939..1941'
    cite find --tag germany --ids | xargs cite render --style chicago
    cite find enigma --json                  # records for scripts
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from citeman.cli.context import CliState, state
from citeman.library import Library
from citeman.search import SearchFilters, SearchHit

if TYPE_CHECKING:
    from rich.table import Table


def register(app: typer.Typer) -> None:
    app.command("find")(find)


def filters_from_options(
    tag: list[str] | None, source: str | None, speaker: str | None, year: str | None
) -> SearchFilters:
    return SearchFilters(tags=tag or [], source=source, speaker=speaker, year=year)


def find(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help='Words, "phrases", prefix*, -word, OR, field:value.')
    ] = "",
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Only quotes with this tag (repeatable)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Only quotes citing this key.")
    ] = None,
    speaker: Annotated[str | None, typer.Option(help="Only quotes by this speaker.")] = None,
    year: Annotated[
        str | None, typer.Option(help="Year of the source: 1939 or 1939..1941.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", help="At most this many results.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the matching records as JSON.")
    ] = False,
    ids: Annotated[bool, typer.Option("--ids", help="Print one id per line (for piping).")] = False,
) -> None:
    """Find quotes, best match first."""
    cli = state(ctx)
    library = cli.library()
    hits = library.find(query, filters_from_options(tag, source, speaker, year), limit=limit)
    if ids:
        for hit in hits:
            cli.out.print(hit.quote.id, markup=False)
    elif as_json:
        records = [hit.quote.model_dump(mode="json") | {"score": hit.score} for hit in hits]
        cli.out.print(json.dumps(records, ensure_ascii=False, indent=2), markup=False)
    elif hits:
        cli.out.print(_table(library, hits))
    else:
        _nothing_found(cli, library, query)


def _nothing_found(cli: CliState, library: Library, query: str) -> None:
    cli.err.print("No quotes match.", highlight=False)
    suggestions = library.suggest(query) if query else []
    if suggestions:
        cli.err.print(f"Did you mean: {', '.join(suggestions)}?", markup=False)


def short_citation(library: Library, key: str | None) -> str:
    if not key:
        return ""
    source = library.index.source(key)
    if source is None:
        return key
    families = [f for f in source.author_families if f]
    who = (
        families[0]
        + (" et al." if len(families) > 2 else f" and {families[1]}" if len(families) == 2 else "")
        if families
        else ""
    )
    return " ".join(part for part in (who, str(source.year or "")) if part) or key


def _table(library: Library, hits: list[SearchHit]) -> Table:
    # Imported here: `--ids` and `--json` (scripts, pipes) print no table.
    from rich.table import Table
    from rich.text import Text

    from citeman.locators import format_locator

    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("quote", ratio=3)
    table.add_column("source", ratio=1)
    table.add_column("locator", no_wrap=True)
    for hit in hits:
        quote = hit.quote
        excerpt = Text(hit.snippet)
        for start, end in hit.match_spans:
            excerpt.stylize("bold yellow", start, end)
        cited = short_citation(library, quote.source or quote.quoted_in) or (quote.speaker or "")
        locator = quote.locator or quote.quoted_in_locator
        table.add_row(quote.id, excerpt, cited, format_locator(locator) if locator else "")
    return table
