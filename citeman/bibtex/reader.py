"""Reading .bib files into :class:`~citeman.models.Source` records, reporting every problem.

bibtexparser 2.1's rules split the text into blocks (:mod:`citeman.bibtex.splitter`
applies most of them faster); everything after that is done here, because
bibtexparser leaves it undone or does it in a way a citation manager cannot use:

* values are expanded here: ``@string`` macros case-insensitively, ``#``
  concatenation, month macros (``jan`` → ``1`` in ``month``, ``January``
  elsewhere); an undefined macro is a problem and its name is kept as the value;
* ``crossref`` and ``xdata`` are resolved by biblatex's inheritance rules
  (``book`` → ``inbook``: the parent's ``title`` becomes ``booktitle``, …);
* line numbers are counted here from each block's offset in the decoded text
  (bibtexparser's ``start_line`` drifts after values ending in a backslash);
* problems are collected, never raised: a malformed block is reported with its
  file, exact line and a reason, and the other entries still load. A duplicate
  key keeps the first entry; keys that differ only in case are distinct;
* the encoding is detected (UTF-8, UTF-8 with BOM, a declared ``coding:``, GBK,
  cp1252, latin-1) and recorded; CRLF line ends are read as LF.

Use cases::

    result = load_bib(Path("library.bib"))
    for problem in result.problems:
        print(problem)                     # library.bib:123: @article{foo}: ...
    by_key = {s.key: s for s in result.sources}

    pasted = parse_bib_text(user_text, file=Path("<input>"))   # validate before appending
    if pasted.problems: ...

    # for a cache keyed by entry text: raw_blocks is aligned with sources
    fingerprints = [entry_fingerprint(raw) for raw in result.raw_blocks]

``raw_blocks`` hold each entry's text as it stands in the file: a fingerprint
of it changes when the entry is edited, but not when an ``@string`` macro or a
crossref parent it uses changes, so a cache must also key on those (or on the
file's macro blocks as a whole).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from bibtexparser import model as bib_model
from pydantic import BaseModel, Field

from citeman.bibtex.csl_mapping import CHAPTER_TYPES, entry_to_csl
from citeman.bibtex.splitter import SplitEntry, split_blocks
from citeman.gc_pause import gc_paused
from citeman.models import Source
from citeman.months import MONTH_NAMES

__all__ = [
    "BibLoadResult",
    "BibProblem",
    "ProblemKind",
    "decode_bib_bytes",
    "entry_fingerprint",
    "load_bib",
    "parse_bib_text",
]

# bibtexparser logs each failed block; they are reported as BibProblems instead.
logging.getLogger("bibtexparser.splitter").setLevel(logging.CRITICAL)

ProblemKind = Literal[
    "parse", "duplicate-key", "duplicate-field", "undefined-macro", "crossref", "encoding"
]


class BibProblem(BaseModel):
    """Something wrong in a .bib file, located to the line of its ``@``."""

    file: Path | None = None
    line: int | None = None
    key: str | None = None
    entry_type: str | None = None
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else "<text>"
        if self.line is not None:
            where += f":{self.line}"
        if self.key is not None or self.entry_type is not None:
            where += f": @{self.entry_type or '?'}{{{self.key or ''}}}"
        return f"{where}: {self.message}"


class BibLoadResult(BaseModel):
    """The entries of one .bib text, its problems, and how its bytes were decoded.

    ``raw_blocks[i]`` is the text of ``sources[i]`` as it stands in the file;
    ``macros`` are the @string macros in force at the end of the text (names
    lower-cased, values expanded), to parse an appended tail with
    ``parse_bib_text(tail, macros=result.macros)``.
    """

    sources: list[Source] = Field(default_factory=list)
    problems: list[BibProblem] = Field(default_factory=list)
    encoding: str = "utf-8"
    raw_blocks: list[str] = Field(default_factory=list)
    macros: dict[str, str] = Field(default_factory=dict)


def entry_fingerprint(raw: str) -> str:
    """A short stable hash of an entry's text, for caches keyed by entry."""
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# -- encodings ---------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
_DECLARED_ENCODING = re.compile(
    rb"(?:-\*-.*?coding:\s*([\w.-]+).*?-\*-|^%\s*Encoding:\s*([\w.-]+))", re.MULTILINE
)
_HIGH_BYTE_RUNS = re.compile(rb"[\x80-\xff]+")


