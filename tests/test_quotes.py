"""Quote files and the quotes/ folder: reading, byte-exact rewriting, errors, ids."""

from __future__ import annotations

import difflib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from citeman.errors import (
    ConflictError,
    InvalidInputError,
    QuoteFileError,
    UnknownQuoteError,
    UnsafePathError,
)
from citeman.models import QUOTE_ID_PATTERN, Locator, Quote
from citeman.quotes import (
    MAX_FRONT_MATTER_CHARS,
    QuoteStore,
    derive_quote_id,
    dump_quote,
    quote_from_text,
    read_quote_file,
)

DATA = Path(__file__).parent / "data" / "quotes"
VALID = sorted((DATA / "valid").glob("*.md"))
CHURCHILL = DATA / "valid" / "churchill-riddle.md"


@pytest.fixture
def store(tmp_path: Path) -> QuoteStore:
    folder = tmp_path / "quotes"
    folder.mkdir()
    return QuoteStore(folder)


def _copy_in(store: QuoteStore, sample: Path) -> Path:
    target = store.quotes_dir / sample.name
    shutil.copyfile(sample, target)
    return target


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "+-"]


# -- reading ------------------------------------------------------------------------


def test_reads_every_field_of_the_documented_example() -> None:
    quote = read_quote_file(CHURCHILL)
    assert quote.id == "churchill-riddle"
    assert quote.text == (
        "I cannot forecast to you the action of Russia. It is a riddle, wrapped in a mystery,"
        " inside an enigma."
    )
    assert quote.source == "churchill1939broadcast"
    assert quote.locator == Locator(label="page", value="45")
    assert quote.speaker == "Winston Churchill"
    assert quote.quoted_in == "kotkin2017waiting"
    assert quote.quoted_in_locator == Locator(label="page", value="519")
    assert quote.date == "1939-10-01"
    assert quote.occasion == "BBC broadcast"
    assert quote.tags == ["realpolitik", "ideology"]
    assert quote.note == "Often misquoted."
    assert quote.added is not None and quote.added.isoformat().startswith("2026-11-23")
    assert quote.extra == {}


def test_hand_edited_file_keeps_text_extras_and_plain_scalars() -> None:
    quote = read_quote_file(DATA / "valid" / "stalin-dizzy.md")
    # The body less the line end after '---' and the file's last line end, nothing more.
    assert quote.text == (
        "\nIt is a fact that by February 20 of this year 50 per cent of the peasant farms\n"
        "throughout the U.S.S.R. had been collectivized.\n\n  (indented line, kept)   "
    )
    assert quote.tags == ["collectivisation", "press"]
    assert quote.note == "Published 2 March 1930.\n\n# Not a comment: part of the note.\n"
    assert quote.extra == {
        "aliases": ["Dizzy with success"],
        "cssclasses": ["quote"],
        "review": {"status": "checked", "by": "me"},
    }


def test_plain_scalars_stay_as_written() -> None:
    quote = read_quote_file(DATA / "valid" / "typed-scalars.md")
    assert (quote.speaker, quote.occasion, quote.date) == ("No", "1939", "1939-10-1")
    assert quote.note == "It's quoted"
    assert quote.quoted_in is None and quote.tags == []


def test_crlf_bom_flow_and_missing_id() -> None:
    crlf = read_quote_file(DATA / "valid" / "bloch-crlf.md")
    assert crlf.text == "L'histoire est la science des hommes dans le temps."
    assert crlf.tags == ["methode", "histoire"]  # one comma-separated string
    assert crlf.locator == Locator(label="page", value="12–14")
    bom = read_quote_file(DATA / "valid" / "febvre-bom.md")
    assert bom.id == "febvre-bom"  # no id key: the file name
    assert bom.locator == Locator(label="chapter", value="3")
    flow = read_quote_file(DATA / "valid" / "flow-top.md")
    assert (flow.source, flow.tags) == ("braudel1949", ["mediterranean"])


