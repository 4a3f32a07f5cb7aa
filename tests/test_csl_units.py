"""The feature modules of citeman.csl, one behaviour each: initials, page ranges,
punctuation, title case, collation, positions, year suffixes, markup in data."""

from __future__ import annotations

import pytest

from citeman.csl.context import (
    POSITION_FIRST,
    POSITION_IBID,
    POSITION_IBID_WITH_LOCATOR,
    POSITION_SUBSEQUENT,
)
from citeman.csl.data import normalize_item, parse_date
from citeman.csl.disambiguation import year_suffix
from citeman.csl.formats import QuoteMarks, serialize
from citeman.csl.names import initialize, parse_name
from citeman.csl.numbers import is_numeric, is_plural_value
from citeman.csl.page_ranges import format_page_range, format_pages
from citeman.csl.positions import PositionTracker
from citeman.csl.richtext import Leaf, Span, parse_markup
from citeman.csl.sorting import collation_key
from citeman.csl.textcase import apply_text_case


@pytest.mark.parametrize(
    ("given", "mark", "initialize_full", "expected"),
    [
        ("John Robert", ". ", True, "J. R."),
        ("Jean-Paul", ". ", True, "J.-P."),
        ("John M.E.", ". ", False, "John M. E."),  # initialize="false" only normalises
        ("Stephen", ". ", False, "Stephen"),
        ("TSerendorjiin", ".", True, "Ts."),
        ("Guo-ping", "", True, "G"),
    ],
)
def test_initials(given: str, mark: str, initialize_full: bool, expected: str) -> None:
    assert initialize(given, mark, initialize_full=initialize_full) == expected


def test_particles_are_parsed_out_of_names() -> None:
    name = parse_name({"family": "van der Berg", "given": "Anna"})
    assert (name.non_dropping, name.family) == ("van der", "Berg")
    assert parse_name({"family": "al-One", "given": "Alan"}).non_dropping == "al-"


@pytest.mark.parametrize(
    ("first", "last", "range_format", "expected"),
    [
        ("321", "28", "chicago-16", ("321", "28")),
        ("71", "72", "chicago-16", ("71", "72")),
        ("1496", "1504", "chicago-15", ("1496", "1504")),
        ("101", "108", "minimal", ("101", "8")),
        ("42", "5", "expanded", ("42", "45")),
    ],
)
def test_page_range_formats(
    first: str, last: str, range_format: str, expected: tuple[str, str]
) -> None:
    assert format_page_range(first, last, range_format) == expected


def test_page_values_keep_hyphens_that_are_not_ranges() -> None:
    assert format_pages("321-328, 400", "chicago-16") == "321–28, 400"
    assert format_pages("N110-P5", "expanded") == "N110-P5"
    assert format_pages("327\\-30", "chicago-16") == "327-30"


def test_numbers_and_plurals() -> None:
    assert is_numeric("12-15") and is_numeric("2nd") and not is_numeric("second")
    assert is_plural_value("23-25") and is_plural_value("3, 5") and not is_plural_value("23")


def _render(node: Span, piq: bool = True, output: str = "text") -> str:
    return serialize(node, output, QuoteMarks(), punctuation_in_quote=piq)


def test_punctuation_moves_into_quotes_only_when_the_locale_says_so() -> None:
    quoted = Span([Span([Leaf("Title")], quotes="style"), Leaf(", "), Leaf("next")])
    assert _render(quoted) == "“Title,” next"
    quoted = Span([Span([Leaf("Title")], quotes="style"), Leaf(", "), Leaf("next")])
    assert _render(quoted, piq=False) == "“Title”, next"


def test_duplicate_punctuation_merges_at_seams_but_not_inside_data() -> None:
    assert _render(Span([Leaf("Ibid."), Leaf(". "), Leaf("Next")])) == "Ibid. Next"
    assert _render(Span([Leaf("Why?"), Leaf(".")])) == "Why?"
    assert _render(Span([Leaf("Wait... really")])) == "Wait... really"


