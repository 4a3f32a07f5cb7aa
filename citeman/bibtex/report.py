"""Load every .bib file under a folder and tabulate entries and problems per file.

For release notes and data-safety checks on real libraries::

    python -m citeman.bibtex.report ../shared/bib-corpus \\
        --strings biber-papers.bib=biber-definitions.bib

prints one row per file (entries loaded, problems by kind, codec read with, seconds)
and a total. ``--strings FILE=STRINGS`` loads ``STRINGS`` (relative to the
folder) as @string macros before ``FILE``, as biber's ``papers.bib`` needs.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citeman.bibtex.reader import BibProblem, load_bib

__all__ = ["FileReport", "format_table", "load_folder"]


@dataclass
class FileReport:
    path: Path
    entries: int
    encoding: str
    seconds: float
    problems: list[BibProblem] = field(default_factory=list)

    @property
    def problem_counts(self) -> Counter[str]:
        return Counter(problem.kind for problem in self.problems)


def load_folder(
    root: Path, string_files: Mapping[str, Sequence[Path]] | None = None
) -> Iterator[FileReport]:
    """Load each ``*.bib`` under ``root`` (sorted); ``string_files`` maps a relative path to
    the @string files it needs."""
    string_files = string_files or {}
    for path in sorted(root.rglob("*.bib")):
        relative = path.relative_to(root).as_posix()
        started = time.perf_counter()
        result = load_bib(path, string_files=string_files.get(relative, ()))
        yield FileReport(
            path=path,
            entries=len(result.sources),
            encoding=result.encoding,
            seconds=time.perf_counter() - started,
            problems=result.problems,
        )


def format_table(reports: Sequence[FileReport], root: Path) -> str:
    """A fixed-width table with one row per file and a total row."""
    kinds = sorted({kind for report in reports for kind in report.problem_counts})
    header = ["file", "entries", *kinds, "codec", "seconds"]
    rows = [
        [
            report.path.relative_to(root).as_posix(),
            str(report.entries),
            *(str(report.problem_counts.get(kind, 0) or "") for kind in kinds),
            report.encoding,
            f"{report.seconds:.2f}",
        ]
        for report in reports
    ]
    totals = Counter[str]()
    for report in reports:
        totals.update(report.problem_counts)
    rows.append(
        [
            f"TOTAL ({len(reports)} files)",
            str(sum(report.entries for report in reports)),
            *(str(totals[kind]) for kind in kinds),
            "",
            f"{sum(report.seconds for report in reports):.2f}",
        ]
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--strings", action="append", default=[], metavar="FILE=STRINGS")
    parser.add_argument("--problems", action="store_true", help="list every problem too")
    args = parser.parse_args(argv)
    string_files: dict[str, list[Path]] = {}
    for pair in args.strings:
        target, _, strings = pair.partition("=")
        string_files.setdefault(target, []).append(args.folder / strings)
    reports = list(load_folder(args.folder, string_files))
    print(format_table(reports, args.folder))
    if args.problems:
        for report in reports:
            for problem in report.problems:
                print(problem)


if __name__ == "__main__":
    main()
