"""The cite command end to end: through typer's CliRunner and through the installed script."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_cite

RIDDLE = "It is a riddle, wrapped in a mystery, inside an enigma"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output + str(result.exception or "")
    return result


def test_version(cli: Any) -> None:
    assert "cite 0." in ok(cli("--version")).output


def test_add_find_render_round(cli: Any, library_dir: Path) -> None:
    quote_id = ok(
        cli(
            "add",
            RIDDLE,
            "--source",
            "kotkin2017waiting",
            "--page",
            "519",
            "--speaker",
            "Winston Churchill",
            "--tag",
            "realpolitik",
        )
    ).output.strip()
    assert (library_dir / "quotes" / f"{quote_id}.md").is_file()
    assert quote_id.startswith("churchill")

    found = ok(cli("find", "riddle", "--ids")).output.split()
    assert found == [quote_id]
    assert ok(cli("find", "--tag", "realpolitik", "--ids")).output.split() == [quote_id]

    text = ok(cli("render", quote_id, "--style", "apa")).output
    assert "riddle" in text
    assert "Kotkin" in text and "2017" in text


def test_render_chicago_notes_and_bibliography(cli: Any) -> None:
    ok(
        cli(
            "add",
            "Germany had been regarded as a bridgehead",
            "--source",
            "ahmann2007germany",
            "--locator",
            "p. 105",
            "--id",
            "ahmann-bridgehead",
            "--tag",
            "germany",
        )
    )
    ok(cli("add", RIDDLE, "--source", "kotkin2017waiting", "--page", "519", "--id", "riddle"))
    ok(
        cli(
            "add",
            "A second quote from the same book.",
            "--source",
            "kotkin2017waiting",
            "--page",
            "520",
            "--id",
            "riddle-2",
        )
    )
    out = ok(cli("render", "ahmann-bridgehead", "riddle", "riddle-2", "--style", "chicago")).output
    notes = out.split("Notes", 1)[1].split("Bibliography", 1)[0]
    first, second, third = (line for line in notes.splitlines() if line[:2] in ("1.", "2.", "3."))
    assert "Rolf Ahmann" in first  # full names in a first note
    assert "Stephen Kotkin" in second
    assert len(third) < len(second)  # a short note for a repeated work
    bibliography = out.split("Bibliography", 1)[1]
    assert bibliography.index("Ahmann") < bibliography.index("Kotkin")


def test_render_json_shape(cli: Any) -> None:
    ok(cli("add", RIDDLE, "--source", "kotkin2017waiting", "--id", "riddle"))
    data = json.loads(ok(cli("render", "--format", "json", "--style", "chicago")).output)
    assert set(data) == {"style", "quotes", "bibliography"}
    assert data["quotes"][0]["id"] == "riddle"
    assert set(data["quotes"][0]) == {"id", "text", "note"}
    assert "<" not in data["quotes"][0]["note"]
    assert data["bibliography"] and isinstance(data["bibliography"][0], str)


def test_render_markdown_has_real_footnotes(cli: Any) -> None:
    ok(cli("add", RIDDLE, "--source", "kotkin2017waiting", "--id", "riddle"))
    out = ok(cli("render", "--format", "markdown", "--style", "chicago")).output
    assert "[^1]" in out and "[^1]: " in out


def test_html_escapes_user_data(cli: Any, library_dir: Path) -> None:
    bib = (
        "@book{evil, author = {Mallory, Eve}, title = {<script>alert(1)</script>}, year = {2001}}\n"
    )
    ok(cli("source", "add", "-", input=bib))
    ok(cli("add", "<b>not bold</b>", "--source", "evil", "--id", "evil-quote"))
    out = ok(cli("render", "evil-quote", "--format", "html", "--style", "chicago")).output
    assert "<script" not in out.lower()
    assert "&lt;script&gt;" in out.lower() or "&#60;script&#62;" in out.lower()
    assert "<b>not bold</b>" not in out
    assert "&lt;b&gt;not bold&lt;/b&gt;" in out


def test_quoted_in_renders_both_works(cli: Any) -> None:
    ok(
        cli(
            "add",
            RIDDLE,
            "--source",
            "kotkin2014paradoxes",
            "--page",
            "12",
            "--quoted-in",
            "kotkin2017waiting",
            "--quoted-in-locator",
            "p. 519",
            "--id",
            "qi",
        )
    )
    out = ok(cli("render", "qi", "--style", "chicago", "--format", "json")).output
    note = json.loads(out)["quotes"][0]["note"]
    assert "quoted in" in note
    assert note.index("Paradoxes") < note.index("quoted in") < note.index("Waiting")


def test_speaker_quoted_in_without_source(cli: Any) -> None:
    ok(
        cli(
            "add",
            RIDDLE,
            "--speaker",
            "Winston Churchill",
            "--quoted-in",
            "kotkin2017waiting",
            "--id",
            "qi2",
        )
    )
    note = json.loads(ok(cli("render", "qi2", "--format", "json")).output)["quotes"][0]["note"]
    assert note.startswith("Winston Churchill, quoted in")


def test_source_needed(cli: Any) -> None:
    quote_id = "anonymous-words-with-no-known-source-at-all"
    ok(cli("add", "Words with no known source.", "--speaker", "Anonymous", "--id", quote_id))
    result = ok(cli("render", quote_id, "--style", "chicago"))
    assert "[source needed]" in result.stdout
    # one line however long: warnings end up in logs and piped output
    assert f"{quote_id} has no source: its note says [source needed]\n" in result.stderr


def test_source_add_appends_bytes(cli: Any, library_dir: Path) -> None:
    bib = library_dir / "library.bib"
    before = bib.read_bytes()
    new = (
        "@article{times1941enigmatic,\n  title = {Enigmatic Attitude},\n"
        "  journaltitle = {The Times},\n  year = {1941},\n}\n"
    )
    assert ok(cli("source", "add", "-", input=new)).output.strip() == "times1941enigmatic"
    after = bib.read_bytes()
    assert after.startswith(before)
    assert "times1941enigmatic" in ok(cli("source", "list")).output
    shown = json.loads(ok(cli("source", "show", "times1941enigmatic", "--json")).output)
    assert shown["container-title"] == "The Times"


# -- bad input: one clear line, a stable exit code, nothing written ---------------------------


def quote_files(library_dir: Path) -> list[str]:
    return sorted(p.name for p in (library_dir / "quotes").iterdir())


def test_unknown_source_key_suggests(cli: Any, library_dir: Path) -> None:
    result = cli("add", "words", "--source", "kotkin2014paradox")
    assert result.exit_code == 3
    assert "unknown citation key 'kotkin2014paradox'" in result.stderr
    assert "kotkin2014paradoxes" in result.stderr
    assert quote_files(library_dir) == []


def test_malformed_bibtex_is_refused(cli: Any, library_dir: Path) -> None:
    before = (library_dir / "library.bib").read_bytes()
    result = cli("source", "add", "-", input="@book{broken,\n  title = {Unclosed,\n  year = 2001\n")
    assert result.exit_code == 4, result.output
    assert "line" in result.stderr
    assert (library_dir / "library.bib").read_bytes() == before


def test_duplicate_key_is_refused(cli: Any, library_dir: Path) -> None:
    before = (library_dir / "library.bib").read_bytes()
    result = cli("source", "add", "-", input="@book{kotkin2014paradoxes, title = {Again}}\n")
    assert result.exit_code == 5
    assert "kotkin2014paradoxes" in result.stderr
    assert (library_dir / "library.bib").read_bytes() == before


def test_unknown_style_suggests(cli: Any) -> None:
    cli("add", RIDDLE, "--source", "kotkin2017waiting", "--id", "riddle")
    result = cli("render", "--style", "chicago-notes-bibliografy")
    assert result.exit_code == 3
    assert "unknown style" in result.stderr
    assert "chicago-notes-bibliography" in result.stderr


def test_invalid_quote_file_names_file_and_field(cli: Any, library_dir: Path) -> None:
    bad = library_dir / "quotes" / "broken.md"
    bad.write_text("---\nid: broken\ntags: {not: [a list\n---\nWords.\n", encoding="utf-8")
    result = cli("show", "broken")
    assert result.exit_code == 4
    assert "broken.md" in result.stderr
    result = cli("render")
    assert result.exit_code == 4
    assert "broken.md" in result.stderr


def test_bad_locator(cli: Any, library_dir: Path) -> None:
    result = cli("add", "words", "--source", "kotkin2017waiting", "--locator", "p.")
    assert result.exit_code == 4
    assert "locator" in result.stderr
    assert quote_files(library_dir) == []


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "/etc/passwd", ".."])
def test_id_cannot_escape_quotes(cli: Any, library_dir: Path, bad_id: str) -> None:
    result = cli("add", "words", "--source", "kotkin2017waiting", "--id", bad_id)
    assert result.exit_code in (4, 8)
    assert quote_files(library_dir) == []
    assert not (library_dir / "x.md").exists()


def test_empty_text(cli: Any, library_dir: Path) -> None:
    result = cli("add", "   ", "--source", "kotkin2017waiting")
    assert result.exit_code == 4
    assert "empty" in result.stderr
    assert quote_files(library_dir) == []


def test_no_library_here(runner: Any, tmp_path: Path) -> None:
    from citeman.cli.app import app

    result = runner.invoke(app, ["--library", str(tmp_path), "find", "x"])
    assert result.exit_code == 6
    assert "cite init" in result.stderr


def test_output_cannot_escape_library(cli: Any, library_dir: Path) -> None:
    cli("add", RIDDLE, "--source", "kotkin2017waiting", "--id", "riddle")
    result = cli("render", "--output", str(library_dir.parent / "out.txt"))
    assert result.exit_code == 8
    assert not (library_dir.parent / "out.txt").exists()


def test_render_output_file_is_written(cli: Any, library_dir: Path) -> None:
    cli("add", RIDDLE, "--source", "kotkin2017waiting", "--id", "riddle")
    target = library_dir / "out.md"
    ok(cli("render", "--format", "markdown", "--output", str(target)))
    assert "[^1]" in target.read_text(encoding="utf-8")


# -- the installed console script ------------------------------------------------------------


def test_installed_cite_round_trip(library_dir: Path) -> None:
    added = run_cite(
        "add", "-", "--source", "kotkin2014paradoxes", "--page", "45", cwd=library_dir, input=RIDDLE
    )
    assert added.returncode == 0, added.stderr
    quote_id = added.stdout.strip()
    found = run_cite("find", "enigma", "--ids", cwd=library_dir / "quotes")  # discovery walks up
    assert found.stdout.split() == [quote_id]
    rendered = run_cite("render", quote_id, "--style", "apa", cwd=library_dir)
    assert rendered.returncode == 0, rendered.stderr
    assert "Kotkin" in rendered.stdout


def test_installed_cite_error_exit_code(library_dir: Path) -> None:
    result = run_cite("render", "--style", "no-such-style-at-all", cwd=library_dir)
    assert result.returncode == 3
    assert result.stderr.count("\n") <= 3
    assert "Traceback" not in result.stderr


def test_library_from_environment(library_dir: Path, tmp_path: Path) -> None:
    result = run_cite("source", "list", cwd=tmp_path, env={"CITEMAN_LIBRARY": str(library_dir)})
    assert result.returncode == 0, result.stderr
    assert "kotkin2014paradoxes" in result.stdout


def test_example_library_renders_in_chicago() -> None:
    if not any((REPO / "quotes").glob("*.md")):
        pytest.skip("the example library has no quotes yet")
    result = run_cite("render", "--style", "chicago", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "Notes" in result.stdout and "Bibliography" in result.stdout
    notes = result.stdout.split("Notes", 1)[1].split("Bibliography", 1)[0]
    assert "Stephen Kotkin, Stalin, Volume II: Waiting for Hitler" in notes
    assert "Kotkin, Waiting for Hitler, xii." in notes  # the short form for a repeated work
    assert "Winston Churchill, “First Wartime Broadcast,” radio broadcast" in notes
    assert "Jonathan Haslam, quoted in" in notes
    bibliography = result.stdout.split("Bibliography", 1)[1]
    authors = [line.split(".")[0] for line in bibliography.strip().split("\n\n")]
    assert authors == sorted(authors, key=lambda name: name.removeprefix("The "))
    found = run_cite("find", "riddle", "--ids", cwd=REPO)
    assert any("churchill" in line for line in found.stdout.split())
    germany = run_cite("find", "--tag", "germany", "--ids", cwd=REPO)
    assert any("ahmann" in line for line in germany.stdout.split())


def test_source_set_and_remove_splice_only_their_bytes(cli: Any, library_dir: Path) -> None:
    bib = library_dir / "library.bib"
    before = bib.read_text(encoding="utf-8")
    ok(cli("source", "set", "kotkin2017waiting", "pagetotal", "1154"))
    after = bib.read_text(encoding="utf-8")
    assert after.replace("  pagetotal = {1154},\n", "", 1) == before
    shown = json.loads(ok(cli("source", "show", "kotkin2017waiting", "--json")).output)
    assert shown["number-of-pages"] == "1154"

    ok(cli("source", "set", "kotkin2017waiting", "pagetotal", "--remove"))
    assert bib.read_text(encoding="utf-8") == before

    ok(cli("add", RIDDLE, "--source", "ahmann2007germany", "--id", "cites-ahmann"))
    refused = cli("source", "remove", "ahmann2007germany")
    assert refused.exit_code == 5 and "cites-ahmann" in refused.stderr
    ok(cli("source", "remove", "kotkin2014paradoxes"))
    assert "kotkin2014paradoxes" not in bib.read_text(encoding="utf-8")
    assert "kotkin2017waiting" in bib.read_text(encoding="utf-8")
    assert cli("source", "show", "kotkin2014paradoxes").exit_code == 3


def test_output_named_like_an_unknown_users_home_is_a_plain_name(
    cli: Any, library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(cli("add", "Words.", "--source", "kotkin2014paradoxes", "--id", "w"))
    monkeypatch.chdir(library_dir)
    (library_dir / "~0").mkdir()
    ok(cli("render", "--output", "~0/notes.txt"))
    assert "Kotkin" in (library_dir / "~0" / "notes.txt").read_text(encoding="utf-8")
