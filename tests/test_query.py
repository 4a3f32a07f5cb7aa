"""parse_query: the cite find query language as a tree, and clear errors for bad syntax."""

from __future__ import annotations

import pytest

from citeman.errors import InvalidInputError
from citeman.search.query import (
    And,
    Not,
    Or,
    ValueFilter,
    Words,
    YearRange,
    parse_query,
    parse_year,
)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("", None),
        ("   ", None),
        ("riddle", Words("riddle")),
        ("Kötkin", Words("Kötkin")),
        ('"curious dualism"', Words("curious dualism", phrase=True)),
        ('"curious dual"*', Words("curious dual", phrase=True, prefix=True)),
        ("stal*", Words("stal", prefix=True)),
        ("stalin -trotsky", And((Words("stalin"), Not(Words("trotsky"))))),
        ("stalin NOT trotsky", And((Words("stalin"), Not(Words("trotsky"))))),
        ("stalin AND trotsky", And((Words("stalin"), Words("trotsky")))),
        ("churchill OR roosevelt", Or((Words("churchill"), Words("roosevelt")))),
        ("a b OR c", Or((And((Words("a"), Words("b"))), Words("c")))),
        ("a (b OR c)", And((Words("a"), Or((Words("b"), Words("c")))))),
        ("Molotov – Ribbentrop", And((Words("Molotov"), Words("Ribbentrop")))),
        ("author:kotkin", Words("kotkin", column="authors")),
        ('title:"waiting for"', Words("waiting for", column="title", phrase=True)),
        ("speaker:Stalin", Words("Stalin", column="speaker")),
        ("note:draft", Words("draft", column="note")),
        ("Tag:Ideology", ValueFilter("tag", "Ideology")),
        ('tag:"cold war"', ValueFilter("tag", "cold war")),
        ("tag:sov*", ValueFilter("tag", "sov", prefix=True)),
        ("source:kotkin2014", ValueFilter("source", "kotkin2014")),
        ("locator:45", ValueFilter("locator", "45")),
        ('locator:"p. 45"', ValueFilter("locator", "p. 45")),
        ("year:1939", YearRange(1939, 1939)),
        ("year:1939..1941", YearRange(1939, 1941)),
        ("-year:1939", Not(YearRange(1939, 1939))),
        ("10:30", Words("10:30")),
        ("stalin -", Words("stalin")),
    ],
)
def test_query_forms(text: str, tree: object) -> None:
    assert parse_query(text) == tree


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1939", YearRange(1939, 1939)),
        ("1939..1941", YearRange(1939, 1941)),
        ("1939-1941", YearRange(1939, 1941)),
        ("..1941", YearRange(None, 1941)),
        ("1939..", YearRange(1939, None)),
    ],
)
def test_years(text: str, expected: YearRange) -> None:
    assert parse_year(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('"unclosed phrase', "unbalanced quote"),
        ("(a OR b", "unbalanced '('"),
        ("a OR b)", "unexpected ')'"),
        ("OR a", "OR needs something on both sides"),
        ("a OR", "OR needs something on both sides"),
        ("a OR OR b", "OR needs something on both sides"),
        ("()", "empty group"),
        ("colour:red", "unknown field 'colour:'"),
        ("author: kotkin", "'author:' needs a value"),
        ("year:19x", "cannot read the year '19x'"),
        ("year:1941..1939", "ends before it starts"),
        ("tag:*", "'tag:' needs a value"),
        ("*", "nothing to search for"),
        ("-- …", "'-' needs a word after it"),
        ("- …", "nothing to search for"),
        ("a NOT", "'NOT' needs a word after it"),
    ],
)
def test_bad_syntax_is_an_invalid_input_error(text: str, says: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_query(text)
    assert says in caught.value.message
    assert caught.value.exit_code == 4
