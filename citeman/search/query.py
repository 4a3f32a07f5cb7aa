"""The query language of ``cite find``, parsed into a small tree.

Use cases::

    parse_query('riddle')                       # Words('riddle')
    parse_query('"curious dualism" stal*')      # And(Words(phrase), Words(prefix))
    parse_query('stalin -trotsky')              # And(Words, Not(Words))
    parse_query('churchill OR roosevelt')       # Or(Words, Words)
    parse_query('author:kotkin year:1939..1941')
    parse_query('tag:"cold war" (enigma OR riddle)')
    parse_query('year:19x')                     # InvalidInputError: says what a year looks like

The grammar (OR binds looser than the implicit AND; ``AND`` may be written)::

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary+
    unary   := ("-" | "NOT") unary | atom
    atom    := "(" or_expr ")" | field ":" value | value
    value   := word | word "*" | '"' phrase '"'

Fields: ``text:``, ``note:``, ``speaker:``, ``author:``, ``title:`` and
``tags:`` match words in one place; ``tag:`` (a whole tag), ``source:`` (a
citation key, either the source or the quoted-in work), ``year:`` (``1939``,
``1939..1941``, ``..1941``, ``1939..``) and ``locator:`` (``45`` or ``p. 45``)
compare whole values. :mod:`citeman.search` turns the tree into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from citeman.errors import InvalidInputError

#: Fields matched word by word through the full-text index (name → FTS column).
TEXT_FIELDS: dict[str, str] = {
    "text": "text",
    "note": "note",
    "speaker": "speaker",
    "author": "authors",
    "title": "title",
    "tags": "tags",
}
#: Fields compared as whole values.
VALUE_FIELDS = ("tag", "source", "locator")
FIELD_NAMES = (*TEXT_FIELDS, *VALUE_FIELDS, "year")

QUERY_HINT = (
    'use words, "exact phrases", prefix*, -word, OR, ( ), and fields: '
    + ", ".join(f"{name}:" for name in FIELD_NAMES)
)


@dataclass(frozen=True)
class Words:
    """Words to find (a phrase when ``phrase``), in one FTS column or all of them."""

    text: str
    column: str | None = None
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class ValueFilter:
    """A whole-value comparison: ``tag:``, ``source:`` or ``locator:``."""

    field: Literal["tag", "source", "locator"]
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class YearRange:
    """``year:``: the cited work's year within ``start``..``end`` (inclusive, open ends None)."""

    start: int | None
    end: int | None


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Words | ValueFilter | YearRange | Not | And | Or

_YEAR = re.compile(r"^(\d{1,4})?(?:(\.\.|–|-)(\d{1,4})?)?$")
_FIELD = re.compile(r"([A-Za-z]+):")


def parse_year(text: str) -> YearRange:
    """``1939``, ``1939..1941`` (or ``1939-1941``), ``..1941``, ``1939..`` → YearRange."""
    match = _YEAR.match(text.strip())
    if not match or not (match.group(1) or match.group(3)):
        raise InvalidInputError(
            f"cannot read the year '{text}'", "write year:1939 or year:1939..1941"
        )
    start = int(match.group(1)) if match.group(1) else None
    end = int(match.group(3)) if match.group(3) else None
    if match.group(2) is None:
        end = start
    if start is not None and end is not None and start > end:
        raise InvalidInputError(f"the year range '{text}' ends before it starts")
    return YearRange(start, end)


def has_word_characters(text: str) -> bool:
    """Whether FTS5 would find a token in ``text`` (punctuation alone has none)."""
    return any(ch.isalnum() for ch in text)


