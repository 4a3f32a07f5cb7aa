"""Fuzzing the command line where it takes user text: ``cite add`` and ``cite render``.

Through typer's CliRunner against one real library folder, hypothesis sends any
text as the quote, tags, speaker, note, date, occasion, citation keys, locators,
quote ids and output paths. Every run ends with exit code 0 or one of the
documented error codes (never 9, never a traceback); a quote that was accepted
reads back as written; and nothing is ever written outside the library folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from citeman.cli.app import app
from citeman.errors import UnsafePathError
from citeman.library import Library
from citeman.quotes import QuoteStore
from tests.conftest import SAMPLE_BIB

#: Examples per target (the fuzzing budget reported in the issue's closing note).
ADD_EXAMPLES = 150
ID_EXAMPLES = 100
OUTPUT_EXAMPLES = 100

#: Documented exit codes of `cite add` on bad input: unknown key (3), invalid input (4),
#: id taken (5), unsafe path (8); 9 is an internal error and never allowed.
ADD_CODES = {0, 3, 4, 5, 8}

HOSTILE = [
    "---", "\n---\n", ": ", "- ", "#", "&a", "*a", "!!python/object:os.system", "{", "}",
    "[", "]", '"', "'", "|", ">", "%", "@", "`", "\\", "\r", "\r\n", "\n", "\t", "\ufeff",
    "\x85", "\u2028", "\x0b", "\x1b[31m", "[bold]", "[/]", "<script>alert(1)</script>",
    "&amp;", "../", "/", ".", "~", "$HOME", "null", "true", "1939-10-01", "p. 45", "é", "東",
    "\U0001f600", "  ",
]
# NUL cannot be in a command-line argument; everything else can.
_pieces = st.sampled_from(HOSTILE) | st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=6
)
user_text = st.lists(_pieces, max_size=8).map("".join)
keys = st.sampled_from(["kotkin2014paradoxes", "ahmann2007germany"]) | user_text
locators = st.sampled_from(["p. 45", "pp. 112–14", "chap. 3", "fol. 12r", "s.v. x"]) | user_text


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-cli") / "lib"
    (root / "quotes").mkdir(parents=True)
    (root / "library.bib").write_text(SAMPLE_BIB, encoding="utf-8")
    return root


def cite(library_dir: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["--library", str(library_dir), *args])


def files_outside(library_dir: Path) -> set[Path]:
    """Every file under the library's parent folder that is not inside the library."""
    return {p for p in library_dir.parent.rglob("*") if not p.is_relative_to(library_dir)}


def assert_clean_exit(result: Any, allowed: set[int]) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


# The library folder is shared by all examples on purpose: quotes pile up, ids clash.
SHARED = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow  # a CliRunner call and an index refresh per example
@settings(SHARED, max_examples=ADD_EXAMPLES)
@given(
    text=user_text,
    source=st.none() | keys,
    locator=st.none() | locators,
    speaker=st.none() | user_text,
    tags=st.lists(user_text, max_size=3),
    note=st.none() | user_text,
    date=st.none() | user_text,
    occasion=st.none() | user_text,
    quote_id=st.none() | user_text,
)
def test_cite_add_takes_any_text_or_says_why_not(
    library_dir: Path,
    text: str,
    source: str | None,
    locator: str | None,
    speaker: str | None,
    tags: list[str],
    note: str | None,
    date: str | None,
    occasion: str | None,
    quote_id: str | None,
) -> None:
    options = {
        "--source": source,
        "--locator": locator,
        "--speaker": speaker,
        "--note": note,
        "--date": date,
        "--occasion": occasion,
        "--id": quote_id,
    }
    args = [f"{name}={value}" for name, value in options.items() if value is not None]
    args += [f"--tag={tag}" for tag in tags]
    before_outside = files_outside(library_dir)
    result = cite(library_dir, "add", *args, "--", text)
    assert_clean_exit(result, ADD_CODES)
    assert files_outside(library_dir) == before_outside
    if result.exit_code != 0:
        return
    new_id = result.stdout.strip()
    stored = QuoteStore(library_dir / "quotes").load(new_id)  # reads back from its file
    # The words as given, with line breaks stored as LF (a quote file is lines of text).
    assert stored.text == text.strip("\n").replace("\r\n", "\n").replace("\r", "\n")
    # An empty option is no option; tags are stripped and kept once each, in order.
    assert (stored.source, stored.speaker, stored.note, stored.occasion) == (
        source or None,
        speaker or None,
        note or None,
        occasion or None,
    )
    assert stored.tags == list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    assert quote_id is None or stored.id == quote_id


