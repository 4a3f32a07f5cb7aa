"""Quote files: ``quotes/<id>.md``, YAML front matter and the exact words as the body.

Use cases:

* ``cite add`` builds a :class:`~citeman.models.Quote`, picks an id with
  :func:`derive_quote_id` and writes it with :meth:`QuoteStore.create` (atomic,
  never overwrites).
* The index reads every file with :meth:`QuoteStore.load_all`; a broken file is
  reported (file, line, field) and the others still load.
* Editing a quote (``cite tag``, the Python API) goes through
  :meth:`QuoteStore.save`, which rewrites only the lines of the fields that
  changed: comments, key order, quoting style, keys citeman does not know and
  CRLF line ends stay byte for byte as the user (or Obsidian) wrote them.

The file::

    ---
    id: churchill-riddle
    source: churchill1939broadcast
    locator: p. 45
    tags: [realpolitik, ideology]
    added: 2026-11-23
    ---
    I cannot forecast to you the action of Russia.

Reading rules: the body is the text, less the line end after the closing
``---`` and one line end at the end of the file; its line ends are read as
``\\n``. Text fields (``source``, ``speaker``, ``date``, ``note``, …) keep what the
user wrote when it is a plain YAML scalar (``date: 1939-10-01`` stays the text
``1939-10-01``, ``speaker: No`` stays ``No``). ``tags`` is a YAML list or one
string of comma-separated tags. A missing ``id`` is the file name. YAML is read
with the safe loader; aliases, deep nesting and front matter over 64 KiB are
refused.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from citeman.errors import (
    ConflictError,
    InvalidInputError,
    LocatorError,
    QuoteFileError,
    UnknownQuoteError,
    UnsafePathError,
)
from citeman.frontmatter import read_flat
from citeman.locators import format_locator, parse_locator
from citeman.models import Locator, Quote
from citeman.storage.atomic import atomic_write

QUOTE_SUFFIX = ".md"
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FRONT_MATTER_CHARS = 64 * 1024
#: Front matter needs little nesting; deep nesting crashes libyaml's composer.
MAX_NESTING = 64
#: The file line of the front matter's first line (after the opening '---').
_FIRST_LINE = 2

#: The order :func:`dump_quote` writes fields in (known fields, then extras).
FIELD_ORDER = (
    "id",
    "source",
    "locator",
    "speaker",
    "quoted_in",
    "quoted_in_locator",
    "date",
    "occasion",
    "tags",
    "note",
    "added",
)
_TEXT_FIELDS = frozenset({"id", "source", "speaker", "quoted_in", "date", "occasion", "note"})
_LOCATOR_FIELDS = frozenset({"locator", "quoted_in_locator"})

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# YAML counts these as line breaks; front-matter lines must be split the same way.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
_MARKER_LINE = re.compile(r"^---[ \t]*$", re.MULTILINE)  # where "\n" alone ends lines
_STR_TAG = "tag:yaml.org,2002:str"
_VALUE_TAG = "tag:yaml.org,2002:value"
_TYPED_TAGS = (_STR_TAG, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")
# Characters a YAML double-quoted scalar must escape (JSON leaves them raw).
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# -- reading ------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One top-level front-matter key with its lines, verbatim."""

    key: str
    raw: str
    node: yaml.Node
    value: Any
    line: int  # 1-based line of the key in the file


@dataclass
class _Document:
    """A quote file cut into the pieces that are written back unchanged."""

    path: Path
    newline: str
    head: str  # BOM (if any) and the opening '---' line
    closing: str  # the closing '---' line
    body: str  # everything after it
    entries: dict[str, _Entry] = field(default_factory=dict)
    chunks: list[str | _Entry] = field(default_factory=list)  # gaps and entries, in order
    spliceable: bool = True  # False for a flow-style top level: "{id: x, tags: [a]}"

    @property
    def text(self) -> str:
        return _normalise_text(_strip_one_line_end(self.body))

    @property
    def body_line(self) -> int:
        before = self.head + "".join(
            c.raw if isinstance(c, _Entry) else c for c in self.chunks
        ) + self.closing
        return len(_LINE_BREAK.findall(before)) + 1


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int, int]]:
    """(start, end of content, end with line break) of each line from ``start``."""
    pos = start
    for match in _LINE_BREAK.finditer(text, start):
        yield pos, match.start(), match.end()
        pos = match.end()
    if pos < len(text):
        yield pos, len(text), len(text)


