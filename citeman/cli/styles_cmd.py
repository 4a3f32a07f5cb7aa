"""``cite styles``: the CSL styles you can render with.

Use cases::

    cite styles                 # the aliases and their style ids
    cite styles chicago         # every style id containing "chicago", with its title
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from citeman.cli.context import state


def register(app: typer.Typer) -> None:
    app.command("styles")(styles)


def styles(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="Part of a style id or title.")] = None,
) -> None:
    """List styles (aliases first)."""
    from citeman.csl.styles import ALIASES, list_styles

    cli = state(ctx)
    table = Table(header_style="bold")
    table.add_column("style", style="cyan", no_wrap=True)
    table.add_column("title")
    if query is None:
        for alias, target in ALIASES.items():
            table.add_row(alias, f"→ {target}")
    else:
        needle = query.lower()
        for style_id, title in list_styles():
            if needle in style_id or needle in title.lower():
                table.add_row(style_id, title)
    cli.out.print(table)
