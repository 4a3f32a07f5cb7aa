"""The fast front-matter reader reads exactly what PyYAML reads, or declines.

Whenever :func:`read_flat` answers, its values must equal ``yaml.safe_load``'s
(and libyaml's) of the same text, and a quote file parsed through it must give
the same document (entries, nodes, lines, verbatim chunks) as the YAML path.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import citeman.quotes
from citeman.errors import QuoteFileError
from citeman.frontmatter import read_flat
from citeman.quotes import _Document, _Entry, _parse_document, _split_document

ROOT = Path(__file__).parent.parent
REAL_FILES = sorted(
    [*(ROOT / "quotes").glob("*.md"), *(ROOT / "tests" / "data" / "quotes").rglob("*.md")]
)
_CLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _same(left: Any, right: Any) -> bool:
    """Equal and of the same type all the way down (True is not 1, a date not a datetime)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


def _node_shape(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, bool(node.style))
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, bool(node.flow_style), [_node_shape(n) for n in node.value])
    return ("other", type(node).__name__)


def _doc_shape(doc: _Document) -> Any:
    entries = {
        key: (e.line, e.raw, _node_shape(e.node), repr(e.value), type(e.value).__name__)
        for key, e in doc.entries.items()
    }
    chunks = [c.key if isinstance(c, _Entry) else c for c in doc.chunks]
    return (doc.head, doc.closing, doc.body, doc.newline, doc.spliceable, entries, chunks)


def _parsed(text: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The document's shape, or the error, with or without the fast reader."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(citeman.quotes, "read_flat", lambda front: None)
        try:
            return _doc_shape(_parse_document(text, Path("q.md")))
        except QuoteFileError as exc:
            return ("error", exc.problem, exc.line, exc.field)
        except ValueError as exc:  # PyYAML lets "2026-02-30"'s escape (both paths alike)
            return ("ValueError", str(exc))


def _check_against_yaml(front: str) -> bool:
    """Whether read_flat answered; when it does, its values are PyYAML's and libyaml's."""
    flat = read_flat(front)
    if flat is None:
        return False
    read = {e.key: e.value for e in flat.entries}
    assert _same(read, yaml.safe_load(front))
    assert _same(read, yaml.load(front, Loader=_CLoader))
    lines = front.splitlines(keepends=True)
    assert flat.line_starts == [sum(map(len, lines[:i])) for i in range(len(lines) + 1)]
    return True


# -- generated flat documents -------------------------------------------------------

# Text that is nearly always plain YAML, and the characters and words that are not.
_TRICKY = [
    ":", ": ", " #", "#", "-", "- ", "[", "]", ",", "{", "}", "'", '"', "!", "&", "*", "|",
    ">", "%", "@", "`", "?", "\t", "\r", "\x85", "\u2028", "\ufeff", "\xa0", "é", "ł", " ", "  ",
]
_TYPED = [
    "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "Null", "~", "", "12", "0",
    "007", "0o7", "0x1f", "1_000", "-5", "+1", "1.5", ".inf", "-.Inf", ".NaN", "1e3", "12:30",
    "190:20:30", "2026-01-02", "2026-02-30", "0000-01-01", "1939-10-1", "2026-01-02 10:00",
    "2026-01-02T10:00:00Z", "=", "<<", "p. 45", "pp. 12--14", "Soviet Union", "C#", "a, b",
    "http://x.org/a", "it's", "a: b", "a :b", "x #y", "end:", "[a]", "{a: b}",
]
_fragments = st.one_of(
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8),
    st.sampled_from(_TRICKY),
)
_words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8)
_plain_text = st.builds(
    lambda first, rest: first + "".join(rest),
    _words,
    st.lists(st.one_of(_words, st.sampled_from([" ", ". ", ", ", "-", "'", "(", ":", "#"])),
             max_size=5),
)
# Mostly text that should take the fast path, so that its answers are checked often.
_values = st.one_of(
    _plain_text,
    _plain_text,
    st.sampled_from(_TYPED),
    st.lists(_fragments, min_size=1, max_size=6).map("".join),
)
_keys = st.one_of(
    st.sampled_from(["id", "source", "locator", "tags", "speaker", "note", "added", "date"]),
    st.sampled_from(["yes", "null", "on", "y", "a-b", "x.y", "_k", "1a", "key with space"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
)


_clean_values = st.one_of(
    st.builds(
        lambda first, rest: first + "".join(rest),
        _words,
        st.lists(st.one_of(_words, st.sampled_from([" ", ". ", "-", "'", "(", "C#"])), max_size=5),
    ),
    st.sampled_from(["2026-01-02", "1939-10-1", "12", "0", "p. 45", "Soviet Union", "yes"]),
)


@st.composite
def _entry_lines(draw: st.DrawFn, clean: bool) -> list[str]:
    """The lines of one key; ``clean``: with values that are nearly always plain text."""
    key = draw(_keys.filter(lambda k: k.isidentifier() and k not in _TYPED) if clean else _keys)
    values = _clean_values if clean else _values
    form = draw(st.sampled_from(["scalar", "flow", "block", "empty"]))
    if form == "scalar":
        return [f"{key}:{draw(st.sampled_from([' ', '  ', '']))}{draw(values)}"
                + draw(st.sampled_from(["", " ", "  # c"]))]
    if form == "flow":
        items = draw(st.lists(values, max_size=4))
        sep = draw(st.sampled_from([", ", ",", " , "]))
        return [f"{key}: [{sep.join(items)}]"]
    if form == "block":
        indent = draw(st.sampled_from(["", "  ", "    "]))
        items = draw(st.lists(values, min_size=1, max_size=4))
        lines = [f"{key}:"]
        for item in items:
            lines.append(f"{indent}-{draw(st.sampled_from([' ', '  ']))}{item}")
            if draw(st.integers(0, 9)) == 0:
                lines.append(draw(st.sampled_from(["", "# c", "  # c", "   more"])))
        return lines
    return [f"{key}:"]


@st.composite
def flat_fronts(draw: st.DrawFn) -> str:
    lines: list[str] = []
    clean = draw(st.booleans())
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 6)) == 0:
            lines.append(draw(st.sampled_from(["", "# a comment", "  ", " # indented"])))
        lines += draw(_entry_lines(clean))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return "".join(line + newline for line in lines)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flat_fronts())
