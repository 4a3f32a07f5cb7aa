"""Hands a command line to the library's resident process, when one is running.

``cite daemon start`` leaves a process per library that keeps the index fresh
from file-system events and has every module loaded (:mod:`citeman.cli.server`).
A ``cite`` command in that library then costs the interpreter's start, this
module (a few standard modules: no typer, pydantic or rich, nor pathlib, typing
or socket's enums, which would double its start), one round trip
over ``.citeman/daemon.sock``, and the command itself in the warm process: at
100,000 quotes that is the difference between a stat of every quote file plus
half a second of imports and a few milliseconds.

The command runs there exactly as it would here: same arguments, working
folder, environment, standard input (for ``-``), terminal or not and terminal
width; its output and exit code come back. Whenever anything is off (no
process, a stale socket, another library, a command that must run here such
as ``cite init``, the process declining because its code changed), the
command runs here as if there were no process. ``CITEMAN_NO_DAEMON=1`` skips
it altogether. With ``daemon = true`` in citeman.toml, a command that finds no
process starts one in the background for the commands after it.
"""

from __future__ import annotations

import _socket  # socket's C core: the socket module adds 8 ms of imports to every command
import io
import json
import os
import sys
import time

from citeman.cli.argv import library_option, requested_command
from citeman.locate import CONFIG_NAME, STATE_DIR_NAME, library_root
from citeman.storage import current_umask

TYPE_CHECKING = False  # typing itself costs this path 8 ms
if TYPE_CHECKING:
    import subprocess
    from typing import Any

SOCKET_NAME = "daemon.sock"
LOG_NAME = "daemon.log"
SPAWNED_NAME = "daemon.started"
RESPAWN_AFTER_SECONDS = 60.0
NO_DAEMON_ENV = "CITEMAN_NO_DAEMON"
#: Commands the resident process runs; ``init`` makes a library, ``daemon`` manages the process.
FORWARDED = frozenset({"add", "show", "find", "render", "check", "styles", "source"})
#: How long to wait for a connection before running here (a wedged process must not hang cite).
CONNECT_TIMEOUT = 2.0
#: sockaddr_un holds 108 bytes; a longer path is reached from its folder.
_MAX_SOCKET_PATH = 100


def socket_path(root: str) -> str:
    return os.path.join(root, STATE_DIR_NAME, SOCKET_NAME)


def connect(path: str, timeout: float = CONNECT_TIMEOUT) -> _socket.socket:
    """A connection to the socket at ``path`` (OSError when nobody listens); close it."""
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
            sock.connect(path)
        else:
            here = os.open(".", os.O_RDONLY)
            try:
                os.chdir(os.path.dirname(path))
                sock.connect(os.path.basename(path))
            finally:
                os.fchdir(here)
                os.close(here)
    except OSError:
        sock.close()
        raise
    sock.settimeout(None)  # a long render is not a hang
    return sock


def send(sock: _socket.socket, message: dict[str, Any]) -> None:
    """One message: a JSON object, ended by the end of the stream (the sender's shutdown)."""
    sock.sendall(json.dumps(message).encode("utf-8"))
    sock.shutdown(_socket.SHUT_WR)


def receive(sock: _socket.socket) -> dict[str, Any]:
    """The message the other side sent (ValueError when it is not a JSON object)."""
    chunks = []
    while chunk := sock.recv(1 << 16):
        chunks.append(chunk)
    message = json.loads(b"".join(chunks))
    if not isinstance(message, dict):
        raise ValueError("not a JSON object")
    return message


def exchange(path: str, message: dict[str, Any]) -> dict[str, Any]:
    """Send one message to the socket at ``path`` and read the answer."""
    sock = connect(path)
    try:
        send(sock, message)
        return receive(sock)
    finally:
        sock.close()


def run_in_daemon(args: list[str]) -> int | None:
    """Run ``cite ARGS`` in the library's resident process: its exit code, or None
    when there is no process to run it (the caller runs it here)."""
    if os.environ.get(NO_DAEMON_ENV) or requested_command(args) not in FORWARDED:
        return None
    if "-h" in args or "--help" in args:
        return None  # help is drawn for this terminal; and it is no library's business
    try:
        cwd = os.getcwd()
        root = library_root(library_option(args), cwd)
        if root is None:
            return None
        if not os.path.exists(socket_path(root)):
            if wants_daemon(root) and not _spawned_lately(root):
                spawn_daemon(root)  # ready for the next command; this one runs here
            return None
    except OSError:
        return None
    stdin = sys.stdin.read() if "-" in args and sys.stdin is not None else None
    try:
        answer = exchange(socket_path(root), _request(args, cwd, root, stdin))
    except (OSError, ValueError):
        answer = {}  # no process, a stale socket, a process that died mid-answer
    if "exit" not in answer:  # not run there (or declined: its code changed, say)
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)  # already read: the command here reads it again
        return None
    sys.stdout.write(answer.get("stdout", ""))
    sys.stdout.flush()
    sys.stderr.write(answer.get("stderr", ""))
    sys.stderr.flush()
    return int(answer["exit"])


def wants_daemon(root: str) -> bool:
    """Whether citeman.toml says ``daemon = true`` (start it on the first command)."""
    config = os.path.join(root, CONFIG_NAME)
    if not sys.platform.startswith("linux") or not os.path.isfile(config):
        return False
    import tomllib

    try:
        with open(config, encoding="utf-8") as handle:
            return tomllib.loads(handle.read()).get("daemon") is True
    except ValueError:  # not TOML, not UTF-8: the command run here will say so
        return False


def _spawned_lately(root: str) -> bool:
    """Whether a process was started in the last minute (one that cannot start, on a
    system out of inotify instances say, is not started again by every command)."""
    try:
        started = os.stat(os.path.join(root, STATE_DIR_NAME, SPAWNED_NAME)).st_mtime
    except OSError:
        return False
    return time.time() - started < RESPAWN_AFTER_SECONDS


def spawn_daemon(root: str) -> subprocess.Popen[bytes]:
    """Start the library's resident process in the background (it logs to .citeman/)."""
    import subprocess  # not on the way of a command the process answers

    state_dir = os.path.join(root, STATE_DIR_NAME)
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, SPAWNED_NAME), "wb"):
        pass  # its time is when the last one was started
    with open(os.path.join(state_dir, LOG_NAME), "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "citeman.cli.server", root],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not ended with the terminal that started it
            cwd=root,
        )


def _request(args: list[str], cwd: str, root: str, stdin: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    if "COLUMNS" not in env and (size := _terminal_size()) is not None:
        env["COLUMNS"], env["LINES"] = str(size.columns), str(size.lines)
    return {
        "run": args,
        "root": root,
        "cwd": cwd,
        "env": env,
        "stdin": stdin,
        "umask": current_umask(),
        "stdout_tty": sys.stdout.isatty(),
        "stderr_tty": sys.stderr.isatty(),
    }


def _terminal_size() -> os.terminal_size | None:
    """The terminal on standard input, output or error, the first found (as rich looks)."""
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor)
        except OSError:
            continue
    return None
