"""Property tests: any quote survives a write and a read; edits touch only their lines;
no input makes the reader fail with anything but a QuoteFileError."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from citeman.errors import QuoteFileError
from citeman.locators import CANONICAL_TERMS
from citeman.models import Locator, Quote
from citeman.quotes import FIELD_ORDER, _Entry, _parse_document, dump_quote, quote_from_text

DATA = Path(__file__).parent / "data" / "quotes"
SAMPLES = {p.stem: p.read_bytes().decode("utf-8") for p in sorted((DATA / "valid").glob("*.md"))}

_no_cr = st.characters(exclude_characters="\r", codec="utf-8")
_words = st.text(_no_cr, min_size=1, max_size=30).filter(lambda t: t.strip() != "")
_ids = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,30}", fullmatch=True).filter(lambda s: ".." not in s)
_locators = st.builds(
    Locator,
    label=st.sampled_from(sorted(CANONICAL_TERMS)),
    value=st.one_of(
        st.integers(1, 999).map(str),
        st.builds(lambda a, b: f"{a}–{b}", st.integers(1, 99), st.integers(100, 999)),
        st.sampled_from(["xii", "12r–13v", "45 n. 3", "3, 5"]),
    ),
)
_timestamps = st.one_of(
    st.none(),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-5))])),
)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _words, st.dates()
)
_extra_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_words, inner, max_size=3),
    max_leaves=6,
)
_extra_keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda k: k not in FIELD_ORDER
)


@st.composite
def quotes(draw: Any) -> Quote:
    optional = st.none() | _words
    return Quote(
        id=draw(_ids),
        text=draw(st.text(_no_cr, min_size=1, max_size=200).filter(lambda t: t.strip() != "")),
        source=draw(optional),
        locator=draw(st.none() | _locators),
        speaker=draw(optional),
        quoted_in=draw(optional),
        quoted_in_locator=draw(st.none() | _locators),
        date=draw(optional),
        occasion=draw(optional),
        tags=draw(st.lists(_words, max_size=4)),
        note=draw(optional),
        added=draw(_timestamps),
        extra=draw(st.dictionaries(_extra_keys, _extra_values, max_size=3)),
    )


def _expected(quote: Quote) -> Quote:
    """What reading gives back: blank optional text reads as absent."""
    blank = {
        name: None
        for name in ("source", "speaker", "quoted_in", "date", "occasion", "note")
        if getattr(quote, name) is not None and not getattr(quote, name).strip()
    }
    return quote.model_copy(update=blank)


def _path(quote: Quote) -> Path:
    return Path(f"{quote.id}.md")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(quote=quotes())
def test_any_quote_reads_back_as_written(quote: Quote) -> None:
    text = dump_quote(quote)
    assert quote_from_text(text, _path(quote)) == _expected(quote)
    assert dump_quote(quote, text) == text  # rewriting an unchanged quote changes nothing


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(before=quotes(), after=quotes())
def test_edits_read_back_and_keep_unchanged_entries(before: Quote, after: Quote) -> None:
    after = after.model_copy(update={"id": before.id})
    original = dump_quote(before)
    edited = dump_quote(after, original)
    assert quote_from_text(edited, _path(after)) == _expected(after)
    kept = _parse_document(edited, _path(after)).entries
    for key, entry in _parse_document(original, _path(before)).entries.items():
        old = getattr(before, key) if key in FIELD_ORDER else before.extra.get(key)
        new = getattr(after, key) if key in FIELD_ORDER else after.extra.get(key)
        if old == new and type(old) is type(new) and key in kept:
            assert kept[key].raw == entry.raw


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    field=st.sampled_from(["tags", "note", "speaker", "locator", "source"]),
    data=st.data(),
)
def test_changing_one_field_of_a_hand_written_file(name: str, field: str, data: Any) -> None:
    original = SAMPLES[name]
    path = Path(f"{name}.md")
    quote = quote_from_text(original, path)
    strategy = {
        "tags": st.lists(_words, min_size=1, max_size=3),
        "locator": _locators,
    }.get(field, _words)
    value = data.draw(strategy)
    changed = quote.model_copy(deep=True)
    setattr(changed, field, value)  # validated, as an edit through the API is
    assume(getattr(changed, field) != getattr(quote, field))
    edited = dump_quote(changed, original)
    assert quote_from_text(edited, path) == _expected(changed)
    before = _parse_document(original, path)
    if not before.spliceable:
        return
    # Every other entry, every comment and blank line, the head and the body: same bytes.
    untouched = [c if isinstance(c, str) else c.raw for c in before.chunks
                 if not (isinstance(c, _Entry) and c.key == field)]
    rest = edited
    for piece in [before.head, *untouched, before.closing + before.body]:
        position = rest.find(piece)
        assert position >= 0, piece
        rest = rest[position + len(piece):]


_yamlish = st.lists(
    st.sampled_from(
        ["id", "tags", "note", "locator", "added", ":", " ", "\n", "  ", "- ", "[", "]", "{",
         "}", ",", "'", '"', "#", "&a", "*a", "!!", "|", ">", "p. 45", "2026-11-23", "~", "x",
         "\t", "\r\n", "---", "...", "%", "?", "é", "\u2028", "\x00", "@"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500)
@given(front=_yamlish, body=st.text(max_size=20), raw=st.text(max_size=60))
def test_any_file_reads_or_fails_with_a_quote_file_error(front: str, body: str, raw: str) -> None:
    for text in (f"---\n{front}\n---\n{body}", raw):
        try:
            quote = quote_from_text(text, Path("some-id.md"))
        except QuoteFileError as exc:
            assert exc.file == Path("some-id.md")
            continue
        assert quote.text.strip()
        assert dump_quote(quote, text) == text


# -- hand-written files: any formatting a person (or Obsidian) might use ---------------

_plain_words = st.from_regex(r"[A-Za-z][A-Za-z0-9 ,.'()-]{0,20}[A-Za-z0-9.)]", fullmatch=True)


_locator_texts = st.sampled_from(["p. 45", "pp 12--14", "chap. 3", "fol. 12r", "§ 4"])


def _styled(draw: Any, text: str) -> str:
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text if not text.startswith(("'", '"')) else f'"{text}"'


@st.composite
def hand_written_files(draw: Any) -> str:
    entries = {
        "source": f"source: {draw(st.from_regex(r'[a-z]+[0-9]{4}[a-z]*', fullmatch=True))}",
        "locator": f"locator: {_styled(draw, draw(_locator_texts))}",
        "speaker": f"speaker: {_styled(draw, draw(_plain_words))}",
        "note": f"note: {_styled(draw, draw(_plain_words))}",
        "date": f"date: {draw(st.sampled_from(['1939-10-01', '1939', 'autumn 1939']))}",
        "mood": f"mood: {_styled(draw, draw(_plain_words))}",
    }
    tag_words = draw(st.lists(st.from_regex(r"[a-z]{2,8}", fullmatch=True), min_size=1, max_size=3))
    indent = " " * draw(st.integers(0, 4))
    entries["tags"] = draw(st.sampled_from([
        f"tags: [{', '.join(tag_words)}]",
        "tags:\n" + "".join(f"{indent}- {t}\n" for t in tag_words).rstrip("\n"),
        f"tags: {', '.join(tag_words)}",
    ]))
    keys = draw(st.permutations(sorted(entries)))
    keys = keys[: draw(st.integers(1, len(keys)))]
    lines = []
    for key in keys:
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# a comment", "", "   ", "#", "# --- not an end"])))
        lines.append(entries[key] + draw(st.sampled_from(["", "", "  # trailing comment"])))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(st.sampled_from(["Words.", "\nWords,\n\n  more words.  \n", "Line one\nline two"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    text = bom + "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"
    return text.replace("\n", newline)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(original=hand_written_files(), tags=st.lists(_words, min_size=1, max_size=3))
def test_hand_written_files_round_trip_and_edit_in_place(original: str, tags: list[str]) -> None:
    path = Path("hand.md")
    quote = quote_from_text(original, path)
    assert dump_quote(quote, original) == original
    edited_quote = quote.model_copy(deep=True)
    edited_quote.tags = tags
    edited = dump_quote(edited_quote, original)
    assert quote_from_text(edited, path) == edited_quote
    before = _parse_document(original, path)
    after_entries = _parse_document(edited, path).entries
    for key, entry in before.entries.items():
        if key != "tags":
            assert after_entries[key].raw == entry.raw
    gaps = [c for c in before.chunks if isinstance(c, str)]
    for gap in gaps:
        assert gap in edited
    assert edited.endswith(before.closing + before.body)