@pytest.mark.slow  # a CliRunner call and an index refresh per example
@settings(SHARED, max_examples=ID_EXAMPLES)
@given(quote_id=user_text | st.sampled_from(["..", ".", "../x", "a/b", "/etc/x", "C:x", "a\\b"]))
def test_quote_ids_never_name_a_file_outside_quotes(library_dir: Path, quote_id: str) -> None:
    store = QuoteStore(library_dir / "quotes")
    try:
        path = store.path_for(quote_id)
    except UnsafePathError:
        pass
    else:
        assert path.parent == library_dir / "quotes" and path.name == f"{quote_id}.md"
    before_outside = files_outside(library_dir)
    result = cite(library_dir, "add", "words", "--source=kotkin2014paradoxes", f"--id={quote_id}")
    assert_clean_exit(result, ADD_CODES)
    assert files_outside(library_dir) == before_outside
    for command in (["show", "--", quote_id], ["render", "--", quote_id]):
        assert_clean_exit(cite(library_dir, *command), {0, 3, 4, 8})


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with one quote, and a sibling folder to run from (outside the library)."""
    root = tmp_path_factory.mktemp("fuzz-output") / "lib"
    (root / "quotes").mkdir(parents=True)
    (root / "library.bib").write_text(SAMPLE_BIB, encoding="utf-8")
    (root.parent / "cwd").mkdir()
    added = cite(root, "add", "words", "--source=kotkin2014paradoxes", "--id=first")
    assert added.exit_code == 0, added.output
    return root


@pytest.mark.slow  # a CliRunner call and an index refresh per example
@settings(SHARED, max_examples=OUTPUT_EXAMPLES)
@given(
    segments=st.lists(
        st.sampled_from(["..", ".", "out", "sub", "", "~", "/tmp", "x.md", "lib"]) | user_text,
        min_size=1,
        max_size=4,
    ),
    absolute=st.booleans(),
)
@example(segments=["~0"], absolute=False)  # "~name" of no user: was a RuntimeError, exit 9
def test_render_output_never_lands_outside_the_library(
    small_library: Path, segments: list[str], absolute: bool
) -> None:
    # Relative paths start in a folder next to the library: outside it, so always refused.
    output = "/".join(segments)
    if absolute:
        output = f"{small_library}/{output}"
    if not output.strip():
        return
    path = Path(output)
    with contextlib.suppress(RuntimeError):  # "~name" of no known user stays a plain name
        path = path.expanduser()
    with contextlib.chdir(small_library.parent / "cwd"):
        target = path.resolve()
    # The library's own files: test_render_output_never_overwrites_the_library_itself.
    assume(target not in {small_library / "library.bib", small_library / "citeman.toml"})
    assume(not target.is_relative_to(small_library / "quotes"))
    assume(not target.is_relative_to(small_library / ".citeman"))
    before_outside = files_outside(small_library)
    with contextlib.chdir(small_library.parent / "cwd"):
        result = cite(small_library, "render", "--output", output)
    assert_clean_exit(result, {0, 4, 8})
    assert files_outside(small_library) == before_outside
    if result.exit_code == 0:
        assert target.is_relative_to(small_library.resolve()) and target.is_file()
    else:
        assert not target.is_relative_to(small_library.resolve()) or not target.is_file()


@pytest.mark.parametrize("target", ["library.bib", "quotes/first.md", "citeman.toml"])
def test_render_output_never_overwrites_the_library_itself(
    tmp_path: Path, target: str
) -> None:
    root = tmp_path / "lib"
    (root / "quotes").mkdir(parents=True)
    (root / "library.bib").write_text(SAMPLE_BIB, encoding="utf-8")
    (root / "citeman.toml").write_text('style = "chicago"\n', encoding="utf-8")
    added = cite(root, "add", "words", "--source=kotkin2014paradoxes", "--id=first")
    assert added.exit_code == 0, added.output
    before = (root / target).read_bytes()
    result = cite(root, "render", "--output", str(root / target))
    assert (root / target).read_bytes() == before
    assert result.exit_code == 8
    assert Library.open(root).quote("first").text == "words"
