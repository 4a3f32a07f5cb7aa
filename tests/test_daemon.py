"""The resident process (cite daemon): same answers as a plain cite, never a stale one.

The watcher is tested against real inotify on a real folder; the server both
in this process (DaemonServer.handle, to reach its edge cases) and as the real
background process started by ``cite daemon start`` and reached by the
installed ``cite``, whose output must be the output of the same command run
without it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citeman.storage.watch import QuoteDirWatcher, watching_supported
from tests.conftest import run_cite

pytestmark = pytest.mark.skipif(not watching_supported(), reason="needs Linux inotify")

QUOTE = "---\nsource: kotkin2014paradoxes\nlocator: p. {page}\ntags: [stalin]\n---\n{text}\n"


def write_quote(library: Path, quote_id: str, text: str, page: int = 1) -> Path:
    path = library / "quotes" / f"{quote_id}.md"
    path.write_text(QUOTE.format(page=page, text=text), encoding="utf-8")
    return path


# -- the watcher ---------------------------------------------------------------------------


def test_watcher_reports_every_kind_of_change(tmp_path: Path) -> None:
    folder = tmp_path / "quotes"
    folder.mkdir()
    (folder / "old.md").write_text("x")
    (folder / "gone.md").write_text("x")
    watcher = QuoteDirWatcher(folder)
    assert watcher.drain().rescan  # nothing is known before a first scan
    assert watcher.drain().names == set()
    with (folder / "old.md").open("a") as handle:  # an in-place edit: the folder's mtime stays
        handle.write("more")
    (folder / "gone.md").unlink()
    (folder / ".new.md.tmp").write_text("y")
    os.replace(folder / ".new.md.tmp", folder / "new.md")  # an editor's safe save
    os.utime(folder / "new.md")  # touch
    changes = watcher.drain()
    assert not changes.rescan
    assert {"old.md", "gone.md", "new.md"} <= changes.names
    assert watcher.drain().names == set()
    watcher.close()


def test_watcher_asks_for_a_scan_when_the_folder_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "quotes"
    folder.mkdir()
    watcher = QuoteDirWatcher(folder)
    watcher.drain()
    shutil.rmtree(folder)
    assert watcher.drain().rescan
    assert watcher.drain().rescan  # still no folder: every drain asks
    folder.mkdir()
    assert watcher.drain().rescan  # watched again from here, after one more scan
    (folder / "a.md").write_text("x")
    changes = watcher.drain()
    assert (changes.rescan, changes.names) == (False, {"a.md"})
    watcher.close()


def test_changes_a_failed_refresh_could_not_use_are_kept(tmp_path: Path) -> None:
    watcher = QuoteDirWatcher(tmp_path)
    watcher.drain()
    (tmp_path / "a.md").write_text("x")
    changes = watcher.drain()
    watcher.forget(changes)
    (tmp_path / "b.md").write_text("x")
    assert watcher.drain().names == {"a.md", "b.md"}
    watcher.close()


# -- the server, in this process -------------------------------------------------------------


@pytest.fixture
def server(library_dir: Path) -> Iterator[Any]:
    from citeman.cli.server import DaemonServer

    write_quote(library_dir, "paradox", "Stalin did not flinch.")
    daemon = DaemonServer(library_dir.resolve())
    daemon.warm()
    yield daemon
    daemon.watcher.close()
    daemon.library.index.close()


def ask(server: Any, *args: str, stdin: str | None = None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "CITEMAN_LIBRARY"}
    request = {
        "run": list(args),
        "root": str(server.root),
        "cwd": str(server.root),
        "env": env,
        "stdin": stdin,
        "stdout_tty": False,
        "stderr_tty": False,
    }
    answer: dict[str, Any] = server.handle(request)
    return answer


def test_server_sees_each_kind_of_edit_before_answering(server: Any) -> None:
    root = server.root
    assert ask(server, "find", "flinch", "--ids")["stdout"] == "paradox\n"
    write_quote(root, "paradox", "Stalin did flinch, once.")  # edit in place (same name)
    assert ask(server, "find", "once", "--ids")["stdout"] == "paradox\n"
    write_quote(root, "fresh", "A zebrafinch of a sentence.")  # a new file
    assert ask(server, "find", "zebrafinch", "--ids")["stdout"] == "fresh\n"
    (root / "quotes" / "fresh.md").unlink()
    assert ask(server, "find", "zebrafinch", "--ids")["exit"] == 0
    assert "fresh" not in ask(server, "find", "zebrafinch", "--ids")["stdout"]
    os.utime(root / "quotes" / "paradox.md")  # touch without change: still found, one row
    assert ask(server, "find", "once", "--ids")["stdout"] == "paradox\n"
    with (root / "library.bib").open("a", encoding="utf-8") as bib:  # an appended source
        bib.write("\n@book{overy2004dictators, author = {Overy, Richard},"
                  " title = {The Dictators}, year = {2004}}\n")
    write_quote(root, "overy", "Words on dictators.")
    assert "overy2004dictators" in ask(server, "source", "list")["stdout"]
    shutil.rmtree(root / "quotes")  # the folder replaced wholesale: a full scan
    (root / "quotes").mkdir()
    write_quote(root, "again", "Back from nothing.")
    assert ask(server, "find", "nothing", "--ids")["stdout"] == "again\n"
    assert ask(server, "find", "flinch", "--ids")["stdout"] == ""
    for leftover in (root / ".citeman").glob("index.sqlite*"):  # thrown away by someone
        leftover.unlink()
    write_quote(root, "after", "After the cache went.")
    assert ask(server, "find", "cache", "--ids")["stdout"] == "after\n"
    assert ask(server, "find", "nothing", "--ids")["stdout"] == "again\n"
    assert (root / ".citeman" / "index.sqlite").is_file()  # built again, not a deleted one


def test_server_reports_errors_as_cite_does(server: Any) -> None:
    answer = ask(server, "add", "Words.", "--source", "kotkin2104paradoxes")
    assert answer["exit"] == 3
    assert "unknown citation key 'kotkin2104paradoxes'" in answer["stderr"]
    assert "did you mean: kotkin2014paradoxes" in answer["stderr"]
    assert ask(server, "find", "--no-such-option")["exit"] == 2
    answer = ask(server, "add", "-", "--source", "kotkin2017waiting", "--id", "piped",
                 stdin="Piped.")
    assert answer["exit"] == 0, answer["stderr"]
    assert (server.root / "quotes" / "piped.md").read_text().rstrip().endswith("Piped.")
    assert ask(server, "find", "piped", "--ids")["stdout"] == "piped\n"


def test_server_declines_when_its_code_changed_or_for_another_library(
    server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    request = {"run": ["find", "x"], "root": str(tmp_path), "cwd": str(tmp_path), "env": {},
               "stdin": None, "stdout_tty": False, "stderr_tty": False}
    assert "declined" in server.handle(request)
    assert not server.stopping
    monkeypatch.setattr(server.code, "changed", lambda: True)
    assert "declined" in ask(server, "find", "flinch")
    assert server.stopping  # and it exits, so the next cite starts fresh code
    assert "declined" in server.handle({"control": "status"})  # `daemon start` starts anew


def test_server_restores_its_own_folder_and_environment(server: Any) -> None:
    before_cwd, before_env = os.getcwd(), dict(os.environ)
    before_umask = os.umask(0o022)
    os.umask(before_umask)
    answer = server.handle({
        "run": ["add", "Private words.", "--source", "kotkin2014paradoxes", "--id", "mine"],
        "root": str(server.root), "cwd": str(server.root / "quotes"),
        "env": {"ONLY_THIS": "1"}, "stdin": None, "umask": 0o077,
        "stdout_tty": True, "stderr_tty": True,
    })
    assert answer["exit"] == 0, answer["stderr"]
    assert (server.root / "quotes" / "mine.md").stat().st_mode & 0o777 == 0o600  # its umask
    after_umask = os.umask(before_umask)
    assert (os.getcwd(), dict(os.environ), after_umask) == (before_cwd, before_env, before_umask)


# -- the real process, through the installed cite ----------------------------------------


@pytest.fixture
def example_library(tmp_path: Path) -> Iterator[Path]:
    """A copy of the repository's example library, with its daemon stopped afterwards."""
    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(repo / "library.bib", root / "library.bib")
    shutil.copytree(repo / "quotes", root / "quotes")
    yield root
    run_cite("daemon", "stop", cwd=root)