def test_nested_italics_flip_to_roman_and_data_is_escaped() -> None:
    node = Span(
        [Leaf("A "), Span([Leaf("<b>")], fmt={"font-style": "italic"})],
        fmt={"font-style": "italic"},
    )
    assert _render(node, output="html") == (
        '<i>A <span style="font-style:normal;">&#60;b&#62;</span></i>'
    )


def test_markup_in_data_becomes_formatting_and_nocase() -> None:
    node = Span(parse_markup('The <i>Titanic</i> and <span class="nocase">iPhone</span>'))
    apply_text_case(node, "uppercase")
    assert _render(node, output="html") == "THE <i>TITANIC</i> AND iPhone"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the origins of totalitarianism", "The Origins of Totalitarianism"),
        (
            "out-of-fashion initiatives: a second story",
            "Out-of-Fashion Initiatives: A Second Story",
        ),
        ("history of the UK", "History of the UK"),
    ],
)
def test_title_case(text: str, expected: str) -> None:
    node = Span([Leaf(text)])
    apply_text_case(node, "title")
    assert _render(node) == expected


def test_collation_ignores_case_accents_and_punctuation() -> None:
    names = ["Zola", "Ångström", "“Abbott”", "de’ Frinkle", "d’ Wander"]
    assert sorted(names, key=collation_key) == [
        "“Abbott”",
        "Ångström",
        "d’ Wander",
        "de’ Frinkle",
        "Zola",
    ]


def test_positions_over_notes() -> None:
    tracker = PositionTracker(near_note_distance=2)
    assert tracker.place([("a", "1", "page")], 1)[0].position == POSITION_FIRST
    assert tracker.place([("a", "2", "page")], 2)[0].position == POSITION_IBID_WITH_LOCATOR
    assert tracker.place([("a", "2", "page")], 3)[0].position == POSITION_IBID
    assert tracker.place([("b", None, None)], 4)[0].position == POSITION_FIRST
    later = tracker.place([("a", None, None)], 9)[0]
    assert later.position == POSITION_SUBSEQUENT and not later.near_note
    assert later.first_note == 1


def test_year_suffixes_run_past_z() -> None:
    assert [year_suffix(i) for i in (0, 1, 25, 26, 27)] == ["a", "b", "z", "aa", "ab"]


def test_dates_from_raw_strings_and_seasons() -> None:
    date = parse_date({"raw": "1998-04-10"})
    assert date is not None and (date.begin.year, date.begin.month, date.begin.day) == (1998, 4, 10)
    season = parse_date({"date-parts": [[1999, 22]]})
    assert season is not None and season.begin.season == 2


def test_initials_keep_the_markup_around_a_given_name() -> None:
    assert initialize("<b>John</b> Quiggly", ". ") == "<b>J.</b> Q."
    assert initialize("<i>John</i>-Quiggly", ". ") == "<i>J.</i>-Q."
    assert initialize("<b>J</b> Q.", ". ", initialize_full=False) == "<b>J.</b> Q."


def test_names_and_fields_from_the_note_field() -> None:
    item = normalize_item(
        {
            "id": "x",
            "author": [{"family": "Wolf", "given": "K. S."}],
            "note": "reviewed-author: Hall || W. C.\nreviewed-author: Deaf Society\n"
            "reviewed-title: Decrease\nauthor: Someone Else",
        }
    )
    assert item["reviewed-author"] == [
        {"family": "Hall", "given": "W. C."},
        {"literal": "Deaf Society"},
    ]
    assert item["reviewed-title"] == "Decrease"
    assert item["author"] == [{"family": "Wolf", "given": "K. S."}]  # data beats the note


def test_straight_quotes_in_data_nest_whichever_mark_opens() -> None:
    # a single quote right before a double one opens the outer quote, as citeproc-js reads it
    assert _render(Span(parse_markup("'\"Title\"' and more"))) == "“‘Title’” and more"
    assert _render(Span(parse_markup("Doe's 'Book'"))) == "Doe’s “Book”"


def test_a_quote_left_open_inside_a_tag_is_an_apostrophe() -> None:
    assert _render(Span(parse_markup("<i>l'''</i> and <i>the students'</i>"))) == (
        "l’’’ and the students’"
    )
