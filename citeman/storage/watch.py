"""Which quote files changed, told by the kernel instead of found by a scan.

A full refresh of the index stats every file in quotes/ (the folder's mtime
does not move when an editor rewrites a file in place). A resident process
(:mod:`citeman.cli.server`) asks a :class:`QuoteDirWatcher` instead::

    watcher = QuoteDirWatcher(settings.quotes_dir)   # before the first full refresh
    index.refresh()
    ...
    changes = watcher.drain()
    index.refresh(changed=None if changes.rescan else changes.names)

Linux inotify, through ctypes (the standard library has no binding, and one
watch on one folder needs four calls). The kernel queues an event during the
write system call itself, so once ``drain`` has read the queue empty every
write that finished before it is accounted for: no settling delay, no missed
same-second edit. Whenever the watcher cannot vouch for the folder (the queue
overflowed, the folder was removed, replaced or never existed), ``drain``
answers ``rescan`` and the caller scans as if there were no watcher.

Not on other systems, and not for folders on network file systems, where
another machine's writes raise no local event: :func:`watching_supported`
says so, and nothing else changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = ["Changes", "QuoteDirWatcher", "WatchUnavailableError", "watching_supported"]

_IN_MODIFY = 0x2
_IN_ATTRIB = 0x4
_IN_CLOSE_WRITE = 0x8
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_IN_Q_OVERFLOW = 0x4000
_IN_IGNORED = 0x8000
_IN_ONLYDIR = 0x01000000
_IN_EXCL_UNLINK = 0x04000000

_FILE_EVENTS = (
    _IN_MODIFY
    | _IN_ATTRIB
    | _IN_CLOSE_WRITE
    | _IN_MOVED_FROM
    | _IN_MOVED_TO
    | _IN_CREATE
    | _IN_DELETE
)
#: The folder itself went away or the kernel dropped events: only a scan can tell.
_LOST_TRACK = _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_Q_OVERFLOW | _IN_IGNORED
_EVENT_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len (struct inotify_event)

#: Network file systems: another machine's writes raise no event here.
_REMOTE_FILE_SYSTEMS = {0x6969: "NFS", 0xFF534D42: "CIFS", 0xFE534D42: "SMB2", 0x65735546: "FUSE"}


class WatchUnavailableError(OSError):
    """This system or this folder cannot be watched."""


def watching_supported() -> bool:
    """Whether this system has inotify (Linux)."""
    return _libc() is not None


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library when it offers inotify (found once: find_library runs ldconfig)."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    return libc if hasattr(libc, "inotify_init1") else None


class _StatFs(ctypes.Structure):
    """struct statfs, as far as f_type (the rest is room for the kernel to write)."""

    _fields_ = [("f_type", ctypes.c_long), ("_rest", ctypes.c_byte * 120)]


@dataclass
class Changes:
    """What happened in quotes/ since the last :meth:`QuoteDirWatcher.drain`."""

    names: set[str] = field(default_factory=set)
    #: True when the names cannot be trusted to be complete: scan every file.
    rescan: bool = False


class QuoteDirWatcher:
    """Collects the names of the files created, written, renamed or deleted in one folder."""

    def __init__(self, folder: Path) -> None:
        libc = _libc()
        if libc is None:
            raise WatchUnavailableError("watching folders needs Linux inotify")
        self.folder = folder
        self._libc = libc
        self.fd: int = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise WatchUnavailableError(os.strerror(ctypes.get_errno()))
        self._wd: int | None = None
        self._pending = Changes(rescan=True)  # nothing is known before the first scan
        self._watch()

    def _watch(self) -> None:
        """(Re)start watching the folder; until it exists every drain asks for a scan."""
        mask = _FILE_EVENTS | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR | _IN_EXCL_UNLINK
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(self.folder), mask)
        if wd < 0:
            code = ctypes.get_errno()
            if code not in (errno.ENOENT, errno.ENOTDIR):
                raise WatchUnavailableError(f"{self.folder}: {os.strerror(code)}")
            self._wd = None
            return
        self._wd = wd

    def remote(self) -> str | None:
        """The network file system the folder is on (whose events are unreliable), or None."""
        result = _StatFs()
        if self._libc.statfs(os.fsencode(self.folder), ctypes.byref(result)) != 0:
            return None
        return _REMOTE_FILE_SYSTEMS.get(result.f_type & 0xFFFFFFFF)

    def read_events(self) -> None:
        """Move what the kernel has queued into the pending changes (never blocks)."""
        while True:
            try:
                data = os.read(self.fd, 64 * 1024)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, length = _EVENT_HEADER.unpack_from(data, offset)
                offset += _EVENT_HEADER.size
                name = data[offset : offset + length].rstrip(b"\0")
                offset += length
                if mask & _LOST_TRACK:
                    if wd == self._wd or mask & _IN_Q_OVERFLOW:
                        self._pending.rescan = True
                        if mask & (_IN_DELETE_SELF | _IN_MOVE_SELF | _IN_IGNORED):
                            self._wd = None
                elif name:
                    self._pending.names.add(os.fsdecode(name))

    def drain(self) -> Changes:
        """Everything that changed since the last drain (call right before refreshing)."""
        self.read_events()
        if self._wd is None:
            self._watch()  # the folder may exist (again) now: watch it before the scan
            self._pending.rescan = True
        changes, self._pending = self._pending, Changes()
        return changes

    def forget(self, changes: Changes) -> None:
        """Put back ``changes`` that a failed refresh could not use."""
        self._pending.names |= changes.names
        self._pending.rescan |= changes.rescan

    def close(self) -> None:
        os.close(self.fd)

