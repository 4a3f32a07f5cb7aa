"""Editing library.bib in place, byte by byte, never through a serializer.

Users' .bib files are theirs: hand-aligned fields, comments, odd entry types,
blocks no parser reads. citeman therefore never writes the file back from a
parsed model. Every operation here reads the file, splices the few bytes it
changes, checks the result and replaces the file atomically
(:func:`citeman.storage.atomic.atomic_write`):

* adding sources appends their text after one blank line;
* setting a field replaces only the bytes of its value (or inserts one line);
* removing a field or an entry removes only its bytes (and the line or blank
  line they leave empty).

Encoding (UTF-8, or latin-1 and other single-byte encodings), a UTF-8 BOM and
the line ending (LF or CRLF) are kept as found; text added in another line
ending is converted to the file's.

Use cases::

    from citeman.bibtex.writer import BibFile

    bib = BibFile(folder / "library.bib")
    bib.append_entries("@book{kotkin2014,\\n  title = {Stalin},\\n}\\n")
    bib.set_field("kotkin2014", "year", "2014")       # inserts "  year = {2014}"
    bib.set_field("kotkin2014", "title", "Stalin: Paradoxes of Power")
    bib.remove_field("kotkin2014", "year")
    bib.remove_entry("kotkin2014")

Locking is the caller's job (the ``Library`` facade holds
:func:`citeman.storage.atomic.library_lock` around these calls).

Keys are case-sensitive: ``Smith2000`` and ``smith2000`` are two entries. When
a key occurs more than once in the file, every operation acts on its first
occurrence. Field names are case-insensitive, as in BibTeX.

Before writing, each operation scans the new text and checks that every entry
it did not touch is still there, byte for byte, in the same order; if not it
raises :class:`citeman.errors.CitemanError` (a bug) and leaves the file alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from citeman.bibtex.spans import (
    BibFormat,
    EntrySpan,
    FieldSpan,
    decode_bib,
    encode_bib,
    scan_entries,
    unreadable_block_lines,
)
from citeman.errors import (
    CitemanError,
    ConflictError,
    InvalidInputError,
    LibraryNotFoundError,
    NotFoundError,
    UnknownKeyError,
)
from citeman.storage.atomic import atomic_write

NEW_FILE_FORMAT = BibFormat(encoding="utf-8", bom=False, newline="\n")
DEFAULT_INDENT = "  "

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_:.+-]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# An "@type{" starting a line inside a value would end the entry for every reader.
_LINE_START_BLOCK = re.compile(r"^([^\S\n]*)@(?=\w*[ \t]*[{(])", re.MULTILINE)
_LEADING_BLANK_LINES = re.compile(r"^(?:[^\S\n]*\n)+")
_BLOCK_OPENER = re.compile(r"@\w*[ \t]*[{(]")


def _unbalanced(value: str, *, backslash_escapes: bool) -> bool:
    depth = 0
    for index, char in enumerate(value):
        if char not in "{}" or (backslash_escapes and index and value[index - 1] == "\\"):
            continue
        depth += 1 if char == "{" else -1
        if depth < 0:
            return True
    return depth != 0


def delimit_value(value: str, delimiter: str = "{", newline: str = "\n") -> str:
    """``value`` as a BibTeX field value, delimited by ``{..}`` or ``".."``.

    With ``delimiter=""`` (the field held a bare number, as in ``year = 2004``)
    a number stays bare and anything else is braced.

    Escaping is minimal: the text is written as given (LaTeX stays LaTeX), line
    breaks become ``newline``, and an ``@type{`` at the start of a line is
    written ``{@}type{`` so that no reader takes it for a new entry. A value
    containing ``"`` is always brace-delimited. Braces must balance, counted
    both as BibTeX counts them and as bibtexparser does (``\\{`` not counted),
    and the value cannot end in a backslash (it would escape the closing
    delimiter): otherwise :class:`InvalidInputError`.
    """
    if _unbalanced(value, backslash_escapes=False) or _unbalanced(
        value, backslash_escapes=True
    ):
        raise InvalidInputError(
            f"unbalanced braces in value {value!r}",
            "every '{' needs its '}' (write a literal brace as \\{ … \\})",
        )
    if value.endswith("\\"):
        raise InvalidInputError(
            f"a BibTeX value cannot end in a backslash: {value!r}",
            "add a space or remove the trailing backslash",
        )
    if delimiter == "" and value.isascii() and value.isdigit():
        return value
    text = _LINE_START_BLOCK.sub(r"\1{@}", _LINE_BREAK.sub(newline, value))
    if delimiter == '"' and '"' not in text:
        return f'"{text}"'
    return "{" + text + "}"


def _delimiter_of(raw_value: str) -> str:
    """``"`` for one quoted string, ``""`` for a bare number, else ``{`` (braces, macros, ``#``)."""
    if raw_value.isascii() and raw_value.isdigit():
        return ""
    if len(raw_value) < 2 or raw_value[0] != '"' or raw_value[-1] != '"':
        return "{"
    for index in range(1, len(raw_value)):
        if raw_value[index] != '"' or raw_value[index - 1] == "\\":
            continue
        if raw_value[index - 1] == "{" and raw_value[index + 1 : index + 2] == "}":
            continue  # `{"}`: a literal quote
        return '"' if index == len(raw_value) - 1 else "{"
    return "{"


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _rest_of_line_end(text: str, pos: int) -> int | None:
    """One past the newline ending ``pos``'s line if only whitespace follows ``pos`` on it."""
    newline = text.find("\n", pos)
    end = len(text) if newline == -1 else newline + 1
    return end if not text[pos:end].strip() else None


def _starts_line(text: str, pos: int) -> bool:
    return not text[_line_start(text, pos) : pos].strip()


def _skip_horizontal_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _end_with_comma(text: str, field_span: FieldSpan) -> tuple[int, bool]:
    """End of the field including the comma after it, and whether there is one."""
    after = field_span.end
    while after < len(text) and text[after].isspace():
        after += 1
    if after < len(text) and text[after] == ",":
        return after + 1, True
    return field_span.end, False


def _styled_name(name: str, existing: tuple[FieldSpan, ...]) -> str:
    """The new field's name in the case the entry already uses (TITLE, Title or title)."""
    names = [span.name for span in existing if span.name[:1].isalpha()]
    if names and all(n.isupper() for n in names):
        return name.upper()
    if names and all(n[0].isupper() and not n[1:].isupper() for n in names):
        return name[0].upper() + name[1:].lower()
    return name.lower()


def _separator(text: str, template: FieldSpan | None, new_name: str) -> str:
    """The ``=`` with the spacing of ``template``, keeping aligned columns aligned."""
    if template is None:
        return " = "
    between = text[template.start + len(template.name) : template.value_start]
    before, _, after = between.partition("=")
    if any(char not in " " for char in before + after):
        return " = "
    if len(before) > 1:  # aligned `=`: `title     = {...}`
        before = " " * max(1, len(template.name) + len(before) - len(new_name))
    elif len(after) > 1:  # aligned values: `title =     {...}`
        after = " " * max(1, len(template.name) + len(after) - len(new_name))
    return before + "=" + after


def _indent_of(text: str, span: FieldSpan) -> str | None:
    """The whitespace before ``span`` on its line, or None if something else precedes it."""
    before = text[_line_start(text, span.start) : span.start]
    return None if before.strip() else before


def insert_field_text(text: str, entry: EntrySpan, name: str, delimited: str, newline: str) -> str:
    """``text`` with ``name = delimited`` added as the last field of ``entry``.

    On its own line, with the entry's indentation, ``=`` spacing, name case and
    trailing-comma habit, when the entry has a field per line; inline
    (``, name = {value}``) when the entry is written on one line.
    """
    name = _styled_name(name, entry.field_order)
    if not entry.field_order:
        opener = _BLOCK_OPENER.match(text, entry.start)
        assert opener is not None  # scan_entries found this entry here
        closer = entry.end - 1
        comma = text.find(",", opener.end(), closer)
        at = closer if comma == -1 else comma + 1
        addition = ("," if comma == -1 else "") + newline + DEFAULT_INDENT
        addition += name + " = " + delimited
        if "\n" not in text[at:closer]:
            addition += newline
        return text[:at] + addition + text[at:]
    last = entry.field_order[-1]
    after_last, had_comma = _end_with_comma(text, last)
    if not had_comma:
        after_last = last.end
    field_text = name + _separator(text, last, name) + delimited
    indents = (_indent_of(text, span) for span in reversed(entry.field_order))
    indent = next((found for found in indents if found is not None), None)
    if indent is None:  # a one-line entry
        addition = (" " if had_comma else ", ") + field_text + ("," if had_comma else "")
    else:
        addition = ("" if had_comma else ",") + newline + indent + field_text
        addition += "," if had_comma else ""
    return text[:after_last] + addition + text[after_last:]


def replace_value_text(text: str, field_span: FieldSpan, delimited: str) -> str:
    """``text`` with the value of ``field_span`` replaced by ``delimited``."""
    return text[: field_span.value_start] + delimited + text[field_span.value_end :]


def remove_field_text(text: str, field_span: FieldSpan) -> str:
    """``text`` without ``name = value,``: its whole line(s) when it has them to itself."""
    end, _ = _end_with_comma(text, field_span)
    start = field_span.start
    if _starts_line(text, start) and (line_end := _rest_of_line_end(text, end)) is not None:
        return text[: _line_start(text, start)] + text[line_end:]
    if _starts_line(text, start):
        end = _skip_horizontal_space(text, end)
    else:
        while start > 0 and text[start - 1] in " \t":
            start -= 1
    return text[:start] + text[end:]


def remove_entry_text(text: str, entry: EntrySpan) -> str:
    """``text`` without ``entry`` (its own lines and one blank line after it, when it has them)."""
    start, end = entry.start, entry.end
    line_end = _rest_of_line_end(text, end)
    if not _starts_line(text, start) or line_end is None:
        return text[:start] + text[end:]
    end = line_end
    if end < len(text) and (blank_end := _rest_of_line_end(text, end)) is not None:
        end = blank_end
    return text[: _line_start(text, start)] + text[end:]


def append_text(text: str, addition: str, newline: str) -> str:
    """``text`` followed by ``addition`` (newlines converted), one blank line between them.

    Leading blank lines of ``addition`` are dropped and it ends with exactly one
    newline; ``text`` is kept byte for byte (its existing blank lines count).
    """
    body = _LINE_BREAK.sub(newline, _LEADING_BLANK_LINES.sub("", addition.replace("\r\n", "\n")))
    body = body.rstrip() + newline
    if not text.strip():
        separator = "" if not text or text.endswith("\n") else newline
    else:
        tail = text[len(text.rstrip()) :]
        newlines_in_tail = tail.count("\n")
        wanted = 2 - newlines_in_tail if tail.endswith("\n") else max(1, 2 - newlines_in_tail)
        separator = newline * max(0, wanted)
    return text + separator + body


@dataclass(frozen=True)
class _Snapshot:
    text: str
    fmt: BibFormat
    entries: list[EntrySpan]


class BibFile:
    """Atomic, minimal edits of one .bib file (see the module docstring).

    Each method reads the file, splices, rescans and atomically replaces it;
    the caller holds the library lock. Keys are case-sensitive; when a key is
    in the file more than once, the first occurrence is the one edited or
    removed. An unknown key raises :class:`UnknownKeyError` with close keys;
    an empty key :class:`InvalidInputError` (keyless entries are left alone).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    # -- operations -------------------------------------------------------

    def append_entries(self, bibtex_text: str) -> None:
        """Append ``bibtex_text`` verbatim after one blank line; creates the file if missing.

        The text must read as complete blocks (else :class:`InvalidInputError`,
        naming the line) and hold at least one entry; its keys must be new to
        the file and to each other (else :class:`ConflictError`). Earlier bytes
        are never changed.
        """
        snapshot = self._read(missing_ok=True)
        addition = bibtex_text.replace("\r\n", "\n")
        broken = unreadable_block_lines(addition)
        if broken:
            raise InvalidInputError(
                f"the BibTeX to add cannot be read at line {broken[0]}",
                "check that its braces balance and that the key is followed by a comma",
            )
        spans = scan_entries(addition)
        if not spans:
            raise InvalidInputError("no BibTeX entry to add", "write it as @type{key, field = {…}}")
        keyless = next((span for span in spans if not span.key), None)
        if keyless is not None:
            raise InvalidInputError(
                f"the BibTeX to add has an entry without a citation key at line {keyless.line}",
                "write it as @type{key, field = {…}}",
            )
        added = [span.key for span in spans]
        existing = {span.key for span in snapshot.entries}
        repeated = {k for k, count in Counter(added).items() if count > 1}
        clashes = sorted(repeated | existing.intersection(added))
        if clashes:
            raise ConflictError(
                f"citation key already in {self.path.name}: {', '.join(clashes)}",
                "choose another key or edit the existing entry",
            )
        new_text = append_text(snapshot.text, addition, snapshot.fmt.newline)
        if not new_text.startswith(snapshot.text):
            raise self._refusal()
        self._check(snapshot, new_text, kept=snapshot.entries, added=added)
        self._write(new_text, snapshot.fmt)

    def set_field(self, key: str, field: str, value: str) -> None:
        """Set ``field`` of entry ``key`` to ``value`` (see :func:`delimit_value`).

        An existing value is replaced in its own delimiter style (``{..}``,
        ``".."``, or a bare number by a number; macros and ``#`` concatenations
        become ``{..}``);
        a missing field is added as the entry's last field
        (:func:`insert_field_text`).
        """
        name = self._field_name(field)
        snapshot = self._read()
        index, entry = self._find(snapshot, key)
        newline = snapshot.fmt.newline
        current = entry.fields.get(name.lower())
        if current is None:
            delimited = delimit_value(value, "{", newline)
            new_text = insert_field_text(snapshot.text, entry, name, delimited, newline)
        else:
            raw = snapshot.text[current.value_start : current.value_end]
            delimited = delimit_value(value, _delimiter_of(raw), newline)
            new_text = replace_value_text(snapshot.text, current, delimited)
        changed = self._check_edit(snapshot, new_text, index).fields.get(name.lower())
        if changed is None or new_text[changed.value_start : changed.value_end] != delimited:
            raise self._refusal()
        self._write(new_text, snapshot.fmt)

    def remove_field(self, key: str, field: str) -> None:
        """Remove ``field`` (every occurrence of it) from entry ``key``.

        Raises :class:`NotFoundError` when the entry has no such field.
        """
        name = self._field_name(field).lower()
        snapshot = self._read()
        index, entry = self._find(snapshot, key)
        doomed = [span for span in entry.field_order if span.name.lower() == name]
        if not doomed:
            present = ", ".join(span.name for span in entry.field_order) or "none"
            raise NotFoundError(f"entry '{key}' has no field '{field}'", f"its fields: {present}")
        new_text = snapshot.text
        for span in reversed(doomed):  # from the end, so earlier offsets stay valid
            new_text = remove_field_text(new_text, span)
        after = self._check_edit(snapshot, new_text, index)
        if name in after.fields:
            raise self._refusal()
        self._write(new_text, snapshot.fmt)

    def remove_entry(self, key: str) -> None:
        """Remove entry ``key`` and the blank line after it; nothing else."""
        snapshot = self._read()
        index, entry = self._find(snapshot, key)
        new_text = remove_entry_text(snapshot.text, entry)
        kept = snapshot.entries[:index] + snapshot.entries[index + 1 :]
        self._check(snapshot, new_text, kept=kept, added=[])
        self._write(new_text, snapshot.fmt)

    # -- helpers ----------------------------------------------------------

    def _read(self, *, missing_ok: bool = False) -> _Snapshot:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            if not missing_ok:
                raise LibraryNotFoundError(
                    f"{self.path} does not exist", "run `cite init` to create a library"
                ) from None
            return _Snapshot("", NEW_FILE_FORMAT, [])
        text, fmt = decode_bib(data)
        return _Snapshot(text, fmt, scan_entries(text))

    def _write(self, text: str, fmt: BibFormat) -> None:
        try:
            data = encode_bib(text, fmt)
        except UnicodeEncodeError as exc:
            raise InvalidInputError(
                f"{self.path.name} is stored as {fmt.encoding}, which cannot hold "
                f"{exc.object[exc.start:exc.end]!r}",
                "write the character as a LaTeX command (e.g. {\\'e}) or convert the file to UTF-8",
            ) from None
        atomic_write(self.path, data)

    @staticmethod
    def _field_name(field: str) -> str:
        if not _FIELD_NAME.fullmatch(field):
            raise InvalidInputError(
                f"invalid BibTeX field name {field!r}",
                "use letters, digits and - _ : . + (starting with a letter or _)",
            )
        return field

    def _find(self, snapshot: _Snapshot, key: str) -> tuple[int, EntrySpan]:
        # An entry without a key is a problem the reader reports, never a source: no key
        # names it, and editing one would pick an arbitrary keyless entry.
        if not key.strip():
            raise InvalidInputError("a citation key cannot be empty")
        for index, entry in enumerate(snapshot.entries):
            if entry.key == key:
                return index, entry
        raise UnknownKeyError(key, close_keys(key, [e.key for e in snapshot.entries if e.key]))

    def _check_edit(self, before: _Snapshot, new_text: str, index: int) -> EntrySpan:
        """Check an edit inside entry ``index`` and return that entry as rescanned."""
        after = self._check(before, new_text, kept=before.entries, added=[], touched=index)
        return after[index]

    def _check(
        self,
        before: _Snapshot,
        new_text: str,
        *,
        kept: list[EntrySpan],
        added: list[str],
        touched: int | None = None,
    ) -> list[EntrySpan]:
        """Rescan ``new_text``: ``kept`` entries unchanged (except ``touched``), then ``added``."""
        after = scan_entries(new_text)
        if [e.key for e in after] != [e.key for e in kept] + added:
            raise self._refusal()
        for position, (old, new) in enumerate(zip(kept, after, strict=False)):
            if position != touched and (
                before.text[old.start : old.end] != new_text[new.start : new.end]
            ):
                raise self._refusal()
        return after

    def _refusal(self) -> CitemanError:
        return CitemanError(
            f"refusing to write {self.path}: the edit would change entries it should not touch",
            "this is a bug in citeman; the file was left as it was - please report it",
        )


def close_keys(key: str, keys: list[str], limit: int = 3) -> list[str]:
    """Keys like ``key``: same letters in another case first, then fuzzy matches."""
    same_letters = [k for k in keys if k.lower() == key.lower() and k != key]
    matches = process.extract(key, keys, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
    fuzzy = [match for match, _, _ in matches]
    return list(dict.fromkeys(same_letters + fuzzy))[:limit]