COMMANDS = [
    ("find", "riddle"),
    ("find", "--tag", "germany", "--ids"),
    ("find", "Kötkin", "--json"),
    ("find", "Churchil"),  # no match: the fuzzy "did you mean"
    ("show", "churchill-riddle"),
    ("render", "--style", "chicago"),
    ("render", "--style", "apa", "--format", "json"),
    ("render", "--style", "chicgo"),  # unknown style: exit 3 with suggestions
    ("check",),
    ("source", "list"),
    ("add", "Words.", "--source", "kotkin2104"),  # unknown key: exit 3
]


def test_daemon_answers_exactly_as_cite_without_it(example_library: Path) -> None:
    root = example_library
    alone = {args: run_cite(*args, cwd=root, env={"CITEMAN_NO_DAEMON": "1"}) for args in COMMANDS}
    started = run_cite("daemon", "start", "--json", cwd=root)
    assert started.returncode == 0, started.stderr
    pid = json.loads(started.stdout)["pid"]
    assert run_cite("daemon", "start", "--json", cwd=root).stdout == started.stdout  # no second
    for args in COMMANDS:
        served = run_cite(*args, cwd=root / "quotes")  # from a subfolder, as a user might
        assert (served.returncode, served.stdout, served.stderr) == (
            alone[args].returncode, alone[args].stdout, alone[args].stderr
        ), args
    status = json.loads(run_cite("daemon", "status", "--json", cwd=root).stdout)
    assert status["running"] and status["status"]["pid"] == pid
    assert status["status"]["requests"] == len(COMMANDS)  # every command went through it

    added = run_cite("add", "-", "--source", "kotkin2017waiting", "--id", "piped", cwd=root,
                     input="Words from a pipe.")
    assert added.returncode == 0, added.stderr
    assert run_cite("find", "pipe", "--ids", cwd=root).stdout == "piped\n"
    with (root / "quotes" / "piped.md").open("a", encoding="utf-8") as handle:
        handle.write("And an afterthought.\n")  # an in-place edit by another program
    assert run_cite("find", "afterthought", "--ids", cwd=root).stdout == "piped\n"

    stopped = run_cite("daemon", "stop", cwd=root)
    assert stopped.stdout.strip() == f"stopped cite daemon (pid {pid})"
    assert run_cite("daemon", "status", cwd=root).returncode == 1
    assert not (root / ".citeman" / "daemon.sock").exists()
    assert run_cite("find", "afterthought", "--ids", cwd=root).stdout == "piped\n"


