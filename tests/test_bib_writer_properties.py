"""Data safety on real .bib files: random add/set/remove sequences never touch other bytes.

For each real file (a Zotero/BBT export, JabRef files, a Mendeley export with
duplicate keys, latin-1 and latin-9 files, unbalanced blocks, a CRLF+BOM file)
hypothesis runs random sequences of BibFile operations. After every operation:

* every byte outside the touched entry is identical; the expected bytes come
  from the spans of the file before the operation, not from the writer;
* bibtexparser reads the same blocks (entries, comments, @string, failed
  blocks) plus exactly the change;
* encoding, BOM and line ending are as found.

The fast tier uses windows (~30 kB) of the big files; the slow tier the whole files.
Run with ``-s`` to see how many sequences and operations ran per file.
"""

from __future__ import annotations

import functools
import logging
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bibtexparser import model
from bibtexparser.splitter import Splitter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeman.bibtex import parse_bib_text
from citeman.bibtex.spans import EntrySpan, decode_bib, detect_format, scan_entries
from citeman.bibtex.writer import BibFile
from citeman.errors import ConflictError, InvalidInputError

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "bib-corpus"
WINDOW = 30_000
RUNS: Counter[str] = Counter()
OPERATIONS: Counter[str] = Counter()
BYTES_CHANGED_OUTSIDE_EDITS: Counter[str] = Counter()

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"real .bib corpus not found at {CORPUS}"
)


# -- the real files -------------------------------------------------------------------


def _read(relative: str) -> bytes:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"real .bib corpus not found at {CORPUS} (needs {relative})")
    return path.read_bytes()


