"""Checking a whole library, for people and for a user's own CI.

Use cases::

    report = check_library(library)
    if not report.ok:
        for finding in report.errors:
            print(finding)

What counts as an error (``cite check`` exits 1): a quote citing a key that is
not in library.bib, a citation key defined twice, the same quote stored twice
(same words and source), a quote file that fails validation, a .bib block that
fails to parse, a locator outside the cited work's page range. Sources with no
quotes are reported as information only.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from citeman.models import Locator, Quote, Source

if TYPE_CHECKING:
    from citeman.library import Library

Severity = Literal["error", "info"]
FindingKind = Literal[
    "missing-key",
    "duplicate-key",
    "duplicate-quote",
    "invalid-quote",
    "bib-parse",
    "locator-out-of-range",
    "unused-source",
]


class Finding(BaseModel):
    severity: Severity
    kind: FindingKind
    message: str
    file: Path | None = None
    line: int | None = None
    key: str | None = None
    quote_id: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}" + (f":{self.line}" if self.line else "") + ": "
        return f"{where}{self.message}"


class CheckReport(BaseModel):
    findings: list[Finding] = Field(default_factory=list)
    sources_checked: int = 0
    quotes_checked: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


_RANGE = re.compile(r"^\s*(\d+)\s*[-–—]+\s*(\d+)\s*$")
#: The page numbers at the start of a locator value: "45", "112–14", "45, 47"; a
#: sub-locator after them ("45 n. 3") is not a page.
_LEADING_PAGES = re.compile(r"^\s*\d+(?:\s*(?:[-–—]+|,|&|and)\s*\d+)*")


def _expand_range_end(start: str, end: str) -> int:
    """112–14 abbreviates 112–114."""
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return int(end)


def page_range(source: Source) -> tuple[int, int] | None:
    """The numeric first and last page of a work with a page range, else None."""
    match = _RANGE.match(str(source.csl.get("page", "")))
    if not match:
        return None
    first, last = int(match.group(1)), _expand_range_end(match.group(1), match.group(2))
    return (first, last) if last >= first else None


def locator_pages(locator: Locator) -> list[int]:
    """The page numbers a page locator names (Roman numerals and folios are skipped)."""
    if locator.label != "page":
        return []
    match = _LEADING_PAGES.match(locator.value)
    if not match:
        return []
    pages: list[int] = []
    for part in re.split(r"\s*(?:,|&|and)\s*", match.group(0).strip()):
        bounds = re.split(r"\s*[-–—]+\s*", part)
        pages.append(int(bounds[0]))
        if len(bounds) == 2:
            pages.append(_expand_range_end(bounds[0], bounds[1]))
    return pages


def _normalized_words(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def check_library(library: Library) -> CheckReport:
    index = library.index
    sources = {s.key: s for s in index.sources()}
    quotes = index.quotes()
    report = CheckReport(sources_checked=len(sources), quotes_checked=len(quotes))
    add = report.findings.append
    bib = library.settings.bib_path

    for problem in index.bib_problems():
        kind: FindingKind = "duplicate-key" if problem.kind == "duplicate-key" else "bib-parse"
        add(
            Finding(
                severity="error",
                kind=kind,
                message=problem.message,
                file=problem.file or bib,
                line=problem.line,
                key=problem.key,
            )
        )
    for bad in index.quote_problems():
        add(
            Finding(
                severity="error",
                kind="invalid-quote",
                # The finding carries file and line itself: the message without them.
                message=(f"{bad.field}: " if bad.field else "") + bad.problem,
                file=bad.file,
                line=bad.line,
            )
        )

    cited: set[str] = set()
    seen_text: dict[tuple[str, str | None], str] = {}
    for quote in quotes:
        cited.update(quote.cited_keys)
        _check_keys(quote, sources, library, report)
        fingerprint = (_normalized_words(quote.text), quote.source)
        if fingerprint in seen_text:
            message = (
                f"quote {quote.id} repeats quote {seen_text[fingerprint]} (same words, same source)"
            )
            add(_quote_error(library, quote, "duplicate-quote", quote.source, message))
        else:
            seen_text[fingerprint] = quote.id
        _check_locators(quote, sources, library, report)

    for key in sorted(k for k in sources if k not in cited):
        add(
            Finding(
                severity="info",
                kind="unused-source",
                key=key,
                file=bib,
                line=sources[key].line,
                message=f"source {key} has no quotes",
            )
        )
    return report


def _quote_error(
    library: Library, quote: Quote, kind: FindingKind, key: str | None, message: str
) -> Finding:
    return Finding(
        severity="error",
        kind=kind,
        key=key,
        quote_id=quote.id,
        file=library.store.path_for(quote.id),
        message=message,
    )


def _check_keys(
    quote: Quote, sources: dict[str, Source], library: Library, report: CheckReport
) -> None:
    for key in quote.cited_keys:
        if key not in sources:
            close = library.index.closest_keys(key, 3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            message = f"quote {quote.id} cites '{key}', which is not in library.bib{hint}"
            report.findings.append(_quote_error(library, quote, "missing-key", key, message))


def _check_locators(
    quote: Quote, sources: dict[str, Source], library: Library, report: CheckReport
) -> None:
    for key, locator in ((quote.source, quote.locator), (quote.quoted_in, quote.quoted_in_locator)):
        if not key or locator is None or key not in sources:
            continue
        bounds = page_range(sources[key])
        if bounds is None:
            continue
        outside = [p for p in locator_pages(locator) if not bounds[0] <= p <= bounds[1]]
        if outside:
            message = (
                f"quote {quote.id}: page {outside[0]} is outside {key}'s pages"
                f" {bounds[0]}–{bounds[1]}"
            )
            report.findings.append(
                _quote_error(library, quote, "locator-out-of-range", key, message)
            )
