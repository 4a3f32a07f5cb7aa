"""What every command shares: the library it works on, the consoles, and error reporting.

Errors are handled in one place: :class:`CitemanGroup` catches a
:class:`~citeman.errors.CitemanError` from any command, prints it as one line
(and its hint) on stderr, and exits with the error's documented code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from citeman.errors import CitemanError
from citeman.library import Library


@dataclass
class CliState:
    """Per-invocation state, stored on the typer context (no module globals)."""

    library_dir: Path | None = None
    out: Console = field(default_factory=lambda: Console(highlight=False, soft_wrap=True))
    # soft_wrap: a message piped to a file or a log must stay on one line
    err: Console = field(
        default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True)
    )
    _library: Library | None = None

    @classmethod
    def serving(cls, library: Library) -> CliState:
        """The state of a command run on an already open library (the resident process's)."""
        state = cls()
        state._library = library
        return state

    def library(self) -> Library:
        if self._library is None:
            self._library = Library.discover(self.library_dir)
            self._library.progress = ProgressReporter(self.err)
        return self._library

    def warn(self, message: str) -> None:
        self.err.print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False)


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def report_error(err: Console, exc: CitemanError) -> None:
    err.print(
        f"[bold red]error:[/bold red] {escape(exc.message)}",
        markup=True,
        highlight=False,
    )
    if exc.hint:
        err.print(f"  hint: {exc.hint}", markup=False, highlight=False)


class CitemanGroup(TyperGroup):
    """Turns CitemanError into one clear line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CitemanError as exc:
            err = ctx.obj.err if isinstance(ctx.obj, CliState) else CliState().err
            report_error(err, exc)
            raise typer.Exit(exc.exit_code) from None


class ProgressReporter:
    """A progress bar on stderr for index builds that take longer than a second."""

    def __init__(self, console: Console, delay: float = 1.0) -> None:
        self.console = console
        self.delay = delay
        self.started = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._progress is None:
            if time.monotonic() - self.started < self.delay or not self.console.is_terminal:
                return
            from rich.progress import Progress

            self._progress = Progress(console=self.console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task(stage, total=total)
        self._progress.update(self._task, description=stage, completed=done, total=total)
        if done >= total:
            self._progress.stop()
            self._progress = None
