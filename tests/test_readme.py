"""The README's examples run as written, on a copy of the example library.

A new user copies commands out of the README first; an example that fails there
is the product failing. The tour's `cite` lines run through the installed
console script, the Python API block runs as-is, and the quote file shown is
the example library's own file.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, installed_cite, run_cite

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    return README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "library.bib", root)
    shutil.copy(REPO / "citeman.toml", root)
    shutil.copytree(REPO / "quotes", root / "quotes")
    (root / "new.bib").write_text(
        "@book{haslam1984soviet,\n  author = {Haslam, Jonathan},\n  date = {1984},\n"
        "  title = {The Soviet Union and the Struggle for Collective Security in Europe},\n}\n",
        encoding="utf-8",
    )
    return root


def _tour_commands() -> list[str]:
    """The `cite …` lines of the tour, continuation lines joined, comments dropped."""
    (block,) = re.findall(r"```sh\n(.*?)```", _section("A 60-second tour"), flags=re.S)
    joined = block.replace("\\\n", " ")
    commands = [line.split("  #", 1)[0].strip() for line in joined.splitlines()]
    return [command for command in commands if command.startswith("cite ")]


def test_the_tour_runs_on_the_example_library(example_copy: Path) -> None:
    commands = _tour_commands()
    assert len(commands) >= 8
    env = {k: v for k, v in os.environ.items() if k != "CITEMAN_LIBRARY"}
    env["PATH"] = f"{Path(installed_cite()).parent}{os.pathsep}{env['PATH']}"
    for command in commands:
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=example_copy, env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert result.stdout.strip() or command.startswith("cite check"), command


def test_the_python_api_example_runs(example_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", _section("Python API"), flags=re.S)
    monkeypatch.chdir(example_copy)
    monkeypatch.delenv("CITEMAN_LIBRARY", raising=False)
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "haslam-dualism" in printed
    assert "Stephen Kotkin, Stalin, Volume I: Paradoxes of Power, 1878–1928" in printed


def test_the_quote_file_shown_is_the_example_librarys_own() -> None:
    shown = re.search(r"`quotes/([\w-]+\.md)`:\n\n```markdown\n(.*?)```", README, flags=re.S)
    assert shown is not None
    assert shown.group(2) == (REPO / "quotes" / shown.group(1)).read_text(encoding="utf-8")


def test_every_command_in_the_table_exists() -> None:
    from typer.testing import CliRunner

    from citeman.cli.app import app

    names = re.findall(r"^\| `cite ([a-z]+(?: [a-z]+)?)", _section("Commands"), flags=re.M)
    assert len(names) >= 10
    for name in names:
        result = CliRunner().invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, f"cite {name}: {result.output}"


def test_the_search_examples_print_what_the_readme_shows(example_copy: Path) -> None:
    """Each `$ cite …` line of "Finding quotes" prints the lines shown under it."""
    (console,) = re.findall(r"```console\n(.*?)```", _section("Finding quotes"), flags=re.S)
    examples: list[tuple[str, list[str]]] = []
    for line in console.splitlines():
        if line.startswith("$ "):
            examples.append((line[2:], []))
        else:
            examples[-1][1].append(line)
    assert len(examples) >= 6
    for command, shown in examples:
        result = run_cite(*shlex.split(command)[1:], cwd=example_copy)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert (result.stdout + result.stderr).splitlines() == shown, command


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", _section("Two commands"), flags=re.S)
    assert len(commands) == 2, "one command to install and run, one to install and test"
    install_and_run, install_and_test = commands
    assert install_and_run.endswith("cite render --style chicago")
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_test in ci_lines
