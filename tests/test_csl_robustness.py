"""Messy items from hand-edited .bib files never crash the engine, in any output."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeman.csl import CiteRef, Engine

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=30
) | st.sampled_from(['"quoted"', "'single'", "<i>it</i>", "<b>bold", "a & b", "\\-", "12-15"])
_name = st.fixed_dictionaries(
    {},
    optional={
        "family": _text,
        "given": _text,
        "literal": _text,
        "non-dropping-particle": st.sampled_from(["van", "de la", "d'"]),
        "suffix": st.sampled_from(["Jr.", "III"]),
    },
)
_date = st.one_of(
    st.fixed_dictionaries(
        {"date-parts": st.lists(st.lists(st.integers(-500, 3000) | _text, max_size=3), max_size=2)}
    ),
    st.fixed_dictionaries({"raw": _text}),
    st.fixed_dictionaries({"literal": _text}),
)
_item = st.fixed_dictionaries(
    {"id": st.just("x"), "type": st.sampled_from(["book", "article-journal", "chapter", "xyz"])},
    optional={
        "title": _text,
        "author": st.lists(_name, max_size=6),
        "editor": st.lists(_name, max_size=3),
        "issued": _date,
        "page": _text,
        "volume": _text | st.integers(0, 9999),
        "container-title": _text,
        "language": st.sampled_from(["en", "fr", "tr", ""]),
        "note": _text,
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    item=_item,
    locator=st.none() | _text,
    style=st.sampled_from(["chicago", "apa", "mla", "chicago-author-date"]),
    output=st.sampled_from(["text", "html", "markdown"]),
)
def test_any_item_renders(
    item: dict[str, Any], locator: str | None, style: str, output: str
) -> None:
    engine = Engine(style, [item], output=output)  # type: ignore[arg-type]
    first = engine.cite([CiteRef(id="x", locator=locator or None)], note_index=1)
    again = engine.cite([CiteRef(id="x", locator=locator or None)], note_index=2)
    assert isinstance(first, str) and isinstance(again, str)
    assert len(engine.bibliography()) <= 1
    if output == "html":
        assert "<script" not in first
