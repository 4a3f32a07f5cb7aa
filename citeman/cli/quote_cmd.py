"""Quote commands: ``cite add`` and ``cite show``.

Use cases::

    cite add "It is a riddle wrapped in a mystery inside an enigma" \\
        --source churchill1939broadcast --speaker "Winston Churchill" --tag realpolitik
    cite add "…" --source kotkin2017waiting --locator "pp. 112-14" --note "on the pact"
    cite add "…" --speaker "Winston Churchill" \\
        --quoted-in kotkin2017waiting --quoted-in-locator "p. 519"
    pbpaste | cite add - --source haslam1984 --page 27
    cite show churchill-riddle            # the quote and its source
    cite show churchill-riddle --json
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from citeman.cli.context import state
from citeman.errors import InvalidInputError


def register(app: typer.Typer) -> None:
    app.command("add")(add)
    app.command("show")(show)


def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The exact words, or - to read them from stdin.")],
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Citation key of the work quoted.")
    ] = None,
    locator: Annotated[
        str | None,
        typer.Option("--locator", "-l", help="Where in the work: 'p. 45', 'chap. 3', 'fol. 12r'."),
    ] = None,
    page: Annotated[
        str | None, typer.Option("--page", "-p", help="Shorthand for --locator 'p. N'.")
    ] = None,
    speaker: Annotated[
        str | None, typer.Option(help="Who said or wrote the words, if not the source's author.")
    ] = None,
    quoted_in: Annotated[
        str | None, typer.Option("--quoted-in", help="Key of the secondary work you read it in.")
    ] = None,
    quoted_in_locator: Annotated[
        str | None, typer.Option("--quoted-in-locator", help="Locator in the secondary work.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A tag (repeatable).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Your note on the quote.")] = None,
    date: Annotated[str | None, typer.Option(help="When the words were said or written.")] = None,
    occasion: Annotated[str | None, typer.Option(help="Where or on what occasion.")] = None,
    quote_id: Annotated[
        str | None, typer.Option("--id", help="Id (file name) for the quote; derived if absent.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new quote as JSON.")] = False,
) -> None:
    """Capture a quote; prints its id."""
    if page and locator:
        raise InvalidInputError("give --page or --locator, not both")
    if page:
        locator = page if page.strip()[:1].isalpha() else f"p. {page}"
    if text == "-":
        text = sys.stdin.read()
    cli = state(ctx)
    quote = cli.library().add_quote(
        text,
        source=source,
        locator=locator,
        speaker=speaker,
        quoted_in=quoted_in,
        quoted_in_locator=quoted_in_locator,
        tags=tag or [],
        note=note,
        date_said=date,
        occasion=occasion,
        quote_id=quote_id,
    )
    if as_json:
        cli.out.print_json(quote.model_dump_json())
    else:
        cli.out.print(quote.id, markup=False)


def show(
    ctx: typer.Context,
    quote_id: Annotated[str, typer.Argument(help="The quote's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the quote as JSON.")] = False,
) -> None:
    """Show one quote with its source."""
    from citeman.locators import format_locator

    cli = state(ctx)
    library = cli.library()
    quote = library.quote(quote_id)
    if as_json:
        cli.out.print(
            json.dumps(quote.model_dump(mode="json"), ensure_ascii=False, indent=2), markup=False
        )
        return
    cli.out.print(f"[bold]{quote.id}[/bold]")
    cli.out.print(f"“{quote.text}”", markup=False)
    for label, key, loc in (
        ("source", quote.source, quote.locator),
        ("quoted in", quote.quoted_in, quote.quoted_in_locator),
    ):
        if key:
            where = f", {format_locator(loc)}" if loc else ""
            title = library.source(key).title
            cli.out.print(f"  {label}: {key}{where} — {title}", markup=False)
    for label, value in (
        ("speaker", quote.speaker),
        ("date", quote.date),
        ("occasion", quote.occasion),
        ("note", quote.note),
    ):
        if value:
            cli.out.print(f"  {label}: {value}", markup=False)
    if quote.tags:
        cli.out.print(f"  tags: {', '.join(quote.tags)}", markup=False)
