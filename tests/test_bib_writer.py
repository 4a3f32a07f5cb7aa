"""BibFile: each operation on small hand-written files, checked byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citeman.bibtex.spans import detect_format, scan_entries
from citeman.bibtex.writer import BibFile, close_keys, delimit_value
from citeman.errors import (
    ConflictError,
    InvalidInputError,
    LibraryNotFoundError,
    NotFoundError,
    UnknownKeyError,
)

DATA = Path(__file__).parent / "data" / "writer"


def bib_with(tmp_path: Path, text: str | bytes) -> BibFile:
    path = tmp_path / "library.bib"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return BibFile(path)


def sample(tmp_path: Path, name: str) -> BibFile:
    shutil.copy(DATA / name, tmp_path / "library.bib")
    return BibFile(tmp_path / "library.bib")


def text_of(bib: BibFile) -> str:
    return bib.path.read_bytes().decode()


SIMPLE = "@article{a,\n  title = {Old},\n  year = 2000\n}\n\n@book{b,\n  title = \"B\",\n}\n"


# -- set_field: replacing -------------------------------------------------------------


def test_set_field_replaces_only_the_value_keeping_its_delimiters(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.set_field("a", "title", "New {Title}")
    bib.set_field("b", "TITLE", "Quoted still")
    bib.set_field("a", "year", "2001")  # a bare number stays bare
    assert text_of(bib) == (
        "@article{a,\n  title = {New {Title}},\n  year = 2001\n}\n\n"
        "@book{b,\n  title = \"Quoted still\",\n}\n"
    )


def test_a_quoted_value_containing_a_quote_switches_to_braces(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.set_field("b", "title", 'Say "hi"')
    assert '  title = {Say "hi"},' in text_of(bib)


def test_a_bare_number_given_text_becomes_braced(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.set_field("a", "year", "2001/2")
    assert "  year = {2001/2}\n" in text_of(bib)


def test_set_field_replaces_a_concatenation_whole(tmp_path: Path) -> None:
    bib = sample(tmp_path, "mixed.bib")
    before = text_of(bib)
    bib.set_field("smith2000", "journal", "Annals")
    assert text_of(bib) == before.replace('journal = jan # " issue"', "journal = {Annals}")


def test_set_field_on_a_duplicate_key_edits_the_first(tmp_path: Path) -> None:
    bib = sample(tmp_path, "mixed.bib")
    before = text_of(bib)
    bib.set_field("Dup", "title", "Edited")
    assert text_of(bib) == before.replace("{First}", "{Edited}")
    bib.set_field("dup", "title", "Lower")  # keys are case-sensitive
    assert "title = {Lower}" in text_of(bib) and "title = {Second, ignored}" in text_of(bib)


# -- set_field: inserting -------------------------------------------------------------


def test_inserted_field_follows_the_last_one_adding_the_missing_comma(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.set_field("a", "note", "line one\nline two")
    bib.set_field("b", "year", "1999")  # b ends with a trailing comma: so does the new line
    assert text_of(bib) == (
        "@article{a,\n  title = {Old},\n  year = 2000,\n  note = {line one\nline two}\n}\n\n"
        "@book{b,\n  title = \"B\",\n  year = {1999},\n}\n"
    )


def test_inserted_field_copies_indentation_case_and_alignment(tmp_path: Path) -> None:
    bib = bib_with(
        tmp_path,
        "@BOOK{t,\n\tAUTHOR = {A},\n\tTITLE = {T}\n}\n\n"
        "@Article{j,\n  Title                    = {J},\n  Year                     = {1},\n}\n",
    )
    bib.set_field("t", "note", "n")
    bib.set_field("j", "note", "n")
    assert text_of(bib) == (
        "@BOOK{t,\n\tAUTHOR = {A},\n\tTITLE = {T},\n\tNOTE = {n}\n}\n\n"
        "@Article{j,\n  Title                    = {J},\n  Year                     = {1},\n"
        "  Note                     = {n},\n}\n"
    )


def test_inserted_field_in_one_line_and_empty_entries(tmp_path: Path) -> None:
    bib = sample(tmp_path, "mixed.bib")
    before = text_of(bib)
    bib.set_field("paren1979", "year", "1979")
    assert text_of(bib) == before.replace('publisher = "P")', 'publisher = "P", year = {1979})')
    empty = bib_with(tmp_path, "@misc{bare}\n\n@misc{comma,}\n\n@misc{open,\n}\n")
    for key in ("bare", "comma", "open"):
        empty.set_field(key, "note", "x")
    assert text_of(empty) == (
        "@misc{bare,\n  note = {x}\n}\n\n@misc{comma,\n  note = {x}\n}\n\n"
        "@misc{open,\n  note = {x}\n}\n"
    )


def test_crlf_bom_file_stays_crlf_bom(tmp_path: Path) -> None:
    bib = sample(tmp_path, "crlf_bom.bib")
    before = bib.path.read_bytes()
    bib.set_field("mueller1990", "note", "Zweite\nZeile")
    bib.set_field("second", "title", "Zweiter Titel")
    after = bib.path.read_bytes()
    assert after == before.replace(
        b"  year = {1990}\r\n", b"  year = {1990},\r\n  note = {Zweite\r\nZeile}\r\n"
    ).replace(b'"Second"', b'"Zweiter Titel"')
    assert detect_format(after) == detect_format(before)


def test_latin1_file_stays_latin1_and_refuses_foreign_characters(tmp_path: Path) -> None:
    bib = sample(tmp_path, "latin1.bib")
    before = bib.path.read_bytes()
    bib.set_field("other", "note", "Brûlé")
    assert bib.path.read_bytes() == before.replace(
        "{Café}\n".encode("latin-1"), "{Café},\n  note = {Brûlé}\n".encode("latin-1")
    )
    edited = bib.path.read_bytes()
    with pytest.raises(InvalidInputError, match="latin-1"):
        bib.set_field("other", "note", "10 €")
    assert bib.path.read_bytes() == edited


# -- set_field: refused values --------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["{unbalanced", "unbalanced}", "}{", r"a \{ b", r"a \\}{", "ends in \\"]
)
def test_values_that_would_break_the_file_are_refused_untouched(
    tmp_path: Path, value: str
) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    with pytest.raises(InvalidInputError):
        bib.set_field("a", "title", value)
    assert text_of(bib) == SIMPLE


def test_an_entry_start_at_the_start_of_a_value_line_is_braced(tmp_path: Path) -> None:
    assert delimit_value("a\n@book{x}\nb @misc{y}") == "{a\n{@}book{x}\nb @misc{y}}"
    bib = bib_with(tmp_path, SIMPLE)
    bib.set_field("a", "note", "first\n  @book{fake, title = {x}}")
    assert "note = {first\n  {@}book{fake, title = {x}}}" in text_of(bib)
    assert [s.key for s in scan_entries(text_of(bib))] == ["a", "b"]


@pytest.mark.parametrize("name", ["", "has space", "a=b", "{x}", "9lives", "é"])
def test_invalid_field_names_are_refused(tmp_path: Path, name: str) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    with pytest.raises(InvalidInputError):
        bib.set_field("a", name, "x")
    assert text_of(bib) == SIMPLE


def test_unknown_keys_suggest_close_ones(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, "@misc{Kotkin2014}\n@misc{kotkin2017}\n@misc{zzz}\n")
    with pytest.raises(UnknownKeyError) as caught:
        bib.set_field("kotkin2014", "title", "x")
    assert caught.value.suggestions[:2] == ["Kotkin2014", "kotkin2017"]
    assert close_keys("nothing-alike", ["zzz"]) == []


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LibraryNotFoundError):
        BibFile(tmp_path / "library.bib").set_field("a", "title", "x")


# -- remove_field ---------------------------------------------------------------------


def test_remove_field_takes_its_whole_line(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.remove_field("a", "year")  # the last one, without comma: title keeps its comma
    bib.remove_field("b", "title")
    assert text_of(bib) == "@article{a,\n  title = {Old},\n}\n\n@book{b,\n}\n"


def test_remove_field_from_one_line_entries_and_multiline_values(tmp_path: Path) -> None:
    bib = bib_with(
        tmp_path,
        "@misc{x, a = {1}, b = {2}, c = {3}}\n"
        "@misc{y,\n  abstract = {two\n    lines},\n  note = {n}}\n",
    )
    bib.remove_field("x", "b")
    bib.remove_field("x", "c")
    bib.remove_field("y", "abstract")
    bib.remove_field("y", "note")
    assert text_of(bib) == "@misc{x, a = {1},}\n@misc{y,\n  }\n"


def test_remove_field_removes_every_occurrence(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, "@misc{x,\n  note = {1},\n  title = {t},\n  NOTE = {2}\n}\n")
    bib.remove_field("x", "Note")
    assert text_of(bib) == "@misc{x,\n  title = {t},\n}\n"


def test_remove_absent_field_says_which_fields_exist(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    with pytest.raises(NotFoundError) as caught:
        bib.remove_field("a", "auhtor")
    assert caught.value.hint == "its fields: title, year"
    assert text_of(bib) == SIMPLE


# -- remove_entry ---------------------------------------------------------------------


def test_remove_entry_takes_it_and_the_blank_line_after(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.remove_entry("a")
    assert text_of(bib) == "@book{b,\n  title = \"B\",\n}\n"
    bib.remove_entry("b")
    assert text_of(bib) == ""


def test_remove_entry_leaves_comments_strings_and_broken_blocks(tmp_path: Path) -> None:
    bib = sample(tmp_path, "mixed.bib")
    before = text_of(bib)
    bib.remove_entry("afterbroken")
    assert text_of(bib) == before.replace("@book{afterbroken,\n  title = {Still read}\n}\n\n", "")
    bib.remove_entry("Dup")  # the first of the two
    assert text_of(bib).count("@book{Dup,") == 1 and "{Second, ignored}" in text_of(bib)


def test_remove_entry_sharing_a_line_removes_only_its_bytes(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, "@misc{a, t = {1}}@misc{b, t = {2}}\n")
    bib.remove_entry("b")
    assert text_of(bib) == "@misc{a, t = {1}}\n"


def test_remove_entry_in_crlf_bom_file(tmp_path: Path) -> None:
    bib = sample(tmp_path, "crlf_bom.bib")
    before = bib.path.read_bytes()
    bib.remove_entry("mueller1990")
    start = before.index(b"@book{mueller1990")
    end = before.index(b"@article{second")
    assert bib.path.read_bytes() == before[:start] + before[end:]


# -- append_entries -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "expected_join"),
    [
        ("}", "}\n\n"),
        ("}\n", "}\n\n"),
        ("}\n\n", "}\n\n"),
        ("}\n\n\n", "}\n\n\n"),  # earlier bytes are never touched, extra blank lines stay
        ("}\n  ", "}\n  \n"),
    ],
)
def test_append_separates_by_one_blank_line(
    tmp_path: Path, existing: str, expected_join: str
) -> None:
    bib = bib_with(tmp_path, "@misc{a" + existing)
    bib.append_entries("\n\n@misc{b}\n\n\n")
    assert text_of(bib) == "@misc{a" + expected_join + "@misc{b}\n"


def test_append_converts_to_crlf_and_keeps_the_bom(tmp_path: Path) -> None:
    bib = sample(tmp_path, "crlf_bom.bib")
    before = bib.path.read_bytes()
    bib.append_entries("@book{new,\n  title = {Neu},\r\n}")
    assert bib.path.read_bytes() == before + b"\r\n@book{new,\r\n  title = {Neu},\r\n}\r\n"


def test_append_creates_a_missing_file(tmp_path: Path) -> None:
    bib = BibFile(tmp_path / "library.bib")
    bib.append_entries("@misc{a}")
    assert text_of(bib) == "@misc{a}\n"


@pytest.mark.parametrize(
    ("addition", "error"),
    [
        ("@misc{new, title = {unclosed}\n", InvalidInputError),
        ("@misc{new1}\n@misc{new2, title = {x}", InvalidInputError),
        ("just some words", InvalidInputError),
        ("@misc{a}\n", ConflictError),
        ("@misc{new}\n@misc{new}\n", ConflictError),
    ],
)
def test_append_refuses_broken_or_clashing_text(
    tmp_path: Path, addition: str, error: type[Exception]
) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    with pytest.raises(error):
        bib.append_entries(addition)
    assert text_of(bib) == SIMPLE


def test_append_to_a_file_ending_in_a_broken_block(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, "@misc{old, title = {never closed\n")
    bib.append_entries("@misc{new}")
    assert text_of(bib) == "@misc{old, title = {never closed\n\n@misc{new}\n"


def test_append_keeps_case_distinct_keys(tmp_path: Path) -> None:
    bib = bib_with(tmp_path, SIMPLE)
    bib.append_entries("@misc{A}")
    assert text_of(bib).endswith('}\n\n@misc{A}\n')
