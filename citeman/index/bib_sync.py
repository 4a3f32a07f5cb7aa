"""Keeping the source rows of the index in step with library.bib.

Use case: :meth:`citeman.index.LibraryIndex.refresh` calls :func:`sync_sources`
when library.bib's size or mtime moved. It reads the file once and

* does nothing but remember the new stat when the bytes hash as before;
* parses only the appended tail when the file still starts with the bytes parsed
  last time (``cite source add`` appends): the earlier entries, their problems
  and their order stay as stored;
* else parses the whole file (the reader, bibtexparser and the CSL mapping are
  imported only then) and replaces the rows.

It returns the keys whose Source changed (added, removed or different), so the
quotes citing them can re-borrow authors, title and year.

The tail shortcut is taken only when it cannot differ from a full parse: the
last parse had no problems, the decoded text keeps its encoding, the tail
neither uses crossref/xdata nor repeats a key, and any @string macros defined
earlier are known (the reader returns them as ``macros``; without them, a file
with @string blocks is parsed whole).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeman.index.quote_files import file_digest
from citeman.models import Source

if TYPE_CHECKING:
    from citeman.bibtex import BibLoadResult

_STRING_BLOCK = re.compile(rb"@\s*string\s*[{(]", re.IGNORECASE)
_INHERITANCE = re.compile(r"\b(crossref|xdata)\s*=", re.IGNORECASE)


@dataclass
class BibState:
    """What the index remembers about the library.bib it last parsed."""

    size: int = -1
    mtime_ns: int = -1
    digest: str = ""
    encoding: str = ""
    chars: int = 0
    clean: bool = False
    macros: dict[str, str] | None = None

    @classmethod
    def from_json(cls, text: str | None) -> BibState:
        return cls(**json.loads(text)) if text else cls()

    def to_json(self) -> str:
        return json.dumps(self.__dict__)


def _source_row(source: Source) -> tuple[str, str, str, str, int | None]:
    """(facts digest, JSON, authors, title, year); the digest covers what quotes borrow.

    A line shift after an edit elsewhere changes the JSON but not the digest, so
    the quotes citing that source are not re-indexed.
    """
    authors, title = " ; ".join(source.author_names), source.title
    facts = json.dumps([authors, title, source.year]).encode("utf-8")
    return file_digest(facts), source.model_dump_json(), authors, title, source.year


def _full_parse(data: bytes, path: Path) -> tuple[BibLoadResult, str]:
    from citeman.bibtex import decode_bib_bytes, parse_bib_text

    text, encoding = decode_bib_bytes(data)
    result = parse_bib_text(text, file=path)
    result.encoding = encoding
    return result, text


def _tail_parse(
    data: bytes, path: Path, state: BibState, conn: sqlite3.Connection
) -> tuple[BibLoadResult, str] | None:
    """The result for the appended bytes only, or None when a full parse is needed."""
    if not state.clean or state.size <= 0 or len(data) <= state.size:
        return None
    if file_digest(data[: state.size]) != state.digest:
        return None
    if state.macros is None and _STRING_BLOCK.search(data, 0, state.size):
        return None
    from citeman.bibtex import decode_bib_bytes, parse_bib_text

    text, encoding = decode_bib_bytes(data)
    if encoding != state.encoding:
        return None
    tail = text[state.chars :]
    if _INHERITANCE.search(tail):
        return None
    first_line = text.count("\n", 0, state.chars) + 1
    result = parse_bib_text(tail, file=path, first_line=first_line, macros=state.macros or {})
    if result.problems:
        return None
    keys = [s.key for s in result.sources]
    marks = ",".join("?" * len(keys))
    if keys and conn.execute(f"SELECT 1 FROM sources WHERE key IN ({marks})", keys).fetchone():
        return None  # a repeated key: the full parse reports it
    result.encoding = encoding
    return result, text


def _macros_of(result: BibLoadResult) -> dict[str, str] | None:
    macros: Any = getattr(result, "macros", None)
    return dict(macros) if macros is not None else None


def sync_sources(
    conn: sqlite3.Connection, path: Path, stat: tuple[int, int] | None, state: BibState
) -> tuple[BibState, set[str], int]:
    """Bring ``sources``/``bib_problems`` up to date; (new state, changed keys, parsed count)."""
    try:
        data = path.read_bytes() if stat is not None else None
    except FileNotFoundError:
        data = None
    if data is None:
        changed = {row[0] for row in conn.execute("SELECT key FROM sources")}
        conn.execute("DELETE FROM sources")
        conn.execute("DELETE FROM bib_problems")
        return BibState(), changed, 0
    assert stat is not None
    digest = file_digest(data)
    if digest == state.digest:
        return BibState(**{**state.__dict__, "size": stat[0], "mtime_ns": stat[1]}), set(), 0

    tail = _tail_parse(data, path, state, conn)
    if tail is not None:
        result, text = tail
        start = conn.execute("SELECT coalesce(max(ord), -1) + 1 FROM sources").fetchone()[0]
        changed = _insert_sources(conn, result.sources, start)
        macros = (
            {**(state.macros or {}), **(_macros_of(result) or {})}
            if state.macros is not None
            else _macros_of(result)
        )
    else:
        result, text = _full_parse(data, path)
        changed = _replace_sources(conn, result.sources)
        conn.execute("DELETE FROM bib_problems")
        conn.executemany(
            "INSERT INTO bib_problems (ord, data) VALUES (?, ?)",
            [(i, p.model_dump_json()) for i, p in enumerate(result.problems)],
        )
        macros = _macros_of(result)
    new_state = BibState(
        size=stat[0],
        mtime_ns=stat[1],
        digest=digest,
        encoding=result.encoding,
        chars=len(text),
        clean=not result.problems and (tail is None or state.clean),
        macros=macros,
    )
    return new_state, changed, len(result.sources)


def _insert_sources(conn: sqlite3.Connection, sources: list[Source], start: int) -> set[str]:
    conn.executemany(
        "INSERT INTO sources (key, ord, digest, data, authors, title, year)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(s.key, start + i, *_source_row(s)) for i, s in enumerate(sources)],
    )
    return {s.key for s in sources}


def _replace_sources(conn: sqlite3.Connection, sources: list[Source]) -> set[str]:
    before = dict(conn.execute("SELECT key, digest FROM sources").fetchall())
    conn.execute("DELETE FROM sources")
    rows = []
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.key in seen:  # the reader keeps the first of duplicates; be sure
            continue
        seen.add(source.key)
        rows.append((source.key, i, *_source_row(source)))
    conn.executemany(
        "INSERT INTO sources (key, ord, digest, data, authors, title, year)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    after = {row[0]: row[2] for row in rows}  # (key, ord, digest, …)
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
