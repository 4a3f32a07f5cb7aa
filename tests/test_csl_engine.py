"""The Engine API as the render layer uses it: styles historians use, positions,
bibliography, output formats, escaping and errors."""

from __future__ import annotations

from typing import Any

import pytest

from citeman.csl import CiteRef, Cluster, Engine
from citeman.errors import UnknownKeyError

KOTKIN: dict[str, Any] = {
    "id": "Kotkin2017",
    "type": "book",
    "title": "Stalin: Waiting for Hitler, 1929–1941",
    "author": [{"family": "Kotkin", "given": "Stephen"}],
    "publisher": "Penguin Press",
    "publisher-place": "New York",
    "issued": {"date-parts": [[2017]]},
}
ARENDT: dict[str, Any] = {
    "id": "arendt1951",
    "type": "article-journal",
    "title": "the origins of totalitarianism",
    "author": [{"family": "Arendt", "given": "Hannah"}],
    "container-title": "Review of Politics",
    "volume": "3",
    "page": "321-328",
    "issued": {"date-parts": [[1951]]},
}
FIGES: dict[str, Any] = {
    "id": "figes1996",
    "type": "book",
    "title": "A People's Tragedy",
    "author": [{"family": "Figes", "given": "Orlando"}],
    "publisher": "Jonathan Cape",
    "publisher-place": "London",
    "issued": {"date-parts": [[1996]]},
}


@pytest.fixture
def chicago() -> Engine:
    return Engine("chicago", [KOTKIN, ARENDT, FIGES], output="text")


def test_note_style_is_detected(chicago: Engine) -> None:
    assert chicago.is_note_style
    assert not Engine("apa", [KOTKIN]).is_note_style


def test_chicago_prints_full_given_names_in_notes(chicago: Engine) -> None:
    note = chicago.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    assert note == (
        "Stephen Kotkin, Stalin: Waiting for Hitler, 1929–1941 (Penguin Press, 2017), 519."
    )


def test_commas_go_inside_quotation_marks_and_titles_are_title_cased(chicago: Engine) -> None:
    note = chicago.cite([CiteRef(id="arendt1951", locator="322")], note_index=1)
    assert "“The Origins of Totalitarianism,” Review of Politics 3 (1951): 322." in note


def test_later_notes_are_shortened(chicago: Engine) -> None:
    chicago.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    chicago.cite([CiteRef(id="figes1996")], note_index=2)
    assert chicago.cite([CiteRef(id="Kotkin2017", locator="520")], note_index=3) == (
        "Kotkin, Stalin: Waiting for Hitler, 1929–1941, 520."
    )


def test_ibid_is_capitalised_at_the_start_of_a_note() -> None:
    engine = Engine("chicago-notes-bibliography-subsequent-ibid", [KOTKIN, FIGES])
    engine.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    assert engine.cite([CiteRef(id="Kotkin2017", locator="520")], note_index=2) == "Ibid., 520."
    assert engine.cite([CiteRef(id="Kotkin2017", locator="520")], note_index=3) == "Ibid."


def test_a_note_citing_two_works_makes_no_ibid_for_the_next() -> None:
    engine = Engine("chicago-notes-bibliography-subsequent-ibid", [KOTKIN, FIGES])
    engine.cite([CiteRef(id="Kotkin2017"), CiteRef(id="figes1996")], note_index=1)
    assert not engine.cite([CiteRef(id="figes1996")], note_index=2).startswith("Ibid")


def test_bibliography_is_sorted_and_has_no_cite_locators(chicago: Engine) -> None:
    chicago.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    chicago.cite([CiteRef(id="figes1996", locator="77")], note_index=2)
    entries = chicago.bibliography()
    assert [entry.split(",")[0] for entry in entries] == ["Figes", "Kotkin"]
    assert not any("519" in entry or "77" in entry for entry in entries)


def test_bibliography_of_given_ids_formats_page_ranges_the_chicago_way(chicago: Engine) -> None:
    (entry,) = chicago.bibliography(["arendt1951"])
    assert entry.endswith("Review of Politics 3 (1951): 321–28.")


def test_html_output_escapes_data() -> None:
    evil = {**KOTKIN, "title": "Tricks <script>alert(1)</script> & Co"}
    engine = Engine("chicago", [evil], output="html")
    note = engine.cite([CiteRef(id="Kotkin2017")], note_index=1)
    assert "<script>" not in note.lower()
    assert "&#60;/script&#62;" in note and "&#38; Co" in note
    assert note.count("<i>") == 1  # the title is italic, and that is the only markup


def test_markdown_output_marks_italics_and_escapes_specials() -> None:
    starry = {**KOTKIN, "title": "Stars *Now* Bars_1"}
    engine = Engine("chicago", [starry], output="markdown")
    note = engine.cite([CiteRef(id="Kotkin2017")], note_index=1)
    assert "*Stars \\*Now\\* Bars\\_1*" in note