@dataclass(frozen=True)
class _Token:
    kind: Literal["(", ")", "OR", "AND", "NOT", "-", "field", "word", "phrase"]
    text: str
    position: int


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[_Token] = []

    def run(self) -> list[_Token]:
        text, i = self.text, 0
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch in "()":
                self.tokens.append(_Token(ch, ch, i))  # type: ignore[arg-type]
                i += 1
            elif ch == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    raise InvalidInputError(
                        f"unbalanced quote in the query at character {i + 1}",
                        'close the phrase: "exact words"',
                    )
                # A '*' right after the closing quote makes the phrase's last word a prefix.
                star = end + 1 < len(text) and text[end + 1] == "*"
                self.tokens.append(_Token("phrase", text[i + 1 : end] + ("*" if star else ""), i))
                i = end + 1 + star
            elif ch == "-" and i + 1 < len(text) and not text[i + 1].isspace():
                self.tokens.append(_Token("-", ch, i))
                i += 1
            else:
                i = self._word(i)
        return self.tokens

    def _word(self, start: int) -> int:
        text, i = self.text, start
        field = _FIELD.match(text, start)
        if field and field.group(1).lower() in FIELD_NAMES:
            self.tokens.append(_Token("field", field.group(1).lower(), start))
            return field.end()
        if field and field.end() < len(text) and not text[field.end()].isspace():
            raise InvalidInputError(
                f"unknown field '{field.group(1)}:' in the query",
                "fields: " + ", ".join(f"{name}:" for name in FIELD_NAMES),
            )
        while i < len(text) and not text[i].isspace() and text[i] not in '()"':
            i += 1
        word = text[start:i]
        kind = word if word in ("OR", "AND", "NOT") else "word"
        # A dash or an ellipsis between words is no word: FTS5 would find nothing in it.
        if kind != "word" or has_word_characters(word) or self._is_field_value(start):
            self.tokens.append(_Token(kind, word, start))  # type: ignore[arg-type]
        return i

    def _is_field_value(self, start: int) -> bool:
        last = self.tokens[-1] if self.tokens else None
        return last is not None and last.kind == "field" and start == last.position + len(
            last.text
        ) + 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _Lexer(text).run()
        self.at = 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _fail(self, problem: str) -> InvalidInputError:
        return InvalidInputError(f"{problem} in the query '{self.text}'", QUERY_HINT)

    def parse(self) -> Node | None:
        if not self.tokens:
            if self.text.strip():
                raise self._fail("nothing to search for")
            return None
        node = self._or()
        token = self._peek()
        if token is not None:
            raise self._fail(f"unexpected '{token.text}'")
        return node

    def _or(self) -> Node:
        operands = [self._and()]
        while (token := self._peek()) is not None and token.kind == "OR":
            self.at += 1
            if self._peek() is None or self._peek().kind in (")", "OR"):  # type: ignore[union-attr]
                raise self._fail("OR needs something on both sides")
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Node:
        operands: list[Node] = []
        while (token := self._peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.at += 1
                continue
            operands.append(self._unary())
        if not operands:
            token = self._peek()
            raise self._fail("OR needs something on both sides" if token is not None
                             and token.kind == "OR" else "empty group '()'")
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _unary(self) -> Node:
        token = self._peek()
        assert token is not None
        if token.kind in ("-", "NOT"):
            self.at += 1
            if self._peek() is None or self._peek().kind in (")", "OR"):  # type: ignore[union-attr]
                raise self._fail(f"'{token.text}' needs a word after it")
            return Not(self._unary())
        return self._atom()

    def _atom(self) -> Node:
        token = self._peek()
        assert token is not None
        self.at += 1
        if token.kind == "(":
            inner = self._or()
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise self._fail("unbalanced '('")
            self.at += 1
            return inner
        if token.kind == ")":
            raise self._fail("unbalanced ')'")
        if token.kind == "field":
            return self._field(token)
        return self._words(token, column=None)

    def _field(self, field: _Token) -> Node:
        value = self._peek()
        if value is None or value.kind not in ("word", "phrase") or value.position != (
            field.position + len(field.text) + 1
        ):
            raise self._fail(f"'{field.text}:' needs a value right after the colon")
        self.at += 1
        name = field.text
        if name == "year":
            return parse_year(value.text)
        if name in TEXT_FIELDS:
            return self._words(value, column=TEXT_FIELDS[name])
        prefix = value.text.endswith("*")
        bare = value.text.rstrip("*").strip()
        if not bare:
            raise self._fail(f"'{name}:' needs a value")
        return ValueFilter(name, bare, prefix)  # type: ignore[arg-type]

    def _words(self, token: _Token, column: str | None) -> Node:
        prefix = token.text.endswith("*")
        bare = token.text.rstrip("*")
        if not has_word_characters(bare):
            raise self._fail(f"nothing to search for in '{token.text}'")
        return Words(bare.strip(), column=column, phrase=token.kind == "phrase", prefix=prefix)


def parse_query(text: str) -> Node | None:
    """The tree of a ``cite find`` query; None for a blank query (everything matches).

    Raises :class:`~citeman.errors.InvalidInputError` naming what is wrong:
    an unbalanced quote or parenthesis, a dangling OR or ``-``, an unknown
    field, a field without a value, an unreadable year.
    """
    return _Parser(text).parse()
