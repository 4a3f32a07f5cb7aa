"""``cite source``: the works in library.bib.

Use cases::

    cite source add new.bib              # validate and APPEND entries (never rewrites the file)
    pbpaste | cite source add -          # from the clipboard
    cite source list                     # key, year, author, title
    cite source list --json
    cite source show kotkin2014paradoxes # the entry as CSL-JSON and its fields
    cite source set kotkin2014paradoxes pages 976    # splice one field
    cite source set kotkin2014paradoxes note --remove
    cite source remove oldkey            # refuses while quotes cite it (--force to override)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from citeman.cli.context import CitemanGroup, state
from citeman.errors import InvalidInputError

app = typer.Typer(
    cls=CitemanGroup,
    help="Add, list, show and edit the sources in library.bib.",
    no_args_is_help=True,
)


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="source")


@app.command("add")
def add(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A .bib file, or - for stdin.")],
) -> None:
    """Append the BibTeX entries of FILE to library.bib."""
    cli = state(ctx)
    if file == "-":
        text, origin = sys.stdin.read(), "<stdin>"
    else:
        path = Path(file)
        try:
            text, origin = path.read_text(encoding="utf-8-sig"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"cannot read {path}: {exc}") from None
    added = cli.library().add_sources(text, origin=origin)
    for source in added:
        cli.out.print(source.key, markup=False)


@app.command("list")
def list_sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print CSL-JSON records.")] = False,
) -> None:
    """List the sources."""
    cli = state(ctx)
    sources = cli.library().sources()
    if as_json:
        cli.out.print(
            json.dumps([s.csl for s in sources], ensure_ascii=False, indent=2), markup=False
        )
        return
    table = Table(header_style="bold")
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("year", no_wrap=True)
    table.add_column("author")
    table.add_column("title")
    for source in sources:
        table.add_row(
            source.key, str(source.year or ""), "; ".join(source.author_names[:3]), source.title
        )
    cli.out.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Citation key.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the CSL-JSON record only.")
    ] = False,
) -> None:
    """Show one source: where it is, its fields and its CSL-JSON."""
    cli = state(ctx)
    source = cli.library().source(key)
    if as_json:
        cli.out.print(json.dumps(source.csl, ensure_ascii=False, indent=2), markup=False)
        return
    where = f"{source.file}:{source.line}" if source.file else ""
    cli.out.print(f"[bold]@{source.entry_type}{{{source.key}}}[/bold]  {where}")
    width = max((len(name) for name in source.fields), default=0)
    for name, value in source.fields.items():
        cli.out.print(f"  {name.ljust(width)} = {value}", markup=False)
    cli.out.print("CSL-JSON:", style="bold")
    cli.out.print(json.dumps(source.csl, ensure_ascii=False, indent=2), markup=False)


@app.command("set")
def set_field(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Citation key.")],
    field: Annotated[str, typer.Argument(help="BibTeX field name, e.g. pages.")],
    value: Annotated[
        str | None, typer.Argument(help="New value (BibTeX, braces balanced).")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the field instead.")] = False,
) -> None:
    """Set or remove one field, touching no other byte of library.bib."""
    if (value is None) == (not remove):
        raise InvalidInputError("give a VALUE, or --remove to delete the field")
    source = state(ctx).library().set_source_field(key, field.lower(), None if remove else value)
    state(ctx).out.print(f"{source.key}: {field} {'removed' if remove else 'set'}", markup=False)


@app.command("remove")
def remove(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Citation key.")],
    force: Annotated[bool, typer.Option("--force", help="Remove even if quotes cite it.")] = False,
) -> None:
    """Remove an entry from library.bib (only its bytes)."""
    state(ctx).library().remove_source(key, force=force)
    state(ctx).out.print(f"removed {key}", markup=False)
