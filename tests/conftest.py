"""Shared fixtures: a small library in a temporary folder, the CLI runner, the installed cite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

SAMPLE_BIB = """\
% A small library for the tests.
@book{kotkin2014paradoxes,
  author    = {Kotkin, Stephen},
  title     = {Stalin},
  subtitle  = {Paradoxes of Power, 1878--1928},
  volume    = {1},
  location  = {New York},
  publisher = {Penguin Press},
  year      = {2014},
}

@book{kotkin2017waiting,
  author    = {Kotkin, Stephen},
  title     = {Stalin},
  subtitle  = {Waiting for Hitler, 1929--1941},
  volume    = {2},
  location  = {New York},
  publisher = {Penguin Press},
  year      = {2017},
}

@incollection{ahmann2007germany,
  author    = {Ahmann, Rolf},
  title     = {Germany and the Soviet Union},
  booktitle = {A Companion to International History},
  editor    = {Martel, Gordon},
  location  = {Oxford},
  publisher = {Blackwell},
  year      = {2007},
  pages     = {100--120},
}
"""


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """A fresh library folder with three sources and no quotes."""
    root = tmp_path / "lib"
    (root / "quotes").mkdir(parents=True)
    (root / "library.bib").write_text(SAMPLE_BIB, encoding="utf-8")
    return root


def write_library(root: Path, bib: str, quotes: dict[str, tuple[str, str]]) -> Path:
    """A library folder at ``root``: ``bib`` as library.bib and quote files built from
    ``{id: (front matter lines, text)}``."""
    (root / "quotes").mkdir(parents=True)
    (root / "library.bib").write_text(bib, encoding="utf-8")
    for quote_id, (front, text) in quotes.items():
        (root / "quotes" / f"{quote_id}.md").write_text(f"---\n{front}---\n{text}\n")
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner, library_dir: Path) -> Iterator[object]:
    """Invoke the real typer app against ``library_dir``: cli("find", "x") -> Result."""
    from citeman.cli.app import app

    def invoke(*args: str, input: str | None = None) -> object:
        return runner.invoke(app, ["--library", str(library_dir), *args], input=input)

    yield invoke


def installed_cite() -> str:
    """The console script installed next to this interpreter."""
    candidate = Path(sys.executable).with_name("cite")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("cite")
    if found is None:
        pytest.skip("the cite console script is not installed (pip install .)")
    return found


def run_cite(
    *args: str, cwd: Path, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "CITEMAN_LIBRARY"}
    full_env.update(env or {})
    full_env.setdefault("COLUMNS", "200")
    return subprocess.run(
        [installed_cite(), *args],
        cwd=cwd,
        input=input,
        text=True,
        capture_output=True,
        env=full_env,
        timeout=120,
    )
