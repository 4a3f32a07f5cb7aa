"""``cite daemon``: a resident process that makes every command in a large library fast.

Use cases::

    cite daemon start          # once per session (or from a login script): returns when ready
    cite find "curious dualism"   # ...then every cite in this library runs in it
    cite daemon status         # pid, since when, requests served (--json for scripts)
    cite daemon stop
    cite daemon run            # in the foreground, for systemd, launchd or a terminal tab

Nothing else changes: the same commands, output and exit codes, and the files
stay the truth (see :mod:`citeman.cli.server`). Linux only (it needs inotify);
elsewhere ``start`` says so with exit code 10 and cite works as before.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from citeman.cli.context import CitemanGroup, state

app = typer.Typer(
    cls=CitemanGroup,
    help="A resident process that keeps the index fresh and answers cite commands fast.",
    no_args_is_help=True,
)


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="daemon")


AsJson = Annotated[bool, typer.Option("--json", help="Print the status as JSON.")]


@app.command("start")
def start(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Start the library's resident process (nothing happens if one runs)."""
    from citeman.cli.server import start_daemon

    cli = state(ctx)
    status = start_daemon(cli.library())
    if as_json:
        cli.out.print(status.model_dump_json(), markup=False)
        return
    cli.out.print(f"cite daemon serving {status.root} (pid {status.pid})", markup=False)
    if status.remote_file_system:
        cli.warn(
            f"quotes/ is on {status.remote_file_system}: edits made on other machines raise no"
            " event here; run `cite daemon stop` if you edit it from elsewhere"
        )


@app.command("status")
def status(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show whether the library's resident process runs (exit 1 when it does not)."""
    from citeman.cli.server import daemon_status

    cli = state(ctx)
    running = daemon_status(cli.library().root)
    if as_json:
        payload = running.model_dump(mode="json") if running else None
        cli.out.print(json.dumps({"running": running is not None, "status": payload}), markup=False)
    elif running is None:
        cli.out.print("no cite daemon for this library", markup=False)
    else:
        cli.out.print(
            f"cite daemon {running.version}, pid {running.pid}, serving {running.root}"
            f" since {running.started:%Y-%m-%d %H:%M} UTC, {running.requests} request(s)",
            markup=False,
        )
    if running is None:
        raise typer.Exit(1)


@app.command("stop")
def stop(ctx: typer.Context) -> None:
    """Stop the library's resident process."""
    from citeman.cli.server import stop_daemon

    cli = state(ctx)
    pid = stop_daemon(cli.library().root)
    message = "no cite daemon was running" if pid is None else f"stopped cite daemon (pid {pid})"
    cli.out.print(message, markup=False)


@app.command("run")
def run(ctx: typer.Context) -> None:
    """Run the resident process in the foreground until stopped (Ctrl-C, SIGTERM)."""
    from citeman.cli.server import serve

    serve(state(ctx).library().root)
