"""The index database file: opening, the schema, and recovery from a bad file.

Use cases:

* :func:`open_index_db` is what :class:`~citeman.index.LibraryIndex` calls: it
  returns a connection to ``.citeman/index.sqlite`` with the current schema,
  creating the file when it is missing and rebuilding it (silently) when it is
  not a database, is damaged, or was written by another citeman version.
* :func:`write_transaction` wraps a refresh: ``BEGIN IMMEDIATE`` takes SQLite's
  write lock up front, so two processes refreshing at once queue instead of
  deadlocking, and a killed process leaves the previous state (WAL rollback).

The database is a cache: everything in it can be rebuilt from library.bib and
quotes/, so the cure for any doubt about it is to delete it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import citeman
from citeman.errors import LockTimeoutError

#: Bump when the tables or what is stored in them change.
SCHEMA_VERSION = 2
#: A cache written by another schema or another citeman version is rebuilt.
SCHEMA_STAMP = f"{SCHEMA_VERSION}:{citeman.__version__}"
DB_NAME = "index.sqlite"
BUSY_TIMEOUT_MS = 60_000
#: The page cache of a large build (SQLite's default is 2 MiB).
BUILD_CACHE_KIB = 64 * 1024

#: bm25 weights follow the column order of quotes_fts (see search.compile).
FTS_COLUMNS = ("text", "note", "speaker", "tags", "authors", "title")

_SCHEMA = f"""
CREATE TABLE meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE sources (
    key TEXT PRIMARY KEY,            -- case-sensitive (BINARY collation)
    ord INTEGER NOT NULL,            -- position in library.bib
    digest TEXT NOT NULL,            -- hash of authors, title, year
    data TEXT NOT NULL,              -- Source as JSON
    authors TEXT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER
);
CREATE TABLE bib_problems (ord INTEGER PRIMARY KEY, data BLOB NOT NULL);
-- Entries of the quote-file snapshot (meta 'quote_files') changed since it was written;
-- size -1: the file is gone. See LibraryIndex._refresh.
CREATE TABLE quote_file_changes (
    name TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE quote_files (
    rowid INTEGER PRIMARY KEY,       -- also the rowid of quotes_fts
    name TEXT NOT NULL UNIQUE,       -- file name in quotes/
    digest TEXT NOT NULL,            -- hash of the file's bytes
    id TEXT,                         -- NULL when the file does not read (see problem)
    data TEXT,                       -- Quote as JSON
    problem TEXT,                    -- QuoteFileError as JSON
    source TEXT,
    quoted_in TEXT,
    year INTEGER,                    -- the cited work's year (else the quote's date)
    locator_value TEXT,              -- folded: '45', 'p.45'
    locator_text TEXT
);
CREATE INDEX quote_files_id ON quote_files (id);
CREATE INDEX quote_files_source ON quote_files (source);
CREATE INDEX quote_files_quoted_in ON quote_files (quoted_in);
CREATE TABLE quote_tags (quote_rowid INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE INDEX quote_tags_tag ON quote_tags (tag);
CREATE INDEX quote_tags_quote ON quote_tags (quote_rowid);
CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    {", ".join(FTS_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE quotes_vocab USING fts5vocab (quotes_fts, 'row');
"""


class UnusableIndexError(Exception):
    """The file is not an index this citeman can use (internal: triggers a rebuild)."""


def is_damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether an error says the file is damaged (not merely locked or unwritable)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or (
        code is None and not isinstance(exc, sqlite3.OperationalError)
    )


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (write_transaction).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _stamp(conn: sqlite3.Connection) -> str | None:
    """The schema stamp of the file; None for an empty (new) database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not tables:
        return None
    if "meta" not in tables:
        raise UnusableIndexError("not a citeman index")
    row = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    return str(row[0]) if row else ""


def _create_schema(conn: sqlite3.Connection) -> None:
    """Create (or, for another version's file, re-create) the tables in one transaction."""
    with write_transaction(conn):
        stamp = _stamp(conn)  # again: another process may have done it meanwhile
        if stamp == SCHEMA_STAMP:
            return
        if stamp is not None:
            _drop_everything(conn)
        # One statement at a time: executescript() would commit the transaction.
        for statement in _SCHEMA.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_STAMP,))


def _drop_everything(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')"
        " AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    # Virtual tables first: dropping one drops its shadow tables too.
    virtual = [n for t, n in rows if t == "table" and n.endswith(("_fts", "_vocab"))]
    for name in virtual + [n for _, n in rows if n not in virtual]:
        conn.execute(f'DROP TABLE IF EXISTS "{name}"')


def _open_checked(path: Path) -> sqlite3.Connection:
    conn = _connect(path)
    try:
        # WAL lets readers (cite find) run while a refresh writes; it is persistent.
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if _stamp(conn) != SCHEMA_STAMP:
            _create_schema(conn)
        conn.execute("SELECT count(*) FROM quotes_fts WHERE rowid = 0").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (only the rare delete-and-recreate path takes it)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                break
            except OSError as exc:  # EINTR
                if exc.errno != errno.EINTR:
                    raise
        yield
    finally:
        os.close(fd)


def remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def open_index_db(state_dir: Path) -> sqlite3.Connection:
    """A connection to the index in ``state_dir``, created or rebuilt when needed."""
    state_dir.mkdir(parents=True, exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("*\n")
    path = state_dir / DB_NAME
    try:
        return _open_checked(path)
    except UnusableIndexError:
        pass
    except sqlite3.DatabaseError as exc:
        if not is_damaged(exc):
            raise
    # A damaged file. Under the lock, check again before deleting: another process
    # may have replaced it with a good one since we looked.
    with _file_lock(state_dir / "index.lock"):
        try:
            return _open_checked(path)
        except UnusableIndexError:
            remove_db_files(path)
        except sqlite3.DatabaseError as exc:
            if not is_damaged(exc):
                raise
            remove_db_files(path)
        return _open_checked(path)


def discard_index_db(state_dir: Path) -> None:
    """Delete a damaged index (the next open creates an empty one)."""
    with _file_lock(state_dir / "index.lock"):
        remove_db_files(state_dir / DB_NAME)


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            # busy_timeout covers most waits; a WAL recovery by another process can
            # still answer SQLITE_BUSY at once.
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise LockTimeoutError(
                    f"another cite process has been updating the index for"
                    f" {BUSY_TIMEOUT_MS // 1000} s",
                    "try again when it is done; if none is running, delete the .citeman folder",
                ) from None
            time.sleep(0.01)
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextlib.contextmanager
def build_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A larger page cache while many rows are written: with 2 MiB the secondary
    indexes' and FTS5's pages spill to the WAL and are read back over and over
    (100,000 quote rows: 7.7 s -> 7.1 s of CPU)."""
    (previous,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(previous)}")
