"""Where each entry of a .bib file sits, to the byte: a small exact scanner.

citeman never re-serializes ``library.bib``; it edits the bytes in place
(:mod:`citeman.bibtex.writer`). For that it needs to know exactly where every
entry, field name and field value starts and ends. This module answers only
that question, independently of bibtexparser, and reports nothing about
problems: the reader (:mod:`citeman.bibtex`) does that.

Use cases::

    from citeman.bibtex.spans import scan_entries, decode_bib

    spans = scan_entries(Path("library.bib").read_bytes())   # byte offsets
    first = spans[0]
    raw_title = data[first.fields["title"].value_start:first.fields["title"].value_end]

    text, fmt = decode_bib(data)        # text + encoding, BOM and line ending as found
    spans = scan_entries(text)          # str offsets into ``text``

The grammar follows bibtexparser 2.1's splitter so that the writer and the reader
agree on which entries exist and where they end:

* a block starts at ``@type`` followed by ``{`` or ``(`` (spaces or tabs between);
* ``{``, ``}``, ``"``, ``,``, ``=`` and ``)`` preceded by a backslash are text,
  not structure (``\\{``, ``\\}``, ``\\"``), so a value ending in a backslash
  (``{C:\\dir\\}``) does not close there;
* inside quotes braces are not counted, and ``{"}`` is a literal quote;
* ``@comment``, ``@string`` and ``@preamble`` blocks are skipped, not reported;
* a block that cannot be read (unbalanced braces, a missing comma, end of file)
  is reported as nothing, and scanning resumes at the next line starting with
  ``@type{``; an ``@type{`` at the start of a line always aborts an open block.

One deliberate difference: outside blocks, ``%`` starts a comment running to the
end of the line, so a commented-out entry (``%@book{old,``) is not an entry
(bibtexparser would read it as one; biber does not).

Duplicate keys are all reported, in file order; callers pick the first.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

UTF8_BOM = b"\xef\xbb\xbf"

# A mark is any character the grammar reacts to; `)` only matters in `(`-blocks.
_MARK = re.compile(r'(?<!\\)[{}",=)]|@\w*[ \t]*(?=[{(])')
# At top level: a %-comment (skipped to the end of its line) or a block start.
_TOP = re.compile(r"%[^\n]*|@(\w*)[ \t]*([{(])")
# Most values are a plain braced text (one level of nested braces at most) or a bare
# number/macro, with no backslash or '@' inside: matched in one step instead of mark
# by mark. Anything else (quotes, escapes, '#', deeper braces) takes the general path.
_SIMPLE_VALUE = {
    closer: re.compile(
        r"\s*(?:\{(?:[^{}\\@]|\{[^{}\\@]*\})*\}|[^{}\",=()\\@#\s]*)\s*(?=[," + closer + "])"
    )
    for closer in "})"
}
# Where scanning resumes after a broken block.
_LINE_START_BLOCK = re.compile(r"^[^\S\n]*(@\w*[ \t]*[{(])", re.MULTILINE)
# Editors' and JabRef's encoding declarations in the first lines of a file.
_DECLARED_ENCODING = re.compile(
    rb"(?:-\*-.*?coding:\s*([\w.-]+).*?-\*-|^%\s*Encoding:\s*([\w.-]+))", re.MULTILINE
)


@dataclass(frozen=True)
class FieldSpan:
    """One ``name = value`` inside an entry.

    ``start:end`` covers ``name = value`` (without the comma after it);
    ``value_start:value_end`` covers the value with its delimiters (``{..}``,
    ``".."``, a bare number or macro, or a ``#`` concatenation). An empty value
    has ``value_start == value_end``.
    """

    name: str  # as written
    start: int
    end: int
    value_start: int
    value_end: int
    line: int  # 1-based line of the name


@dataclass(frozen=True)
class EntrySpan:
    """One entry, ``@type{key, ...}``: ``start`` is the ``@``, ``end`` is one past the closer.

    ``entry_type`` is lower-cased; ``fields`` maps the lower-cased field name to
    its first occurrence, ``field_order`` lists every field as written, in order
    (repeated names included).
    """

    key: str
    entry_type: str
    start: int
    end: int
    line: int
    fields: dict[str, FieldSpan] = field(default_factory=dict)
    field_order: tuple[FieldSpan, ...] = ()


@dataclass(frozen=True)
class BibFormat:
    """How a .bib file is stored, so that edits can keep it that way."""

    encoding: str  # a Python codec name
    bom: bool  # a UTF-8 byte-order mark precedes the text
    newline: str  # "\n" or "\r\n": the file's dominant line ending


class _BlockFailed(Exception):
    """A block cannot be read; scanning resumes at ``resume``."""

    def __init__(self, resume: int) -> None:
        super().__init__(resume)
        self.resume = resume


def _normalized_codec(name: str) -> str | None:
    # Emacs writes "latin-9-unix"; Python knows "latin9".
    base = re.sub(r"-(unix|dos|mac)$", "", name.lower())
    for candidate in (base, base.replace("-", "")):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return None


def _round_trips(data: bytes, encoding: str) -> bool:
    try:
        return data.decode(encoding).encode(encoding) == data
    except (UnicodeError, LookupError):
        return False


def detect_format(data: bytes) -> BibFormat:
    """Encoding, BOM and line ending of a .bib file's bytes.

    The encoding is UTF-8 when the bytes are valid UTF-8 and not all ASCII;
    else the one the file declares (``% Encoding: windows-1252``,
    ``-*- coding: latin-9 -*-``) if the bytes round-trip through it (so a
    latin-9 file whose last accented entry was removed stays latin-9); else
    UTF-8 for plain ASCII; else latin-1, which maps every byte to one character
    and back, so untouched bytes always survive an edit unchanged.
    """
    bom = data.startswith(UTF8_BOM)
    body = data[len(UTF8_BOM) :] if bom else data
    match = _DECLARED_ENCODING.search(body[:2000])
    declared = match and _normalized_codec((match.group(1) or match.group(2)).decode())
    if _round_trips(body, "utf-8") and not body.isascii():
        encoding = "utf-8"
    elif declared and _round_trips(body, declared):
        encoding = declared
    else:
        encoding = "utf-8" if body.isascii() else "latin-1"
    crlf = body.count(b"\r\n")
    newline = "\r\n" if crlf and crlf * 2 >= body.count(b"\n") else "\n"
    return BibFormat(encoding=encoding, bom=bom, newline=newline)


def decode_bib(data: bytes) -> tuple[str, BibFormat]:
    """The text of a .bib file (without its BOM) and how to encode it back."""
    fmt = detect_format(data)
    body = data[len(UTF8_BOM) :] if fmt.bom else data
    return body.decode(fmt.encoding), fmt


def encode_bib(text: str, fmt: BibFormat) -> bytes:
    """Inverse of :func:`decode_bib`; raises ``UnicodeEncodeError`` for foreign characters."""
    return (UTF8_BOM if fmt.bom else b"") + text.encode(fmt.encoding)


class _Scanner:
    """One pass over a text, mirroring bibtexparser 2.1's splitter (see module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line = 1
        self._line_pos = 0
        #: Offsets of the blocks that could not be read, for :func:`unreadable_block_lines`.
        self.failures: list[int] = []

    def line_of(self, pos: int) -> int:
        # Offsets are asked for in increasing order, so counting is incremental.
        self._line += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def entries(self) -> list[EntrySpan]:
        found: list[EntrySpan] = []
        pos = 0
        while (top := _TOP.search(self.text, pos)) is not None:
            if top.group(0).startswith("%"):
                pos = top.end()
                continue
            at, opener = top.start(), top.start(2)
            closer = ")" if top.group(2) == "(" else "}"
            kind = "@" + top.group(1).lower()
            try:
                if kind.startswith("@comment"):
                    pos = self._closing(opener + 1, closer, track_quotes=False) + 1
                elif kind.startswith("@preamble"):
                    pos = self._closing(opener + 1, closer, track_quotes=True) + 1
                elif kind.startswith("@string"):
                    equals = self._mark(opener + 1, closer)
                    if equals.group() != "=":
                        raise self._failure(equals)
                    pos = self._closing(equals.end(), closer, track_quotes=True) + 1
                else:
                    entry = self._entry(at, opener, closer, kind[1:])
                    found.append(entry)
                    pos = entry.end
            except _BlockFailed as failed:
                self.failures.append(at)
                pos = failed.resume
        return found

    def _mark(self, pos: int, closer: str) -> re.Match[str]:
        while (mark := _MARK.search(self.text, pos)) is not None:
            if mark.group() != ")" or closer == ")":
                return mark
            pos = mark.end()
        raise _BlockFailed(len(self.text))

    def _at_line_start(self, pos: int) -> bool:
        line_start = self.text.rfind("\n", 0, pos) + 1
        return self.text[line_start:pos].isspace() or line_start == pos

    def _aborts(self, mark: re.Match[str]) -> bool:
        return mark.group().startswith("@") and self._at_line_start(mark.start())

    def _failure(self, mark: re.Match[str]) -> _BlockFailed:
        if self._aborts(mark):
            return _BlockFailed(mark.start())
        following = _LINE_START_BLOCK.search(self.text, mark.start() + 1)
        return _BlockFailed(following.start(1) if following else len(self.text))

    def _closing(self, pos: int, closer: str, track_quotes: bool) -> int:
        """Index of the closer of a comment/string/preamble block."""
        depth = 0
        in_quotes = False
        track_quotes = track_quotes and closer == ")"
        while True:
            mark = self._mark(pos, closer)
            char, pos = mark.group(), mark.end()
            if char == "{":
                depth += 1
            elif char == "}" and depth > 0:
                depth -= 1
            elif depth == 0 and char == '"' and track_quotes:
                in_quotes = not in_quotes
            elif depth == 0 and char == closer and not in_quotes:
                return mark.start()
            elif self._aborts(mark):
                raise _BlockFailed(mark.start())

    def _value_end(self, pos: int, closer: str) -> int:
        """Index of the ``,`` or closer that ends the value starting at ``pos``."""
        text = self.text
        simple = _SIMPLE_VALUE[closer].match(text, pos)
        if simple is not None:
            return simple.end()
        depth = 0
        in_quotes = False
        while True:
            mark = self._mark(pos, closer)
            char, index, pos = mark.group(), mark.start(), mark.end()
            if char == '"' and depth == 0:
                # `{"}` is a literal quote inside a quoted value.
                if in_quotes and index > 0 and index + 2 < len(text) and (
                    text[index - 1] == "{" and text[index + 1] == "}"
                ):
                    continue
                in_quotes = not in_quotes
            elif char == "{" and not in_quotes:
                depth += 1
            elif char == "}" and not in_quotes and depth > 0:
                depth -= 1
            elif char in (",", closer) and not in_quotes and depth == 0:
                return index
            elif self._aborts(mark):
                raise _BlockFailed(index)

    def _entry(self, at: int, opener: int, closer: str, entry_type: str) -> EntrySpan:
        text = self.text
        line = self.line_of(at)
        after_key = self._mark(opener + 1, closer)
        key = text[opener + 1 : after_key.start()].strip()
        if after_key.group() == closer:
            return EntrySpan(key, entry_type, at, after_key.end(), line)
        if after_key.group() != ",":
            raise self._failure(after_key)
        order: list[FieldSpan] = []
        name_start = after_key.end()
        while True:
            equals = self._mark(name_start, closer)
            if equals.group() == closer:
                if text[name_start : equals.start()].strip():
                    raise self._failure(equals)
                fields: dict[str, FieldSpan] = {}
                for span in order:
                    fields.setdefault(span.name.lower(), span)
                return EntrySpan(key, entry_type, at, equals.end(), line, fields, tuple(order))
            if equals.group() != "=":
                raise self._failure(equals)
            separator = self._value_end(equals.end(), closer)
            order.append(self._field(name_start, equals.start(), equals.end(), separator))
            # After the closer the loop ends the entry; after a comma it reads the next field.
            name_start = separator + 1 if text[separator] == "," else separator

    def _field(self, name_from: int, equals: int, value_from: int, value_to: int) -> FieldSpan:
        text = self.text
        raw_name = text[name_from:equals]
        start = name_from + len(raw_name) - len(raw_name.lstrip())
        raw_value = text[value_from:value_to]
        value_start = value_from + len(raw_value) - len(raw_value.lstrip())
        value_end = max(value_start, value_from + len(raw_value.rstrip()))
        return FieldSpan(
            name=raw_name.strip(),
            start=start,
            end=value_end,
            value_start=value_start,
            value_end=value_end,
            line=self.line_of(start),
        )


def _to_byte_offsets(
    spans: list[EntrySpan], text: str, encoding: str, shift: int
) -> list[EntrySpan]:
    """The same spans with str indices turned into byte offsets (``shift``: the BOM)."""
    offsets: set[int] = set()
    for span in spans:
        offsets.update((span.start, span.end))
        for fs in span.field_order:
            offsets.update((fs.start, fs.end, fs.value_start, fs.value_end))
    byte_of: dict[int, int] = {}
    previous, total = 0, shift
    for offset in sorted(offsets):
        total += len(text[previous:offset].encode(encoding))
        byte_of[offset] = total
        previous = offset

    def moved(fs: FieldSpan) -> FieldSpan:
        return replace(
            fs,
            start=byte_of[fs.start],
            end=byte_of[fs.end],
            value_start=byte_of[fs.value_start],
            value_end=byte_of[fs.value_end],
        )

    converted = []
    for span in spans:
        order = tuple(moved(fs) for fs in span.field_order)
        fields: dict[str, FieldSpan] = {}
        for fs in order:
            fields.setdefault(fs.name.lower(), fs)
        converted.append(
            replace(span, start=byte_of[span.start], end=byte_of[span.end], fields=fields,
                    field_order=order)
        )
    return converted


def scan_entries(data: bytes | str) -> list[EntrySpan]:
    """Every readable entry of a .bib file, in file order (duplicate keys included).

    Offsets index what was passed: for ``bytes`` they are byte offsets into the
    raw file (BOM included; the encoding is found by :func:`detect_format`), for
    ``str`` they are indices into the string. ``@comment``, ``@string``,
    ``@preamble``, ``%``-comment lines and blocks that cannot be read are skipped.
    """
    if isinstance(data, str):
        return _Scanner(data).entries()
    text, fmt = decode_bib(data)
    spans = _Scanner(text).entries()
    shift = len(UTF8_BOM) if fmt.bom else 0
    if text.isascii() and not shift:
        return spans
    return _to_byte_offsets(spans, text, fmt.encoding, shift)


def unreadable_block_lines(text: str) -> list[int]:
    """1-based lines of the ``@`` blocks :func:`scan_entries` skips as unreadable.

    The writer uses it to refuse appending text that would leave a broken block
    in the file; reporting problems in an existing file is the reader's job.
    """
    scanner = _Scanner(text)
    scanner.entries()
    return [text.count("\n", 0, offset) + 1 for offset in scanner.failures]


def first_by_key(spans: Iterable[EntrySpan]) -> dict[str, EntrySpan]:
    """Key → its first entry (keys are case-sensitive; later duplicates are ignored)."""
    by_key: dict[str, EntrySpan] = {}
    for span in spans:
        by_key.setdefault(span.key, span)
    return by_key
