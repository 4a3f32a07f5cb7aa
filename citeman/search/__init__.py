"""Finding quotes: the engine behind ``cite find`` and :meth:`Library.find`.

Use cases::

    from citeman.search import SearchFilters, search, suggest

    hits = search(index, "riddle")                          # best match first
    hits = search(index, '"curious dualism" OR enigma*', limit=20)
    hits = search(index, "stalin -trotsky", SearchFilters(tags=["ideology"], year="1939..1941"))
    for hit in hits:
        hit.quote.id, hit.score, hit.snippet, hit.match_spans   # spans index the snippet
    if not hits:
        suggest(index, "Churchil")                          # ['Churchill']

Words are case- and diacritics-insensitive ("Molotov" finds "Mólotov") and
match the quote text, note, speaker, tags and the cited works' authors and
titles, ranked by bm25 with the quote text weighing most, then the note, then
speaker and tags, then the source's metadata. The query language is described
in :mod:`citeman.search.query`; :class:`SearchFilters` add the command-line
options (``--tag``, ``--source``, ``--speaker``, ``--year``) to a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from citeman.index.text import fold, fold_locator
from citeman.models import Quote
from citeman.search.query import (
    And,
    Node,
    Not,
    Or,
    ValueFilter,
    Words,
    YearRange,
    parse_query,
    parse_year,
)

if TYPE_CHECKING:
    import sqlite3

    from citeman.index import LibraryIndex

__all__ = ["SearchFilters", "SearchHit", "parse_query", "search", "suggest"]

#: bm25 weights in the order of the FTS columns (text, note, speaker, tags, authors, title).
COLUMN_WEIGHTS = (10.0, 4.0, 2.0, 2.0, 1.0, 1.0)
SNIPPET_CHARS = 200
_OPEN, _CLOSE = "\x01", "\x02"
_LINE_BREAKS = re.compile(r"[\r\n\t]")


class SearchFilters(BaseModel):
    """Restrictions added to a query (the ``cite find`` options); all must hold."""

    model_config = ConfigDict(defer_build=True)

    tags: list[str] = Field(default_factory=list)
    source: str | None = None
    speaker: str | None = None
    year: str | None = None  # "1939" or "1939..1941"

    def as_nodes(self) -> list[Node]:
        nodes: list[Node] = [ValueFilter("tag", tag) for tag in self.tags if tag.strip()]
        if self.source:
            nodes.append(ValueFilter("source", self.source))
        if self.speaker and self.speaker.strip():
            nodes.append(Words(self.speaker.strip(), column="speaker", phrase=True))
        if self.year:
            nodes.append(parse_year(self.year))
        return nodes


class SearchHit(BaseModel):
    """One found quote; ``match_spans`` are (start, end) offsets into ``snippet``.

    :func:`search` builds hits from the index's own rows without validating them
    again (``model_construct``).
    """

    model_config = ConfigDict(defer_build=True)

    quote: Quote
    score: float
    snippet: str
    match_spans: list[tuple[int, int]] = Field(default_factory=list)


# -- query → SQL ---------------------------------------------------------------------------


def _fts_string(text: str) -> str:
    # A NUL would end the string inside SQLite; to the tokenizer it separates words anyway.
    return '"' + text.replace('"', '""').replace("\x00", " ") + '"'


def _fts(node: Node) -> str | None:
    """The FTS5 expression for ``node``, or None if FTS5 alone cannot answer it.

    A purely negative node has none (FTS5 has no unary NOT); nor has any node
    holding a whole-value filter (tag:, source:, year:, locator:).
    """
    if isinstance(node, Words):
        expression = _fts_string(node.text) + (" *" if node.prefix else "")
        return f"{node.column} : {expression}" if node.column else expression
    if isinstance(node, Or):
        parts = [_fts(operand) for operand in node.operands]
        return None if None in parts else "(" + " OR ".join(p for p in parts if p) + ")"
    if isinstance(node, And):
        positive = [_fts(o) for o in node.operands if not isinstance(o, Not)]
        negative = [_fts(o.operand) for o in node.operands if isinstance(o, Not)]
        if not positive or None in positive or None in negative:
            return None
        return "(" + " AND ".join(p for p in positive if p) + "".join(
            f" NOT {n}" for n in negative
        ) + ")"
    return None


def _prefix_clause(column: str, value: str, prefix: bool) -> tuple[str, list[object]]:
    if prefix:
        return f"substr({column}, 1, ?) = ?", [len(value), value]
    return f"{column} = ?", [value]


def _sql(node: Node) -> tuple[str, list[object]]:
    """A WHERE condition over ``quote_files q`` that holds for the quotes ``node`` matches."""
    expression = _fts(node)
    if expression is not None:
        return (
            "q.rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
            [expression],
        )
    if isinstance(node, ValueFilter):
        if node.field == "tag":
            clause, params = _prefix_clause("tag", fold(node.value), node.prefix)
            return f"q.rowid IN (SELECT quote_rowid FROM quote_tags WHERE {clause})", params
        if node.field == "source":
            source, first = _prefix_clause("q.source", node.value, node.prefix)
            quoted_in, second = _prefix_clause("q.quoted_in", node.value, node.prefix)
            return f"({source} OR {quoted_in})", first + second
        value = fold_locator(node.value)
        plain, first = _prefix_clause("q.locator_value", value, node.prefix)
        labelled, second = _prefix_clause("q.locator_text", value, node.prefix)
        return f"({plain} OR {labelled})", first + second
    if isinstance(node, YearRange):
        clauses, params = [], []
        if node.start is not None:
            clauses.append("q.year >= ?")
            params.append(node.start)
        if node.end is not None:
            clauses.append("q.year <= ?")
            params.append(node.end)
        return "(" + " AND ".join(clauses) + ")", list(params)
    if isinstance(node, Not):
        inner, params = _sql(node.operand)
        # A quote without a year (NULL) is among those *not* from 1939.
        return f"NOT coalesce(({inner}), 0)", params
    assert isinstance(node, And | Or)
    parts = [_sql(operand) for operand in node.operands]
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]


class _Plan:
    """A query split into one ranked FTS5 MATCH and the other conditions."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        positive: list[str] = []
        negative: list[str] = []
        self.where: list[str] = []
        self.params: list[object] = []
        for node in nodes:
            expression = _fts(node)
            if expression is not None:
                positive.append(expression)
            elif isinstance(node, Not) and (inner := _fts(node.operand)) is not None:
                negative.append(inner)
            else:
                self._add(_sql(node))
        self.match: str | None = None
        if positive:
            self.match = " AND ".join(positive) + "".join(f" NOT {n}" for n in negative)
        elif negative:
            self.where.append(
                "q.rowid NOT IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)"
            )
            self.params.append(" OR ".join(negative))

    def _add(self, clause: tuple[str, list[object]]) -> None:
        self.where.append(clause[0])
        self.params.extend(clause[1])

    def ranked_rowids(self, index: LibraryIndex, limit: int | None) -> list[tuple[int, float]]:
        """(rowid, score) of the matching quotes, best first (by id without words)."""
        conditions = " AND ".join(["q.data IS NOT NULL", *self.where])
        limit_sql = " LIMIT ?" if limit is not None else ""
        tail = [limit] if limit is not None else []
        if self.match is None:
            sql = (
                f"SELECT q.rowid, 0.0 FROM quote_files q WHERE {conditions}"
                f" ORDER BY q.id, q.name{limit_sql}"
            )
            return index.connection.execute(sql, [*self.params, *tail]).fetchall()
        # FTS5's rank column with the weights set per query ("rank MATCH"), not a
        # bm25() call in ORDER BY: the same scores, a third faster for a common word.
        ranking = "bm25(" + ", ".join(str(w) for w in COLUMN_WEIGHTS) + ")"
        select = (
            "SELECT q.rowid, -quotes_fts.rank AS score, q.id"
            " FROM quotes_fts JOIN quote_files q ON q.rowid = quotes_fts.rowid"
            f" WHERE quotes_fts MATCH ? AND quotes_fts.rank MATCH ? AND {conditions}"
        )
        params = [self.match, ranking, *self.params]
        if limit:
            # Ordered by rank alone, FTS5 sorts its matches itself and the join stops
            # at the limit; ties broken by id would join every match first (a third
            # of the time for a common word). So: rows well past the limit (quotes
            # matched through one source's title often tie), ties put in id order
            # here, and the full ordering only when the tie at the cut runs past them.
            fetch = 2 * limit + 64
            rows = index.connection.execute(
                f"{select} ORDER BY quotes_fts.rank LIMIT ?", [*params, fetch]
            ).fetchall()
            if len(rows) < fetch or rows[-1][1] != rows[limit - 1][1]:
                ordered = sorted(rows, key=lambda row: (-row[1], row[2]))[:limit]
                return [(rowid, score) for rowid, score, _ in ordered]
        rows = index.connection.execute(
            f"{select} ORDER BY quotes_fts.rank, q.id{limit_sql}", [*params, *tail]
        ).fetchall()
        return [(rowid, score) for rowid, score, _ in rows]

    def marked_texts(self, index: LibraryIndex, rowids: list[int]) -> dict[int, str]:
        """The quote texts with the matched words between \\x01 and \\x02 (FTS5 highlight)."""
        if self.match is None or not rowids:
            return {}
        marked: dict[int, str] = {}
        for start in range(0, len(rowids), 500):
            batch = rowids[start : start + 500]
            sql = (
                "SELECT rowid, highlight(quotes_fts, 0, char(1), char(2)) FROM quotes_fts"
                f" WHERE quotes_fts MATCH ? AND rowid IN ({','.join('?' * len(batch))})"
            )
            marked.update(index.connection.execute(sql, [self.match, *batch]).fetchall())
        return marked


