"""Whether citeman's own code changed: by names, sizes and modification times.

A stat each, never a read: any edit, upgrade or reinstall changes them. The
style cache keys compiled styles with :func:`code_fingerprint`; the resident
process asks a :class:`CodeWatch` before each command, so that it never
answers with code older than what is installed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent


def code_fingerprint(folder: Path = PACKAGE_DIR) -> str:
    """The fingerprint of the modules in ``folder`` and below (all of citeman by default)."""
    digest = hashlib.sha256()
    for source in sorted(folder.rglob("*.py")):
        status = source.stat()
        name = source.relative_to(folder).as_posix()
        digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class CodeWatch:
    """Says whether the code in ``folder`` changed since this watch was made.

    Its folders are found once; each check lists them (names: a module added or
    removed, a new subpackage) and stats each module, about a tenth of walking
    the tree again. ``__pycache__`` is Python's, not code.
    """

    def __init__(self, folder: Path = PACKAGE_DIR) -> None:
        subfolders = (
            path for path in folder.rglob("*") if path.is_dir() and "__pycache__" not in path.parts
        )
        self._folders = [folder, *sorted(subfolders)]
        self._seen = self._state()

    def _state(self) -> list[object]:
        state: list[object] = []
        for folder in self._folders:
            try:
                with os.scandir(folder) as entries:
                    listed = sorted(
                        (entry.name, *_size_and_mtime(entry))
                        for entry in entries
                        if entry.name.endswith(".py")
                        or (entry.is_dir() and entry.name != "__pycache__")
                    )
            except OSError:
                listed = []
            state.append(listed)
        return state

    def changed(self) -> bool:
        return self._state() != self._seen


def _size_and_mtime(entry: os.DirEntry[str]) -> tuple[int, int]:
    if not entry.name.endswith(".py"):
        return -1, -1  # a subpackage: its name is what counts here
    status = entry.stat()
    return status.st_size, status.st_mtime_ns
