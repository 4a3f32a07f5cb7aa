"""The ``cite`` application: global options and the command groups.

Commands live one module per group (``*_cmd.py``); each module's docstring lists
its use cases. :func:`make_app` imports only the module of the command a
command line names (``cite find`` does not import the render machinery, nor
``cite add`` the search engine); help, completion and unknown commands get
every command. ``app``, the full application, is built on first access.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from citeman import __version__
from citeman.cli.context import CitemanGroup, state

#: Each command's module in citeman.cli, in the order ``cite --help`` lists them.
COMMAND_MODULES = {
    "init": "init_cmd",
    "add": "quote_cmd",
    "show": "quote_cmd",
    "find": "find_cmd",
    "render": "render_cmd",
    "check": "check_cmd",
    "styles": "styles_cmd",
    "source": "source_cmd",
}
#: Global options that take a value (the token after them is not a command).
_OPTIONS_WITH_VALUE = ("--library", "-L")
#: Set by the shell when it asks for completions: every command must be known.
_COMPLETION_VARIABLE = "_CITE_COMPLETE"


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


def requested_command(args: Sequence[str]) -> str | None:
    """The command a command line names, or None when every command must be loaded."""
    if os.environ.get(_COMPLETION_VARIABLE):
        return None
    after_option = False
    for arg in args:
        if after_option:
            after_option = False
        elif arg in _OPTIONS_WITH_VALUE:
            after_option = True
        elif not arg.startswith("-"):
            return arg if arg in COMMAND_MODULES else None
    return None


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
        module = importlib.import_module(f"citeman.cli.{name}")
        if name == "source_cmd":
            cli.add_typer(module.app, name="source")
        else:
            module.register(cli)
    return cli


def __getattr__(name: str) -> Any:
    if name == "app":
        full = make_app()
        globals()["app"] = full
        return full
    raise AttributeError(name)
