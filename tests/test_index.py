"""LibraryIndex: a cache of library.bib and quotes/ that follows every change to the files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from citeman.index import LibraryIndex
from citeman.index import quote_files as quote_files_module
from citeman.index.db import DB_NAME
from citeman.models import LibrarySettings
from citeman.search import search


def write_quote(root: Path, quote_id: str, text: str, front: str = "") -> Path:
    path = root / "quotes" / f"{quote_id}.md"
    path.write_text(f"---\n{front}---\n{text}\n", encoding="utf-8")
    return path


def ids_found(index: LibraryIndex, query: str) -> list[str]:
    return [hit.quote.id for hit in search(index, query)]


@pytest.fixture
def index(library_dir: Path) -> LibraryIndex:
    write_quote(library_dir, "riddle", "A riddle wrapped in a mystery.", "speaker: Churchill\n")
    write_quote(
        library_dir,
        "paradox",
        "The paradoxes of power.",
        "source: kotkin2014paradoxes\nlocator: p. 45\ntags: [power]\n",
    )
    return LibraryIndex(LibrarySettings(root=library_dir))


def test_first_refresh_builds_then_nothing_to_do(index: LibraryIndex) -> None:
    first = index.refresh()
    assert first.rebuilt and first.quotes_indexed == 2 and first.sources_parsed == 3
    assert (index.settings.state_dir / DB_NAME).is_file()
    assert (index.settings.state_dir / ".gitignore").read_text() == "*\n"
    second = index.refresh()
    assert (second.quotes_indexed, second.sources_parsed, second.rebuilt) == (0, 0, False)
    assert index.quote_ids() == ["paradox", "riddle"]
    assert index.source_keys() == ["kotkin2014paradoxes", "kotkin2017waiting", "ahmann2007germany"]
    source = index.source("kotkin2014paradoxes")
    assert source is not None and source.year == 2014
    assert index.source("Kotkin2014paradoxes") is None  # keys are case-sensitive
    riddle = index.quote("riddle")
    assert riddle is not None and riddle.speaker == "Churchill"


def test_a_new_process_reads_the_cache_without_parsing(index: LibraryIndex) -> None:
    index.refresh()
    again = LibraryIndex(index.settings).refresh()
    assert (again.quotes_indexed, again.sources_parsed, again.rebuilt) == (0, 0, False)


def test_editing_one_quote_reindexes_that_quote_only(index: LibraryIndex) -> None:
    index.refresh()
    write_quote(index.settings.root, "riddle", "An enigma, said Churchill.")
    stats = index.refresh()
    assert (stats.quotes_indexed, stats.quotes_removed, stats.sources_parsed) == (1, 0, 0)
    assert ids_found(index, "enigma") == ["riddle"]
    assert ids_found(index, "mystery") == []


def test_touch_without_change_reindexes_nothing(index: LibraryIndex) -> None:
    index.refresh()
    path = index.settings.quotes_dir / "riddle.md"
    later = time.time_ns() + 10_000_000_000
    os.utime(path, ns=(later, later))
    assert index.refresh().quotes_indexed == 0
    assert ids_found(index, "riddle") == ["riddle"]


def test_same_size_same_mtime_edit_is_still_seen(index: LibraryIndex) -> None:
    """An edit within the mtime's resolution: the fresh file is hashed again next time."""
    path = index.settings.quotes_dir / "riddle.md"
    index.refresh()
    before = path.stat()
    path.write_text(path.read_text().replace("riddle", "muddle"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert index.refresh().quotes_indexed == 1
    assert ids_found(index, "muddle") == ["riddle"]


def test_deleting_a_quote_removes_it(index: LibraryIndex) -> None:
    index.refresh()
    (index.settings.quotes_dir / "riddle.md").unlink()
    stats = index.refresh()
    assert stats.quotes_removed == 1
    assert index.quote("riddle") is None
    assert ids_found(index, "mystery") == []


def test_a_new_quote_and_an_ignored_temp_file(index: LibraryIndex) -> None:
    index.refresh()
    write_quote(index.settings.root, "new", "Fresh words.")
    (index.settings.quotes_dir / ".new.md.citeman-tmp-x").write_text("half a file")
    (index.settings.quotes_dir / "notes.txt").write_text("not a quote")
    assert index.refresh().quotes_indexed == 1
    assert index.quote_ids() == ["new", "paradox", "riddle"]


def test_appended_source_parses_only_the_new_entry(index: LibraryIndex) -> None:
    index.refresh()
    with index.settings.bib_path.open("a", encoding="utf-8") as bib:
        bib.write("\n@book{service2005,\n  author = {Service, Robert},\n  title = {Stalin},\n"
                  "  year = {2005},\n}\n")
    stats = index.refresh()
    assert stats.sources_parsed == 1
    assert index.source_keys()[-1] == "service2005"
    added = index.source("service2005")
    from citeman.bibtex import load_bib

    full = {s.key: s for s in load_bib(index.settings.bib_path).sources}
    assert added == full["service2005"]
    assert index.sources() == list(full.values())


def test_appended_entry_uses_a_macro_defined_earlier(library_dir: Path) -> None:
    bib = library_dir / "library.bib"
    bib.write_text('@string{pp = "Penguin Press"}\n@book{a, title = {A}, publisher = pp}\n')
    index = LibraryIndex(LibrarySettings(root=library_dir))
    index.refresh()
    with bib.open("a") as handle:
        handle.write("@book{b, title = {B}, publisher = pp}\n")
    index.refresh()
    added = index.source("b")
    assert added is not None and added.fields["publisher"] == "Penguin Press"
    assert index.bib_problems() == []


def test_appended_duplicate_key_is_reported(index: LibraryIndex) -> None:
    index.refresh()
    with index.settings.bib_path.open("a") as handle:
        handle.write("@book{kotkin2017waiting, title = {Again}}\n")
    index.refresh()
    assert [p.kind for p in index.bib_problems()] == ["duplicate-key"]
    kept = index.source("kotkin2017waiting")
    assert kept is not None and "Waiting" in kept.title


def test_edited_source_updates_the_quotes_citing_it(index: LibraryIndex) -> None:
    index.refresh()
    assert ids_found(index, "author:kotkin") == ["paradox"]
    bib = index.settings.bib_path
    bib.write_text(bib.read_text().replace("Kotkin, Stephen", "Kötkinson, Stephen", 1))
    stats = index.refresh()
    assert stats.sources_parsed == 3 and stats.quotes_indexed == 1
    assert ids_found(index, "author:kotkinson") == ["paradox"]
    bib.write_text("")
    index.refresh()
    assert index.source_keys() == []
    assert ids_found(index, "author:kotkinson") == []
    assert ids_found(index, "paradoxes") == ["paradox"]  # the quote itself stays


def test_missing_bib_and_quotes_folder(tmp_path: Path) -> None:
    index = LibraryIndex(LibrarySettings(root=tmp_path))
    stats = index.refresh()
    assert (stats.sources_parsed, stats.quotes_indexed) == (0, 0)
    assert index.sources() == [] and index.quotes() == []


def test_invalid_quote_file_is_a_problem_until_fixed(index: LibraryIndex) -> None:
    bad = write_quote(index.settings.root, "bad", "words", "tags: [unclosed\n")
    index.refresh()
    problems = index.quote_problems()
    assert len(problems) == 1 and problems[0].file == bad and problems[0].line is not None
    assert index.quote("bad") is None and "bad" not in index.quote_ids()
    write_quote(index.settings.root, "bad", "words", "tags: [closed]\n")
    index.refresh()
    assert index.quote_problems() == []
    assert index.quote("bad") is not None


def test_garbage_cache_file_is_rebuilt(index: LibraryIndex) -> None:
    index.refresh()
    index.close()
    (index.settings.state_dir / DB_NAME).write_bytes(b"this is not SQLite" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{index.settings.state_dir / DB_NAME}{suffix}").unlink(missing_ok=True)
    fresh = LibraryIndex(index.settings)
    assert fresh.refresh().quotes_indexed == 2
    assert ids_found(fresh, "mystery") == ["riddle"]


def test_cache_damaged_inside_is_rebuilt_by_the_next_command(index: LibraryIndex) -> None:
    """A valid header over torn pages (a crash mid-write on a disk that lies) is not fatal."""
    from tests.conftest import run_cite

    index.refresh()
    index.close()
    db = index.settings.state_dir / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    data = db.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    db.write_bytes(data[:page] + b"\xa5" * (len(data) - page))
    found = run_cite("find", "mystery", "--ids", cwd=index.settings.root)
    assert (found.returncode, found.stdout, found.stderr) == (0, "riddle\n", "")
    assert LibraryIndex(index.settings).refresh().quotes_indexed == 0


def test_deleted_cache_file_is_rebuilt(index: LibraryIndex) -> None:
    index.refresh()
    index.close()
    for path in index.settings.state_dir.glob(f"{DB_NAME}*"):
        path.unlink()
    assert LibraryIndex(index.settings).refresh().rebuilt


def test_cache_from_another_version_is_rebuilt(index: LibraryIndex) -> None:
    index.refresh()
    index.connection.execute("UPDATE meta SET value = '0:0.0.0' WHERE name = 'schema'")
    index.close()
    stats = LibraryIndex(index.settings).refresh()
    assert stats.rebuilt and stats.quotes_indexed == 2


def test_progress_is_reported_for_long_builds(
    index: LibraryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citeman.index

    monkeypatch.setattr(citeman.index, "PROGRESS_AFTER_SECONDS", -1.0)
    calls: list[tuple[str, int, int]] = []
    index.refresh(progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert ("sources", 1, 1) in calls


def test_many_files_are_read_in_worker_processes(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quote_files_module, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(quote_files_module, "_CHUNK", 7)
    for n in range(40):
        write_quote(library_dir, f"q{n:02d}", f"Quote number {n} about tanks.")
    write_quote(library_dir, "broken", "x", "locator: [\n")
    index = LibraryIndex(LibrarySettings(root=library_dir))
    assert index.refresh().quotes_indexed == 41
    assert len(ids_found(index, "tanks")) == 40
    assert [p.file.name for p in index.quote_problems() if p.file] == ["broken.md"]


def test_importing_index_and_search_loads_no_heavy_libraries() -> None:
    code = (
        "import sys, citeman.index, citeman.search, citeman.search.query\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in"
        " ('citeproc', 'lxml', 'bibtexparser', 'yaml')]\n"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


_REFRESHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from citeman.index import LibraryIndex
    from citeman.models import LibrarySettings
    index = LibraryIndex(LibrarySettings(root=Path(sys.argv[1])))
    for _ in range(3):
        index.refresh()
    print(len(index.quote_ids()))
    """
)


def test_processes_refreshing_at_once_agree(library_dir: Path) -> None:
    for n in range(300):
        write_quote(library_dir, f"q{n:03d}", f"Words of quote {n}.", "tags: [crowd]\n")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _REFRESHER, str(library_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert out.strip() == "300"
    index = LibraryIndex(LibrarySettings(root=library_dir))
    assert index.refresh().quotes_indexed == 0
    assert index.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(ids_found(index, "tag:crowd")) == 300


def test_a_refresh_waits_for_another_writer(index: LibraryIndex) -> None:
    index.refresh()
    other = sqlite3.connect(
        index.settings.state_dir / DB_NAME, isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    write_quote(index.settings.root, "late", "Late words.")

    def release() -> None:
        time.sleep(0.3)
        other.execute("COMMIT")

    import threading

    thread = threading.Thread(target=release)
    thread.start()
    stats = index.refresh()
    assert (stats.quotes_indexed, stats.rebuilt) == (1, False)
    thread.join()
    other.close()


def test_a_writer_holding_the_lock_too_long_is_reported_not_deleted(
    index: LibraryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citeman.errors import LockTimeoutError
    from citeman.index import db

    index.refresh()
    index.close()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(index.settings.state_dir / DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    write_quote(index.settings.root, "late", "Late words.")
    waiting = LibraryIndex(index.settings)
    with pytest.raises(LockTimeoutError):
        waiting.refresh()
    other.execute("ROLLBACK")
    other.close()
    assert waiting.refresh().quotes_indexed == 1  # the same file, now free: not rebuilt
    assert waiting.quote_ids() == ["late", "paradox", "riddle"]


def test_appended_entry_crossref_to_an_earlier_book_inherits(index: LibraryIndex) -> None:
    index.refresh()
    with index.settings.bib_path.open("a") as handle:
        handle.write("@inbook{chapter, title = {A Chapter}, crossref = {kotkin2017waiting}}\n")
    index.refresh()
    chapter = index.source("chapter")
    assert chapter is not None
    assert chapter.fields["booktitle"] == "Stalin"
    assert chapter.author_families == ["Kotkin"]


def test_shifting_lines_above_a_source_does_not_reindex_its_quotes(index: LibraryIndex) -> None:
    index.refresh()
    bib = index.settings.bib_path
    bib.write_text("% a new comment line\n" + bib.read_text())
    stats = index.refresh()
    assert (stats.sources_parsed, stats.quotes_indexed) == (3, 0)
    source = index.source("kotkin2014paradoxes")
    assert source is not None and source.line == 3


def test_unwritable_state_dir_falls_back_to_the_user_cache(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("platformdirs.user_cache_dir", lambda name: str(tmp_path / "cache" / name))
    (library_dir / ".citeman").write_text("a file where the folder should be")
    write_quote(library_dir, "riddle", "A riddle.")
    index = LibraryIndex(LibrarySettings(root=library_dir))
    assert index.refresh().quotes_indexed == 1
    assert ids_found(index, "riddle") == ["riddle"]
    assert list((tmp_path / "cache" / "citeman" / "indexes").glob(f"*/{DB_NAME}"))


def test_snapshot_changes_when_files_come_go_and_move() -> None:
    from array import array

    from citeman.index.quote_files import Snapshot

    old = Snapshot(["a.md", "b.md", "c.md", "d.md"], array("q", [1, 2, 3, 4]), array("q", [5] * 4))
    new = Snapshot(["d.md", "e.md", "b.md", "a.md"], array("q", [4, 9, 7, 1]), array("q", [5] * 4))
    assert new.changed_since(old) == (["e.md", "b.md"], ["c.md"])
    assert old.changed_since(old) == ([], [])
    assert new.changed_since(Snapshot.empty()) == (new.names, [])


def test_refresh_of_written_files_looks_only_at_them(index: LibraryIndex) -> None:
    index.refresh()
    write_quote(index.settings.root, "mine", "Words this process wrote.")
    write_quote(index.settings.root, "riddle", "Someone else's edit: an enigma.")
    targeted = index.refresh(changed=["mine.md"])
    assert (targeted.quotes_indexed, targeted.quotes_removed) == (1, 0)
    assert ids_found(index, "wrote") == ["mine"]
    assert ids_found(index, "enigma") == []  # not looked at yet...
    assert index.refresh().quotes_indexed == 1  # ...but the next full refresh finds it
    assert ids_found(index, "enigma") == ["riddle"]
    (index.settings.quotes_dir / "mine.md").unlink()
    assert index.refresh(changed=["mine.md"]).quotes_removed == 1
    assert index.quote_ids() == ["paradox", "riddle"]


def _noted(index: LibraryIndex) -> list[tuple[str, int]]:
    rows = index.connection.execute("SELECT name, size FROM quote_file_changes ORDER BY name")
    return [(name, size) for name, size in rows]


def test_a_refresh_of_named_files_notes_them_beside_the_snapshot(index: LibraryIndex) -> None:
    index.refresh()
    snapshot = index.connection.execute(
        "SELECT value FROM meta WHERE name = 'quote_files'"
    ).fetchone()[0]
    write_quote(index.settings.root, "mine", "Words this process wrote.")
    (index.settings.quotes_dir / "riddle.md").unlink()
    stats = index.refresh(changed=["mine.md", "riddle.md"])
    assert (stats.quotes_indexed, stats.quotes_removed) == (1, 1)
    assert [name for name, _ in _noted(index)] == ["mine.md", "riddle.md"]
    assert dict(_noted(index))["riddle.md"] == -1  # gone
    assert index.connection.execute(
        "SELECT value FROM meta WHERE name = 'quote_files'"
    ).fetchone()[0] == snapshot  # not rewritten
    # The next full refresh reads nothing again and folds the notes into the snapshot.
    stats = index.refresh()
    assert (stats.quotes_indexed, stats.quotes_removed) == (0, 0)
    assert _noted(index) == []
    assert index.quote_ids() == ["mine", "paradox"]


def test_notes_are_folded_into_the_snapshot_past_a_bound(
    index: LibraryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citeman.index

    monkeypatch.setattr(citeman.index, "MAX_SNAPSHOT_CHANGES", 2)
    index.refresh()
    for n in range(3):
        write_quote(index.settings.root, f"new{n}", f"Words number {n}.")
        index.refresh(changed=[f"new{n}.md"])
    assert len(_noted(index)) <= 2
    stats = index.refresh()  # nothing left unaccounted for
    assert (stats.quotes_indexed, stats.quotes_removed) == (0, 0)
    assert index.quote_ids() == ["new0", "new1", "new2", "paradox", "riddle"]


def test_refresh_of_written_files_without_a_snapshot_looks_at_all(index: LibraryIndex) -> None:
    stats = index.refresh(changed=["riddle.md"])
    assert stats.rebuilt and stats.quotes_indexed == 2
