"""Storage primitives: atomic file replacement, the library write lock, folder watching."""

from __future__ import annotations

import os


def current_umask() -> int:
    """The process's umask (new files get ``0o666 & ~umask``)."""
    mask = os.umask(0o022)  # reading it means setting it
    os.umask(mask)
    return mask
