"""The ``cite`` application: global options and the command groups.

Commands live one module per group (``*_cmd.py``); each module's docstring lists
its use cases. :func:`make_app` imports only the module of the command a
command line names (``cite find`` does not import the render machinery, nor
``cite add`` the search engine); help, completion and unknown commands get
every command. ``app``, the full application, is built on first access.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer

from citeman import __version__
from citeman.cli.argv import COMMAND_MODULES
from citeman.cli.context import CitemanGroup, state


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cite {__version__}")
        raise typer.Exit()


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


def make_app(command: str | None = None) -> typer.Typer:
    """The application with ``command`` (every command when None)."""
    cli = typer.Typer(
        cls=CitemanGroup,
        help="citeman: capture quotes, find them, and render them as footnotes in any CSL style.",
        no_args_is_help=True,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    cli.callback()(main)
    wanted = [COMMAND_MODULES[command]] if command else list(COMMAND_MODULES.values())
    for name in dict.fromkeys(wanted):
        importlib.import_module(f"citeman.cli.{name}").register(cli)
    return cli


def __getattr__(name: str) -> Any:
    if name == "app":
        full = make_app()
        globals()["app"] = full
        return full
    raise AttributeError(name)