def _strip_one_line_end(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    if text and _LINE_BREAK.fullmatch(text[-1]):
        return text[:-1]
    return text


def _normalise_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_marker(line: str) -> bool:
    return line.rstrip(" \t") == "---"


def _split_document(text: str, path: Path) -> tuple[_Document, str]:
    """Cut ``text`` at its '---' lines: the document (entries still empty) and the
    front matter, which starts on the file's line :data:`_FIRST_LINE`."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _lines(text, len(bom))
    first = next(lines, None)
    if first is None or not _is_marker(text[first[0] : first[1]]):
        raise QuoteFileError(
            "a quote file starts with a '---' line opening its front matter",
            path, 1, hint="see the quote file format in the README",
        )
    newline = "\r\n" if text[first[1] : first[2]] == "\r\n" else "\n"
    front_start = first[2]
    if _OTHER_BREAKS.search(text) is None:
        # Only "\n" ends lines: one search finds the closing line (most files).
        found = _MARKER_LINE.search(text, front_start)
        limit = front_start + MAX_FRONT_MATTER_CHARS
        closing = [] if found is None or found.start() > limit else [
            (found.start(), found.end() + (found.end() < len(text)))
        ]
    else:
        closing = []
        for start, content_end, end in lines:
            if start - front_start > MAX_FRONT_MATTER_CHARS:
                break
            if _is_marker(text[start:content_end]):
                closing = [(start, end)]
                break
    for start, end in closing:
        doc = _Document(
            path=path, newline=newline, head=text[:front_start], closing=text[start:end],
            body=text[end:],
        )
        return doc, text[front_start:start]
    raise QuoteFileError(
        "the front matter has no closing '---' line"
        + (" in its first 64 KiB" if len(text) - front_start > MAX_FRONT_MATTER_CHARS else ""),
        path, 1,
    )


def _yaml_error(exc: yaml.YAMLError, path: Path) -> QuoteFileError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + _FIRST_LINE if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {context + ', ' if context else ''}{problem}"
    return QuoteFileError(message, path, line, hint="fix the front matter between the '---' lines")


def _may_alias_or_nest_deeply(front: str) -> bool:
    """False when ``front`` provably has no alias and at most :data:`MAX_NESTING`
    collections, so that :func:`_check_structure` would find nothing.

    Every alias starts with '*', and every collection with its own indicator
    ('[', '{', a '-' entry, a ':' or '?' key), so counting those characters
    bounds the depth. Composing can also fail before a later syntax error in
    ways the event pass does not (a duplicate '&' anchor, a second '---'
    document): those texts take the event pass too, so errors stay the same.
    """
    if "*" in front or "&" in front or "---" in front:
        return True
    indicators = (
        front.count("-") + front.count(":") + front.count("?") + front.count("[")
        + front.count("{")
    )
    return indicators > MAX_NESTING


def _check_structure(front: str, path: Path) -> None:
    """Refuse aliases (billion laughs) and deep nesting before composing anything."""
    if not _may_alias_or_nest_deeply(front):
        return  # the event pass costs about an eighth of reading a quote file
    depth = 0
    for event in yaml.parse(front, Loader=_Loader):
        line = event.start_mark.line + _FIRST_LINE if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            raise QuoteFileError(
                f"YAML aliases (*{event.anchor}) are not allowed in quote files",
                path, line,
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise QuoteFileError(
                    f"the front matter is nested more than {MAX_NESTING} levels deep",
                    path, line,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _last_line(node: yaml.Node) -> int:
    """The last front-matter line (0-based) holding part of ``node``."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        end = node.end_mark
        # A block scalar ends at the start of the next line.
        return end.line if end.column > 0 else end.line - 1
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            children += [key, value]
    else:
        children = list(node.value)
    return max((_last_line(child) for child in children), default=node.start_mark.line)


def _parse_document(text: str, path: Path) -> _Document:
    """Split ``text`` into verbatim pieces and parse its front matter (safely)."""
    doc, front = _split_document(text, path)
    flat = read_flat(front)
    if flat is not None:  # most files: no need to compose YAML (see citeman.frontmatter)
        flat_entries = [
            (_Entry(e.key, "", e.node, e.value, e.first_line + _FIRST_LINE), e.first_line,
             e.last_line)
            for e in flat.entries
        ]
        doc.entries = {entry.key: entry for entry, _, _ in flat_entries}
        doc.chunks, doc.spliceable = _cut_front_matter(
            front, flat_entries, flow=False, starts=flat.line_starts
        )
        return doc
    loader = _Loader(front)
    try:
        _check_structure(front, path)
        node = loader.get_single_node()
        if node is None:
            doc.chunks = [front] if front else []
            return doc
        if not isinstance(node, yaml.MappingNode):
            raise QuoteFileError(
                "the front matter must be 'key: value' lines",
                path, node.start_mark.line + _FIRST_LINE,
            )
        entries: list[tuple[_Entry, int, int]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + _FIRST_LINE
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if not key.strip():
                raise QuoteFileError("a front-matter key must be a name", path, line)
            if key in seen:
                raise QuoteFileError("this key appears twice", path, line, key)
            seen.add(key)
            try:
                value = (
                    value_node.value  # a lone "=" (YAML 1.1's value key), which is just text
                    if value_node.tag == _VALUE_TAG
                    else loader.construct_object(value_node, deep=True)
                )
            except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2026-02-30
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise QuoteFileError(f"cannot read the value: {problem}", path, line, key) \
                    from None
            first = key_node.start_mark.line
            last = max(first, _last_line(value_node))
            entry = _Entry(key, "", value_node, value, line)
            doc.entries[key] = entry
            entries.append((entry, first, last))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    except RecursionError:
        raise QuoteFileError("the front matter is nested too deeply", path, _FIRST_LINE) from None
    finally:
        loader.dispose()
    doc.chunks, doc.spliceable = _cut_front_matter(front, entries, flow=bool(node.flow_style))
    return doc


def _cut_front_matter(
    front: str,
    entries: list[tuple[_Entry, int, int]],
    *,
    flow: bool,
    starts: list[int] | None = None,
) -> tuple[list[str | _Entry], bool]:
    """Gaps and entries in order, each entry owning the lines from its key to its
    value's last line; comments and blank lines between entries are gaps.

    ``starts``: where each line of ``front`` starts, then its length (when known)."""
    if starts is None:
        starts = [start for start, _, _ in _lines(front)] + [len(front)]
    overlapping = any(following[1] <= current[2] for current, following in pairwise(entries))
    if flow or overlapping or (entries and entries[-1][2] >= len(starts) - 1):
        return ([front] if front else []), False
    chunks: list[str | _Entry] = []
    cursor = 0
    for entry, first, last in entries:
        if starts[first] > cursor:
            chunks.append(front[cursor : starts[first]])
        entry.raw = front[starts[first] : starts[last + 1]]
        chunks.append(entry)
        cursor = starts[last + 1]
    if cursor < len(front):
        chunks.append(front[cursor:])
    return chunks, True


#: An original field value that does not validate: any new value counts as a change.
_UNREADABLE = object()


def _is_plain(node: yaml.ScalarNode) -> bool:
    return not node.style  # None from PyYAML's loader, "" from libyaml's


def _text_of(entry: _Entry, path: Path) -> str | None:
    """A scalar as the user wrote it (plain scalars are not typed: ``No`` stays ``No``)."""
    node = entry.node
    if not isinstance(node, yaml.ScalarNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
        raise QuoteFileError(f"expected text, found {kind}", path, entry.line, entry.key)
    if entry.value is None:
        return None
    text = str(node.value) if _is_plain(node) else str(entry.value)
    return text if text.strip() else None


def _tags_of(entry: _Entry, path: Path) -> list[str]:
    node = entry.node
    if isinstance(node, yaml.ScalarNode):
        text = _text_of(entry, path)
        return [tag.strip() for tag in text.split(",")] if text else []
    if isinstance(node, yaml.SequenceNode):
        tags = []
        for item, value in zip(node.value, entry.value, strict=True):
            if not isinstance(item, yaml.ScalarNode):
                raise QuoteFileError("a tag must be text, not a list or mapping",
                                     path, item.start_mark.line + _FIRST_LINE, entry.key)
            if value is not None:
                tags.append(str(item.value) if _is_plain(item) else str(value))
        return tags
    raise QuoteFileError("expected a list of tags", path, entry.line, entry.key)


@functools.lru_cache(maxsize=4096)
def _parsed_locator(text: str) -> Locator:
    """:func:`parse_locator`, remembered: a library repeats the same few thousand
    locators ("p. 45"), and a Locator is frozen, so quotes can share one."""
    return parse_locator(text)


def _field_input(entry: _Entry, path: Path) -> Any:
    """What a known field's entry gives the model (before the model validates it)."""
    if entry.key in _TEXT_FIELDS:
        return _text_of(entry, path)
    if entry.key in _LOCATOR_FIELDS:
        text = _text_of(entry, path)
        if text is None:
            return None
        try:
            return _parsed_locator(text)
        except LocatorError as exc:
            raise QuoteFileError(exc.message, path, entry.line, entry.key, exc.hint) from None
    if entry.key == "tags":
        return _tags_of(entry, path)
    return entry.value  # added: YAML's date or datetime, or text for the model to parse


def _validation_error(exc: ValidationError, path: Path, lines: dict[str, int]) -> QuoteFileError:
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else None
    problem = str(error["msg"]).removeprefix("Value error, ")
    return QuoteFileError(problem, path, lines.get(name or ""), name)


def _original_value(name: str, entry: _Entry | None, path: Path, stem: str) -> Any:
    """A known field's value in the original file as the model holds it, or
    :data:`_UNREADABLE`."""
    try:
        raw: Any = None if entry is None else _field_input(entry, path)
        if raw is None and name == "id":
            raw = stem  # a missing or empty id is the file name, as when reading
        if raw is None:
            return Quote.model_fields[name].get_default(call_default_factory=True)
        probe = {"id": "probe", "text": "probe", name: raw}
        return getattr(Quote.model_validate(probe), name)
    except (QuoteFileError, ValidationError):
        return _UNREADABLE


def _field_lines(doc: _Document) -> dict[str, int]:
    """The file line of each field, for error messages (the body's is "text")."""
    lines = {key: entry.line for key, entry in doc.entries.items()}
    lines["text"] = doc.body_line
    return lines


def _quote_from_document(doc: _Document, stem: str) -> Quote:
    entries = doc.entries
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, entry in entries.items():
        if key in FIELD_ORDER:
            value = _field_input(entry, doc.path)
            if value is not None:
                fields[key] = value
        else:
            extra[key] = entry.value
    if "id" not in fields:
        fields["id"] = stem
    elif fields["id"] != stem:
        raise QuoteFileError(
            f"the id '{fields['id']}' does not match the file name '{stem}{QUOTE_SUFFIX}'",
            doc.path, entries["id"].line, "id",
            hint="rename the file or fix the id; they must agree",
        )
    text = doc.text
    if not text.strip():
        raise QuoteFileError(
            "the quote text is empty", doc.path, doc.body_line, "text",
            hint="write the exact words below the closing '---' line",
        )
    fields["text"] = text
    fields["extra"] = extra
    try:
        return Quote.model_validate(fields)
    except ValidationError as exc:
        error = _validation_error(exc, doc.path, _field_lines(doc))
        if error.field == "id" and "id" not in entries:
            error.hint = f"rename the file: its name ('{stem}') is the quote's id"
        raise error from None


def _stem(path: Path) -> str:
    name = path.name
    return name[: -len(QUOTE_SUFFIX)] if name.endswith(QUOTE_SUFFIX) else path.stem


def _read_text(path: Path) -> str:
    """The file's text; OSError (incl. FileNotFoundError) passes through."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise QuoteFileError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QuoteFileError(
            f"not UTF-8 text (byte {exc.start})", path, line, hint="save the file as UTF-8"
        ) from None


def quote_from_text(text: str, path: Path) -> Quote:
    """Read a quote file's ``text`` as if it were at ``path`` (its name gives the id)."""
    return _quote_from_document(_parse_document(text, path), _stem(path))


def read_quote_file(path: Path) -> Quote:
    """Read one quote file; :class:`QuoteFileError` names the file (line, field)."""
    path = Path(path)
    try:
        text = _read_text(path)
    except OSError as exc:
        raise QuoteFileError(f"cannot read the file: {exc.strerror or exc}", path) from None
    return quote_from_text(text, path)


# -- writing ------------------------------------------------------------------------


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return _YAML_UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def _reads_back_plain(line: str, text: str, *, in_flow: bool = False, typed: bool = False) -> bool:
    """Whether ``line`` (``key: text`` or ``[text]``) reads back as the plain ``text``.

    Unless ``typed``, the plain scalar must also be a string to YAML 1.1 readers
    (``yes``, ``12``, ``null`` get quotes), so other tools see text too.
    """
    loader = _Loader(line)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()
    if in_flow:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
            return False
        scalar = node.value[0]
    else:
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            return False
        scalar = node.value[0][1]
    return (
        isinstance(scalar, yaml.ScalarNode)
        and _is_plain(scalar)
        and scalar.value == text
        and scalar.tag in (_TYPED_TAGS if typed else (_STR_TAG,))
    )


def _literal_block(key: str, text: str) -> str | None:
    """``key: |`` and the lines indented, if that reads back as ``text``."""
    keep = "+" if text.endswith("\n\n") else "" if text.endswith("\n") else "-"
    indent = "2" if text.startswith((" ", "\t")) else ""
    lines = (text[:-1] if text.endswith("\n") else text).split("\n")
    block = f"{key}: |{indent}{keep}\n" + "".join(f"  {line}\n" if line else "\n" for line in lines)
    try:
        read = yaml.load(block, Loader=_Loader)
    except yaml.YAMLError:
        return None
    return block if read == {key: text} else None


def _scalar(key: str, text: str) -> str:
    plain = f"{key}: {text}\n"
    # "date: 1939-10-01" reads as a date elsewhere, which is what it is.
    if "\n" not in text and _reads_back_plain(plain, text, typed=key == "date"):
        return plain
    block = _literal_block(key, text) if "\n" in text else None
    return block or f"{key}: {_double_quoted(text)}\n"


def _flow_item(text: str) -> str:
    if "\n" not in text and _reads_back_plain(f"[{text}]", text, in_flow=True):
        return text
    return _double_quoted(text)


def _model_turns_dates_into_datetimes() -> bool:
    return isinstance(Quote(id="x", text="x", added=date(2000, 1, 1)).added, datetime)


_DATES_BECOME_DATETIMES = _model_turns_dates_into_datetimes()


def _timestamp(value: date | datetime) -> str:
    # While the model reads "added: 2026-11-23" as midnight, midnight is written as the
    # plain day, which is what a person writes and what reads back.
    if (
        _DATES_BECOME_DATETIMES
        and isinstance(value, datetime)
        and value.time() == time()
        and value.tzinfo is None
    ):
        value = value.date()
    return value.isoformat()


def _emit_extra(key: str, value: Any) -> str:
    """YAML for a key citeman does not know, checked to read back as ``value``.

    PyYAML's plain and single-quoted styles mangle a few characters (NEL, line
    separators); if they would, every scalar is written double-quoted instead.
    """
    for style in (None, '"'):
        try:
            lines = yaml.safe_dump(
                {key: value}, allow_unicode=True, sort_keys=False, width=2**16,
                default_flow_style=False, default_style=style,
            )
        except yaml.YAMLError as exc:
            raise InvalidInputError(f"extra field '{key}' cannot be written as YAML: {exc}") \
                from None
        if _same(yaml.load(lines, Loader=_Loader), {key: value}):
            return lines
    raise InvalidInputError(f"extra field '{key}' does not survive a YAML round trip")


def _emit_field(name: str, value: Any) -> str:
    """Fresh ``name: value`` lines (ending in ``\\n``) for a known field."""
    if name in _LOCATOR_FIELDS:
        return _scalar(name, format_locator(value))
    if name == "tags":
        return f"tags: [{', '.join(_flow_item(tag) for tag in value)}]\n"
    if name == "added":
        return f"added: {_timestamp(value)}\n"
    return _scalar(name, str(value))


def _is_empty(value: Any) -> bool:
    """Nothing to write: reading a blank text field gives None, so it is not written."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _same(left: Any, right: Any) -> bool:
    """Equal and of the same kind (``True`` is not ``1``; NaN is NaN)."""
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left) and math.isnan(right):
        return True
    return bool(left == right)


def _fresh_front_matter(quote: Quote) -> str:
    parts = [
        _emit_field(name, getattr(quote, name))
        for name in FIELD_ORDER
        if not _is_empty(getattr(quote, name))
    ]
    parts += [_emit_extra(key, value) for key, value in quote.extra.items()]
    return "".join(parts)


def _check_extra_keys(quote: Quote) -> None:
    for key in quote.extra:
        if key in FIELD_ORDER or not isinstance(key, str) or not key.strip():
            raise InvalidInputError(
                f"extra field '{key}' clashes with a quote field or is not a name"
            )


def dump_quote(quote: Quote, original: str | None = None) -> str:
    """The text of ``quote``'s file.

    With ``original`` (the file's current text) only the fields that changed are
    rewritten; every other byte of ``original`` is kept.
    """
    _check_extra_keys(quote)
    text = _normalise_text(quote.text)
    if original is None:
        return f"---\n{_fresh_front_matter(quote)}---\n{text}\n"
    doc = _parse_document(original, Path(f"{quote.id}{QUOTE_SUFFIX}"))
    newline = doc.newline
    entries = doc.entries

    def fresh(lines: str) -> str:
        return lines.replace("\n", newline)

    replacement: dict[str, str] = {}  # key -> new lines ("" removes the key)
    for name in FIELD_ORDER:
        entry = entries.get(name)
        new = getattr(quote, name)
        old = _original_value(name, entry, doc.path, quote.id)
        if old is not _UNREADABLE and _same(old, new):
            continue
        replacement[name] = "" if _is_empty(new) else fresh(_emit_field(name, new))
    for key, entry in entries.items():
        if key not in FIELD_ORDER and (
            key not in quote.extra or not _same(entry.value, quote.extra[key])
        ):
            still_there = key in quote.extra
            replacement[key] = fresh(_emit_extra(key, quote.extra[key])) if still_there else ""
    for key, value in quote.extra.items():
        if key not in entries:
            replacement[key] = fresh(_emit_extra(key, value))

    if not replacement:
        front = "".join(c.raw if isinstance(c, _Entry) else c for c in doc.chunks)
    elif not doc.spliceable:
        front = fresh(_fresh_front_matter(quote))
    else:
        kept = [
            replacement.get(c.key, c.raw) if isinstance(c, _Entry) else c for c in doc.chunks
        ]
        # New keys go after the last key, before any trailing comments or blank lines.
        last_entry = max((i for i, c in enumerate(doc.chunks) if isinstance(c, _Entry)), default=-1)
        added = [lines for key, lines in replacement.items() if key not in entries]
        kept[last_entry + 1 : last_entry + 1] = added
        front = "".join(kept)
    body = doc.body if doc.text == text else fresh(text + "\n")
    return doc.head + front + doc.closing + body


# -- the folder -----------------------------------------------------------------------


def _fields_differ(expected: Quote, found: Quote) -> str | None:
    for name in (*FIELD_ORDER, "text", "extra"):
        if not _same(getattr(expected, name), getattr(found, name)):
            return name
    return None


class QuoteStore:
    """The quotes/ folder: one ``<id>.md`` per quote.

    Writers should hold :func:`citeman.storage.atomic.library_lock`; every write
    is atomic, so readers never see half a file.
    """

    def __init__(self, quotes_dir: Path) -> None:
        self.quotes_dir = Path(quotes_dir)

    def ids(self) -> list[str]:
        """The ids of the files in quotes/, sorted (file names only, nothing parsed)."""
        try:
            entries = list(os.scandir(self.quotes_dir))
        except (FileNotFoundError, NotADirectoryError):
            return []
        ids = []
        for entry in entries:
            name = entry.name
            # Hidden files include atomic_write's temporary files (".x.md.citeman-tmp-…").
            if not name.endswith(QUOTE_SUFFIX) or name.startswith("."):
                continue
            try:
                if entry.is_file():
                    ids.append(name[: -len(QUOTE_SUFFIX)])
            except OSError:
                continue
        return sorted(ids)

    def __contains__(self, quote_id: object) -> bool:
        """Whether a quote file of that id exists: ``derive_quote_id(…, store)`` asks the
        file system about each candidate instead of listing 100,000 names (and a
        case-insensitive file system answers for ids that differ only in case)."""
        return isinstance(quote_id, str) and self.path_for(quote_id).exists()

    def path_for(self, quote_id: str) -> Path:
        """``quotes/<id>.md``; an id that would name another place is refused."""
        unsafe = (
            not isinstance(quote_id, str)
            or not quote_id
            or quote_id.startswith(".")
            or any(ch in quote_id for ch in "/\\\0:")
            or os.path.isabs(quote_id)
        )
        if unsafe:
            raise UnsafePathError(
                f"quote id {quote_id!r} would name a file outside {self.quotes_dir}",
                "a quote id is letters, digits, '.', '_' and '-', starting with a letter or digit",
            )
        return self.quotes_dir / f"{quote_id}{QUOTE_SUFFIX}"

    def _unknown(self, quote_id: str) -> UnknownQuoteError:
        from rapidfuzz import process

        close = process.extract(quote_id, self.ids(), limit=3, score_cutoff=60)
        return UnknownQuoteError(quote_id, [match[0] for match in close])

    def load(self, quote_id: str) -> Quote:
        path = self.path_for(quote_id)
        if not path.is_file():
            raise self._unknown(quote_id)
        return read_quote_file(path)

    def load_all(self) -> tuple[list[Quote], list[QuoteFileError]]:
        """Every quote that reads, and an error for each file that does not."""
        quotes: list[Quote] = []
        problems: list[QuoteFileError] = []
        for quote_id in self.ids():
            path = self.path_for(quote_id)
            try:
                quotes.append(read_quote_file(path))
            except QuoteFileError as exc:
                if path.exists():  # else deleted since ids(): not a problem
                    problems.append(exc)
        return quotes, problems

    def _verified(self, quote: Quote, text: str, path: Path) -> bytes:
        """``text`` as bytes, after checking that it reads back as ``quote``."""
        blank = {name: None for name in _TEXT_FIELDS if _is_empty(getattr(quote, name))}
        expected = quote.model_copy(update={**blank, "text": _normalise_text(quote.text)})
        try:
            found = quote_from_text(text, path)
        except QuoteFileError as exc:
            raise InvalidInputError(f"quote '{quote.id}' cannot be stored: {exc.message}") from None
        differing = _fields_differ(expected, found)
        if differing is not None:
            raise InvalidInputError(
                f"quote '{quote.id}': field '{differing}' would not read back as given"
            )
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInputError(f"quote '{quote.id}' holds text that is not Unicode: {exc}") \
                from None

    def create(self, quote: Quote) -> Path:
        """Write a new quote file; :class:`ConflictError` if the id is taken."""
        path = self.path_for(quote.id)
        data = self._verified(quote, dump_quote(quote), path)
        try:
            atomic_write(path, data, exclusive=True)
        except FileExistsError:
            raise ConflictError(
                f"a quote with id '{quote.id}' exists already ({path})",
                "choose another id, or edit the existing quote",
            ) from None
        return path

    def save(self, quote: Quote) -> Path:
        """Rewrite an existing quote, changing only the lines of changed fields."""
        path = self.path_for(quote.id)
        try:
            original = _read_text(path)
        except FileNotFoundError:
            raise self._unknown(quote.id) from None
        except OSError as exc:
            raise QuoteFileError(f"cannot read the file: {exc.strerror or exc}", path) from None
        text = dump_quote(quote, original)
        if text != original:
            atomic_write(path, self._verified(quote, text, path))
        return path

    def delete(self, quote_id: str) -> None:
        path = self.path_for(quote_id)
        try:
            path.unlink()
        except FileNotFoundError:
            raise self._unknown(quote_id) from None


# -- ids ------------------------------------------------------------------------------

_MAX_ID_LENGTH = 40
_STOP_WORDS_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each even
ever every few for from further had has have having he her here hers herself him himself his
how i if in into is it its itself just let like may me might more most much must my myself
no nor not now of off on once one only or other ought our ours ourselves out over own same
shall she should so some such than that the their theirs them themselves then there these
they this those through to too under until up upon us very was we were what when where which
while who whom why will with would yet you your yours yourself yourselves au aux avec ce ces
dans de des du elle en est et il ils je la le les leur mais ne nous on ou par pas pour qui
que sa se ses son sont sur un une vous als auch auf aus bei das dem den der des die ein eine
einem einen einer es hat ich ist mit nicht noch sich sie sind und von war wie wir zu al con
del el en es las lo los para por que se su un una che di il la le non per un una ad cum est
et in non per quod sed ut
"""
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_TRANSLITERATION = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "đ": "d",
     "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"}
)


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``: accents dropped, other scripts skipped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    # Apostrophes join ("don't" -> "dont"); other punctuation splits.
    return re.findall(r"[a-z0-9]+", ascii_text.replace("'", ""))


_ROMAN_OR_SUFFIX = re.compile(r"(?:[ivxlc]+|jr|sr)")


def _surname(name: str) -> str:
    """"Winston Churchill", "Churchill, Winston" and "Pius XII" → their surname word."""
    if "," in name:
        name = name.split(",")[0]
    words = _ascii_words(name)
    while len(words) > 1 and _ROMAN_OR_SUFFIX.fullmatch(words[-1]):
        words.pop()
    return words[-1] if words else ""


def _key_words(text: str) -> list[str]:
    """Up to three telling words: the longest non-stop words, in the text's order."""
    words: list[str] = []
    for word in _ascii_words(text):
        if len(word) >= 3 and word not in _STOP_WORDS and word not in words:
            words.append(word)
    chosen = set(sorted(words, key=lambda w: (-len(w), words.index(w)))[:3])
    return [w for w in words if w in chosen]


def derive_quote_id(quote: Quote, author_surname: str | None, existing: Container[str]) -> str:
    """A readable id that is not in ``existing``: who + key words, ≤ 40 characters.

    ``churchill-forecast-wrapped-mystery``: the speaker's surname (else
    ``author_surname``), then up to three of the text's longest words that are not
    stop words, lower-case ASCII. Text in other scripts gives a short hash
    (``stalin-3f2a9c1b``). Taken ids get ``-2``, ``-3``, …
    """
    who = _surname(quote.speaker or "") or _surname(author_surname or "")
    words = _key_words(quote.text)
    if not words:
        words = [hashlib.sha1(quote.text.encode("utf-8")).hexdigest()[:8]]
    base = who or ""
    for word in words:
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > _MAX_ID_LENGTH:
            break
        base = candidate
    if base == who:  # even one word would be too long: cut it
        base = f"{who}-{words[0]}" if who else words[0]
    base = base[:_MAX_ID_LENGTH].strip("-")
    if base not in existing:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: _MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in existing:
            return candidate
        number += 1
