"""A fast reader for the flat front matter nearly every quote file has.

Composing YAML with libyaml and constructing Python values from its nodes was
most of the cost of reading a quote file (a first build of 100,000 quotes reads
them all). Most front matter is a handful of ``key: plain text`` lines, a flow
list of tags and a date, so :func:`read_flat` reads exactly that much YAML by
hand and answers ``None`` for anything else, which the caller then gives to
PyYAML. It never guesses: it accepts only what it is certain YAML reads the
same way, and gives the same nodes and values (``yaml.safe_load`` of the front
matter equals ``{e.key: e.value for e in entries}``; the property tests check
this against PyYAML and libyaml).

What it reads, one top-level key per line starting in column 0:

* ``key: value`` with a plain one-line scalar (not starting with a YAML
  indicator, no ``': '``, ``' #'`` or trailing ``':'`` in it);
* ``key: [a, b]`` on one line, its items plain scalars as above, no
  ``[]{}:#`` or quotes anywhere inside;
* ``key:`` followed by ``- item`` lines, all at the same indentation;
* ``key:`` alone (null), when the next line is another key (or the end);
* blank lines and comment lines starting in column 0.

A plain scalar is typed as YAML 1.1 types it, with PyYAML's own resolver
table; only text, a ``YYYY-MM-DD`` date, a decimal integer and the empty
scalar (null) are accepted, everything else (``yes``, ``~``, ``1.5``, ``0o7``,
``12:30``, a date with a time) goes to PyYAML. Tabs, control characters,
YAML's other line breaks (NEL, U+2028/2029) and a lone CR also do.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple

from yaml import Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_INT_TAG = "tag:yaml.org,2002:int"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SEQ_TAG = "tag:yaml.org,2002:seq"

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,99}):(?: +(.*?))? *\r?\n?\Z")
_ITEM_LINE = re.compile(r"( *)-(?: +(.*?))? *\r?\n?\Z")
# Everything YAML treats specially that the reader leaves to PyYAML: tabs, control
# characters, other line breaks, a BOM, non-characters, lone surrogates.
_UNCERTAIN_CHARS = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
# A plain scalar in block context may not start with these (or needs care when it does).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = re.compile(r"[\[\]{}:#'\"]")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)\Z")


class FlatEntry(NamedTuple):
    """One top-level key: its node and value as PyYAML would build them, and the
    0-based lines of the front matter it spans."""

    key: str
    node: Node
    value: Any
    first_line: int
    last_line: int


class FlatFrontMatter(NamedTuple):
    entries: list[FlatEntry]
    line_starts: list[int]  # offset of each line in the front matter, then its length


class _Uncertain(Exception):
    """The text is not (certainly) flat front matter: PyYAML must read it."""


def _tag_of(plain: str) -> str:
    """The tag YAML 1.1 resolves a plain scalar to (PyYAML's ``BaseResolver.resolve``)."""
    table = Resolver.yaml_implicit_resolvers
    resolvers = table.get(plain[0] if plain else "")
    wildcard = table.get(None)
    if resolvers is None and wildcard is None:  # most text: no resolver for its first letter
        return STR_TAG
    for tag, regexp in (resolvers or []) + (wildcard or []):
        if regexp.match(plain):
            return str(tag)
    return STR_TAG


def _scalar(plain: str, *, flow: bool) -> tuple[ScalarNode, Any]:
    """The node and value of a plain scalar, or :class:`_Uncertain`."""
    if not plain:
        if flow:
            raise _Uncertain
        return ScalarNode(_NULL_TAG, "", None, None, None), None
    if plain[0] in _INDICATORS:
        raise _Uncertain
    if flow:
        if _FLOW_UNSAFE.search(plain):
            raise _Uncertain
    elif ": " in plain or " #" in plain or plain[-1] == ":":
        raise _Uncertain
    tag = _tag_of(plain)
    value: Any
    if tag == STR_TAG:
        value = plain
    elif tag == _TIMESTAMP_TAG and _DAY.match(plain):
        try:
            value = date(int(plain[:4]), int(plain[5:7]), int(plain[8:10]))
        except ValueError:  # "2026-02-30": PyYAML's error, from PyYAML
            raise _Uncertain from None
    elif tag == _INT_TAG and _DECIMAL.match(plain):
        value = int(plain)
    else:
        raise _Uncertain
    return ScalarNode(tag, plain, None, None, None), value


def _flow_list(inner: str) -> tuple[SequenceNode, list[Any]]:
    if not inner.strip(" "):
        return SequenceNode(_SEQ_TAG, [], None, None, True), []
    nodes, values = [], []
    for item in inner.split(","):
        node, value = _scalar(item.strip(" "), flow=True)
        nodes.append(node)
        values.append(value)
    return SequenceNode(_SEQ_TAG, nodes, None, None, True), values


def _is_gap(line: str) -> bool:
    """A blank line or a comment starting in column 0."""
    return line[0] == "#" or not line.strip(" \r\n")


def _block_list(lines: list[str], start: int) -> tuple[SequenceNode, list[Any], int, int]:
    """The ``- item`` lines from ``start``: node, values, last item line, next line."""
    nodes: list[Node] = []
    values: list[Any] = []
    indent: str | None = None
    last = start
    i = start
    while i < len(lines):
        line = lines[i]
        if _is_gap(line):
            i += 1
            continue
        item = _ITEM_LINE.match(line)
        if item is None:
            if line[0] == " ":  # a continuation or a nested block: not flat
                raise _Uncertain
            break  # the next key
        if indent is None:
            indent = item.group(1)
        elif item.group(1) != indent:
            raise _Uncertain
        if item.group(2) is None:  # "-" alone: where its empty node ends is PyYAML's call
            raise _Uncertain
        node, value = _scalar(item.group(2), flow=False)
        nodes.append(node)
        values.append(value)
        last = i
        i += 1
    return SequenceNode(_SEQ_TAG, nodes, None, None, False), values, last, i


def _entries(lines: list[str]) -> list[FlatEntry]:
    entries: list[FlatEntry] = []
    seen: set[str] = set()
    count = len(lines)
    i = 0
    while i < count:
        line = lines[i]
        match = _KEY_LINE.match(line)
        if match is None:
            if _is_gap(line):
                i += 1
                continue
            raise _Uncertain
        key, plain = match.groups()
        if key in seen or _tag_of(key) != STR_TAG:
            raise _Uncertain  # a repeated key, or one YAML reads as true/null/a number
        seen.add(key)
        first = last = i
        node: Node
        value: Any
        i += 1
        if plain:
            if plain[0] == "[" and plain[-1] == "]":
                node, value = _flow_list(plain[1:-1])
            else:
                node, value = _scalar(plain, flow=False)
        elif i < count and _ITEM_LINE.match(lines[i]):
            node, value, last, i = _block_list(lines, i)
        elif i == count or _KEY_LINE.match(lines[i]):
            node, value = _scalar("", flow=False)
        else:
            raise _Uncertain  # a nested block, or where an empty value ends is PyYAML's call
        entries.append(FlatEntry(key, node, value, first, last))
    return entries


def read_flat(front: str) -> FlatFrontMatter | None:
    """The entries of ``front`` (the text between the '---' lines) and where its
    lines start, or None when it is not flat front matter as described above, or
    has no key at all."""
    if _UNCERTAIN_CHARS.search(front):
        return None
    if "\r" in front and front.count("\r") != front.count("\r\n"):
        return None  # a lone CR
    # With the characters above excluded, these are exactly YAML's lines.
    lines = front.splitlines(keepends=True)
    try:
        entries = _entries(lines)
    except _Uncertain:
        return None
    if not entries:
        return None
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return FlatFrontMatter(entries, starts)
