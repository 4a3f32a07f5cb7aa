"""Reading .bib text and files: macros, crossref/xdata, lines, problems, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeman.bibtex import (
    BibProblem,
    entry_fingerprint,
    load_bib,
    parse_bib_text,
)
from citeman.bibtex.report import main as report_main


def by_key(text: str, **kwargs: object) -> dict[str, object]:
    return {s.key: s for s in parse_bib_text(text, **kwargs).sources}  # type: ignore[arg-type]


# -- values -----------------------------------------------------------------------------


def test_string_macros_concatenation_and_months() -> None:
    result = parse_bib_text(
        '@STRING{JMH = "Journal of Modern History"}\n'
        "@string(pub = {Penguin})\n"
        "@article{a,\n"
        "  journal = jmh,\n"  # macros are case-insensitive
        '  note = "Published " # Pub # " in " # dec # ", reprint",\n'
        "  month = dec,\n"
        "  year = 1991,\n"
        "}\n"
    )
    assert result.problems == []
    (source,) = result.sources
    assert source.fields["journal"] == "Journal of Modern History"
    assert source.fields["note"] == "Published Penguin in December, reprint"
    assert source.fields["month"] == "12"
    assert source.fields["year"] == "1991"
    assert source.csl["issued"] == {"date-parts": [[1991, 12]]}
    assert source.csl["container-title"] == "Journal of Modern History"


def test_a_user_macro_overrides_a_month_macro() -> None:
    source = by_key('@string{jan = "Januar"}\n@misc{a, month = jan, note = jan}')["a"]
    assert source.fields["month"] == "Januar"  # type: ignore[attr-defined]


def test_undefined_macro_is_a_problem_and_keeps_its_name() -> None:
    result = parse_bib_text("\n@article{a,\n  journal = nowhere,\n  title = {T}}\n")
    assert result.sources[0].fields["journal"] == "nowhere"
    (problem,) = result.problems
    assert (problem.kind, problem.line, problem.key) == ("undefined-macro", 2, "a")
    assert "nowhere" in problem.message


def test_macros_in_force_are_returned_for_parsing_an_appended_tail() -> None:
    head = parse_bib_text('@String{Pub = "Penguin"}\n@book{a, publisher = pub}\n')
    assert head.macros == {"pub": "Penguin"}
    tail = parse_bib_text("@book{b, publisher = pub}\n", first_line=3, macros=head.macros)
    assert tail.problems == []
    assert tail.sources[0].csl["publisher"] == "Penguin"
    assert tail.sources[0].line == 3


def test_string_files_provide_macros(tmp_path: Path) -> None:
    strings = tmp_path / "definitions.bib"
    strings.write_text('@string{ahr = "American Historical Review"}\n', encoding="utf-8")
    bib = tmp_path / "papers.bib"
    bib.write_text("@article{a, journal = AHR, title = {T}}\n", encoding="utf-8")
    assert load_bib(bib).problems[0].kind == "undefined-macro"
    loaded = load_bib(bib, string_files=[strings])
    assert loaded.problems == []
    assert loaded.sources[0].csl["container-title"] == "American Historical Review"


def test_field_names_lower_cased_values_kept_as_latex() -> None:
    source = by_key(r"@Book{Key, TITLE = {Stra{\ss}e}, Author = {M{\"u}ller, H.}}")["Key"]
    assert source.fields == {"title": r"Stra{\ss}e", "author": r"M{\"u}ller, H."}  # type: ignore[attr-defined]
    assert source.entry_type == "book"  # type: ignore[attr-defined]
    assert source.csl["title"] == "Straße"  # type: ignore[attr-defined]


# -- crossref and xdata -----------------------------------------------------------------


def test_crossref_book_to_inbook_biblatex_rules() -> None:
    sources = by_key(
        "@inbook{chap, title = {Chapter}, pages = {1--10}, crossref = {whole}}\n"
        "@book{whole, title = {The Book}, subtitle = {A Study}, author = {Kotkin, S.},"
        " shorttitle = {Book}, publisher = {Penguin}, year = {2014}}\n"
    )
    fields = sources["chap"].fields  # type: ignore[attr-defined]
    assert fields["booktitle"] == "The Book"
    assert fields["booksubtitle"] == "A Study"
    assert fields["title"] == "Chapter"
    assert fields["bookauthor"] == "Kotkin, S."
    assert fields["author"] == "Kotkin, S."
    assert "shorttitle" not in fields
    csl = sources["chap"].csl  # type: ignore[attr-defined]
    assert csl["type"] == "chapter"
    assert csl["container-title"] == "The Book: A Study"
    assert csl["publisher"] == "Penguin"
    assert csl["issued"] == {"date-parts": [[2014]]}
    assert csl["page"] == "1-10"


def test_crossref_mvbook_gives_maintitle_and_proceedings_booktitle() -> None:
    sources = by_key(
        "@book{vol2, title = {Volume Two}, volume = {2}, crossref = {set}}\n"
        "@mvbook{set, title = {Collected Works}, volumes = {4}}\n"
        "@inproceedings{talk, title = {Talk}, crossref = {conf}}\n"
        "@proceedings{conf, title = {Proceedings of X}, editor = {Doe, J.}}\n"
        "@incollection{old, title = {Old style}, crossref = {coll}}\n"
        "@book{coll, title = {A Collection}}\n"
    )
    vol2 = sources["vol2"]
    assert vol2.fields["maintitle"] == "Collected Works"  # type: ignore[attr-defined]
    assert vol2.csl["title"] == "Collected Works"  # type: ignore[attr-defined]
    assert vol2.csl["volume-title"] == "Volume Two"  # type: ignore[attr-defined]
    assert vol2.csl["volume"] == "2"  # type: ignore[attr-defined]
    talk = sources["talk"].csl  # type: ignore[attr-defined]
    assert talk["container-title"] == "Proceedings of X"
    assert talk["editor"] == [{"family": "Doe", "given": "J."}]
    # classic BibTeX: a chapter crossref'ing any book gets the book's title as booktitle
    assert sources["old"].csl["container-title"] == "A Collection"  # type: ignore[attr-defined]


def test_crossref_lookup_is_case_insensitive_and_missing_parent_is_a_problem() -> None:
    result = parse_bib_text(
        "@incollection{a, title = {A}, crossref = {THEBOOK}}\n"
        "@book{TheBook, title = {B}}\n"
        "@incollection{b, title = {C}, crossref = {missing}}\n"
        "@book{x, crossref = {y}}\n@book{y, crossref = {x}}\n"
    )
    sources = {s.key: s for s in result.sources}
    assert sources["a"].csl["container-title"] == "B"
    kinds = [(p.kind, p.key, p.line) for p in result.problems]
    assert ("crossref", "b", 3) in kinds
    assert any(kind == "crossref" and key in ("x", "y") for kind, key, _ in kinds)
    assert len(result.sources) == 5


def test_xdata_inheritance() -> None:
    sources = by_key(
        "@xdata{pub, publisher = {Macmillan}, location = {London}}\n"
        "@book{a, title = {T}, xdata = {pub}}\n"
    )
    csl = sources["a"].csl  # type: ignore[attr-defined]
    assert csl["publisher"] == "Macmillan"
    assert csl["publisher-place"] == "London"


# -- keys, duplicates, lines -------------------------------------------------------------


def test_duplicate_keys_keep_the_first_and_report_both_lines() -> None:
    result = parse_bib_text(
        "@book{dup, title = {First}}\n\n@book{dup, title = {Second}}\n@book{Dup, title = {Case}}\n"
    )
    assert [(s.key, s.csl["title"]) for s in result.sources] == [("dup", "First"), ("Dup", "Case")]
    (problem,) = result.problems
    assert (problem.kind, problem.line, problem.key) == ("duplicate-key", 3, "dup")
    assert "line 1" in problem.message


def test_lines_are_exact_after_values_ending_in_backslashes_and_crlf() -> None:
    text = (
        "% comment\r\n"
        "@misc{a,\r\n  file = {C:\\Users\\},\r\n  note = {x}\r\n}\r\n"  # ends in \
        "\r\n"
        "@misc{b, note = {two\r\nlines}, path = {C:\\dir\\file}}\r\n"
        "@misc{c, title = {y \\}}\r\n"  # a value ending in a backslash: malformed
        "\r\n"
        "@misc{d, title = {z}}\r\n"
    )
    result = parse_bib_text(text)
    assert [(s.key, s.line) for s in result.sources] == [("b", 7), ("d", 11)]
    assert result.sources[0].fields["note"] == "two\nlines"
    assert [(p.kind, p.line, p.key) for p in result.problems] == [
        ("parse", 2, "a"),
        ("parse", 9, "c"),
    ]
    assert "backslash" in result.problems[1].message


def test_first_line_offsets_lines() -> None:
    result = parse_bib_text("@book{a, title = {x}}\n@book{b, title = {y}\n", first_line=40)
    assert result.sources[0].line == 40
    assert result.problems[0].line == 41


def test_malformed_entries_are_reported_and_the_rest_load() -> None:
    text = (
        "@article{good1, title = {One}}\n"
        "@article{broken, title = {Unbalanced, year = {2000}\n"
        "@article{good2, title = {Two}}\n"
        "@article{title = {no key}}\n"
        "@article{, title = {empty key}}\n"
        "@article{good3, title = {Three}}\n"
        "@book{last, title = {never closed}\n"
    )
    result = parse_bib_text(text, file=Path("library.bib"))
    assert [s.key for s in result.sources] == ["good1", "good2", "good3"]
    problems = [(p.kind, p.line, p.key) for p in result.problems]
    assert problems == [
        ("parse", 2, "broken"),
        ("parse", 4, None),
        ("parse", 5, None),
        ("parse", 7, "last"),
    ]
    messages = [p.message for p in result.problems]
    assert "title" in messages[0] and "line 3" in messages[0]
    assert "missing citation key" in messages[1]
    assert "missing citation key" in messages[2]
    assert "end of the text" in messages[3]
    assert str(result.problems[0]).startswith("library.bib:2: @article{broken}: ")


def test_commented_out_entry_is_not_an_entry() -> None:
    result = parse_bib_text("%@book{old, title = {Old}}\n@book{new, title = {New}}\n")
    assert [s.key for s in result.sources] == ["new"]
    assert result.sources[0].line == 2


def test_problem_str_without_file() -> None:
    problem = BibProblem(line=3, key="k", entry_type="book", kind="parse", message="bad")
    assert str(problem) == "<text>:3: @book{k}: bad"


def test_raw_blocks_align_with_sources_and_fingerprints_change_with_text() -> None:
    text = "@book{a, title = {x}}\n@book{b, title = {y}}\n"
    result = parse_bib_text(text)
    assert result.raw_blocks == ["@book{a, title = {x}}", "@book{b, title = {y}}"]
    edited = parse_bib_text(text.replace("{y}", "{z}"))
    assert entry_fingerprint(result.raw_blocks[0]) == entry_fingerprint(edited.raw_blocks[0])
    assert entry_fingerprint(result.raw_blocks[1]) != entry_fingerprint(edited.raw_blocks[1])


# -- encodings ---------------------------------------------------------------------------

ENTRY = "@book{k,\n  author = {Müller, Jürgen},\n  title = {Straße},\n}\n"


def test_utf8_bom(tmp_path: Path) -> None:
    bib = tmp_path / "bom.bib"
    bib.write_bytes(b"\xef\xbb\xbf" + ENTRY.encode("utf-8"))
    result = load_bib(bib)
    assert result.problems == []
    assert result.encoding == "utf-8-sig"
    assert result.sources[0].key == "k"
    assert result.sources[0].line == 1
    assert result.sources[0].file == bib


def test_utf16_with_bom(tmp_path: Path) -> None:
    bib = tmp_path / "notepad.bib"
    bib.write_bytes(ENTRY.replace("\n", "\r\n").encode("utf-16"))
    result = load_bib(bib)
    assert (result.encoding, result.problems) == ("utf-16", [])
    assert result.sources[0].csl["title"] == "Straße"


def test_repeated_field_keeps_the_first() -> None:
    source = by_key("@book{k, title = {First}, TITLE = {Second}}")["k"]
    assert source.fields["title"] == "First"  # type: ignore[attr-defined]


def test_a_field_named_twice_loads_with_the_first_value_and_is_reported() -> None:
    # bibtexparser fails such a block; the span scanner and the writer see an entry.
    result = parse_bib_text(
        "@book{k,\n  keywords = {one},\n  keywords = {two},\n  title = {T},\n}\n"
        "@book{k, title = {Again}}\n"
    )
    (source,) = result.sources
    assert source.fields["keywords"] == "one"  # type: ignore[attr-defined]
    assert [(p.kind, p.line, p.key) for p in result.problems] == [
        ("duplicate-field", 1, "k"),
        ("duplicate-key", 6, "k"),
    ]
    assert "'keywords' (2×)" in result.problems[0].message


def test_latin1_and_cp1252(tmp_path: Path) -> None:
    bib = tmp_path / "latin.bib"
    bib.write_bytes(ENTRY.replace("Straße", "“Straße”").encode("cp1252"))
    result = load_bib(bib)
    assert result.encoding == "cp1252"
    (problem,) = result.problems  # a guess, said out loud
    assert (problem.kind, problem.file, problem.line) == ("encoding", bib, None)
    assert str(problem).startswith(f"{bib}: not valid UTF-8")
    assert result.sources[0].csl["author"] == [{"family": "Müller", "given": "Jürgen"}]
    assert result.sources[0].csl["title"] == "“Straße”"


def test_declared_encoding_wins(tmp_path: Path) -> None:
    bib = tmp_path / "latin9.bib"
    text = "% -*- coding: latin-9-unix -*-\n" + ENTRY.replace("ü", "Š")
    bib.write_bytes(text.encode("iso8859-15"))
    result = load_bib(bib)
    assert result.problems == []
    assert result.encoding == "latin9"
    assert result.sources[0].csl["author"][0]["family"] == "MŠller"
    assert result.sources[0].line == 2


def test_gbk(tmp_path: Path) -> None:
    bib = tmp_path / "gbk.bib"
    bib.write_bytes("@book{k,\n  author = {鲁迅},\n  title = {呐喊},\n}\n".encode("gbk"))
    result = load_bib(bib)
    assert result.encoding == "gbk"
    assert [p.kind for p in result.problems] == ["encoding"]
    assert result.sources[0].csl["title"] == "呐喊"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["@article{", "@string{", "@book(", "key", ",", " = ", "{", "}", '"', "#", "jan",
             "\n", "title", "\\", "crossref = {k}", "and", "%", "@comment{", ")", "Müller"]
        )
        | st.text(max_size=5),
        max_size=40,
    ).map("".join)
)  # fmt: skip
def test_arbitrary_text_never_raises(text: str) -> None:
    result = parse_bib_text(text)
    lines = text.count("\n") + 1
    for source in result.sources:
        assert source.csl["id"] == source.key and source.csl["type"]
        assert source.line is not None and 1 <= source.line <= lines
    for problem in result.problems:
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= lines


def test_report_command_tabulates_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.bib").write_text("@book{a, title = {A}}\n@book{a, title = {B}}\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.bib").write_text("@book{b, journal = j}\n@string{j = {J}}\n")
    (tmp_path / "strings.bib").write_text("@string{j = {J}}\n")
    report_main([str(tmp_path), "--strings", "sub/b.bib=strings.bib", "--problems"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["file", "entries", "duplicate-key", "codec", "seconds"]
    assert out[1].split()[:4] == ["a.bib", "1", "1", "utf-8"]
    assert out[3].split()[:3] == ["sub/b.bib", "1", "utf-8"]  # macros came from strings.bib
    assert out[4].split()[:5] == ["TOTAL", "(3", "files)", "2", "1"]
    assert out[5].startswith(f"{tmp_path / 'a.bib'}:2: @book{{a}}: duplicate key 'a'")
