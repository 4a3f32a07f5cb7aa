"""``cite check``: find problems in the whole library (exit 1 when there are any).

Use cases::

    cite check            # a readable report; exit 0 when clean, 1 when problems were found
    cite check --json     # for a CI job or an editor
    cite check --quiet    # errors only, no information lines
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from citeman.cli.context import state


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Errors only.")] = False,
) -> None:
    """Check quotes, keys, .bib blocks and locators."""
    cli = state(ctx)
    report = cli.library().check()
    if as_json:
        payload = report.model_dump(mode="json") | {"ok": report.ok}
        cli.out.print(json.dumps(payload, ensure_ascii=False, indent=2), markup=False)
    else:
        for finding in report.findings:
            if finding.severity == "info" and quiet:
                continue
            colour = "red" if finding.severity == "error" else "blue"
            cli.out.print(f"[{colour}]{finding.severity}[/{colour}] {finding.kind}: ", end="")
            cli.out.print(str(finding), markup=False)
        summary = (
            f"{report.sources_checked} sources, {report.quotes_checked} quotes: "
            f"{len(report.errors)} problem(s)"
        )
        cli.out.print(summary, style="bold red" if report.errors else "bold green")
    if not report.ok:
        raise typer.Exit(1)
