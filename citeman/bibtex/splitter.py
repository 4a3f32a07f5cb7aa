"""bibtexparser's block splitting, done fast for the blocks where that is easy to be exact.

bibtexparser 2.1's ``Splitter`` steps through the text mark by mark (every brace,
quote, comma, ``=`` and newline is a Python-level step): about half of a first
``load_bib``. :func:`split_blocks` reads well-formed ``{``-delimited entries,
``@string``, ``@comment`` and ``@preamble`` blocks with a few regular
expressions that follow the splitter's rules exactly (a mark preceded by a
backslash is no mark; braces nest in a value, not inside a quoted part; a quote
or comma inside braces is text; an ``@type{`` inside a value is text unless it
begins a line). At the first block it cannot read that way (a ``(``-delimited
block, braces nested deeper than :data:`_MAX_DEPTH`, a ``{"}`` in a quoted value,
a syntax error…) it hands that block and the rest of the text to bibtexparser:
the result is the same, since the splitter starts each top-level block afresh.

What differs from ``bibtexparser.parse_string(text, parse_stack=[])``, none of it
changing what :mod:`citeman.bibtex.reader` makes of the blocks: an entry read
here is a :class:`SplitEntry` (its ``Entry``, or the ``DuplicateFieldKeyBlock``
or ``DuplicateBlockKeyBlock`` wrapping it, in bibtexparser's terms), with no
``start_line``; comments and preambles before the fallback point are not kept.
"""

from __future__ import annotations

import re

from bibtexparser import model as bib_model
from bibtexparser.splitter import Splitter

__all__ = ["SplitEntry", "split_blocks"]

# The splitter's block start: `@type` followed by `{` or `(` (the same pattern).
_BLOCK_START = re.compile(r"@[\w]*( |\t)*(?=[{(])")

_MAX_DEPTH = 4


def _braced(depth: int) -> str:
    """A ``{...}`` group with up to ``depth`` levels of unescaped braces, quotes being text."""
    inner = r"[^{}]|(?<=\\)[{}]"
    group = rf"\{{(?:{inner})*+\}}"
    for _ in range(depth - 1):
        group = rf"\{{(?:{inner}|{group})*+\}}"
    return group


_GROUP = _braced(_MAX_DEPTH)
# In quotes braces do not count; a `{"}` (the splitter's escaped quote) is left to bibtexparser.
_QUOTED = r'"(?:[^"]|(?<=\\)")*+(?<!\{)"'
# A name (citation key, field name): no unescaped mark character.
_NAME = r'(?:[^{}",=]|(?<=\\)[{}",=])*+'
_ENTRY_HEAD = re.compile(rf"\{{({_NAME})([,}}])")
_FIELD = re.compile(
    rf"({_NAME})(?:=((?:[^{{}}\",]|(?<=\\)[{{}}\",]|{_GROUP}|{_QUOTED})*+)([,}}])|\}})"
)
_STRING_HEAD = re.compile(rf"\{{({_NAME})=")
# @string, @comment and @preamble bodies end at the `}` closing the block; quotes are text.
_BLOCK_BODY = re.compile(rf"((?:[^{{}}]|(?<=\\)[{{}}]|{_GROUP})*+)\}}")


class SplitEntry:
    """An entry as bibtexparser's splitter reads it, without its Entry and Field objects.

    ``fields`` are (name, value) pairs as written (stripped, delimiters kept);
    ``repeated`` is whether a name occurs twice (case-sensitively, as bibtexparser
    decides on a ``DuplicateFieldKeyBlock``). A repeated citation key is left to
    the reader, which looks keys up itself.
    """

    __slots__ = ("entry_type", "fields", "key", "raw", "repeated")

    def __init__(
        self, entry_type: str, key: str, fields: list[tuple[str, str]], raw: str, repeated: bool
    ) -> None:
        self.entry_type = entry_type
        self.key = key
        self.fields = fields
        self.raw = raw
        self.repeated = repeated


Block = bib_model.Block | SplitEntry


def split_blocks(text: str) -> list[Block]:
    """The blocks of ``text`` as bibtexparser's splitter gives them (see the module doc)."""
    blocks: list[Block] = []
    strings: dict[str, bib_model.String] = {}
    starts = list(_BLOCK_START.finditer(text))
    index = 0
    while index < len(starts):
        start = starts[index]
        read = _fast_block(text, start)
        index += 1
        while read is not None and index < len(starts) and starts[index].start() < read[1]:
            if not _ignored_inside(text, starts[index].start(), read[2]):
                read = None
            index += 1
        if read is None:
            tail = Splitter(text[start.start() :]).split().blocks
            blocks.extend(_with_repeated_strings(strings, block) for block in tail)
            break
        if read[0] is not None:
            blocks.append(_with_repeated_strings(strings, read[0]))
    return blocks


def _with_repeated_strings(strings: dict[str, bib_model.String], block: Block) -> Block:
    """The block, or a ``DuplicateBlockKeyBlock`` for a repeated @string (as in a ``Library``)."""
    if not isinstance(block, bib_model.String):
        return block
    first = strings.setdefault(block.key, block)
    if first is block:
        return block
    return bib_model.DuplicateBlockKeyBlock(
        key=block.key, previous_block=first, duplicate_block=block, raw=block.raw
    )


def _ignored_inside(text: str, position: int, values: list[tuple[int, int]]) -> bool:
    """Whether the splitter reads a block start at ``position`` as text of the value it is in.

    It does so within a value unless the ``@`` begins its line (then the block is
    taken for unclosed); anywhere else in a block it is an error.
    """
    if not any(begin <= position < end for begin, end in values):
        return False
    line_start = text.rfind("\n", 0, position) + 1
    return not (line_start == position or text[line_start:position].isspace())


# A block read (None: not kept), the index just past it, and the spans of its values.
_Read = tuple[Block | None, int, list[tuple[int, int]]]


def _fast_block(text: str, start: re.Match[str]) -> _Read | None:
    """The block at ``start`` read here, or ``None`` when bibtexparser must read it.

    A block start (``@type{``) inside the block is text only within a value span
    (see :func:`_ignored_inside`).
    """
    head = start.end()
    if text[head] != "{":
        return None
    kind = start.group(0).lower()
    if kind.startswith(("@comment", "@preamble")):
        body = _BLOCK_BODY.match(text, head + 1)
        return (None, body.end(), [body.span()]) if body else None
    if kind.startswith("@string"):
        name = _STRING_HEAD.match(text, head)
        if not name:
            return None
        body = _BLOCK_BODY.match(text, name.end())
        if not body:
            return None
        string = bib_model.String(
            key=name.group(1).strip(),
            value=body.group(1).strip(),
            raw=text[start.start() : body.end()],
        )
        return string, body.end(), [body.span()]
    entry_head = _ENTRY_HEAD.match(text, head)
    if not entry_head:
        return None
    fields: list[tuple[str, str]] = []
    values: list[tuple[int, int]] = []
    position = entry_head.end()
    closer = entry_head.group(2)
    while closer == ",":
        field = _FIELD.match(text, position)
        if not field:
            return None
        position = field.end()
        field_name, value, closer = field.groups()
        if closer is None:  # the entry's closing brace after a trailing comma
            if field_name.strip():
                return None  # a name without `=`: bibtexparser's error message
            break
        fields.append((field_name.strip(), value.strip()))
        values.append(field.span(2))
    names = {field_name for field_name, _value in fields}
    entry = SplitEntry(
        kind[1:].strip(),
        entry_head.group(1).strip(),
        fields,
        text[start.start() : position],
        len(names) < len(fields),
    )
    return entry, position, values
