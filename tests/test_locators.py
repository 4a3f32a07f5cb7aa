"""Locators as people write them: table-driven cases plus property tests."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeman.errors import LocatorError
from citeman.locators import CANONICAL_TERMS, format_locator, parse_locator
from citeman.models import Locator, LocatorLabel

PARSED = [
    # bare values are pages
    ("45", "page", "45"),
    ("112-14", "page", "112-14"),
    ("112--14", "page", "112–14"),
    ("112---14", "page", "112—14"),
    ("xii", "page", "xii"),
    ("XII–XIV", "page", "XII–XIV"),
    ("12r", "page", "12r"),
    ("12r–13v", "page", "12r–13v"),
    ("45, 47 & 49", "page", "45, 47 & 49"),
    ("3 and 5", "page", "3 and 5"),
    ("  45  ", "page", "45"),
    ("v", "page", "v"),
    ("l", "page", "l"),
    ("v and vi", "page", "v and vi"),
    ("passim", "page", "passim"),
    # page labels, any case, with or without dot or space
    ("p. 45", "page", "45"),
    ("p.45", "page", "45"),
    ("P. 45", "page", "45"),
    ("p 45", "page", "45"),
    ("pp. 112–14", "page", "112–14"),
    ("pp 12-14", "page", "12-14"),
    ("page 3", "page", "3"),
    ("Pages 3 and 5", "page", "3 and 5"),
    ("pp.  45 ,  47", "page", "45 , 47"),
    # "and following" after a number stays in the value
    ("p. 45f.", "page", "45f."),
    ("pp. 45 ff.", "page", "45 ff."),
    ("45ff.", "page", "45ff."),
    ("p. 45 et seq.", "page", "45 et seq."),
    ("pp. 45–67 passim", "page", "45–67 passim"),
    # sub-locators keep the main label
    ("p. 45 n. 3", "page", "45 n. 3"),
    ("p. 45, n. 3", "page", "45, n. 3"),
    ("vol. 2, p. 45", "volume", "2, p. 45"),
    ("act 3, sc. 2", "act", "3, sc. 2"),
    # f./ff. before a value are folios
    ("f. 12r", "folio", "12r"),
    ("ff. 12r–13v", "folio", "12r–13v"),
    ("fol. 12v", "folio", "12v"),
    ("fols. 12r–13v", "folio", "12r–13v"),
    ("folio 3", "folio", "3"),
    # the other CSL labels
    ("chap. 3", "chapter", "3"),
    ("ch. 3", "chapter", "3"),
    ("chapter 3", "chapter", "3"),
    ("chaps. 3–5", "chapter", "3–5"),
    ("sec. 2", "section", "2"),
    ("§12", "section", "12"),
    ("§ 3.2.1", "section", "3.2.1"),
    ("§§ 3–5", "section", "3–5"),
    ("para. 4", "paragraph", "4"),
    ("¶ 4", "paragraph", "4"),
    ("¶¶4-6", "paragraph", "4-6"),
    ("vol. 2", "volume", "2"),
    ("vols. 1–3", "volume", "1–3"),
    ("bk. iv", "book", "iv"),
    ("book 4", "book", "4"),
    ("col. 7", "column", "7"),
    ("fig. 3a", "figure", "3a"),
    ("l. 12", "line", "12"),
    ("ll. 12–20", "line", "12–20"),
    ("line 3", "line", "3"),
    ("n. 3", "note", "3"),
    ("nn. 3–4", "note", "3–4"),
    ("no. 3", "issue", "3"),
    ("op. 27", "opus", "27"),
    ("pt. 2", "part", "2"),
    ("r. 5", "rule", "5"),
    ("sc. 2", "scene", "2"),
    ("s.v. hegemony", "sub-verbo", "hegemony"),
    ("s.vv. war, peace", "sub-verbo", "war, peace"),
    ("sub verbo self-determination", "sub-verbo", "self-determination"),
    ("supp. 2", "supplement", "2"),
    ("tbl. 4", "table", "4"),
    ("v. 16", "verse", "16"),
    ("vv. 16–18", "verse", "16–18"),
    ("art. 5", "article-locator", "5"),
    ("app. A", "appendix", "A"),
    ("eq. 12", "equation", "12"),
    ("canon 12", "canon", "12"),
    ("title 3", "title-locator", "3"),
    ("ver. 2", "version", "2"),
    ("act 3", "act", "3"),
    ("ts. 1:23:45", "timestamp", "1:23:45"),
    ("loc. 345", "elocation", "345"),
]


@pytest.mark.parametrize(("text", "label", "value"), PARSED)
def test_parse_locator(text: str, label: str, value: str) -> None:
    assert parse_locator(text) == Locator(label=label, value=value)  # type: ignore[arg-type]


REJECTED = [
    ("", "empty"),
    ("   ", "empty"),
    ("p.", "needs a value"),
    ("chap.", "needs a value"),
    ("§", "needs a value"),
    ("hello world 12 ##", "'hello' is neither a locator label"),
    ("p. 45 ##", "unexpected '##'"),
    ("p45", "did you mean 'p. 45'"),
    ("pp12-14", "did you mean 'p. 12-14'"),
    ("12-", "no end"),
    ("12-14-16", "one dash"),
    ("12,", "ends with a separator"),
    ("op. cit.", "'cit.' is not a number"),
    ("p. 45.", "unexpected '.'"),
    ("A", "neither a locator label"),
    ("p. 4\x005", "control characters"),
    ("1" * 300, "longer than"),
]


@pytest.mark.parametrize(("text", "reason"), REJECTED)
def test_garbage_is_rejected_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(LocatorError) as caught:
        parse_locator(text)
    assert reason in caught.value.message
    assert caught.value.hint  # tells the user how to write one


FORMATTED = [
    (Locator(label="page", value="45"), "p. 45"),
    (Locator(label="page", value="112–14"), "pp. 112–14"),
    (Locator(label="page", value="3 and 5"), "pp. 3 and 5"),
    (Locator(label="page", value="45, n. 3"), "p. 45, n. 3"),
    (Locator(label="volume", value="2, p. 45"), "vol. 2, p. 45"),
    (Locator(label="chapter", value="3"), "chap. 3"),
    (Locator(label="folio", value="12r–13v"), "fols. 12r–13v"),
    (Locator(label="sub-verbo", value="self-determination"), "s.v. self-determination"),
    (Locator(label="title-locator", value="3"), "title 3"),
]


@pytest.mark.parametrize(("loc", "text"), FORMATTED)
def test_format_locator(loc: Locator, text: str) -> None:
    assert format_locator(loc) == text


def test_every_label_has_a_canonical_term() -> None:
    assert set(CANONICAL_TERMS) == set(get_args(LocatorLabel))


@pytest.mark.parametrize("label", sorted(CANONICAL_TERMS))
@pytest.mark.parametrize("value", ["3", "3–5", "iv", "12r, 14v"])
def test_every_label_round_trips(label: str, value: str) -> None:
    loc = Locator(label=label, value=value)  # type: ignore[arg-type]
    assert parse_locator(format_locator(loc)) == loc


# -- properties --------------------------------------------------------------------

_numbers = st.one_of(
    st.integers(min_value=0, max_value=99999).map(str),
    st.sampled_from(["i", "iv", "xii", "XLII", "mcm"]),
    st.builds(lambda n, side: f"{n}{side}", st.integers(1, 400), st.sampled_from("rvab")),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(1, 20), st.integers(1, 20)),
)
_items = st.one_of(
    _numbers,
    st.builds(lambda a, d, b: f"{a}{d}{b}", _numbers, st.sampled_from(["-", "–", "—"]), _numbers),
    st.builds(lambda a, f: f"{a}{f}", _numbers.filter(str.isdigit), st.sampled_from(["f.", " ff"])),
    st.builds(lambda a, n: f"{a} n. {n}", _numbers, st.integers(1, 99)),
)
_values = st.lists(_items, min_size=1, max_size=4).flatmap(
    lambda items: st.sampled_from([", ", " & ", " and "]).map(lambda sep: sep.join(items))
)
_labels = st.sampled_from(sorted(CANONICAL_TERMS))


@given(label=_labels, value=_values)
def test_format_then_parse_is_identity(label: str, value: str) -> None:
    loc = Locator(label=label, value=value)  # type: ignore[arg-type]
    assert parse_locator(format_locator(loc)) == loc


@given(value=st.text(min_size=1, max_size=40).filter(lambda v: " ".join(v.split()) == v != ""))
def test_sub_verbo_takes_any_words(value: str) -> None:
    if "--" in value or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        return
    loc = Locator(label="sub-verbo", value=value)
    assert parse_locator(format_locator(loc)) == loc


_locatorish = st.lists(
    st.sampled_from([*"pP.fFvlnsx§¶ ,&-–—0123456789ivxrcha\t\x00é#", "and", "pp.", "chap. "]),
    max_size=20,
).map("".join)


@settings(max_examples=400)
@given(text=st.one_of(st.text(max_size=40), _locatorish))
def test_any_text_parses_or_raises_locator_error(text: str) -> None:
    try:
        loc = parse_locator(text)
    except LocatorError as exc:
        assert exc.message.startswith("cannot read locator")
        return
    assert isinstance(loc, Locator)
    # Whatever parses prints back to text that parses to the same locator.
    assert parse_locator(format_locator(loc)) == loc
