"""Atomic writes and the library lock.

Every file citeman writes goes through :func:`atomic_write`: the bytes go to a
temporary file in the same folder, are flushed and fsynced, and the temporary
file is renamed over the target, so a reader (or a crash) sees the old file or
the new one, never half of one. Temporary files are named
``.<name>.citeman-tmp-<random>`` so that :func:`clean_stale_temp_files` can
remove what a killed process left behind.

Writers hold :func:`library_lock` (an ``fcntl`` lock on ``.citeman/lock``) so two
``cite`` processes never interleave read-modify-write cycles.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from citeman.errors import InvalidInputError, LockTimeoutError
from citeman.storage import current_umask

TEMP_MARKER = ".citeman-tmp-"
#: A temporary file older than this belongs to a dead writer.
STALE_TEMP_SECONDS = 60.0


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically.

    With ``exclusive=True`` the write fails with ``FileExistsError`` if ``path``
    exists (checked under the final link, so two writers cannot both win). A
    ``path`` that is a folder, or whose folder is a file, is an
    :class:`InvalidInputError` (a user may name it as an output file).
    """
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise InvalidInputError(f"cannot write {path}: it is a folder", "name a file to write")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InvalidInputError(
            f"cannot write {path}: {folder} is a file, not a folder", "name a file in a folder"
        ) from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARKER}", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~current_umask())  # as open() would have made it (mkstemp: 0600)
        if exclusive:
            # link() fails if the target exists: no window between check and write.
            os.link(tmp, path)
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8",
                      exclusive: bool = False) -> None:
    atomic_write(path, text.encode(encoding), exclusive=exclusive)


def clean_stale_temp_files(
    folder: Path, max_age: float = STALE_TEMP_SECONDS, target_name: str | None = None
) -> list[Path]:
    """Remove temporary files that a killed writer left in ``folder``.

    With ``target_name``, only the temporary files of that one file.
    """
    removed: list[Path] = []
    prefix = f".{target_name}{TEMP_MARKER}" if target_name else "."
    now = time.time()
    try:
        entries = os.scandir(folder)  # names only: quotes/ may hold 100,000 files
    except (FileNotFoundError, NotADirectoryError):
        return removed
    with entries:
        for entry in entries:
            if TEMP_MARKER not in entry.name or not entry.name.startswith(prefix):
                continue
            try:
                if now - entry.stat().st_mtime > max_age:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


@contextlib.contextmanager
def writing_marked(state_dir: Path) -> Iterator[bool]:
    """Mark the ``with`` block as a write in progress; yield whether a writer before
    was killed inside one (its marker is still there).

    Hold :func:`library_lock` around it. Only a killed writer can have left
    temporary files in quotes/, and listing a folder of 100,000 files to find
    out costs tens of milliseconds on every ``cite add``: the marker says when
    that listing is worth it. The marker is created before any temporary file,
    in the same file-system journal, so a crash that keeps one keeps the other.
    """
    marker = state_dir / "writing"
    killed_before = marker.exists()
    marker.touch()
    try:
        yield killed_before
    finally:
        with contextlib.suppress(OSError):
            marker.unlink()


def is_temp_file(path: Path) -> bool:
    return path.name.startswith(".") and TEMP_MARKER in path.name


@contextlib.contextmanager
def library_lock(state_dir: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the library's exclusive write lock for the ``with`` block."""
    state_dir.mkdir(parents=True, exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("*\n")
    lock_path = state_dir / "lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise LockTimeoutError(
                        f"another cite process has held the library lock for {timeout:.0f} s",
                        f"if none is running, delete {lock_path}",
                    ) from None
                time.sleep(0.01)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
