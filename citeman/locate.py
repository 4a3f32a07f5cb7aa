"""Where a library is: the names citeman gives its files, and how a folder is found.

Standard library only: the ``cite`` client (:mod:`citeman.cli.client`) finds
the library and its resident process with this before anything heavy loads.
"""

from __future__ import annotations

import os
from pathlib import Path

BIB_NAME = "library.bib"
CONFIG_NAME = "citeman.toml"
QUOTES_DIR_NAME = "quotes"
#: citeman's own files in a library (lock, index, the resident process's socket).
STATE_DIR_NAME = ".citeman"
LIBRARY_ENV = "CITEMAN_LIBRARY"


def find_library_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds library.bib."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / BIB_NAME).is_file():
            return folder
    return None


def library_root(explicit: str | Path | None, cwd: Path) -> Path | None:
    """The folder ``Library.discover`` would open, or None where it would fail.

    ``explicit`` (the --library option), else $CITEMAN_LIBRARY, else the nearest
    folder at or above ``cwd`` with library.bib.
    """
    chosen = explicit if explicit is not None else os.environ.get(LIBRARY_ENV) or None
    if chosen is not None:
        root = (cwd / Path(chosen).expanduser()).resolve()
        return root if (root / BIB_NAME).is_file() else None
    return find_library_root(cwd)