INVALID = [
    # file, field, line, words in the message
    ("bad-yaml.md", None, 4, "invalid YAML"),
    ("id-mismatch.md", "id", 2, "does not match the file name"),
    ("no-text.md", "text", 4, "empty"),
    ("blank-text.md", "text", 4, "empty"),
    ("bad-locator.md", "locator", 4, "'hello' is neither a locator label"),
    ("wrong-type.md", "speaker", 3, "expected text, found a list"),
    ("alias-bomb.md", None, 3, "aliases"),
    ("no-front-matter.md", None, 1, "starts with a '---' line"),
    ("unclosed.md", None, 1, "no closing '---'"),
    ("duplicate-key.md", "tags", 4, "twice"),
    ("not-a-mapping.md", None, 2, "'key: value' lines"),
    ("python-tag.md", "x", 3, "could not determine a constructor"),
    ("bad-added.md", "added", 3, "valid date"),
    ("bad-tag-item.md", "tags", 5, "a tag must be text"),
    ("not-utf8.md", None, 4, "not UTF-8"),
]


@pytest.mark.parametrize(("name", "field", "line", "words"), INVALID)
def test_invalid_file_names_file_line_and_field(
    name: str, field: str | None, line: int, words: str
) -> None:
    path = DATA / "invalid" / name
    with pytest.raises(QuoteFileError) as caught:
        read_quote_file(path)
    error = caught.value
    assert (error.file, error.field, error.line) == (path, field, line)
    assert words in error.message
    assert error.message.startswith(f"{path}:{line}: ")
    assert "\n" not in error.message
    assert isinstance(error, InvalidInputError)  # exit code 4


def test_unreadable_file_is_a_quote_file_error(tmp_path: Path) -> None:
    with pytest.raises(QuoteFileError, match="cannot read the file"):
        read_quote_file(tmp_path / "missing.md")


