"""The span scanner: exact offsets on hand-written samples; bibtexparser agreement on real files."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from bibtexparser import model
from bibtexparser.splitter import Splitter

from citeman.bibtex.spans import (
    BibFormat,
    decode_bib,
    detect_format,
    first_by_key,
    scan_entries,
    unreadable_block_lines,
)

DATA = Path(__file__).parent / "data" / "writer"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "bib-corpus"


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"real .bib corpus not found at {CORPUS}")
    return CORPUS


def test_mixed_sample_entries_keys_and_lines() -> None:
    text = (DATA / "mixed.bib").read_text()
    spans = scan_entries(text)
    # No %-commented entry, no @string/@preamble/@comment, no broken blocks;
    # keys differing in case are distinct, duplicates all listed.
    assert [(s.key, s.line) for s in spans] == [
        ("smith2000", 10),
        ("paren1979", 18),
        ("escaped", 20),
        ("afterbroken", 33),
        ("Dup", 37),
        ("dup", 41),
        ("Dup", 45),
    ]
    assert first_by_key(spans)["Dup"].line == 37
    assert unreadable_block_lines(text) == [25, 29]  # the value ending in "\}" and the unclosed one


def test_field_spans_cover_exactly_the_values() -> None:
    text = (DATA / "mixed.bib").read_text()
    by_key = first_by_key(scan_entries(text))

    def value(key: str, name: str) -> str:
        span = by_key[key].fields[name]
        return text[span.value_start : span.value_end]

    assert value("smith2000", "title") == '"The {Quoted} Title, with {"} a quote"'
    assert value("smith2000", "journal") == 'jan # " issue"'
    assert value("smith2000", "note") == "{Mail me @ {home}, or @ work}"
    assert value("smith2000", "year") == "2000"
    assert value("paren1979", "title") == "{In (parens)}"
    assert value("paren1979", "publisher") == '"P"'
    assert value("escaped", "title") == r"{Braces \{ escaped \} and \"quote}"
    assert value("escaped", "note") == r'"A \"quoted\" note"'
    smith = by_key["smith2000"]
    assert text[smith.start : smith.end].startswith("@article{smith2000,")
    assert text[smith.start : smith.end].endswith("year = 2000,\n}")
    author = smith.fields["author"]
    assert text[author.start : author.end] == "author = {Smith, John}"
    assert author.line == 11
    assert smith.entry_type == "article"
    assert [f.name for f in smith.field_order] == ["author", "title", "journal", "note", "year"]


def test_uppercase_names_are_lowercased_in_the_dict_and_kept_as_written() -> None:
    spans = scan_entries("@BOOK{k,\n\tTITLE = {T},\n\tTITLE = {again}\n}\n")
    assert spans[0].entry_type == "book"
    assert list(spans[0].fields) == ["title"]
    assert spans[0].fields["title"].value_start == 18  # the first occurrence
    assert [f.name for f in spans[0].field_order] == ["TITLE", "TITLE"]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("@misc{bare}\n@misc{comma,}\n", ["bare", "comma"]),
        ("@misc{a, title = {x}}@misc{b, title = {y}}", ["a", "b"]),  # two on one line
        ("@misc{a, title = {unclosed}\n@misc{b, title = {y}}\n", ["b"]),
        ("@misc{a title = {no comma after key}}\n@misc{b}\n", ["b"]),
        ("@misc{a, title = {x}, dangling}\n@misc{b}\n", ["b"]),
        ("@misc{a, title = {ends at EOF", []),
        ('@misc(a, title = "a ) in quotes", note = {and ) in braces})\n', ["a"]),
        ("  @misc{indented, title = {x}}\n", ["indented"]),
        ("text with an email someone@example.org is junk\n@misc{a}\n", ["a"]),
        ("@comment{unbalanced { comment\n@misc{a}\n", ["a"]),
        ("@string{x = {unclosed\n@misc{a}\n", ["a"]),
    ],
)
def test_tolerant_scanning(text: str, keys: list[str]) -> None:
    assert [s.key for s in scan_entries(text)] == keys


def test_crlf_bom_sample_byte_offsets() -> None:
    data = (DATA / "crlf_bom.bib").read_bytes()
    assert detect_format(data) == BibFormat(encoding="utf-8", bom=True, newline="\r\n")
    spans = scan_entries(data)
    assert [s.key for s in spans] == ["mueller1990", "second"]
    first = spans[0]
    assert data[first.start : first.end].startswith(b"@book{mueller1990,\r\n")
    assert data[first.start : first.end].endswith(b"year = {1990}\r\n}")
    title = first.fields["title"]
    assert data[title.value_start : title.value_end].decode() == "{Tōkyō 東京}"
    # byte offsets run past the str offsets by the BOM and the multi-byte characters
    text, _ = decode_bib(data)
    str_title = scan_entries(text)[0].fields["title"]
    assert title.value_start - str_title.value_start == 3 + len("ü ö".encode()) - len("ü ö")
    assert data[spans[1].start : spans[1].end] == b'@article{second,\r\n  title = "Second",\r\n}'


def test_latin1_sample_byte_offsets() -> None:
    data = (DATA / "latin1.bib").read_bytes()
    assert detect_format(data) == BibFormat(encoding="latin-1", bom=False, newline="\n")
    author = scan_entries(data)[0].fields["author"]
    assert data[author.value_start : author.value_end] == "{Sömme, Åsa}".encode("latin-1")


def test_declared_single_byte_encoding_is_honoured() -> None:
    data = "% -*- coding: latin-9-unix -*-\n@book{k, title = {€uro}}\n".encode("iso8859-15")
    assert detect_format(data).encoding == "iso8859-15"
    assert decode_bib(data)[0].endswith("{€uro}}\n")


def test_agreement_with_bibtexparser_on_small_real_files() -> None:
    root = corpus_or_skip()
    _assert_agreement([*sorted((root / "jabref-tests").glob("*.bib")), root / "xampl.bib"])


@pytest.mark.slow
def test_agreement_with_bibtexparser_on_the_whole_corpus() -> None:
    root = corpus_or_skip()
    checked = _assert_agreement(sorted(root.rglob("*.bib")))
    assert checked > 20000


def _assert_agreement(paths: list[Path]) -> int:
    """Each file's entries (key, raw text, field names and raw values) equal bibtexparser's.

    The one intended difference: bibtexparser reads ``%@book{...`` lines as entries.
    """
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    checked = 0
    for path in paths:
        text, _ = decode_bib(path.read_bytes())
        theirs = []
        for block in Splitter(text).split().blocks:
            entry = (
                block.ignore_error_block
                if isinstance(block, model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock)
                else block
            )
            if isinstance(entry, model.Entry) and not _commented_out(text, entry):
                fields = [(f.key, f.value) for f in entry.fields]
                theirs.append((entry.key, entry.raw, fields))
        mine = [
            (
                s.key,
                text[s.start : s.end],
                [(f.name, text[f.value_start : f.value_end]) for f in s.field_order],
            )
            for s in scan_entries(text)
        ]
        assert mine == theirs, path.name
        checked += len(mine)
    return checked


def _commented_out(text: str, entry: model.Entry) -> bool:
    start = text.find(entry.raw or "")
    line_start = text.rfind("\n", 0, start) + 1
    return "%" in text[line_start:start]