def test_text_output_has_curly_quotes_and_no_markup(chicago: Engine) -> None:
    note = chicago.cite([CiteRef(id="arendt1951")], note_index=1)
    assert "“" in note and "<" not in note and "*" not in note


def test_cite_all_disambiguates_with_year_suffixes() -> None:
    first = {**KOTKIN, "id": "k1", "title": "Stalin I"}
    second = {**KOTKIN, "id": "k2", "title": "Stalin II"}
    engine = Engine("chicago-author-date", [first, second])
    notes = engine.cite_all([Cluster(cites=[CiteRef(id="k1")]), Cluster(cites=[CiteRef(id="k2")])])
    assert notes == ["(Kotkin 2017a)", "(Kotkin 2017b)"]
    assert [entry.split(". ")[1] for entry in engine.bibliography()] == ["2017a", "2017b"]


def test_delimiter_override_and_cite_prefix(chicago: Engine) -> None:
    note = chicago.cite(
        [CiteRef(id="figes1996", locator="3"), CiteRef(id="Kotkin2017", prefix="quoted in ")],
        note_index=1,
        delimiter=", ",
    )
    assert note.startswith("Orlando Figes, A People’s Tragedy (Jonathan Cape, 1996), 3, quoted in ")


def test_suppress_author_and_author_only() -> None:
    engine = Engine("chicago-author-date", [KOTKIN])
    assert engine.cite([CiteRef(id="Kotkin2017", suppress_author=True)]) == "(2017)"
    assert engine.cite([CiteRef(id="Kotkin2017", author_only=True)]) == "(Kotkin)"


def test_unknown_ids_are_named() -> None:
    engine = Engine("chicago", [KOTKIN])
    with pytest.raises(UnknownKeyError):
        engine.cite([CiteRef(id="kotkin2017")])  # ids are case-sensitive


def _inline_style(layout: str, citation_attrs: str = "") -> str:
    return (
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<info><id/><title/><updated>2024-01-01T00:00:00+00:00</updated></info>"
        f'<citation {citation_attrs}><layout delimiter="; ">{layout}</layout></citation>'
        "</style>"
    )


def test_no_label_for_an_empty_variable() -> None:
    style = _inline_style(
        '<group delimiter=" "><text variable="title"/>'
        '<label variable="page" form="short"/><text variable="page"/></group>'
    )
    engine = Engine(style, [KOTKIN, ARENDT])
    assert engine.cite([CiteRef(id="Kotkin2017")]) == "Stalin: Waiting for Hitler, 1929–1941"
    assert engine.cite([CiteRef(id="arendt1951")]).endswith("pp. 321–328")


def test_disambiguate_condition_only_where_cites_clash() -> None:
    style = _inline_style(
        '<group delimiter=" "><names variable="author"><name form="short"/></names>'
        '<choose><if disambiguate="true"><text variable="title" prefix="“" suffix="”"/></if>'
        "</choose></group>"
    )
    twin = {**KOTKIN, "id": "k2", "title": "Stalin II"}
    engine = Engine(style, [KOTKIN, twin, FIGES])
    assert engine.cite([CiteRef(id="figes1996")]) == "Figes"
    assert engine.cite([CiteRef(id="k2")]) == "Kotkin “Stalin II”"


def test_near_note_distance_is_read_from_the_style() -> None:
    style = _inline_style(
        '<choose><if position="near-note"><text value="near"/></if>'
        '<else><text value="far"/></else></choose>',
        'near-note-distance="2"',
    ).replace('class="in-text"', 'class="note"')
    engine = Engine(style, [KOTKIN, FIGES])
    notes = [
        engine.cite([CiteRef(id=i)], note_index=n)
        for n, i in enumerate(
            ["Kotkin2017", "figes1996", "Kotkin2017", "figes1996", "figes1996"], 1
        )
    ]
    assert notes == ["far", "far", "near", "near", "near"]
    assert engine.cite([CiteRef(id="Kotkin2017")], note_index=9) == "far"


def test_et_al_subsequent_shortens_later_cites() -> None:
    many = {**ARENDT, "author": [{"family": f"Author{n}", "given": "A."} for n in range(5)]}
    style = _inline_style(
        '<names variable="author"><name form="short"/></names>',
        'et-al-min="6" et-al-use-first="6" et-al-subsequent-min="3" et-al-subsequent-use-first="1"',
    )
    engine = Engine(style, [many])
    assert engine.cite([CiteRef(id="arendt1951")]).count("Author") == 5
    assert engine.cite([CiteRef(id="arendt1951")]) == "Author0 et al."


