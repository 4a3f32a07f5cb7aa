"""``cite init``: start a library.

Use cases::

    cite init                 # make the current folder a library (library.bib + quotes/)
    cite init ~/research/ww2  # or another folder
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from citeman.cli.context import state
from citeman.library import Library


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder to make a library.")] = Path("."),
) -> None:
    """Create library.bib and quotes/ in FOLDER (keeps whatever is there)."""
    library = Library.init(folder)
    state(ctx).out.print(f"Library ready in {library.root}")
