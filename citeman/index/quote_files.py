"""Keeping the quote rows of the index in step with the files in quotes/.

Use cases (all called by :meth:`citeman.index.LibraryIndex.refresh`):

* :func:`scan_quote_dir` lists quotes/ with one ``os.scandir`` and a stat per
  file (a :class:`Snapshot`). Comparing it with the snapshot stored at
  the last refresh tells which files may have changed, without reading any.
* :func:`read_quote_files` reads those files (in worker processes for a large
  build); a file whose bytes hash as before (``touch``, an editor saving the
  same text) is not re-indexed.
* :class:`QuoteRowWriter` / :func:`delete_quote_row` keep ``quote_files``,
  ``quote_tags`` and the full-text table ``quotes_fts`` (same rowid) together.

Racy timestamps: a file written within :data:`RACY_NS` of the scan may change
again without its mtime moving (coarse clocks, same-tick edits), so its
snapshot entry is stored with ``mtime_ns = -1``; the next refresh then reads
and hashes it once more (the trick git uses for its index).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import sqlite3
from array import array
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from citeman.errors import QuoteFileError
from citeman.index.text import fold, fold_locator
from citeman.models import Locator, Quote

QUOTE_SUFFIX = ".md"


def is_quote_file_name(name: str) -> bool:
    """A quote file, not a hidden one (atomic_write's temporary files are hidden)."""
    return name.endswith(QUOTE_SUFFIX) and name[0] != "."


RACY_NS = 2_000_000_000
#: Below this many files to read, worker processes cost more than they save.
PARALLEL_MIN_FILES = 3000
_CHUNK = 500

_YEAR = re.compile(r"\b(\d{4})\b")

#: report(done, total) while quote files are read.
ReadProgress = Callable[[int, int], None]


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Snapshot:
    """The quote files' names, sizes and mtimes, in directory order.

    Kept as a list and two integer arrays (not a dict of tuples) because with
    100,000 files the cheap path of every command, "nothing changed", is one
    comparison of :meth:`to_bytes` with the stored bytes.
    """

    def __init__(self, names: list[str], sizes: array[int], mtimes: array[int]) -> None:
        self.names = names
        self.sizes = sizes
        self.mtimes = mtimes

    @classmethod
    def empty(cls) -> Snapshot:
        return cls([], array("q"), array("q"))

    def as_mapping(self) -> dict[str, tuple[int, int]]:
        return dict(zip(self.names, zip(self.sizes, self.mtimes, strict=True), strict=True))

    def to_bytes(self) -> bytes:
        names = "\0".join(self.names).encode("utf-8", "surrogateescape")
        header = array("q", [len(self.names), len(names)]).tobytes()
        return header + names + self.sizes.tobytes() + self.mtimes.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Snapshot:
        header = array("q")
        header.frombytes(data[:16])
        count, names_length = header
        if not count:
            return cls.empty()
        names = data[16 : 16 + names_length].decode("utf-8", "surrogateescape").split("\0")
        numbers = array("q")
        numbers.frombytes(data[16 + names_length :])
        return cls(names, numbers[:count], numbers[count:])

    def updated(self, stats: Mapping[str, tuple[int, int]], removed: Iterable[str]) -> Snapshot:
        """A copy with the entries of ``stats`` replaced (or appended, for new names)
        and the names ``removed`` dropped."""
        removed = set(removed)
        if not stats and not removed:
            return self
        positions = self._positions(stats)
        names = list(self.names)
        sizes, mtimes = array("q", self.sizes), array("q", self.mtimes)
        for name, (size, mtime) in stats.items():
            if name in positions:
                sizes[positions[name]], mtimes[positions[name]] = size, mtime
            else:
                names.append(name)
                sizes.append(size)
                mtimes.append(mtime)
        if not removed:
            return Snapshot(names, sizes, mtimes)
        kept = [i for i, name in enumerate(names) if name not in removed]
        return Snapshot(
            [names[i] for i in kept],
            array("q", (sizes[i] for i in kept)),
            array("q", (mtimes[i] for i in kept)),
        )

    def _positions(self, names: Collection[str]) -> dict[str, int]:
        """Where each of ``names`` is (names not in the snapshot are left out)."""
        if len(names) < 64:  # one edit: find the few positions without a 100k-entry dict
            positions = {}
            for name in names:
                with contextlib.suppress(ValueError):  # not there: a new file
                    positions[name] = self.names.index(name)
            return positions
        return {name: i for i, name in enumerate(self.names) if name in names}

    def entries(self, names: Collection[str]) -> dict[str, tuple[int, int]]:
        """The (size, mtime) of each of ``names`` that the snapshot holds."""
        return {
            name: (self.sizes[i], self.mtimes[i]) for name, i in self._positions(names).items()
        }

    def changed_since(self, old: Snapshot) -> tuple[list[str], list[str]]:
        """(names new or with another size/mtime, names gone) compared with ``old``."""
        if self.names == old.names:
            changed = [
                name
                for name, size, mtime, old_size, old_mtime in zip(
                    self.names, self.sizes, self.mtimes, old.sizes, old.mtimes, strict=True
                )
                if size != old_size or mtime != old_mtime
            ]
            return changed, []
        # Files came or went: match names through one position map (left over: gone).
        position = {name: i for i, name in enumerate(old.names)}
        old_sizes, old_mtimes = old.sizes, old.mtimes
        changed = []
        for name, size, mtime in zip(self.names, self.sizes, self.mtimes, strict=True):
            i = position.pop(name, None)
            if i is None or old_sizes[i] != size or old_mtimes[i] != mtime:
                changed.append(name)
        return changed, list(position)


def scan_quote_dir(quotes_dir: Path) -> Snapshot:
    """The quote files (hidden and temporary files skipped) with their size and mtime."""
    names: list[str] = []
    sizes: array[int] = array("q")
    mtimes: array[int] = array("q")
    try:
        fd = os.open(quotes_dir, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return Snapshot(names, sizes, mtimes)
    try:
        with os.scandir(fd) as entries:
            listed = [e.name for e in entries if is_quote_file_name(e.name)]
        # The loop is the cost of every command in a large library: keep it tight.
        stat = os.stat
        for name in listed:
            try:
                info = stat(name, dir_fd=fd)
            except OSError:  # deleted since the listing
                continue
            if S_ISREG(info.st_mode):
                names.append(name)
                sizes.append(info.st_size)
                mtimes.append(info.st_mtime_ns)
    finally:
        os.close(fd)
    return Snapshot(names, sizes, mtimes)


def restat(
    snapshot: Snapshot, quotes_dir: Path, names: Collection[str]
) -> tuple[dict[str, tuple[int, int]], list[str], list[str]]:
    """The files ``names`` looked at again: the (size, mtime) of those there, which of
    them changed since ``snapshot``, and which are gone (what
    :meth:`Snapshot.changed_since` would say, without comparing every entry)."""
    stats: dict[str, tuple[int, int]] = {}
    gone: list[str] = []
    for name in names:
        try:
            info = os.stat(quotes_dir / name)
        except (FileNotFoundError, NotADirectoryError):
            gone.append(name)
        else:
            if S_ISREG(info.st_mode):
                stats[name] = (info.st_size, info.st_mtime_ns)
            else:
                gone.append(name)
    before = snapshot.entries(names)
    changed = [name for name, entry in stats.items() if before.get(name) != entry]
    return stats, changed, gone


def settled(size: int, mtime_ns: int, scan_ns: int) -> tuple[int, int]:
    """The snapshot entry for a file seen at ``scan_ns``: racy mtimes are smudged."""
    return (size, -1) if mtime_ns >= scan_ns - RACY_NS else (size, mtime_ns)


class QuoteRow(NamedTuple):
    """What the index stores of one readable quote, apart from what it borrows
    from the sources it cites (see :class:`QuoteRowWriter`).

    Built where the file is read, in a worker process during a large build: the
    JSON and folded forms cost more than the insert, and these plain strings
    cross the process boundary far cheaper than a pickled :class:`Quote` (a
    named tuple pickles as a tuple: the main process unpickles 100,000 of them).
    """

    id: str
    data: str  # the Quote as JSON
    source: str | None
    quoted_in: str | None
    dated: int | None  # the year in the quote's own date
    locator_value: str | None
    locator_text: str | None
    tags: tuple[str, ...]
    folded_tags: tuple[str, ...]  # as tag: compares them
    text: str
    note: str
    speaker: str

    @classmethod
    def of(cls, quote: Quote) -> QuoteRow:
        locator = quote.locator or quote.quoted_in_locator
        locator_value, locator_text = (
            _folded_locator(locator) if locator is not None else (None, None)
        )
        found = _YEAR.search(quote.date) if quote.date else None
        return cls(
            quote.id,
            quote.model_dump_json(),
            quote.source,
            quote.quoted_in,
            int(found.group(1)) if found else None,
            locator_value,
            locator_text,
            tuple(quote.tags),
            tuple(fold(tag) for tag in quote.tags),
            quote.text,
            quote.note or "",
            quote.speaker or "",
        )


@functools.lru_cache(maxsize=4096)
def _folded_locator(locator: Locator) -> tuple[str, str]:
    """(value, canonical text) as ``locator:`` compares them; a library repeats the
    same few thousand locators, and a Locator is frozen (hashable)."""
    from citeman.locators import format_locator

    return fold_locator(locator.value), fold_locator(format_locator(locator))


class ReadFile(NamedTuple):
    """One quote file as read: its stat and hash, and the quote's row or the error.

    ``unchanged``: the bytes hash as the index has them (nothing parsed);
    ``vanished``: the file was deleted between the scan and the read.
    """

    name: str
    size: int = 0
    mtime_ns: int = -1
    digest: str = ""
    row: QuoteRow | None = None
    problem: QuoteFileError | None = None
    unchanged: bool = False
    vanished: bool = False


def read_quote_file_record(path: Path, known_digest: str | None = None) -> ReadFile:
    """Read and hash one file; parse it unless its hash is ``known_digest``."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except FileNotFoundError:
        return ReadFile(path.name, vanished=True)
    except OSError as exc:
        error = QuoteFileError(f"cannot read the file: {exc.strerror or exc}", path)
        return ReadFile(path.name, problem=error)
    digest = file_digest(data)
    if digest == known_digest:
        return ReadFile(path.name, stat.st_size, stat.st_mtime_ns, digest, unchanged=True)
    # Imported here, not above: a file only touched needs no YAML parser (nor its import).
    from citeman.quotes import MAX_FILE_BYTES, quote_from_text, read_quote_file

    quote: Quote | None = None
    problem: QuoteFileError | None = None
    try:
        if len(data) > MAX_FILE_BYTES:
            quote = read_quote_file(path)  # raises the store's own error for this
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                quote = read_quote_file(path)  # the same: its error names the byte
            else:
                quote = quote_from_text(text, path)
    except QuoteFileError as exc:
        problem = exc
    row = QuoteRow.of(quote) if quote is not None else None
    return ReadFile(path.name, stat.st_size, stat.st_mtime_ns, digest, row, problem)


#: (file name, the digest the index has or None) of each file to read.
_Jobs = list[tuple[str, str | None]]


def _read_chunk(quotes_dir: Path, jobs: _Jobs) -> list[ReadFile]:
    # The paths are made here, in the worker: 100,000 Path objects cost the main
    # process about half a second, and pickle larger than the names.
    return [read_quote_file_record(quotes_dir / name, digest) for name, digest in jobs]


def _read_here(quotes_dir: Path, jobs: _Jobs, report: ReadProgress) -> Iterator[ReadFile]:
    for done, (name, digest) in enumerate(jobs, start=1):
        yield read_quote_file_record(quotes_dir / name, digest)
        if done % _CHUNK == 0:
            report(done, len(jobs))


def _collect(
    chunks: list[Future[list[ReadFile]]], total: int, report: ReadProgress
) -> Iterator[ReadFile]:
    done = 0
    for chunk in chunks:
        records = chunk.result()
        yield from records
        done += len(records)
        report(done, total)


@contextlib.contextmanager
def read_quote_files(
    quotes_dir: Path,
    names: list[str],
    known_digests: Mapping[str, str],
    report: ReadProgress,
) -> Iterator[Iterator[ReadFile]]:
    """The files ``names`` read (and parsed when their hash is not the known one),
    in order, as an iterator over :class:`ReadFile`.

    Many files (a first build) are read in worker processes: parsing YAML is
    the bulk of the work and the processes share nothing. They start on entering
    the block, so they parse while the caller does other work (library.bib).
    """
    jobs = [(name, known_digests.get(name)) for name in names]
    total = len(jobs)
    workers = min(os.cpu_count() or 1, 8)
    if total < PARALLEL_MIN_FILES or workers < 2:
        yield _read_here(quotes_dir, jobs, report)
        return
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        chunks = [
            pool.submit(_read_chunk, quotes_dir, jobs[i : i + _CHUNK])
            for i in range(0, total, _CHUNK)
        ]
        yield _collect(chunks, total, report)
    finally:
        pool.shutdown(cancel_futures=True)


# -- rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFacts:
    """What a quote row borrows from the works it cites (for search and year:)."""

    authors: str
    title: str
    year: int | None


class SourceFactsCache:
    """Per-key :class:`SourceFacts` from the ``sources`` table, read on demand."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._facts: dict[str, SourceFacts | None] = {}

    def preload(self) -> None:
        """Read every source at once (cheaper than one query per key in a full build)."""
        for key, authors, title, year in self._conn.execute(
            "SELECT key, authors, title, year FROM sources"
        ):
            self._facts[key] = SourceFacts(authors, title, year)

    def get(self, key: str | None) -> SourceFacts | None:
        if key is None:
            return None
        if key not in self._facts:
            row = self._conn.execute(
                "SELECT authors, title, year FROM sources WHERE key = ?", (key,)
            ).fetchone()
            self._facts[key] = SourceFacts(*row) if row else None
        return self._facts[key]

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._facts.pop(key, None)


def problem_to_json(problem: QuoteFileError) -> str:
    return json.dumps(
        {
            "problem": problem.problem,
            "file": str(problem.file) if problem.file is not None else None,
            "line": problem.line,
            "field": problem.field,
            "hint": problem.hint,
        }
    )


def problem_from_json(data: str) -> QuoteFileError:
    return QuoteFileError(**json.loads(data))


def _quote_year(row: QuoteRow, cited: list[SourceFacts]) -> int | None:
    for facts in cited:
        if facts.year is not None:
            return facts.year
    return row.dated


class QuoteRowWriter:
    """Inserts or replaces quote rows (``quote_files``, ``quote_tags`` and
    ``quotes_fts``, same rowid), in batches.

    Use it as a context manager: rows are buffered and written with one
    ``executemany`` per table every :data:`BATCH_ROWS` rows and on leaving the
    block (nothing is written when the block raises: the transaction rolls
    back anyway). New rows get their rowid here, as SQLite would (the largest
    plus one), so that the three tables can be filled apart.
    """

    BATCH_ROWS = 1000

    def __init__(self, conn: sqlite3.Connection, sources: SourceFactsCache) -> None:
        self._conn = conn
        self._sources = sources
        (largest,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM quote_files").fetchone()
        self._next_rowid = int(largest) + 1
        self._files: list[tuple[object, ...]] = []
        self._tags: list[tuple[int, str]] = []
        self._texts: list[tuple[object, ...]] = []

    def __enter__(self) -> QuoteRowWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.flush()

    def write(
        self,
        rowid: int | None,
        name: str,
        digest: str,
        row: QuoteRow | None,
        problem: QuoteFileError | None,
    ) -> int:
        """Insert or replace the row of file ``name`` (``rowid`` None: a new file); its rowid."""
        if rowid is None:
            rowid = self._next_rowid
            self._next_rowid += 1
        else:
            delete_quote_row(self._conn, rowid)
        if row is None:
            problem_json = problem_to_json(problem) if problem else None
            self._files.append(
                (rowid, name, digest, None, None, problem_json, None, None, None, None, None)
            )
        else:
            get = self._sources.get
            cited = [f for f in (get(row.source), get(row.quoted_in)) if f]
            self._files.append((
                rowid, name, digest, row.id, row.data, None, row.source, row.quoted_in,
                _quote_year(row, cited), row.locator_value, row.locator_text,
            ))
            self._tags.extend((rowid, tag) for tag in row.folded_tags)
            self._texts.append((
                rowid, row.text, row.note, row.speaker, " ; ".join(row.tags),
                " ; ".join(f.authors for f in cited), " ; ".join(f.title for f in cited),
            ))
        if len(self._files) >= self.BATCH_ROWS:
            self.flush()
        return rowid

    def flush(self) -> None:
        self._conn.executemany(
            "INSERT INTO quote_files (rowid, name, digest, id, data, problem, source, quoted_in,"
            " year, locator_value, locator_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._files,
        )
        self._conn.executemany(
            "INSERT INTO quote_tags (quote_rowid, tag) VALUES (?, ?)", self._tags
        )
        self._conn.executemany(
            "INSERT INTO quotes_fts (rowid, text, note, speaker, tags, authors, title)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            self._texts,
        )
        self._files, self._tags, self._texts = [], [], []


def delete_quote_row(conn: sqlite3.Connection, rowid: int) -> None:
    conn.execute("DELETE FROM quote_files WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM quote_tags WHERE quote_rowid = ?", (rowid,))
    conn.execute("DELETE FROM quotes_fts WHERE rowid = ?", (rowid,))


def rows_citing(
    conn: sqlite3.Connection, keys: Iterable[str], skip: Container[int]
) -> list[tuple[int, str, str, str]]:
    """(rowid, name, digest, quote JSON) of the readable quotes citing any of ``keys``,
    but not those whose rowid is in ``skip`` (just written: a first build writes
    every row, and their JSON is not worth reading back)."""
    rowids: set[int] = set()
    keys = list(keys)
    # Only rows with data have a source or quoted_in, so each query is answered from
    # its column's index alone (a first build asks about every key: with the data
    # column in the condition that read all 100,000 rows, 1.2 s).
    for column in ("source", "quoted_in"):
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            rowids.update(
                rowid
                for (rowid,) in conn.execute(
                    f"SELECT rowid FROM quote_files WHERE {column} IN"
                    f" ({','.join('?' * len(batch))})",
                    batch,
                )
                if rowid not in skip
            )
    return [
        conn.execute(
            "SELECT rowid, name, digest, data FROM quote_files WHERE rowid = ?", (rowid,)
        ).fetchone()
        for rowid in sorted(rowids)
    ]


def stored_digests(conn: sqlite3.Connection, names: Iterable[str]) -> Mapping[str, tuple[int, str]]:
    """``{name: (rowid, digest)}`` for the given file names that have rows."""
    names = list(names)
    if len(names) > 2000:
        wanted = set(names)
        return {
            name: (rowid, digest)
            for rowid, name, digest in conn.execute("SELECT rowid, name, digest FROM quote_files")
            if name in wanted
        }
    found = {}
    for name in names:
        row = conn.execute(
            "SELECT rowid, digest FROM quote_files WHERE name = ?", (name,)
        ).fetchone()
        if row:
            found[name] = (row[0], row[1])
    return found
