"""The resident process of one library: a warm ``cite`` that watches the folder.

Use cases (``cite daemon`` is the command line over these)::

    from citeman.cli.server import daemon_status, start_daemon, stop_daemon
    status = start_daemon(Path("~/research"))   # returns once it answers
    daemon_status(Path("~/research"))            # DaemonStatus | None
    stop_daemon(Path("~/research"))

Why: in a library of 100,000 quotes a ``cite`` process spends most of its time
before it starts on the command, importing typer, pydantic and rich and
stat-ing every quote file to be sure the index is fresh. The resident process
has all of that done: it holds the modules, the open index and the compiled
styles, and it learns which quote files changed from the kernel
(:class:`~citeman.storage.watch.QuoteDirWatcher`) instead of by looking at
each. :mod:`citeman.cli.client` hands it a command line; it refreshes the
index with exactly the files that changed, runs the command as that ``cite``
would have (arguments, folder, environment, standard input, terminal), and
returns the output and exit code.

The files stay the truth and nothing else changes: the index is the same
SQLite file any ``cite`` refreshes, writes take the same library lock, and a
``cite`` run with ``CITEMAN_NO_DAEMON=1`` or while no process runs does the full
scan as before. The process declines (and exits) when citeman's code changes
under it, so an upgrade never answers with old code, and exits when its socket
is removed. One request is served at a time; a second ``cite`` waits its turn.

Files in ``.citeman/``: ``daemon.sock`` (owner-only), ``daemon.lock`` (held
while it runs: two never serve one library) and ``daemon.log``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import os
import selectors
import signal
import socket
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main
from pydantic import BaseModel

from citeman import __version__
from citeman.cli.app import make_app
from citeman.cli.argv import requested_command
from citeman.cli.client import (
    LOG_NAME,
    SOCKET_NAME,
    exchange,
    receive,
    send,
    socket_path,
    spawn_daemon,
)
from citeman.cli.context import CliState, report_error
from citeman.code_version import CodeWatch
from citeman.errors import CitemanError, DaemonUnavailableError
from citeman.library import Library, read_settings
from citeman.storage.watch import QuoteDirWatcher, watching_supported

__all__ = ["DaemonStatus", "daemon_status", "serve", "start_daemon", "stop_daemon"]

LOCK_NAME = "daemon.lock"
#: How often an idle process checks that its socket is still there.
_IDLE_CHECK_SECONDS = 30.0
_START_TIMEOUT_SECONDS = 120.0
_STOP_TIMEOUT_SECONDS = 10.0


class DaemonStatus(BaseModel):
    """What a running resident process says about itself (``cite daemon status --json``)."""

    pid: int
    root: Path
    version: str
    started: dt.datetime
    requests: int
    #: The network file system quotes/ is on, whose remote writes raise no event.
    remote_file_system: str | None = None


class _Capture(io.StringIO):
    """A command's standard output or error, a terminal if the client's was."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal


class DaemonServer:
    """Serves one library's ``cite`` commands on ``.citeman/daemon.sock``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.library = Library.open(root)
        # Watch before the first scan, so that nothing written during it is missed.
        self.watcher = QuoteDirWatcher(self.library.settings.quotes_dir)
        self.code = CodeWatch()
        self._commands: dict[str | None, Any] = {}  # typer's click commands
        self.status = DaemonStatus(
            pid=os.getpid(),
            root=root,
            version=__version__,
            started=dt.datetime.now(dt.UTC),
            requests=0,
            remote_file_system=self.watcher.remote(),
        )
        self.stopping = False
        self._index_inode = -1  # the index file this process has open, once it has
        self.socket_file = Path(socket_path(str(root)))
        self.socket_inode = -1  # set once bound

    # -- requests --------------------------------------------------------------------

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one message from :mod:`citeman.cli.client` or :func:`stop_daemon`."""
        control = request.get("control")
        if control == "stop":
            self.stopping = True
            return {"stopped": self.status.pid}
        if self.code.changed():
            self.stopping = True  # upgraded or edited: the next cite starts fresh code
            return {"declined": "citeman's code changed"}
        if control == "status":
            return self.status.model_dump(mode="json")
        if Path(request["root"]) != self.root:
            return {"declined": f"this process serves {self.root}"}
        self.status.requests += 1
        stdout, stderr = _Capture(request["stdout_tty"]), _Capture(request["stderr_tty"])
        try:
            with _as_client(request, stdout, stderr):
                code = self._run(list(request["run"]))
        except OSError as exc:  # its working folder is gone, say: let it run there
            return {"declined": str(exc)}
        return {"stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "exit": code}

    def _run(self, args: list[str]) -> int:
        state = CliState.serving(self.library)
        try:
            self._refresh()
        except CitemanError as exc:
            report_error(state.err, exc)
            return exc.exit_code
        except Exception:
            traceback.print_exc()  # to the client, as a cite alone would show it
            return CitemanError.exit_code
        command = self._command(requested_command(args))
        try:
            command.main(args=args, prog_name="cite", obj=state)  # standalone: always exits
        except SystemExit as exc:
            return _exit_code(exc.code)
        except Exception:
            traceback.print_exc()
            return CitemanError.exit_code
        return 0

    def _command(self, name: str | None) -> Any:
        if name not in self._commands:
            self._commands[name] = typer.main.get_command(make_app(name))
        return self._commands[name]

    def _refresh(self) -> None:
        """Bring the index up to date with what the watcher saw (and citeman.toml)."""
        changes = self.watcher.drain()
        settings = read_settings(self.root)
        if settings != self.library.settings or not self._same_index_file():
            # New settings, or the index file was deleted or rebuilt by another cite
            # (ours would be a deleted file's): start over from the files.
            self.library.index.close()
            self.library = Library(settings)
            self.warm()
            return
        try:
            self.library.index.refresh(changed=None if changes.rescan else changes.names)
        except BaseException:
            self.watcher.forget(changes)
            raise

    def warm(self) -> None:
        """Refresh the index from every file (the watcher must be watching already)."""
        self.library.index  # noqa: B018 (a first use refreshes from every file)
        self._index_inode = self.library.index.path.stat().st_ino

    def _same_index_file(self) -> bool:
        try:
            return self.library.index.path.stat().st_ino == self._index_inode
        except OSError:
            return False

    # -- the loop ----------------------------------------------------------------------

    def serve_forever(self, listener: socket.socket) -> None:
        """Answer connections until stopped, signalled, or the socket file is removed."""
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        previous_wakeup = signal.set_wakeup_fd(wake_write)
        handlers = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ)
        selector.register(self.watcher.fd, selectors.EVENT_READ)
        selector.register(wake_read, selectors.EVENT_READ)
        try:
            while not self.stopping:
                ready = selector.select(_IDLE_CHECK_SECONDS)
                if not ready and not _still_ours(self.socket_file, self.socket_inode):
                    break
                for key, _ in ready:
                    if key.fileobj is listener:
                        self._answer(listener)
                    elif key.fileobj == self.watcher.fd:
                        self.watcher.read_events()  # keep the kernel queue from overflowing
                    else:
                        os.read(wake_read, 512)
        finally:
            selector.close()
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            os.close(wake_read)
            os.close(wake_write)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _answer(self, listener: socket.socket) -> None:
        connection, _ = listener.accept()
        with connection:
            try:
                send(connection, self.handle(receive(connection)))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                # A client that went away or sent nonsense: its problem, not the library's.
                _log(f"dropped a request: {exc!r}")
            except Exception:  # a bug here must not take the process down with it
                _log(f"failed a request:\n{traceback.format_exc()}")


def _log(message: str) -> None:
    """A line in .citeman/daemon.log (the process's standard output)."""
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {message}", flush=True)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def _as_client(request: dict[str, Any], stdout: _Capture, stderr: _Capture) -> Iterator[None]:
    """Run the block in the client's folder, environment and umask, with its input and
    output."""
    saved_environ = dict(os.environ)
    saved_stdin = sys.stdin
    here = os.getcwd()
    os.chdir(request["cwd"])
    saved_umask = os.umask(request.get("umask", 0o022))
    try:
        os.environ.clear()
        os.environ.update(request["env"])
        sys.stdin = io.StringIO(request["stdin"] or "")
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            yield
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_environ)
        os.umask(saved_umask)
        os.chdir(here)