# -- results -----------------------------------------------------------------------------


def make_snippet(marked: str, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """An excerpt of at most about ``width`` characters around the first match.

    ``marked`` is the text with matches between \\x01 and \\x02; the result is the
    excerpt on one line (with "…" where it was cut) and the matches' spans in it.
    """
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    opened = 0
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", marked):
        if piece == _OPEN:
            opened = length
        elif piece == _CLOSE:
            spans.append((opened, length))
        else:
            plain.append(piece)
            length += len(piece)
    text = _LINE_BREAKS.sub(" ", "".join(plain))
    if len(text) <= width:
        return text, spans
    start = max(0, spans[0][0] - width // 4) if spans else 0
    if start > 0:
        space = text.find(" ", start, spans[0][0] if spans else len(text))
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space >= 0 else end
    lead = "…" if start > 0 else ""
    snippet = lead + text[start:end].strip(" ") + ("…" if end < len(text) else "")
    shift = len(lead) - start - (len(text[start:end]) - len(text[start:end].lstrip(" ")))
    kept = [
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end
    ]
    return snippet, kept


def search(
    index: LibraryIndex,
    query: str,
    filters: SearchFilters | None = None,
    limit: int | None = None,
) -> list[SearchHit]:
    """The quotes matching ``query`` and ``filters``, best first (all quotes by id if both empty).

    Raises :class:`~citeman.errors.InvalidInputError` for a query that does not parse.
    """
    tree = parse_query(query)
    nodes: list[Node] = list(tree.operands) if isinstance(tree, And) else [tree] if tree else []
    nodes.extend(filters.as_nodes() if filters else [])
    plan = _Plan(nodes)
    ranked = plan.ranked_rowids(index, limit)
    rowids = [rowid for rowid, _ in ranked]
    data: dict[int, str] = {}
    for start in range(0, len(rowids), 500):
        batch = rowids[start : start + 500]
        marks = ",".join("?" * len(batch))
        sql = f"SELECT rowid, data FROM quote_files WHERE rowid IN ({marks})"
        data.update(index.connection.execute(sql, batch).fetchall())
    marked = plan.marked_texts(index, rowids)
    hits = []
    for rowid, score in ranked:
        quote = Quote.from_index_json(data[rowid])
        snippet, spans = make_snippet(marked.get(rowid, quote.text))
        hits.append(
            SearchHit.model_construct(
                quote=quote, score=float(score), snippet=snippet, match_spans=spans
            )
        )
    return hits


def _words_of(node: Node | None) -> list[str]:
    """The plain (non-prefix, non-negated) words of a query, in order."""
    if isinstance(node, Words) and not node.prefix:
        return re.findall(r"\w+", node.text)
    if isinstance(node, And | Or):
        return [word for operand in node.operands for word in _words_of(operand)]
    return []


def suggest(index: LibraryIndex, query: str, per_word: int = 3) -> list[str]:
    """Near spellings, from the index's vocabulary, of the query words it does not hold.

    Near spellings are looked for among the terms that start with the word's
    first letter ("Churchil") or its second (a stray first letter: "Vchurchill"):
    the whole vocabulary of 100,000 quotes takes FTS5 a third of a second to
    list, these two ranges a few milliseconds.

    For "Did you mean: Churchill?" when ``search`` found nothing; a word keeps the
    query's capitals ("Churchil" → "Churchill"). Empty when every word is known
    or the query does not parse.
    """
    from rapidfuzz import fuzz, process

    from citeman.errors import InvalidInputError

    try:
        words = _words_of(parse_query(query))
    except InvalidInputError:
        return []
    conn = index.connection
    unknown = [
        word
        for word in words
        if conn.execute("SELECT 1 FROM quotes_vocab WHERE term = ?", (fold(word),)).fetchone()
        is None
    ]
    if not unknown:
        return []
    suggestions: list[str] = []
    for word in unknown:
        counts = _terms_starting_like(conn, fold(word))
        close = process.extract(
            fold(word), list(counts), scorer=fuzz.ratio, limit=per_word * 3, score_cutoff=75
        )
        if not close:
            continue
        # Only the nearest spellings, and of equally near ones, the one in more quotes first.
        best = max(score for _, score, _ in close)
        close = [match for match in close if match[1] >= best - 8]
        close.sort(key=lambda match: (-match[1], -counts[match[0]]))
        for term, _, _ in close[:per_word]:
            shown = term.capitalize() if word[:1].isupper() else term
            if shown not in suggestions:
                suggestions.append(shown)
    return suggestions


def _terms_starting_like(conn: sqlite3.Connection, word: str) -> dict[str, int]:
    """The indexed terms starting with ``word``'s first or second letter, with their counts."""
    counts: dict[str, int] = {}
    for letter in dict.fromkeys(word[:2]):
        rows = conn.execute(
            "SELECT term, doc FROM quotes_vocab WHERE term >= ? AND term < ?",
            (letter, chr(ord(letter) + 1)),
        )
        counts.update(rows.fetchall())
    return counts
