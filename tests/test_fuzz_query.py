"""Fuzzing ``cite find``: any query text parses or fails with our error, and never reaches
SQLite as raw FTS5 syntax.

The queries mix FTS5's own syntax (``"``, ``*``, ``^``, ``:``, ``NEAR(``, ``AND``,
``OR``, ``NOT``, ``+``, unbalanced quotes and parentheses, column filters such as
``text:``), our field names, non-ASCII words and control characters. Each one is
parsed, then searched in a real index of real quote files; the only error allowed
is :class:`InvalidInputError` (exit code 4), and a query without syntax errors of
ours must run: any ``sqlite3`` error means user text reached FTS5 as syntax.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeman.errors import InvalidInputError
from citeman.index import LibraryIndex
from citeman.models import LibrarySettings
from citeman.search import SearchFilters, search, suggest
from citeman.search.query import And, Node, Not, Or, ValueFilter, Words, YearRange, parse_query
from tests.conftest import write_library

#: Examples per target (the fuzzing budget reported in the issue's closing note).
PARSER_EXAMPLES = 1000
SEARCH_EXAMPLES = 500
FILTER_EXAMPLES = 300
SUGGEST_EXAMPLES = 300

FTS5_SYNTAX = [
    '"', '""', "*", "^", ":", "+", "-", "(", ")", "{", "}", ",", ".", "'", "\\",
    "NEAR(", "NEAR/2", "AND", "OR", "NOT", "and", "near", "text:", "col:", "quotes_fts:",
    "rowid", "--", "/*", ";", "%", "_", "\x00", "\x1f", "\u200b", "\ufffd",
]
OUR_SYNTAX = [
    "tag:", "tags:", "source:", "year:", "locator:", "author:", "title:", "note:",
    "speaker:", "1939", "..", "1939..1941", "–", "…", "p. 45",
]
WORDS = ["enigma", "riddle", "Mólotov", "curious dualism", "東京", "Ж", "pact", "a"]
SPACES = [" ", " ", " ", "  ", "\t", "\n"]

_piece = st.sampled_from(FTS5_SYNTAX + OUR_SYNTAX + WORDS + SPACES) | st.text(max_size=4)
#: Query-like text: pieces of both grammars glued together, or any text at all.
any_text = st.lists(_piece, max_size=14).map("".join) | st.text(max_size=60)
#: The same without NUL, which still reaches SQLite (test_a_nul_character_is_plain_text).
queries = any_text.map(lambda text: text.replace("\x00", ""))

BIB = """\
@book{churchill1948,
  author = {Churchill, Winston},
  title  = {The Gathering Storm},
  year   = {1948},
}
@article{roberts1992,
  author = {Roberts, Geoffrey},
  title  = {The Soviet Decision for a "Pact" with Nazi Germany: NEAR(1) AND *},
  year   = {1992},
}
"""
QUOTES = {
    "riddle": (
        "source: churchill1948\nlocator: p. 449\nspeaker: Winston Churchill\n"
        "tags: [Russia, realpolitik, 'a:b']\n",
        "It is a riddle, wrapped in a mystery, inside an enigma.",
    ),
    "hostile": (
        "source: roberts1992\nlocator: pp. 57-59\nspeaker: 'NEAR(x'\n"
        "tags: ['\"quoted\"', '*star*', 'OR']\nnote: 'text: ^caret \"unbalanced'\n",
        'Mólotov said "curious dualism" (NEAR the pact) AND NOT * ^ : 東京.',
    ),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> LibraryIndex:
    root = write_library(tmp_path_factory.mktemp("fuzz-query") / "lib", BIB, QUOTES)
    library_index = LibraryIndex(LibrarySettings(root=root))
    library_index.refresh()
    assert {q.id for q in library_index.quotes()} == set(QUOTES)
    return library_index


def _well_formed(node: Node) -> bool:
    """Every leaf holds something to match: the parser never hands on an empty word."""
    if isinstance(node, Words):
        return any(ch.isalnum() for ch in node.text)
    if isinstance(node, ValueFilter):
        return bool(node.value.strip())
    if isinstance(node, YearRange):
        return node.start is not None or node.end is not None
    if isinstance(node, Not):
        return _well_formed(node.operand)
    if isinstance(node, And | Or):
        return len(node.operands) >= 2 and all(_well_formed(o) for o in node.operands)
    return False


@settings(max_examples=PARSER_EXAMPLES, deadline=None)
@given(text=any_text)
def test_any_text_parses_or_is_an_invalid_input_error(text: str) -> None:
    try:
        tree = parse_query(text)
    except InvalidInputError as error:
        assert error.message and error.exit_code == 4
        return
    assert tree is None or _well_formed(tree)
    assert tree is not None or not text.strip()


# The index is built once per module: no per-example state, so the fixture is shared.
SHARED_FIXTURE = [HealthCheck.function_scoped_fixture]


@settings(max_examples=SEARCH_EXAMPLES, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(text=queries)
def test_any_parsed_query_runs_in_sqlite(index: LibraryIndex, text: str) -> None:
    try:
        parse_query(text)
    except InvalidInputError:
        with pytest.raises(InvalidInputError):
            search(index, text)
        return
    hits = search(index, text)  # an sqlite3 error here: user text reached FTS5 as syntax
    assert {hit.quote.id for hit in hits} <= set(QUOTES)


@settings(max_examples=FILTER_EXAMPLES, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(
    text=queries,
    tags=st.lists(queries, max_size=3),
    source=st.none() | queries,
    speaker=st.none() | queries,
    year=st.none() | st.sampled_from(["1948", "1900..2000", "..1950", "19x", "", "-"]) | queries,
)
def test_command_line_filters_never_reach_sqlite_as_syntax(
    index: LibraryIndex,
    text: str,
    tags: list[str],
    source: str | None,
    speaker: str | None,
    year: str | None,
) -> None:
    filters = SearchFilters(tags=tags, source=source, speaker=speaker, year=year)
    try:
        hits = search(index, text, filters)
    except InvalidInputError:
        return
    assert {hit.quote.id for hit in hits} <= set(QUOTES)


@settings(max_examples=SUGGEST_EXAMPLES, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(text=queries)
def test_suggestions_for_any_text(index: LibraryIndex, text: str) -> None:
    try:
        suggestions = suggest(index, text)
    except InvalidInputError:
        return
    assert all(isinstance(word, str) and word for word in suggestions)


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # FTS5 operators written by the user are words (or nothing), never operators.
        ('"NEAR the pact"', ["hostile"]),
        ('"AND NOT"', ["hostile"]),
        ("dualism^", ["hostile"]),
        ("speaker:near", ["hostile"]),
        ("tag:or", ["hostile"]),
        ("tag:*star*", ["hostile"]),
        ("note:caret", ["hostile"]),
        ("東京", ["hostile"]),
        ("enigma OR 東京", ["hostile", "riddle"]),
    ],
)
def test_fts5_syntax_in_the_data_and_the_query_is_plain_text(
    index: LibraryIndex, query: str, ids: list[str]
) -> None:
    assert sorted(hit.quote.id for hit in search(index, query)) == ids


@pytest.mark.parametrize("query", ["0\x00", "enigma\x00", '"riddle\x00enigma"', "text:a\x00"])
def test_a_nul_character_is_plain_text(index: LibraryIndex, query: str) -> None:
    try:
        hits = search(index, query)
    except InvalidInputError:
        return
    assert {hit.quote.id for hit in hits} <= set(QUOTES)