def test_names_in_a_choose_inside_substitute_inherit_name_and_label() -> None:
    style = _inline_style(
        '<names variable="author"><name initialize-with=". " name-as-sort-order="all"/>'
        '<label form="short" prefix=", "/><substitute>'
        '<choose><if type="book"><names variable="editor"/></if></choose>'
        "</substitute></names>"
    )
    edited = {"id": "w", "type": "book", "editor": [{"family": "Westfahl", "given": "Gary"}]}
    assert Engine(style, [edited]).cite([CiteRef(id="w")]) == "Westfahl, G., ed."


def test_a_condition_sees_a_variable_the_substitute_printed() -> None:
    style = _inline_style(
        '<names variable="author"><substitute><text variable="container-title"/></substitute>'
        '</names><choose><if variable="container-title"><text variable="title" prefix=" "'
        ' quotes="true"/></if><else><text variable="title" prefix=" " font-style="italic"/>'
        "</else></choose>"
    )
    newspaper = {
        "id": "t",
        "type": "article-newspaper",
        "title": "Enigmatic Attitude",
        "container-title": "The Times",
    }
    engine = Engine(style, [newspaper], output="html")
    assert engine.cite([CiteRef(id="t")]) == "The Times “Enigmatic Attitude”"


def test_title_case_leaves_capitalised_stop_words_and_elisions_alone() -> None:
    style = _inline_style('<text variable="title" text-case="title"/>')
    item = {"id": "a", "type": "book", "title": "Museum in America - The New York 't Hooft"}
    assert (
        Engine(style, [item]).cite([CiteRef(id="a")]) == "Museum in America - The New York ’t Hooft"
    )


def test_a_typed_double_quote_stays_in_a_british_title() -> None:
    style = _inline_style(
        '<text variable="title" quotes="true"/><text variable="note" prefix=" "/>'
    )
    item = {"id": "a", "type": "book", "title": "An “Interdiffusion” Study", "note": "“x”"}
    engine = Engine(style, [item], locale="en-GB")
    assert engine.cite([CiteRef(id="a")]) == "‘An “Interdiffusion” Study’ “x”"


def test_a_term_is_title_cased_by_the_locale_not_the_item_language() -> None:
    style = _inline_style(
        '<text variable="title" text-case="title"/><names variable="translator" prefix=" (">'
        '<name/><label form="short" prefix=", " text-case="title" suffix=")"/></names>'
    )
    german = {
        "id": "i",
        "type": "book",
        "title": "Die Ilias",
        "language": "de-DE",
        "translator": [{"family": "Schadewaldt", "given": "Wolfgang"}],
    }
    assert (
        Engine(style, [german]).cite([CiteRef(id="i")])
        == "Die Ilias (Wolfgang Schadewaldt, Trans.)"
    )


def test_a_locator_that_opens_with_its_own_label_takes_no_other() -> None:
    style = _inline_style(
        '<group delimiter=" "><label variable="locator" form="short"/>'
        '<text variable="locator"/></group>'
    )
    engine = Engine(style, [KOTKIN])
    assert engine.cite([CiteRef(id="Kotkin2017", locator="186")]) == "p. 186"
    assert engine.cite([CiteRef(id="Kotkin2017", locator="vol. 1, fol. 186")]) == "vol. 1, fol. 186"
    # a word that is no locator term keeps the label
    assert engine.cite([CiteRef(id="Kotkin2017", locator="ca. 186")]) == "p. ca. 186"


def test_an_entry_with_no_printed_form_keeps_its_number_only_in_a_numbered_list() -> None:
    layout = (
        '<choose><if type="book"><text variable="title"/></if></choose></layout></bibliography>'
    )
    numbered = _inline_style('<text variable="citation-number"/>').replace(
        "</style>", f"<bibliography><layout>{layout}</style>"
    )
    unnumbered = _inline_style('<text variable="title"/>').replace(
        "</style>", f"<bibliography><layout>{layout}</style>"
    )
    letter = {"id": "letter", "type": "personal_communication", "title": "Letter"}
    assert Engine(numbered, [KOTKIN, letter]).bibliography(["Kotkin2017", "letter"]) == [
        "Stalin: Waiting for Hitler, 1929–1941",
        "2. [CSL STYLE ERROR: reference with no printed form.]",
    ]
    assert Engine(unnumbered, [KOTKIN, letter]).bibliography(["Kotkin2017", "letter"]) == [
        "Stalin: Waiting for Hitler, 1929–1941"
    ]


def test_numbers_with_a_locator_term_among_them() -> None:
    style = _inline_style('<number variable="edition" form="ordinal"/>')
    book = {"id": "b", "type": "book", "title": "T"}
    engine = Engine(
        style, [{**book, "edition": "2, p. 5"}, {**book, "id": "c", "edition": "2, x 5"}]
    )
    assert engine.cite([CiteRef(id="b")]) == "2nd, p. 5"  # one page: the singular term
    assert engine.cite([CiteRef(id="c")]) == "2, x 5"  # no term: the value as typed
