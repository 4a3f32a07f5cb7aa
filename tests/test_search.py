"""search() and suggest() over a real library folder: every query form, ranking, snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeman.errors import InvalidInputError
from citeman.index import LibraryIndex
from citeman.models import LibrarySettings
from citeman.search import SearchFilters, make_snippet, search, suggest
from tests.conftest import write_library

BIB = """\
@book{kotkin2017,
  author    = {K{\\"o}tkin, Stephen},
  title     = {Waiting for Hitler},
  year      = {2017},
}
@book{churchill1948,
  author    = {Churchill, Winston},
  title     = {The Gathering Storm},
  year      = {1948},
}
@article{roberts1992,
  author    = {Roberts, Geoffrey},
  title     = {The Soviet Decision for a Pact with Nazi Germany},
  journaltitle = {Soviet Studies},
  year      = {1992},
}
"""

QUOTES = {
    "riddle": (
        "speaker: Winston Churchill\nsource: churchill1948\nlocator: p. 449\n"
        "tags: [Russia, realpolitik]\ndate: 1939-10-01\n",
        "It is a riddle, wrapped in a mystery, inside an enigma.",
    ),
    "molotov": (
        "speaker: Vyacheslav Mólotov\nsource: roberts1992\nlocator: pp. 57-59\n"
        "tags: [diplomacy, Soviet Union]\n",
        "We had to gain time. Mólotov insisted the pact was a curious dualism of interests.",
    ),
    "dualism": (
        "source: kotkin2017\nlocator: chap. 3\ntags: [power-politics]\n"
        "note: compare the riddle quote\n",
        "A dualism that was curious to all observers of Soviet policy.",
    ),
    "quoted": (
        "quoted_in: kotkin2017\nquoted_in_locator: p. 12\nspeaker: Stalin\ntags: [power]\n",
        "Gratitude is a sickness suffered by dogs.",
    ),
    "long": (
        "tags: [long]\n",
        " ".join(["Lorem ipsum dolor sit amet."] * 20)
        + " Here the treaty is mentioned. "
        + " ".join(["Consectetur adipiscing elit."] * 20),
    ),
}


@pytest.fixture
def index(tmp_path: Path) -> LibraryIndex:
    root = write_library(tmp_path / "lib", BIB, QUOTES)
    library_index = LibraryIndex(LibrarySettings(root=root))
    library_index.refresh()
    return library_index


def found(index: LibraryIndex, query: str, filters: SearchFilters | None = None) -> list[str]:
    return [hit.quote.id for hit in search(index, query, filters)]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # words: text, note, speaker, tags, the cited works' authors and titles
        ("enigma", ["riddle"]),
        ("ENIGMA", ["riddle"]),
        ("compare", ["dualism"]),
        ("Vyacheslav", ["molotov"]),
        ("realpolitik", ["riddle"]),
        ("Roberts", ["molotov"]),
        ("gathering", ["riddle"]),
        ("hitler", ["dualism", "quoted"]),  # quoted-in works count too
        # diacritics either way
        ("Molotov", ["molotov"]),
        ("Mólotov", ["molotov"]),
        ("Kotkin", ["dualism", "quoted"]),
        ("kötkin", ["dualism", "quoted"]),
        # phrases, prefixes, exclusion, OR, groups
        ('"curious dualism"', ["molotov"]),
        ('"dualism curious"', []),
        ("enig*", ["riddle"]),
        ("gratit* OR enigma", ["quoted", "riddle"]),
        ("curious -pact", ["dualism"]),
        ("-treaty -lorem -curious", ["quoted", "riddle"]),
        ("(gratitude OR enigma) -churchill", ["quoted"]),
        # field filters
        ("author:kotkin", ["dualism", "quoted"]),
        ("author:churchill", ["riddle"]),
        ("speaker:churchill", ["riddle"]),
        ("speaker:stalin", ["quoted"]),
        ("title:storm", ["riddle"]),
        ("tag:power", ["quoted"]),  # a whole tag: not 'power-politics'
        ("tag:POWER*", ["dualism", "quoted"]),
        ('tag:"soviet union"', ["molotov"]),
        ("tags:soviet", ["molotov"]),
        ("source:kotkin2017", ["dualism", "quoted"]),  # the source or the quoted-in work
        ("source:kotkin2017 -speaker:stalin", ["dualism"]),
        ("year:1948", ["riddle"]),
        ("year:1990..2020", ["dualism", "molotov", "quoted"]),
        ("-year:1948 tag:long", ["long"]),
        ("locator:449", ["riddle"]),
        ('locator:"p. 449"', ["riddle"]),
        ('locator:"chap. 3"', ["dualism"]),
        ("locator:12", ["quoted"]),
        ("year:1948 OR gratitude", ["quoted", "riddle"]),
        ("enigma nonexistentword", []),
    ],
)
def test_query_forms(index: LibraryIndex, query: str, ids: list[str]) -> None:
    assert sorted(found(index, query)) == ids


def test_filters_combine_with_the_query(index: LibraryIndex) -> None:
    assert found(index, "", SearchFilters(tags=["Russia"])) == ["riddle"]
    assert found(index, "", SearchFilters(source="kotkin2017", speaker="Stalin")) == ["quoted"]
    assert found(index, "curious", SearchFilters(year="1990..1995")) == ["molotov"]
    assert found(index, "curious", SearchFilters(tags=["diplomacy", "nope"])) == []
    with pytest.raises(InvalidInputError):
        search(index, "", SearchFilters(year="soon"))


def test_empty_query_lists_every_quote_by_id(index: LibraryIndex) -> None:
    assert found(index, "") == sorted(QUOTES)
    assert [hit.quote.id for hit in search(index, "", limit=2)] == ["dualism", "long"]


def test_quote_text_outranks_note_and_source_metadata(index: LibraryIndex) -> None:
    # 'riddle' is in riddle's text and in dualism's note.
    assert found(index, "riddle") == ["riddle", "dualism"]
    # 'soviet' is in dualism's text and in molotov's tag and source title.
    hits = search(index, "soviet")
    assert [hit.quote.id for hit in hits] == ["dualism", "molotov"]
    assert hits[0].score > hits[1].score > 0


def test_limit_keeps_the_best(index: LibraryIndex) -> None:
    assert [hit.quote.id for hit in search(index, "riddle", limit=1)] == ["riddle"]


def test_a_limit_cuts_the_full_ranking_ties_included(tmp_path: Path) -> None:
    # Identical quotes score the same: whether a tie falls inside the limit, across
    # it or past the rows fetched beyond it (2 * limit + 64), a limit of k must give
    # the first k of the full ranking.
    quotes = {
        f"{name}-{n:02d}": ("tags: [t]\n", text)
        for name, text, copies in [("same", "The pact, the pact.", 70),
                                   ("other", "A pact of sorts, long after the war.", 4)]
        for n in range(copies)
    }
    quotes["best"] = ("tags: [t]\n", "Pact.")
    root = write_library(tmp_path / "lib", BIB, quotes)
    index = LibraryIndex(LibrarySettings(root=root))
    index.refresh()
    ranking = [(hit.quote.id, hit.score) for hit in search(index, "pact")]
    assert len({score for _, score in ranking}) < len(ranking)  # there are ties
    for limit in range(len(ranking) + 2):
        assert [(h.quote.id, h.score) for h in search(index, "pact", limit=limit)] == (
            ranking[:limit]
        )


def test_snippet_spans_mark_the_matched_words(index: LibraryIndex) -> None:
    [hit] = search(index, "molotov gain")
    marked = [hit.snippet[start:end] for start, end in hit.match_spans]
    assert marked == ["gain", "Mólotov"]


def test_long_text_snippet_is_cut_around_the_first_match(index: LibraryIndex) -> None:
    [hit] = search(index, "treaty")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 202
    [(start, end)] = hit.match_spans
    assert hit.snippet[start:end] == "treaty"


def test_snippet_without_a_text_match_is_the_start_of_the_text(index: LibraryIndex) -> None:
    [hit] = search(index, "speaker:stalin")
    assert hit.snippet == QUOTES["quoted"][1] and hit.match_spans == []


def test_make_snippet_keeps_one_line() -> None:
    snippet, spans = make_snippet("first line\nsecond \x01word\x02 here")
    assert snippet == "first line second word here"
    assert [snippet[s:e] for s, e in spans] == ["word"]


def test_suggest_near_spellings(index: LibraryIndex) -> None:
    assert found(index, "Churchil") == []
    assert suggest(index, "Churchil") == ["Churchill"]
    assert suggest(index, "enigmma") == ["enigma"]
    assert suggest(index, "Vchurchill") == ["Churchill"]  # a stray first letter
    assert suggest(index, "Múlotov") == ["Molotov"]  # diacritics folded
    assert suggest(index, "enigma") == []
    assert suggest(index, '"unclosed') == []


def test_bad_query_raises(index: LibraryIndex) -> None:
    with pytest.raises(InvalidInputError, match="unbalanced quote"):
        search(index, '"curious dualism')


def test_quotes_follow_file_edits_in_search(index: LibraryIndex) -> None:
    path = index.settings.quotes_dir / "riddle.md"
    path.write_text(path.read_text().replace("enigma", "puzzle"))
    index.refresh()
    assert found(index, "enigma") == []
    assert found(index, "puzzle") == ["riddle"]


def test_cite_find_proposes_near_spellings_when_nothing_matches(index: LibraryIndex) -> None:
    from tests.conftest import run_cite

    root = index.settings.root
    missed = run_cite("find", "Churchil", cwd=root)
    assert (missed.returncode, missed.stdout) == (0, "")
    assert missed.stderr.splitlines() == ["No quotes match.", "Did you mean: Churchill?"]
    found = run_cite("find", "Kotkin", "--ids", cwd=root).stdout.split()  # the author is Kötkin
    assert sorted(found) == ["dualism", "quoted"]