def test_deep_nesting_is_refused_without_crashing(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    depth = 30_000  # composing this with libyaml would overflow the C stack
    path.write_text(f"---\nx: {'[' * depth}{']' * depth}\n---\nText.\n")
    # PyYAML >= 6.0.3 stops this in its own scanner; older releases reach our check
    with pytest.raises(QuoteFileError, match=r"nested more than|nesting depth"):
        read_quote_file(path)


def test_nesting_deeper_than_our_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    depth = 100  # under PyYAML's own limit, over ours
    path.write_text(f"---\nx: {'[' * depth}{']' * depth}\n---\nText.\n")
    with pytest.raises(QuoteFileError, match="nested more than 64 levels"):
        read_quote_file(path)


def test_front_matter_size_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    filler = "".join(f"k{i}: {'x' * 60}\n" for i in range(MAX_FRONT_MATTER_CHARS // 60 + 10))
    path.write_text(f"---\n{filler}---\nText.\n")
    with pytest.raises(QuoteFileError, match="no closing '---' line in its first 64 KiB"):
        read_quote_file(path)


# -- writing --------------------------------------------------------------------------


@pytest.mark.parametrize("sample", VALID, ids=lambda p: p.name)
def test_unchanged_quote_rewrites_byte_identical(sample: Path) -> None:
    original = sample.read_bytes().decode("utf-8")
    assert dump_quote(read_quote_file(sample), original) == original


@pytest.mark.parametrize("sample", VALID, ids=lambda p: p.name)
def test_save_of_unchanged_quote_does_not_touch_the_file(store: QuoteStore, sample: Path) -> None:
    path = _copy_in(store, sample)
    before = path.read_bytes()
    os.utime(path, (1_000_000, 1_000_000))
    store.save(store.load(path.stem))
    assert path.read_bytes() == before
    assert path.stat().st_mtime == 1_000_000


def test_fresh_dump_of_the_example_is_the_documented_file() -> None:
    assert dump_quote(read_quote_file(CHURCHILL)) == CHURCHILL.read_text()


def test_changing_tags_rewrites_only_the_tags_lines(store: QuoteStore) -> None:
    path = _copy_in(store, DATA / "valid" / "stalin-dizzy.md")
    before = path.read_text()
    quote = store.load("stalin-dizzy")
    quote.tags = ["collectivisation", "famine"]
    store.save(quote)
    after = path.read_text()
    assert sorted(_changed_lines(before, after)) == [
        "+ tags: [collectivisation, famine]\n",
        "-   - 'press'\n",
        "-   - collectivisation   # main theme\n",
        "- tags:\n",
    ]
    assert store.load("stalin-dizzy") == quote


def test_crlf_file_gets_crlf_lines_for_changed_fields(store: QuoteStore) -> None:
    path = _copy_in(store, DATA / "valid" / "bloch-crlf.md")
    quote = store.load("bloch-crlf")
    quote.note = "Written in 1941–43."
    quote.text = "L'histoire est la science\ndes hommes dans le temps."
    store.save(quote)
    data = path.read_bytes()
    assert b"note: Written in 1941\xe2\x80\x9343.\r\n---\r\n" in data
    assert data.endswith(b"la science\r\ndes hommes dans le temps.\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert store.load("bloch-crlf") == quote


def test_removing_fields_and_extras(store: QuoteStore) -> None:
    path = _copy_in(store, DATA / "valid" / "stalin-dizzy.md")
    before = path.read_text()
    quote = store.load("stalin-dizzy")
    quote.note = None
    quote.extra = {"aliases": ["Dizzy with success"], "review": {"status": "checked", "by": "me"},
                   "rating": 5}
    store.save(quote)
    changed = _changed_lines(before, path.read_text())
    assert "+ rating: 5\n" in changed
    assert "- cssclasses:\n" in changed and "-   - quote\n" in changed
    assert "- note: |\n" in changed and "-   # Not a comment: part of the note.\n" in changed
    assert all(line.startswith("-") or line == "+ rating: 5\n" for line in changed)
    assert store.load("stalin-dizzy") == quote


def test_bom_is_kept_and_flow_front_matter_is_rewritten_when_changed(store: QuoteStore) -> None:
    bom = _copy_in(store, DATA / "valid" / "febvre-bom.md")
    quote = store.load("febvre-bom")
    quote.tags = ["annales"]
    store.save(quote)
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf---\nsource: febvre1953combats\n")
    assert store.load("febvre-bom") == quote
    flow = _copy_in(store, DATA / "valid" / "flow-top.md")
    quote = store.load("flow-top")
    quote.speaker = "Fernand Braudel"
    store.save(quote)
    assert store.load("flow-top") == quote
    assert flow.read_text().endswith("---\nLa Méditerranée n'est même pas une mer.\n")


def test_values_that_yaml_would_misread_are_quoted() -> None:
    quote = Quote(
        id="q1", text="Words.", speaker="yes", occasion="1939", note="a: b # not a comment",
        tags=["null", "a, b", "[x]", "ok"], date="1939-10-01",
    )
    text = dump_quote(quote)
    assert 'speaker: "yes"\n' in text
    assert 'occasion: "1939"\n' in text
    assert 'note: "a: b # not a comment"\n' in text
    assert 'tags: ["null", "a, b", "[x]", ok]\n' in text
    assert "date: 1939-10-01\n" in text
    path = Path("q1.md")
    assert quote_from_text(text, path) == quote


def test_extra_key_clashing_with_a_field_is_refused() -> None:
    quote = Quote(id="q1", text="Words.", extra={"tags": ["x"]})
    with pytest.raises(InvalidInputError, match="clashes"):
        dump_quote(quote)


# -- the folder ---------------------------------------------------------------------


def test_ids_are_sorted_file_stems_without_temp_or_hidden_files(store: QuoteStore) -> None:
    folder = store.quotes_dir
    for name in ["b.md", "a.md", "notes.txt", ".hidden.md", ".a.md.citeman-tmp-x1y2", "c.md~"]:
        (folder / name).write_text("---\n---\nx\n")
    (folder / "dir.md").mkdir()
    assert store.ids() == ["a", "b"]
    assert QuoteStore(folder / "absent").ids() == []


@pytest.mark.parametrize("bad", ["../x", "a/b", "/etc/passwd", "a\0b", "", ".hidden", "..", "a\\b"])
def test_ids_escaping_the_folder_are_refused(store: QuoteStore, bad: str) -> None:
    with pytest.raises(UnsafePathError):
        store.path_for(bad)
    with pytest.raises(UnsafePathError):
        store.load(bad)
    with pytest.raises(UnsafePathError):
        store.delete(bad)


def test_create_load_save_delete(store: QuoteStore) -> None:
    quote = Quote(
        id="kotkin-paradox", text="  Inner\n\n  blank lines.\n", source="kotkin2014",
        locator=Locator(label="page", value="112–14"), tags=["stalin"], added=date(2026, 11, 23),
    )
    path = store.create(quote)
    assert path == store.quotes_dir / "kotkin-paradox.md"
    assert path.read_text().startswith("---\nid: kotkin-paradox\nsource: kotkin2014\n"
                                       "locator: pp. 112–14\ntags: [stalin]\nadded: 2026-11-23\n")
    assert store.load("kotkin-paradox") == quote
    quote.tags = ["stalin", "ideology"]
    store.save(quote)
    assert store.load("kotkin-paradox").tags == ["stalin", "ideology"]
    store.delete("kotkin-paradox")
    assert store.ids() == []
    assert [p.name for p in store.quotes_dir.iterdir()] == []  # no temp files left


def test_create_never_overwrites(store: QuoteStore) -> None:
    path = _copy_in(store, CHURCHILL)
    before = path.read_bytes()
    with pytest.raises(ConflictError, match="exists already"):
        store.create(Quote(id="churchill-riddle", text="Other words."))
    assert path.read_bytes() == before
    assert sorted(p.name for p in store.quotes_dir.iterdir()) == ["churchill-riddle.md"]


def test_unknown_ids_suggest_close_ones(store: QuoteStore) -> None:
    _copy_in(store, CHURCHILL)
    with pytest.raises(UnknownQuoteError) as caught:
        store.load("churchill-ridle")
    assert caught.value.suggestions == ["churchill-riddle"]
    with pytest.raises(UnknownQuoteError):
        store.save(Quote(id="nobody", text="x"))
    with pytest.raises(UnknownQuoteError):
        store.delete("nobody")


def test_load_all_reports_bad_files_and_loads_the_rest(store: QuoteStore) -> None:
    for sample in VALID:
        _copy_in(store, sample)
    for name in ["bad-yaml.md", "id-mismatch.md", "no-text.md"]:
        _copy_in(store, DATA / "invalid" / name)
    quotes, problems = store.load_all()
    assert sorted(q.id for q in quotes) == sorted(p.stem for p in VALID)
    assert sorted(p.file.name for p in problems if p.file) == [
        "bad-yaml.md", "id-mismatch.md", "no-text.md"
    ]


def test_quote_that_would_not_read_back_is_not_written(store: QuoteStore) -> None:
    quote = Quote(id="odd", text="Words.", extra={"when": (1, 2)})
    store.create(quote)  # a tuple reads back as a list: same sequence, accepted
    bad = Quote(id="odd2", text="Words.", locator=Locator(label="page", value="hello"))
    with pytest.raises(InvalidInputError, match="cannot be stored"):
        store.create(bad)
    assert not (store.quotes_dir / "odd2.md").exists()


# -- ids ------------------------------------------------------------------------------

RIDDLE = "I cannot forecast to you the action of Russia. It is a riddle, wrapped in a mystery."


@pytest.mark.parametrize(
    ("speaker", "author", "text", "expected"),
    [
        ("Winston Churchill", None, RIDDLE, "churchill-forecast-wrapped-mystery"),
        ("Churchill, Winston", "Kotkin", RIDDLE, "churchill-forecast-wrapped-mystery"),
        (None, "Kötkin", "Die Ökonomie der Sowjetunion", "kotkin-okonomie-sowjetunion"),
        ("Pius XII", None, "Summi pontificatus", "pius-summi-pontificatus"),
        (None, None, "The state and the revolution", "state-revolution"),
        ("Сталин", "Kotkin", "Жить стало лучше", None),  # other scripts: hash
        (None, None, "Жить стало лучше", None),
    ],
)
def test_derived_ids_are_readable_ascii(
    speaker: str | None, author: str | None, text: str, expected: str | None
) -> None:
    quote = Quote(id="tmp", text=text, speaker=speaker)
    derived = derive_quote_id(quote, author, set())
    assert QUOTE_ID_PATTERN.match(derived) and len(derived) <= 40
    assert derived == derived.lower() and derived.isascii()
    if expected is not None:
        assert derived == expected
    else:
        prefix = "kotkin-" if author else ""
        assert derived.startswith(prefix) and len(derived) == len(prefix) + 8


def test_derived_ids_never_repeat_and_stay_short() -> None:
    quote = Quote(id="tmp", text="Extraordinarily incomprehensible circumstances " * 3)
    existing: set[str] = set()
    for _ in range(12):
        new = derive_quote_id(quote, "Featherstonehaugh", existing)
        assert new not in existing and len(new) <= 40 and QUOTE_ID_PATTERN.match(new)
        existing.add(new)
    assert "featherstonehaugh-extraordinarily-10" in existing


def test_nesting_limit_holds_for_short_front_matter_too(tmp_path: Path) -> None:
    path = tmp_path / "nested.md"
    path.write_text(f"---\nx: {'[' * 65}{']' * 65}\n---\nText.\n")
    with pytest.raises(QuoteFileError, match="nested more than 64"):
        read_quote_file(path)
    path.write_text(f"---\nx: {'[' * 60}{']' * 60}\n---\nText.\n")
    assert read_quote_file(path).extra["x"] is not None


def test_multi_line_notes_are_written_as_literal_blocks() -> None:
    quote = Quote(id="q1", text="Words.", note="First line.\n\n  Indented line.\n")
    text = dump_quote(quote)
    assert "note: |\n  First line.\n\n    Indented line.\n---\n" in text
    assert quote_from_text(text, Path("q1.md")) == quote


def test_racing_creates_of_one_id_leave_exactly_one_file(store: QuoteStore) -> None:
    def create(number: int) -> str:
        try:
            store.create(Quote(id="contested", text=f"Writer {number}."))
        except ConflictError:
            return "conflict"
        return "created"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(create, range(16)))
    assert outcomes.count("created") == 1 and outcomes.count("conflict") == 15
    assert [p.name for p in store.quotes_dir.iterdir()] == ["contested.md"]
    assert store.load("contested").text.startswith("Writer ")


def test_file_name_that_is_no_id_says_to_rename(store: QuoteStore) -> None:
    (store.quotes_dir / "My Quote.md").write_text("---\nsource: x\n---\nWords.\n")
    quotes, problems = store.load_all()
    assert quotes == [] and len(problems) == 1
    assert problems[0].field == "id" and problems[0].hint and "rename" in problems[0].hint


def test_the_store_answers_whether_an_id_is_taken(store: QuoteStore) -> None:
    store.create(Quote(id="churchill-riddle", text="It is a riddle."))
    assert "churchill-riddle" in store
    assert "churchill-enigma" not in store
    quote = Quote(id="pending", text="a riddle wrapped in a mystery", speaker="Winston Churchill")
    first = derive_quote_id(quote, None, store)
    store.create(quote.model_copy(update={"id": first}))
    assert derive_quote_id(quote, None, store) == f"{first}-2"