@example("source: kotkin2014\nlocator: p. 45\ntags: [a, b]\nadded: 2026-11-23\n")
@example("tags:\n  - a\n  - b\nnote:\n")
def test_read_flat_reads_what_yaml_reads(front: str) -> None:
    try:
        expected: Any = yaml.safe_load(front)
    except (yaml.YAMLError, ValueError):  # ValueError: "2026-02-30"
        expected = "invalid"
    if read_flat(front) is not None:
        assert expected != "invalid", "read_flat read YAML that PyYAML refuses"
        assert _check_against_yaml(front)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(front=flat_fronts(), body=st.sampled_from(["Text.\n", "Text.", "\nA\r\nB\n\n"]))
def test_documents_are_the_same_with_or_without_the_fast_reader(
    front: str, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    newline = "\r\n" if "\r\n" in front else "\n"
    text = f"---{newline}{front}---{newline}{body}"
    assert _parsed(text, fast=True, monkeypatch=monkeypatch) == _parsed(
        text, fast=False, monkeypatch=monkeypatch
    )


# -- what it reads and what it leaves to PyYAML ---------------------------------------


@pytest.mark.parametrize(
    "front",
    [
        "source: kotkin2014\nlocator: p. 45\ntags: [purges, Soviet Union]\nadded: 2026-11-23\n",
        "id: x\r\nspeaker: Mólotov\r\ntags: methode, histoire\r\n",
        "tags:\n- a\n- b\nnote: C# and {braces}, [brackets]\n",
        "# a comment\n\nsource: s\ntags:\n  - a\n\n  - b\nyear: 1939\nquoted_in:\nsource2: s\n",
        "tags: []\nurl: http://example.org/a\n",
    ],
)
def test_common_front_matter_takes_the_fast_path(front: str) -> None:
    assert _check_against_yaml(front)


@pytest.mark.parametrize(
    "front",
    [
        "speaker: No\n",  # a YAML 1.1 bool
        "quoted_in: ~\n",
        "note: 'It''s quoted'\n",
        'speaker: "Stalin, Joseph"\n',
        "note: two\n  lines\n",
        "tags:\n  - a\n  - b\n    c\n",
        "tags: [a,\n  b]\n",
        "note: x # a comment\n",
        "review:\n  status: checked\n",
        "added: 2026-01-02 10:00:00\n",
        "added: 2026-02-30\n",
        "size: 1.5\n",
        "a: &x 1\nb: *x\n",
        "{source: braudel1949}\n",
        "a: b\na: c\n",  # a repeated key: the YAML path's error
        "note:\n\nsource: s\n",
        "note: tab\there\n",
        "note: next\x85line\n",
        "note: lone\rcr\n",
        "",
        "# only a comment\n",
    ],
)
def test_anything_else_is_left_to_pyyaml(front: str) -> None:
    assert read_flat(front) is None


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_quote_files_read_the_same_either_way(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    assert _parsed(text, fast=True, monkeypatch=monkeypatch) == _parsed(
        text, fast=False, monkeypatch=monkeypatch
    )


def test_the_repository_quotes_take_the_fast_path() -> None:
    fronts = [
        _split_document(p.read_text("utf-8"), p)[1]
        for p in sorted((ROOT / "quotes").glob("*.md"))
    ]
    assert fronts and all(_check_against_yaml(front) for front in fronts)