def _window(data: bytes, around: int, size: int = WINDOW) -> bytes:
    """About ``size`` bytes of ``data`` around ``around``, cut before lines starting with '@'."""
    start = data.rfind(b"\n@", 0, max(0, around - size // 2)) + 1
    end = data.find(b"\n@", start + size)
    return data[start : end + 1 if end != -1 else len(data)]


def _first_unbalanced_block(data: bytes) -> int:
    failed = Splitter(data.decode()).split().failed_blocks
    broken = next(b for b in failed if type(b) is model.ParsingFailedBlock)
    return data.index((broken.raw or "").encode())


def _crlf_bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _zotero() -> bytes:
    return _window(_read("bbt-user-libs/bbt-bulk-perf.bib"), 0)


def _mendeley() -> bytes:
    # its duplicate keys (Thomas2016, Scales2015, empty keys) start in the first kilobytes
    return _window(_read("bbt-user-libs/mendeley-export.bib"), 0)


def _unbalanced() -> bytes:
    data = _read("bbt-user-libs/bbt-export-1296.bib")
    return _window(data, _first_unbalanced_block(data))


FAST_FILES: dict[str, Callable[[], bytes]] = {
    "zotero-bbt (window)": _zotero,
    "mendeley duplicates (window)": _mendeley,
    "bbt unbalanced blocks (window)": _unbalanced,
    "jabref testjabref.bib (window)": lambda: _window(_read("jabref-tests/testjabref.bib"), 0),
    "jabref complex.bib": lambda: _read("jabref-tests/complex.bib"),
    "latin-1 encoding3.bib": lambda: _read("biber-tdata/encoding3.bib"),
    "latin-9 declared encoding1.bib": lambda: _read("biber-tdata/encoding1.bib"),
    "crlf+bom (from pybtex cyrillic.bib)": lambda: _crlf_bom(_read("pybtex-tests/cyrillic.bib")),
    "biber names.bib (%-commented entries)": lambda: _read("biber-tdata/names.bib"),
}
SLOW_FILES: dict[str, Callable[[], bytes]] = {
    "zotero-bbt bbt-bulk-perf.bib": lambda: _read("bbt-user-libs/bbt-bulk-perf.bib"),
    "mendeley-export.bib": lambda: _read("bbt-user-libs/mendeley-export.bib"),
    "jabref-user-db-97.bib": lambda: _read("bbt-user-libs/jabref-user-db-97.bib"),
    "crlf+bom biber-papers.bib": lambda: _crlf_bom(_read("biber-papers.bib")),
}


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    for name in sorted(RUNS):
        print(
            f"\n{name}: {RUNS[name]} sequences, {OPERATIONS[name]} operations, "
            f"bytes changed outside edits: {BYTES_CHANGED_OUTSIDE_EDITS[name]}"
        )


# -- what bibtexparser reads ----------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    entries: list[tuple[str, list[tuple[str, str]]]]  # key, (lower-cased name, raw value)
    raws: list[str]  # entry raw texts, to find an entry
    # The non-blank lines of every other block (comments, strings, preambles, failed
    # blocks): removing an entry merges the comments around it into one block.
    others: list[str]


@functools.lru_cache(maxsize=4)  # an operation's "after" is the next one's "before"
def parse(data: bytes) -> Parsed:
    text, _ = decode_bib(data)
    entries, raws, others = [], [], []
    for block in Splitter(text).split().blocks:
        entry = (
            block.ignore_error_block
            if isinstance(block, model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock)
            else block
        )
        if isinstance(entry, model.Entry):
            entries.append((entry.key, [(f.key.lower(), f.value) for f in entry.fields]))
            raws.append(entry.raw or "")
        else:
            others.append(block.raw or "")
    lines = [line for raw in others for line in raw.splitlines() if line.strip()]
    return Parsed(entries, raws, lines)


@functools.lru_cache(maxsize=16)  # every sequence on a file starts from the same bytes
def reader_keys(data: bytes) -> frozenset[str]:
    return frozenset(source.key for source in parse_bib_text(decode_bib(data)[0]).sources)


@functools.lru_cache(maxsize=4)
def spans_of(data: bytes) -> list[EntrySpan]:
    return scan_entries(data)


def index_in(parsed: Parsed, data: bytes, span: EntrySpan) -> int:
    raw = data[span.start : span.end].decode(detect_format(data).encoding)
    return next(
        i for i, (key, _) in enumerate(parsed.entries) if key == span.key and parsed.raws[i] == raw
    )


# -- values and operations ------------------------------------------------------------

ASCII = "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?'-#%&~$=()[]@"


def values(extra: str) -> st.SearchStrategy[str]:
    """Valid field values: balanced braces, LaTeX escapes, quotes, line breaks."""
    words = st.text(alphabet=ASCII + extra, max_size=12)
    tokens = st.one_of(
        words,
        st.sampled_from([r"\&", r"\"{o}", r"\{x\}", '"', "\n", "\r\n", "{}", " @ "]),
    )
    grouped = st.recursive(
        st.lists(tokens, max_size=4).map("".join),
        lambda inner: st.lists(inner.map(lambda s: "{" + s + "}") | tokens, max_size=3).map(
            "".join
        ),
        max_leaves=6,
    )
    # an "@type{" opening a line would be braced as "{@}": unit-tested, kept out of here
    return grouped.filter(lambda v: not re.search(r"(^|\n)\s*@", v))


NEW_FIELDS = ["note", "addendum", "Keywords", "x-citeman", "year"]


def run_sequence(name: str, original: bytes, data: st.DataObject) -> None:
    extra = "éüßÅ" if detect_format(original).encoding != "utf-8" else "éüßÅЖ東"
    with tempfile.TemporaryDirectory() as folder:
        bib = BibFile(Path(folder) / "library.bib")
        bib.path.write_bytes(original)
        for _ in range(data.draw(st.integers(1, 4), label="operations")):
            one_operation(name, bib, data, extra)
            OPERATIONS[name] += 1
        final = bib.path.read_bytes()
        assert detect_format(final) == detect_format(original)
        check_through_the_reader(original, final)
    RUNS[name] += 1


def check_through_the_reader(original: bytes, final: bytes) -> None:
    """citeman's reader sees the keys change as the spans do."""

    def span_keys(data: bytes) -> set[str]:
        return {span.key for span in spans_of(data) if span.key}  # keyless: problems only

    before, after = reader_keys(original), reader_keys(final)
    assert after - before == span_keys(final) - span_keys(original)
    assert before - after == span_keys(original) - span_keys(final)


def one_operation(name: str, bib: BibFile, data: st.DataObject, extra: str) -> None:
    before = bib.path.read_bytes()
    fmt = detect_format(before)
    parsed = parse(before)
    # Entries without a key are left alone (test_keyless_entries_are_problems_never_edited).
    spans = [span for span in spans_of(before) if span.key]
    first: dict[str, int] = {}
    for position, span in enumerate(spans):
        first.setdefault(span.key, position)
    kind = data.draw(st.sampled_from(["append", "set", "set", "remove_field", "remove_entry"]))
    if not spans:
        kind = "append"
    if kind == "append":
        check_append(name, bib, data, before, parsed, extra)
        return
    span = spans[first[spans[data.draw(st.integers(0, len(spans) - 1))].key]]
    index = index_in(parsed, before, span)
    key, fields = parsed.entries[index]
    if kind == "remove_entry":
        bib.remove_entry(span.key)
        after = bib.path.read_bytes()
        check_removed_range(name, before, after, span)
        expected = parsed.entries[:index] + parsed.entries[index + 1 :]
    elif kind == "remove_field" and fields:
        field = data.draw(st.sampled_from([n for n, _ in fields]))
        bib.remove_field(span.key, field)
        after = bib.path.read_bytes()
        check_outside(name, before, after, span)
        expected = list(parsed.entries)
        expected[index] = (key, [(n, v) for n, v in fields if n != field])
    else:
        field = data.draw(st.sampled_from(sorted({n for n, _ in fields} | set(NEW_FIELDS))))
        value = data.draw(values(extra), label="value")
        bib.set_field(span.key, field, value)
        after = bib.path.read_bytes()
        check_outside(name, before, after, span)
        expected = list(parsed.entries)
        expected[index] = (key, with_value(fields, field.lower(), value, fmt.newline))
    now = parse(after)
    assert now.others == parsed.others
    assert [(k, normalized(fs)) for k, fs in now.entries] == [
        (k, normalized(fs)) for k, fs in expected
    ]


def with_value(
    fields: list[tuple[str, str]], field: str, value: str, newline: str
) -> list[tuple[str, str]]:
    wanted = "{" + re.sub(r"\r\n|\r|\n", newline, value) + "}"  # as normalized() expects
    names = [n for n, _ in fields]
    if field not in names:
        return [*fields, (field, wanted)]
    first = names.index(field)  # repeated names: set_field edits the first
    return [(n, wanted if i == first else v) for i, (n, v) in enumerate(fields)]


def normalized(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Values without their outer delimiters, so that {x} and "x" compare as x."""
    return [(n, v[1:-1] if v[:1] in '{"' and len(v) > 1 else v) for n, v in fields]


def check_outside(name: str, before: bytes, after: bytes, span: EntrySpan) -> None:
    """Bytes before and after the touched entry are unchanged."""
    prefix, suffix = before[: span.start], before[span.end :]
    changed = 0
    if not after.startswith(prefix):
        changed += common_mismatch(after, prefix)
    if not after.endswith(suffix):
        changed += common_mismatch(after[::-1], suffix[::-1])
    BYTES_CHANGED_OUTSIDE_EDITS[name] += changed
    assert changed == 0
    assert len(after) >= len(prefix) + len(suffix)


def common_mismatch(data: bytes, expected_start: bytes) -> int:
    """How many bytes of ``expected_start`` are not where they were at the start of ``data``."""
    same = 0
    for ours, theirs in zip(data, expected_start, strict=False):
        if ours != theirs:
            break
        same += 1
    return len(expected_start) - same


def check_removed_range(name: str, before: bytes, after: bytes, span: EntrySpan) -> None:
    """``after`` is ``before`` minus the entry, whitespace around it and at most one blank line."""
    removed = len(before) - len(after)
    for start in range(span.start, -1, -1):
        end = start + removed
        if (
            end >= span.end
            and after == before[:start] + before[end:]
            and not before[start : span.start].strip()
            and not before[span.end : end].strip()
            and before[span.end : end].count(b"\n") <= 2
        ):
            return
        if before[start - 1 : start] not in (b" ", b"\t"):
            break
    BYTES_CHANGED_OUTSIDE_EDITS[name] += abs(removed - (span.end - span.start)) or 1
    pytest.fail(f"removing {span.key} changed more than its bytes")


def check_append(
    name: str, bib: BibFile, data: st.DataObject, before: bytes, parsed: Parsed, extra: str
) -> None:
    existing = [k for k, _ in parsed.entries if k][:3]
    key = data.draw(st.sampled_from(["citeman-new", "citeman-other", *existing]))
    value = data.draw(values(extra), label="title")
    newline = data.draw(st.sampled_from(["\n", "\r\n"]))
    addition = newline.join([f"@misc{{{key},", f"  title = {{{value}}},", "  year = {2024}", "}"])
    if key in {s.key for s in spans_of(before)}:
        with pytest.raises(ConflictError):
            bib.append_entries(addition)
        assert bib.path.read_bytes() == before
        return
    bib.append_entries(addition)
    after = bib.path.read_bytes()
    changed = common_mismatch(after, before)
    BYTES_CHANGED_OUTSIDE_EDITS[name] += changed
    assert changed == 0
    fmt = detect_format(before)
    tail = after[len(before) :].decode(fmt.encoding)
    body = re.sub(r"\r\n|\r|\n", fmt.newline, addition) + fmt.newline
    assert tail.lstrip("\r\n") == body
    now = parse(after)
    assert now.others == parsed.others
    assert now.entries[: len(parsed.entries)] == parsed.entries
    assert [k for k, _ in now.entries[len(parsed.entries) :]] == [key]


# -- the tests ------------------------------------------------------------------------

FAST = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Whole files of 2,000+ entries cost seconds a sequence (bibtexparser, the span scanner
# and citeman's reader each read the file after every operation): the fast tier's
# windows run the many sequences, the whole files a few to prove the scale.
SLOW = settings(FAST, max_examples=12)


@pytest.mark.parametrize("name", FAST_FILES)
@FAST
@given(data=st.data())
def test_random_edits_touch_only_their_entries(name: str, data: st.DataObject) -> None:
    run_sequence(name, load(FAST_FILES, name), data)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW_FILES)
@SLOW
@given(data=st.data())
def test_random_edits_on_whole_real_files(name: str, data: st.DataObject) -> None:
    run_sequence(name, load(SLOW_FILES, name), data)


_LOADED: dict[str, bytes] = {}


def load(files: dict[str, Callable[[], bytes]], name: str) -> bytes:
    if name not in _LOADED:
        _LOADED[name] = files[name]()
    return _LOADED[name]


def test_appending_to_a_2157_entry_file_keeps_every_earlier_byte(tmp_path: Path) -> None:
    original = _read("biber-papers.bib")
    path = tmp_path / "library.bib"
    path.write_bytes(original)
    before = parse(original)
    assert len(before.entries) == 2157
    bib = BibFile(path)
    for number in range(3):
        bib.append_entries(f"@book{{added{number},\n  title = {{Added {number}}},\n}}\n")
    after = path.read_bytes()
    assert after[: len(original)] == original
    assert after[len(original) :].count(b"@book{added") == 3
    now = parse(after)
    assert now.entries[:2157] == before.entries and now.others == before.others
    assert [k for k, _ in now.entries[2157:]] == ["added0", "added1", "added2"]


def test_keyless_entries_are_problems_never_edited(tmp_path: Path) -> None:
    """Mendeley writes ``@article{,``: the reader reports each, the writer leaves them be."""
    original = _mendeley()
    spans = scan_entries(original)
    keyless = [span for span in spans if not span.key]
    assert keyless, "the Mendeley window holds a keyless entry"
    problems = parse_bib_text(decode_bib(original)[0]).problems
    assert [p.line for p in problems if "missing citation key" in p.message] == [
        span.line for span in keyless
    ]
    path = tmp_path / "library.bib"
    path.write_bytes(original)
    bib = BibFile(path)
    for edit in (
        lambda: bib.set_field("", "title", "x"),
        lambda: bib.remove_field("", "title"),
        lambda: bib.remove_entry(""),
        lambda: bib.remove_entry("  "),
        lambda: bib.append_entries("@misc{,\n  title = {No key},\n}\n"),
    ):
        with pytest.raises(InvalidInputError):
            edit()
        assert path.read_bytes() == original
    # Editing the entry right before a keyless one leaves the keyless one as it was.
    before = spans[spans.index(keyless[0]) - 1]
    bib.set_field(before.key, "note", "edited")
    after = path.read_bytes()
    moved = len(after) - len(original)
    assert after[keyless[0].start + moved : keyless[0].end + moved] == (
        original[keyless[0].start : keyless[0].end]
    )
