"""Data safety on real libraries: every .bib file in shared/bib-corpus loads, every entry is
either a Source with CSL or a located problem, and the known figures hold."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from citeman.bibtex import BibLoadResult, decode_bib_bytes, load_bib
from citeman.bibtex.report import format_table, load_folder
from citeman.bibtex.spans import first_by_key, scan_entries, unreadable_block_lines

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "bib-corpus"
STRING_FILES = {"biber-papers.bib": [CORPUS / "biber-definitions.bib"]}

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared BibTeX corpus is not at {CORPUS}"
)


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.bib")) if CORPUS.is_dir() else []


@cache
def loaded(path: Path) -> BibLoadResult:
    return load_bib(path, string_files=STRING_FILES.get(path.relative_to(CORPUS).as_posix(), ()))


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_every_entry_loads_or_is_a_located_problem(path: Path) -> None:
    result = loaded(path)
    text = decode_bib_bytes(path.read_bytes())[0].replace("\r\n", "\n")
    lines = text.split("\n")
    for source in result.sources:
        assert source.csl["id"] == source.key
        assert source.csl["type"]
        assert source.file == path
        assert source.line is not None
        assert lines[source.line - 1].lstrip().startswith("@"), (source.key, source.line)
        assert source.key in lines[source.line - 1]
    for problem in result.problems:
        assert problem.file == path and problem.line is not None and problem.message
        if problem.kind in ("parse", "duplicate-key"):
            assert "@" in lines[problem.line - 1], str(problem)
    # Every block is accounted for: the independent span scanner finds as many blocks
    # (read or unreadable) as there are sources plus parse and duplicate-key problems.
    kinds = Counter(problem.kind for problem in result.problems)
    blocks = len(scan_entries(text)) + len(unreadable_block_lines(text))
    assert len(result.sources) + kinds["parse"] + kinds["duplicate-key"] == blocks
    # ...agree on which keys exist (a keyless entry is a problem, never a source)...
    spans = first_by_key(scan_entries(text))
    assert {s.key for s in result.sources} == set(spans) - {""}
    # ...and place each entry on the same line.
    assert all(spans[s.key].line == s.line for s in result.sources)


@pytest.mark.slow
def test_known_figures() -> None:
    def kinds(name: str) -> Counter[str]:
        return Counter(problem.kind for problem in loaded(CORPUS / name).problems)

    unbalanced = loaded(CORPUS / "bbt-user-libs/bbt-export-1296.bib").problems
    assert len(unbalanced) == 23
    assert all(p.kind == "parse" and "braces do not balance" in p.message for p in unbalanced)
    assert kinds("bbt-user-libs/bbt-import-873.bib")["duplicate-key"] == 14
    assert kinds("thesis-thammegowda-anthology.bib")["duplicate-key"] == 5
    # Mendeley: 61 repeated keys, 36 of them the empty key (reported as missing keys).
    mendeley = kinds("bbt-user-libs/mendeley-export.bib")
    assert mendeley["duplicate-key"] == 25
    assert mendeley["parse"] == 37  # the 36 repeats and the first keyless entry
    # biber-papers.bib needs the journal macros of biber-definitions.bib
    assert kinds("biber-papers.bib") == Counter()
    assert load_bib(CORPUS / "biber-papers.bib").problems[0].kind == "undefined-macro"
    encodings = {p.name: loaded(p).encoding for p in corpus_files()}
    assert {name for name, enc in encodings.items() if enc != "utf-8"} == {
        "encoding1.bib",
        "encoding3.bib",
        "encoding4.bib",
    }
    assert loaded(CORPUS / "biber-tdata/encoding1.bib").sources[0].csl["title"] == "Šome title"
    assert loaded(CORPUS / "biber-tdata/encoding4.bib").sources[0].csl["title"] == "Żome title"


@pytest.mark.slow
def test_keys_differing_only_in_case_are_distinct() -> None:
    sources = loaded(CORPUS / "bbt-user-libs/bbt-import-1436-3.bib").sources
    by_lower = Counter(source.key.lower() for source in sources)
    pairs = [key for key, count in by_lower.items() if count > 1]
    assert len(pairs) == 16  # e.g. Chen_2017 and chen_2017: two different works
    twins = [s for s in sources if s.key.lower() == "chen_2017"]
    assert len({s.key for s in twins}) == 2 and twins[0].title != twins[1].title


@pytest.mark.slow
def test_report_table() -> None:
    reports = list(load_folder(CORPUS / "jabref-tests"))
    table = format_table(reports, CORPUS / "jabref-tests")
    assert table.splitlines()[0].split()[:2] == ["file", "entries"]
    assert "CitaviXmlImporterTest2.bib" in table
    total = table.splitlines()[-1]
    assert total.startswith(f"TOTAL ({len(reports)} files)")
    assert str(sum(r.entries for r in reports)) in total
