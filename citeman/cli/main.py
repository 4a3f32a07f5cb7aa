"""Entry point of the ``cite`` console script.

``cite --version`` answers without importing the command machinery, so that
shell prompts and scripts that ask for it stay fast.
"""

from __future__ import annotations

import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        from citeman import __version__

        print(f"cite {__version__}")
        return
    from citeman.cli.app import app

    app(prog_name="cite")


if __name__ == "__main__":
    run()
