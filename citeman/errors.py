"""The errors citeman raises, each with a stable exit code and an optional hint.

Every layer raises a subclass of :class:`CitemanError`; the CLI turns it into one
line on stderr (plus the hint) and exits with ``exit_code``. Library users catch
``CitemanError`` and read ``message``/``hint``.

Exit codes (documented in the README, never renumbered):

====  ==========================================================
0     success
1     ``cite check`` found problems
2     command-line usage error (typer/click)
3     something named does not exist: citation key, quote id, style
4     invalid input: malformed BibTeX, invalid quote file, bad locator, empty text
5     conflict: the key or quote id exists already
6     no library here (no library.bib)
7     another ``cite`` held the library lock for too long
8     unsafe path: an id or output path escaping the library folder
9     an unexpected internal error (a bug: please report it)
10    ``cite daemon``: no resident process (no folder watching here, or it failed to start)
====  ==========================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path


class CitemanError(Exception):
    """Base class: ``message`` is one line, ``hint`` says what to do about it."""

    exit_code = 9

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class NotFoundError(CitemanError):
    exit_code = 3


class UnknownKeyError(NotFoundError):
    """A citation key that library.bib does not hold."""

    def __init__(
        self, key: str, suggestions: Sequence[str] = (), cited_by: str | None = None
    ) -> None:
        self.key = key
        self.suggestions = list(suggestions)
        hint = f"did you mean: {', '.join(self.suggestions)}?" if self.suggestions else None
        where = f" (cited by {cited_by})" if cited_by else ""
        super().__init__(f"unknown citation key '{key}'{where}", hint or "see `cite source list`")


class UnknownQuoteError(NotFoundError):
    def __init__(self, quote_id: str, suggestions: Sequence[str] = ()) -> None:
        self.quote_id = quote_id
        self.suggestions = list(suggestions)
        hint = f"did you mean: {', '.join(self.suggestions)}?" if self.suggestions else None
        super().__init__(f"no quote with id '{quote_id}'", hint or "see `cite find --ids`")


class UnknownStyleError(NotFoundError):
    def __init__(self, style: str, suggestions: Sequence[str] = ()) -> None:
        self.style = style
        self.suggestions = list(suggestions)
        hint = (
            f"did you mean: {', '.join(self.suggestions)}?"
            if self.suggestions
            else "see `cite styles` for the style ids"
        )
        super().__init__(f"unknown style '{style}'", hint)


class InvalidInputError(CitemanError):
    exit_code = 4


class LocatedError(InvalidInputError):
    """Invalid content at a place in a file: ``file:line: field: problem``."""

    def __init__(
        self,
        problem: str,
        file: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = Path(file) if file is not None else None
        self.line = line
        self.field = field
        where = ""
        if self.file is not None:
            where = str(self.file) + (f":{line}" if line is not None else "") + ": "
        elif line is not None:
            where = f"line {line}: "
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{what}{problem}", hint)


class BibSyntaxError(LocatedError):
    """A BibTeX block that cannot be parsed."""


class QuoteFileError(LocatedError):
    """A quote file that cannot be read or does not validate."""


class LocatorError(InvalidInputError):
    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        super().__init__(
            f"cannot read locator '{text}': {reason}",
            "write it as a person would: 'p. 45', 'pp. 112-14', 'chap. 3', 'fol. 12r', 'sec. 2'",
        )


class ConflictError(CitemanError):
    exit_code = 5


class LibraryNotFoundError(CitemanError):
    exit_code = 6


class LockTimeoutError(CitemanError):
    exit_code = 7


class UnsafePathError(CitemanError):
    exit_code = 8


class DaemonUnavailableError(CitemanError):
    """The library's resident process cannot run here (see citeman.cli.server)."""

    exit_code = 10


def format_choices(items: Iterable[str], limit: int = 5) -> str:
    """A short human list: ``a, b, c`` with an ellipsis past ``limit``."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (", …" if len(items) > limit else "")
