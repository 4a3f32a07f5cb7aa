"""Entry point of the ``cite`` console script.

``cite --version`` answers without importing the command machinery, so that
shell prompts and scripts that ask for it stay fast; any other command line
loads only the command it names (see :func:`citeman.cli.app.make_app`), unless
the library has a resident process (``cite daemon start``), which then runs it
(:mod:`citeman.cli.client`).

The ``cite`` process runs without pydantic plugins: looking for them scans the
entry points of every installed distribution (a quarter of the start-up of
``cite find``), typer builds pydantic adapters for every command's options, and
plugins are observability hooks for a user's own application that citeman does
not use. An explicit ``PYDANTIC_DISABLE_PLUGINS`` is respected, and the Python
API (``import citeman``) is left alone.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from citeman import __version__

        print(f"cite {__version__}")
        return
    from citeman.cli.client import run_in_daemon

    code = run_in_daemon(args)
    if code is not None:
        sys.exit(code)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from citeman.cli.app import make_app
    from citeman.cli.argv import requested_command

    make_app(requested_command(args))(prog_name="cite")


if __name__ == "__main__":
    run()