def decode_bib_bytes(data: bytes) -> tuple[str, str]:
    """The text of a .bib file and the codec it was read with; never raises.

    Order: a UTF-16 or UTF-8 BOM; valid UTF-8; the encoding the file declares (Emacs
    ``-*- coding: latin-9 -*-``, JabRef ``% Encoding: windows-1252``); GBK when
    the non-ASCII bytes come in pairs as Chinese text does; cp1252; latin-1
    (which decodes any byte).
    """
    text, encoding, _guessed = _decode_bytes(data)
    return text, encoding


def _decode_bytes(data: bytes) -> tuple[str, str, bool]:
    """Like :func:`decode_bib_bytes`, and whether the encoding is a guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode"
        return data.decode("utf-16", "replace"), "utf-16", False
    if data.startswith(_BOM):
        body = data[len(_BOM) :]
        text = body.decode("utf-8", "replace")
        return text, "utf-8-sig", "\ufffd" in text and b"\xef\xbf\xbd" not in body
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_ENCODING.search(data[:2000])
    if declared:
        name = (declared.group(1) or declared.group(2)).decode("ascii", "replace").lower()
        name = re.sub(r"-(unix|dos|mac)$", "", name)
        for candidate in (name, name.replace("-", "")):
            try:
                return data.decode(candidate), candidate, False
            except (LookupError, UnicodeDecodeError):
                continue
    runs = _HIGH_BYTE_RUNS.findall(data)
    if runs and sum(len(run) % 2 == 0 for run in runs) >= 0.9 * len(runs):
        try:
            return data.decode("gbk"), "gbk", True
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252", True
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", True


# -- loading -----------------------------------------------------------------------------


def load_bib(path: Path, *, string_files: Sequence[Path] = ()) -> BibLoadResult:
    """All entries of a .bib file, with problems; ``string_files`` supply @string macros first.

    Raises only ``OSError`` for a file that cannot be read.
    """
    macros: dict[str, str] = {}
    problems: list[BibProblem] = []
    for string_file in string_files:
        text, _encoding = decode_bib_bytes(Path(string_file).read_bytes())
        reader = _Reader(text, file=Path(string_file), first_line=1, macros=macros)
        reader.read()
        macros = reader.macros
        problems.extend(p for p in reader.problems if p.kind == "parse")
    text, encoding, guessed = _decode_bytes(Path(path).read_bytes())
    if guessed:
        problems.append(
            BibProblem(
                file=path,
                kind="encoding",
                message=f"not valid UTF-8 and no encoding declared: read as {encoding}; check "
                "accented letters, then convert the file to UTF-8 or add a line "
                "'% Encoding: <name>' at its top",
            )
        )
    result = parse_bib_text(text, file=path, macros=macros)
    result.encoding = encoding
    result.problems[:0] = problems
    return result


def parse_bib_text(
    text: str,
    *,
    file: Path | None = None,
    first_line: int = 1,
    macros: Mapping[str, str] | None = None,
) -> BibLoadResult:
    """Entries and problems of BibTeX text; lines count from ``first_line``. Never raises."""
    reader = _Reader(text, file=file, first_line=first_line, macros=macros or {})
    reader.read()
    return BibLoadResult.model_construct(
        sources=reader.sources,
        problems=reader.problems,
        encoding="utf-8",
        raw_blocks=reader.raw_blocks,
        macros=reader.macros,
    )


# A commented-out entry (`%@book{old,`) is not an entry (the span scanner and biber agree).
_COMMENTED_BLOCK = re.compile(r"^([ \t]*%[^\n@]*)@(?=\w*[ \t]*[{(])", re.MULTILINE)
_BLOCK_HEAD = re.compile(r"@\s*(\w*)\s*[{(]\s*([^,\s{}()=\"#]*)\s*([,=]?)")
_TOP_LEVEL_MARKS = re.compile(r'[{}"#]')

_MONTH_MACROS = {
    name[:3].lower(): (str(number), name) for number, name in enumerate(MONTH_NAMES, start=1)
}

_NEVER_INHERITED = frozenset(
    {
        "ids",
        "crossref",
        "xref",
        "xdata",
        "entryset",
        "entrysubtype",
        "execute",
        "label",
        "options",
        "presort",
        "related",
        "relatedoptions",
        "relatedstring",
        "relatedtype",
        "shorthand",
        "shorthandintro",
        "sortkey",
    }
)
_MAIN_TITLES = (
    ("title", "maintitle"),
    ("subtitle", "mainsubtitle"),
    ("titleaddon", "maintitleaddon"),
)
_BOOK_TITLES = (
    ("title", "booktitle"),
    ("subtitle", "booksubtitle"),
    ("titleaddon", "booktitleaddon"),
)
_JOURNAL_TITLES = (
    ("title", "journaltitle"),
    ("subtitle", "journalsubtitle"),
    ("shorttitle", "shortjournal"),
)
_NOT_INHERITED_WITH_TITLES = frozenset({"shorttitle", "sorttitle", "indextitle", "indexsorttitle"})
# biblatex's crossref rules: (parent types, child types, renamed fields).
_INHERITANCE_RULES: tuple[
    tuple[frozenset[str], frozenset[str], tuple[tuple[str, str], ...]], ...
] = (
    (frozenset({"mvbook"}), frozenset({"book", "inbook", "bookinbook", "suppbook"}), _MAIN_TITLES),
    (
        frozenset({"mvcollection", "mvreference"}),
        frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}),
        _MAIN_TITLES,
    ),
    (frozenset({"mvproceedings"}), frozenset({"proceedings", "inproceedings"}), _MAIN_TITLES),
    (frozenset({"book"}), frozenset({"inbook", "bookinbook", "suppbook"}), _BOOK_TITLES),
    (
        frozenset({"collection", "reference"}),
        frozenset({"incollection", "inreference", "suppcollection"}),
        _BOOK_TITLES,
    ),
    (frozenset({"proceedings"}), frozenset({"inproceedings"}), _BOOK_TITLES),
    (frozenset({"periodical"}), frozenset({"article", "suppperiodical"}), _JOURNAL_TITLES),
)
_BOOK_AUTHOR_PARENTS = frozenset({"mvbook", "book"})
_BOOK_AUTHOR_CHILDREN = frozenset({"inbook", "bookinbook", "suppbook"})


class _Entry:
    __slots__ = ("entry_type", "fields", "key", "line", "raw")

    def __init__(self, key: str, entry_type: str, fields: dict[str, str], line: int, raw: str):
        self.key = key
        self.entry_type = entry_type
        self.fields = fields
        self.line = line
        self.raw = raw


class _Reader:
    """One pass over the blocks of one text; results in ``sources``/``problems``."""

    def __init__(
        self, text: str, *, file: Path | None, first_line: int, macros: Mapping[str, str]
    ) -> None:
        if "\r\n" in text:
            # Lines are counted at "\n", as the span scanner does; a lone "\r" is white space.
            text = text.replace("\r\n", "\n")
        if "%" in text:
            text = _COMMENTED_BLOCK.sub(r"\1 ", text)
        self.text = text
        self.file = file
        self.first_line = first_line
        self.macros: dict[str, str] = {name.lower(): value for name, value in macros.items()}
        self.problems: list[BibProblem] = []
        self.sources: list[Source] = []
        self.raw_blocks: list[str] = []
        self._entries: list[_Entry] = []
        self._by_key: dict[str, _Entry] = {}
        self._by_lower_key: dict[str, list[_Entry]] | None = None
        self._resolved: dict[str, dict[str, str]] = {}
        # Offsets of blocks are found in increasing order: lines are counted incrementally.
        self._cursor = 0
        self._cursor_line = first_line

    # -- locating -------------------------------------------------------------------------

    def _line_of(self, raw: str) -> int:
        position = self.text.find(raw, self._cursor) if raw else -1
        if position < 0:
            return self._cursor_line
        self._cursor_line += self.text.count("\n", self._cursor, position)
        self._cursor = position
        return self._cursor_line

    def _problem(
        self,
        kind: ProblemKind,
        message: str,
        *,
        line: int | None,
        key: str | None = None,
        entry_type: str | None = None,
    ) -> None:
        self.problems.append(
            BibProblem(
                file=self.file,
                line=line,
                key=key,
                entry_type=entry_type,
                kind=kind,
                message=message,
            )
        )

    # -- reading --------------------------------------------------------------------------

    def read(self) -> None:
        with gc_paused():
            self._read()

    def _read(self) -> None:
        try:
            blocks = split_blocks(self.text)
        except Exception as error:  # bibtexparser bug: report it, never crash the caller
            self._problem("parse", f"the BibTeX parser failed: {error}", line=self.first_line)
            return
        for block in blocks:
            if isinstance(block, SplitEntry):
                self._entry(block)
            elif isinstance(block, bib_model.DuplicateBlockKeyBlock):
                self._duplicate(block)
            elif isinstance(block, bib_model.DuplicateFieldKeyBlock):
                repeated = block.ignore_error_block
                if isinstance(repeated, bib_model.Entry):
                    self._entry(_split_entry(repeated, repeated=True))
                else:
                    self._failed(block)
            elif isinstance(block, bib_model.ParsingFailedBlock):
                self._failed(block)
            elif isinstance(block, bib_model.Entry):
                self._entry(_split_entry(block, repeated=False))
            elif isinstance(block, bib_model.String):
                self._string(block)
        for entry in self._entries:
            self._finish(entry)

    def _string(self, block: bib_model.String) -> None:
        line = self._line_of(block.raw or "")
        value = self._expand(str(block.value), "", line=line, key=block.key, entry_type="string")
        self.macros[block.key.lower()] = value

    def _entry(self, block: SplitEntry) -> None:
        line = self._line_of(block.raw)
        entry_type = block.entry_type.lower()
        if not block.key.strip():
            self._missing_key(line, entry_type)
            return
        if block.key in self._by_key:
            # bibtexparser misses a repeat when one of the two has a repeated field.
            self._duplicate_key(block.key, line, entry_type)
            return
        fields: dict[str, str] = {}
        for name, value in block.fields:
            name = name.lower()
            if name in fields:
                continue
            # Most values are one braced text: no macro, no '#' (the rest: _expand).
            if value[:1] == "{" and value[-1:] == "}" and "#" not in value:
                fields[name] = value[1:-1]
            else:
                fields[name] = self._expand(
                    value, name, line=line, key=block.key, entry_type=entry_type
                )
        entry = _Entry(block.key, entry_type, fields, line, block.raw)
        self._entries.append(entry)
        self._by_key[block.key] = entry
        if block.repeated:
            self._repeated_fields(entry, block.fields)

    def _duplicate(self, block: bib_model.DuplicateBlockKeyBlock) -> None:
        line = self._line_of(block.raw or "")
        duplicate = block.ignore_error_block
        entry_type = getattr(duplicate, "entry_type", None)
        entry_type = entry_type.lower() if entry_type else None
        if not block.key.strip():
            self._missing_key(line, entry_type)
            return
        if isinstance(duplicate, bib_model.String):
            # BibTeX allows redefining a macro; the later definition holds from here on.
            self._string(duplicate)
            return
        self._duplicate_key(block.key, line, entry_type)

    def _duplicate_key(self, key: str, line: int, entry_type: str | None) -> None:
        first = self._by_key.get(key)
        first_line = f" at line {first.line}" if first else ""
        self._problem(
            "duplicate-key",
            f"duplicate key '{key}' (first defined{first_line}); this entry is ignored",
            line=line,
            key=key,
            entry_type=entry_type,
        )

    def _repeated_fields(self, loaded: _Entry, fields: list[tuple[str, str]]) -> None:
        """An entry naming a field twice loads with the first value (as the writer edits it)."""
        counts = Counter(name.lower() for name, _value in fields)
        repeated = ", ".join(f"'{name}' ({count}×)" for name, count in counts.items() if count > 1)
        self._problem(
            "duplicate-field",
            f"repeated field {repeated}: the first value is used, the others are ignored",
            line=loaded.line,
            key=loaded.key,
            entry_type=loaded.entry_type,
        )

    def _missing_key(self, line: int, entry_type: str | None) -> None:
        # Every entry with an empty key is reported; the writer refuses to edit one by key.
        self._problem(
            "parse", "missing citation key: write @type{key, ...}", line=line, entry_type=entry_type
        )

    def _failed(self, block: bib_model.ParsingFailedBlock) -> None:
        raw = block.raw or ""
        line = self._line_of(raw)
        head = _BLOCK_HEAD.match(raw)
        entry_type = head.group(1).lower() if head else None
        key = head.group(2) if head and head.group(2) and head.group(3) != "=" else None
        if entry_type == "comment":
            return  # an unclosed @comment hides nothing that was meant as an entry
        self._problem(
            "parse", self._reason(block, raw, line, head), line=line, key=key, entry_type=entry_type
        )

    def _reason(
        self, block: bib_model.ParsingFailedBlock, raw: str, line: int, head: re.Match[str] | None
    ) -> str:
        if head and head.group(3) == "=":
            return "missing citation key: the entry starts with a field (write @type{key, ...})"
        error = block.error
        lines = str(getattr(error, "abort_reason", None) or error or "").strip().splitlines()
        detail = lines[-1].strip() if lines else "syntax error"
        suspect = _unbalanced_field(raw, line)
        where = f"; braces do not balance in '{suspect[0]}' at line {suspect[1]}" if suspect else ""
        if not suspect and _ESCAPED_CLOSER.search(raw):
            where = "; a value ends in a backslash, which escapes its closing '}'"
        if "Unexpected block start" in detail:
            next_at = self.text.find("@", self._cursor + max(len(raw) - 1, 1))
            next_line = line + self.text.count("\n", self._cursor, next_at)
            return f"entry not closed before the next '@' (line {next_line}){where} [{detail}]"
        if "end of file" in detail:
            return f"entry not closed before the end of the text{where} [{detail}]"
        return f"cannot read this entry{where}: {detail}"

    # -- values ---------------------------------------------------------------------------

    def _expand(
        self,
        raw: str,
        field: str,
        *,
        line: int,
        key: str | None = None,
        entry_type: str | None = None,
    ) -> str:
        """A field value as written → its text: delimiters removed, macros and ``#`` expanded."""
        raw = raw.strip()
        if not raw:
            return ""
        first, last = raw[0], raw[-1]
        if "#" not in raw and ((first == "{" and last == "}") or (first == '"' and last == '"')):
            return raw[1:-1]
        if raw.isdigit():
            return raw
        pieces = self._concatenated(raw)
        if len(pieces) == 1 and field == "month":
            month = _MONTH_MACROS.get(pieces[0].lower())
            if month and pieces[0].lower() not in self.macros:
                return month[0]
        out: list[str] = []
        for piece in pieces:
            if piece[:1] in ("{", '"'):
                out.append(piece[1:-1])
            elif piece.isdigit():
                out.append(piece)
            elif piece.lower() in self.macros:
                out.append(self.macros[piece.lower()])
            elif piece.lower() in _MONTH_MACROS:
                out.append(_MONTH_MACROS[piece.lower()][1])
            else:
                self._problem(
                    "undefined-macro",
                    f"undefined @string macro '{piece}' in field '{field or key}'",
                    line=line,
                    key=key,
                    entry_type=entry_type,
                )
                out.append(piece)
        return "".join(out)

    @staticmethod
    def _concatenated(raw: str) -> list[str]:
        """The ``#``-separated pieces of a value, each with its delimiters."""
        pieces: list[str] = []
        depth = 0
        in_quotes = False
        start = 0
        for mark in _TOP_LEVEL_MARKS.finditer(raw):
            char = mark.group(0)
            position = mark.start()
            if position and raw[position - 1] == "\\":
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth = max(depth - 1, 0)
            elif char == '"' and depth == 0:
                in_quotes = not in_quotes
            elif char == "#" and depth == 0 and not in_quotes:
                pieces.append(raw[start:position].strip())
                start = position + 1
        pieces.append(raw[start:].strip())
        return [piece for piece in pieces if piece]

    # -- crossref / xdata -----------------------------------------------------------------

    def _lookup(self, key: str) -> _Entry | None:
        found = self._by_key.get(key)
        if found is not None:
            return found
        # BibTeX looks crossrefs up without regard to case; only an unambiguous match counts.
        if self._by_lower_key is None:
            self._by_lower_key = {}
            for entry in self._entries:
                self._by_lower_key.setdefault(entry.key.lower(), []).append(entry)
        candidates = self._by_lower_key.get(key.lower(), [])
        return candidates[0] if len(candidates) == 1 else None

    def _resolve(self, entry: _Entry, chain: tuple[str, ...] = ()) -> dict[str, str]:
        """The entry's fields with xdata and crossref parents' fields inherited."""
        done = self._resolved.get(entry.key)
        if done is not None:
            return done
        fields = entry.fields
        if "xdata" not in fields and "crossref" not in fields:
            return fields
        fields = dict(fields)
        chain = (*chain, entry.key)
        for parent_key in (k.strip() for k in fields.get("xdata", "").split(",")):
            parent = self._parent(entry, parent_key, "xdata", chain)
            if parent is not None:
                for name, value in self._resolve(parent, chain).items():
                    if name not in _NEVER_INHERITED:
                        fields.setdefault(name, value)
        parent_key = fields.get("crossref", "").strip()
        parent = self._parent(entry, parent_key, "crossref", chain) if parent_key else None
        if parent is not None:
            _inherit(fields, entry.entry_type, parent.entry_type, self._resolve(parent, chain))
        self._resolved[entry.key] = fields
        return fields

    def _parent(
        self, entry: _Entry, parent_key: str, field: str, chain: tuple[str, ...]
    ) -> _Entry | None:
        if not parent_key:
            return None
        parent = self._lookup(parent_key)
        if parent is None:
            message = f"{field} '{parent_key}' is not an entry of this file"
        elif parent.key in chain:
            message = f"{field} '{parent_key}' leads back to this entry (a cycle)"
        else:
            return parent
        self._problem(
            "crossref", message, line=entry.line, key=entry.key, entry_type=entry.entry_type
        )
        return None

    def _finish(self, entry: _Entry) -> None:
        fields = self._resolve(entry)
        csl = entry_to_csl(entry.key, entry.entry_type, fields)
        # Constructed without validation: every value is built above with the right type.
        self.sources.append(
            Source.model_construct(
                key=entry.key,
                entry_type=entry.entry_type,
                fields=fields,
                csl=csl,
                file=self.file,
                line=entry.line,
            )
        )
        self.raw_blocks.append(entry.raw)


