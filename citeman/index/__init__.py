"""The library index: a cache of library.bib and quotes/ that is never wrong.

Every command reads the library through a :class:`LibraryIndex`::

    from citeman.index import LibraryIndex

    index = LibraryIndex(settings)          # .citeman/index.sqlite in the library
    stats = index.refresh()                 # cheap when nothing changed
    index.source("kotkin2014paradoxes")     # Source | None (keys are case-sensitive)
    index.quotes()                          # every readable quote, by id
    index.quote_problems()                  # QuoteFileErrors of files that do not read
    index.closest_keys("kotkin2104")        # for "did you mean"

The files stay the truth. :meth:`LibraryIndex.refresh` compares library.bib's
size and mtime and every quote file's (one directory scan) with what it saw
last time, and re-reads only what moved; a file whose bytes hash as before
(``touch``) is not re-indexed, and a file written within two seconds of a scan
is hashed again on the next one (same-tick edits). An append to library.bib
parses only the new entries. A missing, damaged or other-version cache file is
rebuilt silently. Two processes refreshing at once queue on SQLite's write lock
(WAL mode, ``BEGIN IMMEDIATE``), and readers never see half a refresh.

Why a stat per quote file and not just the quotes/ folder's mtime: the folder's
mtime moves when a file is created, deleted or renamed over (citeman's own
atomic writes, most editors' "safe save"), but not when an editor such as
Obsidian or VS Code rewrites a file in place. That stat loop is the fixed cost
of every command (about 3 µs a file on a slow VM disk, far less on a laptop);
the comparison itself is one bytes equality against the stored snapshot.
``cite daemon`` avoids it: its folder watcher names the files that changed and
``refresh(changed=...)`` looks at those alone, noting their entries beside the
snapshot (table ``quote_file_changes``) rather than rewriting it.

Searching is :mod:`citeman.search`; it queries :attr:`LibraryIndex.connection`.
Importing this module does not import the BibTeX reader (nor citeproc,
bibtexparser, lxml): they load only when library.bib must be parsed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from citeman.errors import QuoteFileError
from citeman.index.bib_sync import BibState, sync_sources
from citeman.index.db import (
    DB_NAME,
    build_cache,
    discard_index_db,
    is_damaged,
    open_index_db,
    write_transaction,
)
from citeman.index.quote_files import (
    QuoteRow,
    QuoteRowWriter,
    Snapshot,
    SourceFactsCache,
    delete_quote_row,
    is_quote_file_name,
    problem_from_json,
    read_quote_files,
    restat,
    rows_citing,
    scan_quote_dir,
    settled,
    stored_digests,
)
from citeman.models import LibrarySettings, Quote, Source

if TYPE_CHECKING:
    from citeman.bibtex.reader import BibProblem

__all__ = ["LibraryIndex", "ProgressCallback", "RefreshStats"]

#: progress(stage, done, total); stage is "sources" or "quotes".
ProgressCallback = Callable[[str, int, int], None]
#: Builds shorter than this show no progress.
PROGRESS_AFTER_SECONDS = 1.0
#: Snapshot entries noted apart before they are written into the snapshot itself.
MAX_SNAPSHOT_CHANGES = 2000


@dataclass
class RefreshStats:
    """What one :meth:`LibraryIndex.refresh` did (counters, never input: a plain dataclass)."""

    sources_parsed: int = 0
    quotes_indexed: int = 0
    quotes_removed: int = 0
    rebuilt: bool = False
    seconds: float = 0.0


def fallback_state_dir(root: Path) -> Path:
    """Where the index of a library whose own .citeman cannot be written lives."""
    import hashlib

    from platformdirs import user_cache_dir

    name = hashlib.blake2b(str(root.resolve()).encode("utf-8"), digest_size=8).hexdigest()
    return Path(user_cache_dir("citeman")) / "indexes" / name


def _bib_stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return info.st_size, info.st_mtime_ns


def _bib_unchanged(stat: tuple[int, int] | None, state: BibState) -> bool:
    if stat is None:
        return state.size == -1
    return stat == (state.size, state.mtime_ns) and state.mtime_ns != -1


class LibraryIndex:
    """The read side of a library, backed by ``settings.state_dir / "index.sqlite"``.

    When that folder cannot be written (read-only media), the index lives in the
    user's cache folder instead (:func:`fallback_state_dir`).
    """

    def __init__(self, settings: LibrarySettings) -> None:
        self.settings = settings
        self._state_dir = settings.state_dir
        self._conn: sqlite3.Connection | None = None

    # -- the database ----------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The open SQLite connection (for :mod:`citeman.search`; read it, do not write)."""
        if self._conn is None:
            try:
                self._conn = open_index_db(self._state_dir)
            except (OSError, sqlite3.OperationalError):
                if self._state_dir != self.settings.state_dir:
                    raise
                # A library on read-only media (or whose .citeman is not a folder):
                # keep the cache in the user's cache folder instead.
                self._state_dir = fallback_state_dir(self.settings.root)
                self._conn = open_index_db(self._state_dir)
        return self._conn

    @property
    def path(self) -> Path:
        """The SQLite file (in the user's cache folder when .citeman cannot be written)."""
        self.connection  # noqa: B018 (opening it decides which folder)
        return self._state_dir / DB_NAME

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> LibraryIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _meta(self, name: str) -> Any:
        row = self.connection.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: object) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value)
        )

    # -- refreshing --------------------------------------------------------------------

    def refresh(
        self, progress: ProgressCallback | None = None, *, changed: Iterable[str] | None = None
    ) -> RefreshStats:
        """Bring the index up to date with the files; cheap when nothing changed.

        ``progress`` is called as ``progress(stage, done, total)`` once a build has
        taken over a second (a first build of a large library, say).

        ``changed``: the names of every quote file that can have changed since a
        full refresh: the files this process has just written, or what a
        :class:`~citeman.storage.watch.QuoteDirWatcher` saw. Only those (and
        library.bib) are looked at, not every file in quotes/: the stored
        snapshot keeps the other files as that refresh saw them, so the next full
        refresh still finds any change made meanwhile by someone else.
        """
        started = time.perf_counter()
        only = None if changed is None else [name for name in changed if is_quote_file_name(name)]
        try:
            stats = self._refresh(progress, started, only)
        except sqlite3.DatabaseError as exc:
            if not is_damaged(exc):
                raise  # locked for too long, disk full, read-only: not a reason to delete
            # Damaged after it opened fine (a torn disk write, someone's editor):
            # the files are the truth, so start again from them.
            self.close()
            discard_index_db(self._state_dir)
            stats = self._refresh(progress, started, None)
            stats.rebuilt = True
        stats.seconds = time.perf_counter() - started
        return stats

    def _refresh(
        self, progress: ProgressCallback | None, started: float, only: list[str] | None
    ) -> RefreshStats:
        conn = self.connection
        scan_ns = time.time_ns()
        bib_path = self.settings.bib_path
        bib_stat = _bib_stat(bib_path)
        files: Snapshot | None = None
        bib_unchanged = _bib_unchanged(bib_stat, BibState.from_json(self._meta("bib")))
        if only is None:
            files = scan_quote_dir(self.settings.quotes_dir)
            if bib_unchanged and (
                self._meta("quote_files") == files.to_bytes() and not self._snapshot_changes()
            ):
                return RefreshStats()
        elif not only and bib_unchanged:
            return RefreshStats()

        def report(stage: str, done: int, total: int) -> None:
            if progress is not None and time.perf_counter() - started > PROGRESS_AFTER_SECONDS:
                progress(stage, done, total)

        stats = RefreshStats()
        with write_transaction(conn):
            # Read the stored state again under the write lock: another process may
            # have refreshed between our look and the lock.
            bib_state = BibState.from_json(self._meta("bib"))
            stored = self._meta("quote_files")
            stats.rebuilt = stored is None
            old = Snapshot.from_bytes(stored) if isinstance(stored, bytes) else Snapshot.empty()
            if (journal := self._snapshot_changes()) is not None:
                old = old.updated(*journal)
            restated: dict[str, tuple[int, int]] = {}
            if files is None and isinstance(stored, bytes):
                restated, changed, gone = restat(old, self.settings.quotes_dir, only or ())
            else:  # every file: asked for, or no snapshot yet
                files = files or scan_quote_dir(self.settings.quotes_dir)
                changed, gone = files.changed_since(old)
            known = stored_digests(conn, [*changed, *gone])
            seen: dict[str, tuple[int, int]] = {}
            written: set[int] = set()
            with read_quote_files(
                self.settings.quotes_dir,
                changed,
                {name: digest for name, (_, digest) in known.items()},
                lambda done, total: report("quotes", done, total),
            ) as records:  # a large build's workers start now, in parallel with library.bib
                changed_keys: set[str] = set()
                if not _bib_unchanged(bib_stat, bib_state):
                    report("sources", 0, 1)
                    bib_state, changed_keys, stats.sources_parsed = sync_sources(
                        conn, bib_path, bib_stat, bib_state
                    )
                    bib_state.size, bib_state.mtime_ns = settled(
                        bib_state.size, bib_state.mtime_ns, scan_ns
                    )
                    self._set_meta("bib", bib_state.to_json())
                    report("sources", 1, 1)

                facts = SourceFactsCache(conn)
                large = stats.rebuilt or len(changed) > 2000
                if large:
                    facts.preload()
                with (
                    build_cache(conn) if large else contextlib.nullcontext(),
                    QuoteRowWriter(conn, facts) as writer,
                ):
                    for record in records:
                        if record.vanished:
                            gone.append(record.name)
                            continue
                        seen[record.name] = settled(record.size, record.mtime_ns, scan_ns)
                        if record.unchanged:
                            continue  # touched, or saved with the same bytes
                        rowid = known[record.name][0] if record.name in known else None
                        written.add(
                            writer.write(
                                rowid, record.name, record.digest, record.row, record.problem
                            )
                        )
                        stats.quotes_indexed += 1
            for name in gone:
                if name in known:
                    delete_quote_row(conn, known[name][0])
                    stats.quotes_removed += 1
            stats.quotes_indexed += self._reborrow(changed_keys, written, facts)
            if files is None:
                self._note_snapshot_changes(old, {**restated, **seen}, gone)
            else:
                snapshot = files.updated(seen, gone).to_bytes()
                if snapshot != stored:  # 2.8 MB at 100,000 quotes: not rewritten for nothing
                    self._set_meta("quote_files", snapshot)
                self.connection.execute("DELETE FROM quote_file_changes")
        return stats

    # The snapshot of every quote file's size and mtime is one blob, compared whole
    # by the cheap path of a full refresh. A refresh of a few named files (a write,
    # what the daemon's watcher saw) notes their entries in quote_file_changes
    # instead of rewriting 2.8 MB at 100,000 quotes; a full refresh folds them in.

    def _snapshot_changes(self) -> tuple[dict[str, tuple[int, int]], list[str]] | None:
        """(entries changed or added, names gone) since the snapshot blob, or None."""
        rows = self.connection.execute("SELECT name, size, mtime FROM quote_file_changes")
        entries: dict[str, tuple[int, int]] = {}
        gone: list[str] = []
        for name, size, mtime in rows:
            if size < 0:
                gone.append(name)
            else:
                entries[name] = (size, mtime)
        return (entries, gone) if entries or gone else None

    def _note_snapshot_changes(
        self, snapshot: Snapshot, entries: dict[str, tuple[int, int]], gone: Iterable[str]
    ) -> None:
        """Record ``entries`` and ``gone`` (``snapshot`` is the blob with the earlier ones)."""
        conn = self.connection
        conn.executemany(
            "INSERT OR REPLACE INTO quote_file_changes (name, size, mtime) VALUES (?, ?, ?)",
            [(name, size, mtime) for name, (size, mtime) in entries.items()]
            + [(name, -1, -1) for name in gone],
        )
        count = conn.execute("SELECT count(*) FROM quote_file_changes").fetchone()[0]
        if count > MAX_SNAPSHOT_CHANGES:  # folded now and then, so that reading them stays cheap
            self._set_meta("quote_files", snapshot.updated(entries, gone).to_bytes())
            conn.execute("DELETE FROM quote_file_changes")

    def _reborrow(self, keys: set[str], written: set[int], facts: SourceFactsCache) -> int:
        """Re-index the quotes citing sources whose authors, title or year changed."""
        if not keys:
            return 0
        count = 0
        with QuoteRowWriter(self.connection, facts) as writer:
            for rowid, name, digest, data in rows_citing(self.connection, keys, written):
                writer.write(rowid, name, digest, QuoteRow.of(Quote.from_index_json(data)), None)
                count += 1
        return count

    # -- sources -----------------------------------------------------------------------

    def source(self, key: str) -> Source | None:
        """The source with citation key ``key`` (case-sensitive), or None."""
        row = self.connection.execute("SELECT data FROM sources WHERE key = ?", (key,)).fetchone()
        return Source.from_index_json(row[0]) if row else None

    def sources(self, keys: Iterable[str] | None = None) -> list[Source]:
        """All sources in library.bib order, or those of ``keys`` in that order.

        Unknown keys are skipped.
        """
        if keys is None:
            rows = self.connection.execute("SELECT data FROM sources ORDER BY ord")
            return [Source.from_index_json(data) for (data,) in rows]
        found = (self.source(key) for key in keys)
        return [source for source in found if source is not None]

    def source_keys(self) -> list[str]:
        """The citation keys in library.bib order."""
        return [key for (key,) in self.connection.execute("SELECT key FROM sources ORDER BY ord")]

    def closest_keys(self, key: str, n: int = 5) -> list[str]:
        """Up to ``n`` citation keys spelled like ``key``, best first (for "did you mean")."""
        from rapidfuzz import fuzz, process, utils

        matches = process.extract(
            key,
            self.source_keys(),
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=n,
            score_cutoff=70,
        )
        return [match[0] for match in matches]

    def bib_problems(self) -> list[BibProblem]:
        """What the reader reported about library.bib (duplicate keys, bad blocks, …)."""
        from citeman.bibtex.reader import BibProblem

        rows = self.connection.execute("SELECT data FROM bib_problems ORDER BY ord")
        return [BibProblem.model_validate_json(data) for (data,) in rows]

    # -- quotes ------------------------------------------------------------------------

    def quote(self, quote_id: str) -> Quote | None:
        """The quote with ``quote_id``, or None (also when its file does not read)."""
        row = self.connection.execute(
            "SELECT data FROM quote_files WHERE id = ? ORDER BY name LIMIT 1", (quote_id,)
        ).fetchone()
        return Quote.from_index_json(row[0]) if row else None

    def quotes(self, ids: Iterable[str] | None = None) -> list[Quote]:
        """All readable quotes sorted by id, or those of ``ids`` in that order (unknown skipped)."""
        if ids is None:
            rows = self.connection.execute(
                "SELECT data FROM quote_files WHERE data IS NOT NULL ORDER BY id, name"
            )
            return [Quote.from_index_json(data) for (data,) in rows]
        found = (self.quote(quote_id) for quote_id in ids)
        return [quote for quote in found if quote is not None]

    def quote_ids(self) -> list[str]:
        """The ids of the readable quotes, sorted."""
        rows = self.connection.execute(
            "SELECT id FROM quote_files WHERE id IS NOT NULL ORDER BY id, name"
        )
        return [quote_id for (quote_id,) in rows]

    def quote_problems(self) -> list[QuoteFileError]:
        """One error (file, line, field) per quote file that does not read, by file name."""
        rows = self.connection.execute(
            "SELECT problem FROM quote_files WHERE problem IS NOT NULL ORDER BY name"
        )
        return [problem_from_json(data) for (data,) in rows]

