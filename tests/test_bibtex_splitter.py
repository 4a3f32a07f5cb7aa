"""The fast block splitter gives what bibtexparser's splitter gives, and load_bib is unchanged.

Each test compares against bibtexparser itself (the reference the fast path replaces),
so an edge case read differently fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from bibtexparser import model as bib_model
from bibtexparser.splitter import Splitter

import citeman.bibtex.reader as reader_module
from citeman.bibtex import decode_bib_bytes, load_bib, parse_bib_text
from citeman.bibtex.splitter import SplitEntry, split_blocks

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "bib-corpus"
DATA = Path(__file__).resolve().parent / "data"
STRING_FILES = {"biber-papers.bib": [CORPUS / "biber-definitions.bib"]}

# The blocks the reader reads; comments and preambles it skips.
_READ_BLOCKS = (
    SplitEntry,
    bib_model.Entry,
    bib_model.String,
    bib_model.DuplicateBlockKeyBlock,
    bib_model.DuplicateFieldKeyBlock,
    bib_model.ParsingFailedBlock,
)


def _described(block: bib_model.Block | SplitEntry) -> list[Any]:
    """What the reader uses of a block."""
    if isinstance(block, bib_model.DuplicateBlockKeyBlock) and isinstance(
        block.ignore_error_block, bib_model.Entry
    ):
        # The reader finds a repeated citation key itself: a repeat is read as an entry.
        return _described(block.ignore_error_block)
    if isinstance(block, SplitEntry):
        return ["entry", block.raw, block.entry_type, block.key, block.fields, block.repeated]
    if isinstance(block, bib_model.Entry):
        fields = [(field.key, field.value) for field in block.fields]
        return ["entry", block.raw, block.entry_type, block.key, fields, False]
    if isinstance(block, bib_model.DuplicateFieldKeyBlock) and isinstance(
        block.ignore_error_block, bib_model.Entry
    ):
        return [*_described(block.ignore_error_block)[:-1], True]
    described: list[Any] = [type(block).__name__, block.raw]
    if isinstance(block, bib_model.String):
        described += [block.key, block.value]
    if isinstance(block, bib_model.ParsingFailedBlock):
        described.append(str(getattr(block.error, "abort_reason", None) or block.error))
        if block.ignore_error_block is not None:
            described.append(_described(block.ignore_error_block))
    return described


def _assert_splits_as_bibtexparser(text: str) -> None:
    expected = bibtexparser.parse_string(text, parse_stack=[]).blocks
    assert [_described(b) for b in split_blocks(text) if isinstance(b, _READ_BLOCKS)] == [
        _described(b) for b in expected if isinstance(b, _READ_BLOCKS)
    ]


def _with_bibtexparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader splits with bibtexparser itself from here on (the reference)."""
    monkeypatch.setattr(
        reader_module,
        "split_blocks",
        lambda text: bibtexparser.parse_string(text, parse_stack=[]).blocks,
    )


def _bib_files() -> list[Path]:
    corpus = sorted(CORPUS.rglob("*.bib")) if CORPUS.is_dir() else []
    return corpus + sorted(DATA.rglob("*.bib"))


def _file_id(path: Path) -> str:
    return path.name if not path.is_relative_to(CORPUS) else path.relative_to(CORPUS).as_posix()


EDGE_CASES = {
    "plain": "@article{a,\n  title = {T},\n  year = 2001,\n}\n",
    "no trailing comma, no fields": "@book{b, title = {T}}\n@misc{c}\n@misc{d,}\n",
    "quoted with braces and escaped quote": '@misc{q, title = "{Big} \\"x\\" {, }", note = {a"b}}',
    "escaped marks": "@misc{e\\,f, ti\\=tle = {a\\}b}, note = x\\,y}\n",
    "escaped quote at a value end": '@misc{e, title = "a\\\\"b", note = "c"}',
    '{"} in quotes': '@misc{q, title = "say {"}hi{"}", year = 1}\n@misc{r, year = 2}',
    "deep braces": "@misc{d, title = {a{b{c{d{e{f}}}}}}}\n@misc{e, title = {x}}",
    "at sign mid-line": "@misc{a, title = {GaN@ {SiO2} and x @book{y}}, year = 1}\n",
    "at sign at line start": "@misc{a, title = {x\n  @book{y}}, year = 1}\n@misc{b, year = 2}\n",
    "unclosed before a line-start at sign": "@misc{a, title = {GaN\n  @book{y, title = {z}}\n",
    "at sign in a name": "@misc{a, ti@x(tle = {z}}\n@misc{k@y(, year = 1}\n@misc{b, year = 1}",
    "paren block": "@misc{a, year = 1}\n@book(b, title = {T})\n@misc{c, year = 2}",
    "strings and concatenation": '@string{j = "J. {Phys}"}\n@STRING{k = {K}}\n'
    '@article{a, journal = j # " and " # k, month = jan}\n',
    "comment and preamble": '@comment{x {y} @misc{z}}\n@preamble{"\\@ifundefined{a}{b}"}\n'
    "@misc{a, year = 1}\n% @misc{b, year = 2}\n",
    "duplicate key and field": "@misc{a, year = 1}\n@misc{a, year = 2}\n"
    "@misc{b, year = 1, year = 2}\n@string{s = {1}}\n@string{s = {2}}\n",
    "missing equals": "@misc{a, year}\n@misc{b, year = 2}\n",
    "missing comma": "@misc{a year = 1}\n@misc{b, year = 2}\n",
    "unclosed entry": "@misc{a, title = {T}\n\n@misc{b, year = 2}\n",
    "unclosed at the end": "@misc{a, title = {T",
    "crlf and odd spacing": "@ Misc \t{a ,\r\n  Title\t=\t{T} ,\r\n}\r\n",
    "keyless": "@misc{, year = 1}\n@misc{year = 1}\n",
}


@pytest.mark.parametrize("text", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_split_and_load_as_with_bibtexparser(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_splits_as_bibtexparser(text)
    fast = parse_bib_text(text).model_dump()
    _with_bibtexparser(monkeypatch)
    assert parse_bib_text(text).model_dump() == fast


def test_a_well_formed_library_never_needs_bibtexparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: Splitter) -> None:
        raise AssertionError(f"fell back to bibtexparser at {self.bibstr[:40]!r}")

    monkeypatch.setattr(Splitter, "split", fail)
    text = "".join(EDGE_CASES[name] for name in ("plain", "strings and concatenation"))
    assert len(split_blocks(text + EDGE_CASES["at sign mid-line"])) == 5


@pytest.mark.slow
@pytest.mark.parametrize("path", _bib_files(), ids=_file_id)
def test_every_file_splits_and_loads_as_with_bibtexparser(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = decode_bib_bytes(path.read_bytes())[0].replace("\r\n", "\n")
    _assert_splits_as_bibtexparser(text)
    string_files = STRING_FILES.get(path.name, ()) if path.is_relative_to(CORPUS) else ()
    fast = load_bib(path, string_files=string_files).model_dump()
    _with_bibtexparser(monkeypatch)
    assert load_bib(path, string_files=string_files).model_dump() == fast