def _split_entry(entry: bib_model.Entry, *, repeated: bool) -> SplitEntry:
    """An entry bibtexparser split, as the fast splitter gives one."""
    fields = [(field.key, field.value) for field in entry.fields]
    return SplitEntry(entry.entry_type, entry.key, fields, entry.raw or "", repeated)


_FIELD_START = re.compile(r"(?:^|,)[ \t]*([A-Za-z][\w:.+-]*)[ \t]*=", re.MULTILINE)
_ESCAPED_CLOSER = re.compile(r"\\\}\s*[,}]")
_BRACE = re.compile(r"(?<!\\)[{}]")


def _unbalanced_field(raw: str, line: int) -> tuple[str, int] | None:
    """The first field (name, line) whose braces do not balance, judged line-wise."""
    starts = list(_FIELD_START.finditer(raw))
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(raw)
        chunk = raw[start.end() : end]
        braces = _BRACE.findall(chunk)
        opened = braces.count("{") - braces.count("}")
        last = index + 1 == len(starts)
        if opened > 0 or (opened < -1 if last else opened < 0):
            return start.group(1), line + raw.count("\n", 0, start.start())
    return None


def _inherit(
    fields: dict[str, str], child_type: str, parent_type: str, parent_fields: Mapping[str, str]
) -> None:
    """biblatex's crossref inheritance: renamed title fields, then everything not yet set."""
    renamed: Iterable[tuple[str, str]] = ()
    for parents, children, rule in _INHERITANCE_RULES:
        if parent_type in parents and child_type in children:
            renamed = rule
            break
    else:
        if child_type in CHAPTER_TYPES:
            renamed = _BOOK_TITLES  # classic BibTeX: the parent's title is the book title
    skipped = set(_NEVER_INHERITED)
    for source, target in renamed:
        skipped.add(source)
        if source in parent_fields:
            fields.setdefault(target, parent_fields[source])
    if renamed:
        skipped |= _NOT_INHERITED_WITH_TITLES
    book_author = parent_type in _BOOK_AUTHOR_PARENTS and child_type in _BOOK_AUTHOR_CHILDREN
    if book_author and "author" in parent_fields:
        fields.setdefault("bookauthor", parent_fields["author"])
    for name, value in parent_fields.items():
        if name not in skipped:
            fields.setdefault(name, value)
