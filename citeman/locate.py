"""Where a library is: the names citeman gives its files, and how a folder is found.

A few standard modules only (os, not pathlib): the ``cite`` client
(:mod:`citeman.cli.client`) finds the library and its resident process with
this before anything heavy loads.
"""

from __future__ import annotations

import os

BIB_NAME = "library.bib"
CONFIG_NAME = "citeman.toml"
QUOTES_DIR_NAME = "quotes"
#: citeman's own files in a library (lock, index, the resident process's socket).
STATE_DIR_NAME = ".citeman"
LIBRARY_ENV = "CITEMAN_LIBRARY"


def find_library_root(start: str | os.PathLike[str]) -> str | None:
    """The nearest folder at or above ``start`` that holds library.bib."""
    folder = os.path.realpath(start)
    while True:
        if os.path.isfile(os.path.join(folder, BIB_NAME)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def library_root(explicit: str | None, cwd: str) -> str | None:
    """The folder ``Library.discover`` would open, or None where it would fail.

    ``explicit`` (the --library option), else $CITEMAN_LIBRARY, else the nearest
    folder at or above ``cwd`` with library.bib.
    """
    chosen = explicit if explicit is not None else os.environ.get(LIBRARY_ENV) or None
    if chosen is not None:
        root = os.path.realpath(os.path.join(cwd, os.path.expanduser(chosen)))
        return root if os.path.isfile(os.path.join(root, BIB_NAME)) else None
    return find_library_root(cwd)
