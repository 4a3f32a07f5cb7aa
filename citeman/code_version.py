"""A fingerprint of citeman's own code, cheap enough to take on every request.

Names, sizes and modification times of the modules (a stat each, never a
read): any edit, upgrade or reinstall changes it. The style cache keys compiled
styles with it, and the resident process compares it before each command so
that it never answers with code older than what is installed.
"""

from __future__ import annotations

import hashlib
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