def _still_ours(path: Path, inode: int) -> bool:
    """Whether the socket file we listen on is still there (``rm -r .citeman`` ends us)."""
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


@contextlib.contextmanager
def _held(lock_path: Path) -> Iterator[None]:
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DaemonUnavailableError(
                f"a resident process already serves {lock_path.parent.parent}",
                "see `cite daemon status`",
            ) from None
        yield
    finally:
        os.close(descriptor)


def serve(root: Path) -> None:
    """Run the resident process of the library at ``root`` until it is stopped."""
    if not watching_supported():
        raise DaemonUnavailableError("this system cannot watch folders (needs Linux inotify)")
    root = root.resolve()
    state_dir = read_settings(root).state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    with _held(state_dir / LOCK_NAME):
        server = DaemonServer(root)
        server.warm()  # the first full refresh, before anyone connects
        # Bound from inside .citeman: the socket's name is short whatever the library's path.
        os.chdir(state_dir)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(SOCKET_NAME)  # we hold the lock: a socket left here is a dead one's
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous_umask = os.umask(0o177)  # owner-only: it runs commands as this user
        try:
            listener.bind(SOCKET_NAME)
        finally:
            os.umask(previous_umask)
        server.socket_inode = os.stat(SOCKET_NAME).st_ino
        listener.listen(16)
        _log(f"serving {root} (pid {os.getpid()})")
        try:
            server.serve_forever(listener)
        finally:
            if _still_ours(server.socket_file, server.socket_inode):
                server.socket_file.unlink()
            listener.close()
            server.watcher.close()
            _log("stopped")


def daemon_status(root: Path) -> DaemonStatus | None:
    """The status of the library's resident process, or None when none answers."""
    path = socket_path(str(root))
    try:
        answer = exchange(path, {"control": "status"})
    except (OSError, ValueError):
        return None
    if "declined" in answer:  # running older code: it is on its way out
        deadline = time.monotonic() + _STOP_TIMEOUT_SECONDS
        while os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        return None
    return DaemonStatus.model_validate(answer)


def start_daemon(library: Library) -> DaemonStatus:
    """Start the library's resident process (if none runs) and wait until it answers.

    The index is brought up to date here first, so a first build shows its
    progress in this process rather than in the background.
    """
    if not watching_supported():
        raise DaemonUnavailableError(
            "this system cannot watch folders (the resident process needs Linux inotify)",
            "cite works the same without it, only each command scans quotes/",
        )
    running = daemon_status(library.root)
    if running is not None:
        return running
    library.index  # noqa: B018 (refreshes, with the caller's progress bar)
    log_path = library.settings.state_dir / LOG_NAME
    try:
        process = spawn_daemon(str(library.root))
    except OSError as exc:  # .citeman cannot be written (read-only media): no socket either
        raise DaemonUnavailableError(
            f"cannot start the resident process: {exc}",
            "it needs to write .citeman/ in the library folder",
        ) from None
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        status = daemon_status(library.root)
        if status is not None:
            return status
        if process.poll() is not None:
            status = daemon_status(library.root)  # lost a race to another start: fine
            if status is not None:
                return status
            raise DaemonUnavailableError(
                f"the resident process exited with code {process.returncode}",
                f"see {log_path}",
            )
        time.sleep(0.02)
    process.terminate()
    raise DaemonUnavailableError("the resident process did not answer in time", f"see {log_path}")


def stop_daemon(root: Path, timeout: float = _STOP_TIMEOUT_SECONDS) -> int | None:
    """Stop the library's resident process; its pid, or None when none was running."""
    path = socket_path(str(root))
    try:
        answer = exchange(path, {"control": "stop"})
    except (OSError, ValueError):
        return None
    pid = int(answer["stopped"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and os.path.exists(path):
        time.sleep(0.01)
    return pid


def main() -> None:
    """``python -m citeman.cli.server ROOT``: what ``cite daemon start`` runs."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        serve(Path(sys.argv[1]))
    except CitemanError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
