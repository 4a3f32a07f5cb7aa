"""What a ``cite`` command line asks for, read before any command machinery loads.

Standard library only: :mod:`citeman.cli.main` uses this to import just the
command named (:func:`citeman.cli.app.make_app`) and to decide whether the
library's resident process can run it (:mod:`citeman.cli.client`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

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
    "daemon": "daemon_cmd",
}
#: Global options that take a value (the token after them is not a command).
_LIBRARY_OPTIONS = ("--library", "-L")
#: Set by the shell when it asks for completions: every command must be known.
_COMPLETION_VARIABLE = "_CITE_COMPLETE"


def requested_command(args: Sequence[str]) -> str | None:
    """The command a command line names, or None when every command must be loaded."""
    if os.environ.get(_COMPLETION_VARIABLE):
        return None
    after_option = False
    for arg in args:
        if after_option:
            after_option = False
        elif arg in _LIBRARY_OPTIONS:
            after_option = True
        elif not arg.startswith("-"):
            return arg if arg in COMMAND_MODULES else None
    return None


def library_option(args: Sequence[str]) -> str | None:
    """The value of the global --library/-L option (before the command), if given."""
    for position, arg in enumerate(args):
        if arg in _LIBRARY_OPTIONS:
            return args[position + 1] if position + 1 < len(args) else None
        if arg.startswith("--library="):
            return arg.partition("=")[2]
        if arg.startswith("-L") and len(arg) > 2:
            return arg[2:]
        if not arg.startswith("-"):
            return None  # the command: what follows is its own
    return None