def test_a_dead_daemons_socket_is_ignored_and_replaced(example_library: Path) -> None:
    root = example_library
    (root / ".citeman").mkdir()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(root / ".citeman" / "daemon.sock"))  # bound, never listening: a dead one's
    dead.close()
    found = run_cite("find", "riddle", "--ids", cwd=root)
    assert (found.returncode, found.stdout) == (0, "churchill-riddle\n")
    assert run_cite("daemon", "status", cwd=root).returncode == 1
    assert run_cite("daemon", "start", cwd=root).returncode == 0
    assert run_cite("daemon", "status", cwd=root).returncode == 0


def test_a_second_process_for_one_library_refuses(library_dir: Path) -> None:
    from citeman.cli.server import LOCK_NAME, _held
    from citeman.errors import DaemonUnavailableError

    state = library_dir / ".citeman"
    state.mkdir()
    with (
        _held(state / LOCK_NAME),
        pytest.raises(DaemonUnavailableError) as raised,
        _held(state / LOCK_NAME),
    ):
        pass
    assert raised.value.exit_code == 10


def test_an_unexpected_error_reaches_the_client_and_the_server_carries_on(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("disk on fire")

    write_quote(server.root, "later", "Flinch again.")
    monkeypatch.setattr(server.library.index, "refresh", broken)
    answer = ask(server, "find", "flinch", "--ids")
    assert answer["exit"] == 9 and "RuntimeError: disk on fire" in answer["stderr"]
    monkeypatch.undo()
    # The change the failed refresh had drained from the watcher was kept for the next.
    assert ask(server, "find", "flinch", "--ids")["stdout"] == "later\nparadox\n"


def test_daemon_true_in_citeman_toml_starts_it_on_the_first_command(
    example_library: Path,
) -> None:
    root = example_library
    (root / "citeman.toml").write_text('style = "apa"\ndaemon = true\n', encoding="utf-8")
    first = run_cite("find", "riddle", "--ids", cwd=root)  # runs here, starts it meanwhile
    assert (first.returncode, first.stdout) == (0, "churchill-riddle\n")
    deadline = time.monotonic() + 60
    while run_cite("daemon", "status", cwd=root).returncode != 0:
        assert time.monotonic() < deadline, (root / ".citeman" / "daemon.log").read_text()
        time.sleep(0.2)
    assert run_cite("find", "riddle", "--ids", cwd=root).stdout == "churchill-riddle\n"
    status = json.loads(run_cite("daemon", "status", "--json", cwd=root).stdout)["status"]
    assert status["requests"] >= 1  # the second find ran in it
    assert run_cite("daemon", "stop", cwd=root).returncode == 0


def test_a_library_whose_state_folder_cannot_be_written_gets_a_clear_error(
    example_library: Path,
) -> None:
    (example_library / ".citeman").write_text("not a folder")  # as unwritable as it gets
    started = run_cite("daemon", "start", cwd=example_library)
    assert started.returncode == 10
    assert "cannot start the resident process" in started.stderr
    found = run_cite("find", "riddle", "--ids", cwd=example_library)  # cite still works
    assert (found.returncode, found.stdout) == (0, "churchill-riddle\n")


def test_the_code_watch_sees_an_edit_an_added_and_a_removed_module(tmp_path: Path) -> None:
    from citeman.code_version import CodeWatch

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "b.py").write_text("B = 1\n")
    watch = CodeWatch(package)
    (package / "__pycache__").mkdir()  # Python's own writes are not code changes
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"x")
    assert not watch.changed()
    (package / "sub" / "b.py").write_text("B = 22\n")
    assert watch.changed()
    watch = CodeWatch(package)
    (package / "sub" / "c.py").write_text("C = 1\n")
    assert watch.changed()
    watch = CodeWatch(package)
    (package / "a.py").unlink()
    assert watch.changed()
