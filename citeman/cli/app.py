"""The ``cite`` application: global options and the command groups.

Commands live one module per group (``*_cmd.py``); each module's docstring lists
its use cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from citeman import __version__
from citeman.cli import (
    check_cmd,
    find_cmd,
    init_cmd,
    quote_cmd,
    render_cmd,
    source_cmd,
    styles_cmd,
)
from citeman.cli.context import CitemanGroup, state

app = typer.Typer(
    cls=CitemanGroup,
    help="citeman: capture quotes, find them, and render them as footnotes in any CSL style.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cite {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    library: Annotated[
        Path | None,
        typer.Option(
            "--library",
            "-L",
            help="Library folder (default: $CITEMAN_LIBRARY, else the nearest folder with"
            " library.bib at or above the current one).",
            file_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    state(ctx).library_dir = library


for module in (init_cmd, quote_cmd, find_cmd, render_cmd, check_cmd, styles_cmd):
    module.register(app)
app.add_typer(source_cmd.app, name="source")
