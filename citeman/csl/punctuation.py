"""Punctuation at the seams of rendered pieces: merging and punctuation-in-quote.

Use cases (on the token stream of :mod:`citeman.csl.formats`)::

    "Title?" + "."        →  "Title?"           (a period after ? or ! is dropped)
    "Ibid." + ". "        →  "Ibid. "           (no doubled period)
    “Title”  + ","        →  “Title,”           (when the locale sets punctuation-in-quote)

Only seams are touched: the text of one piece (a title ending in "...") is
never rewritten, because each piece of data is one token.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What two adjacent punctuation marks become (after citeproc-js's table).
MERGED: dict[str, dict[str, str]] = {
    "!": {".": "!", "?": "!?", ":": "!", ",": "!,", ";": "!;", "!": "!"},
    "?": {"!": "?!", ".": "?", ":": "?", ",": "?,", ";": "?;", "?": "?"},
    ".": {"!": ".!", "?": ".?", ":": ".:", ",": ".,", ";": ".;", ".": "."},
    ":": {"!": "!", "?": "?", ".": ":", ",": ":,", ";": ":;", ":": ":"},
    ",": {"!": ",!", "?": ",?", ":": ",:", ".": ",.", ";": ",;", ",": ","},
    ";": {"!": "!", "?": "?", ":": ";", ",": ";,", ".": ";", ";": ";"},
}
MOVED_INTO_QUOTES = ".,!?"


@dataclass
class Token:
    """One piece of output: text, a formatting or display boundary, or a quotation mark."""

    kind: str  # "text", "open", "close", "oq", "cq", "block-open", "block-close"
    text: str = ""
    attr: str = ""
    value: str = ""
    origin: int = 0  # the piece of data a text or quote came from (0: the style)


def _next_text(tokens: list[Token], start: int) -> int | None:
    for index in range(start, len(tokens)):
        kind = tokens[index].kind
        if kind == "text":
            if not tokens[index].text:
                continue
            return index
        if kind not in ("close", "cq"):
            return None
    return None


def move_punctuation_into_quotes(tokens: list[Token]) -> None:
    """“Title”, → “Title,” (American usage, per the locale's punctuation-in-quote)."""
    index = 0
    while index < len(tokens):
        if tokens[index].kind == "cq":
            following = _next_text(tokens, index + 1)
            same_data = (
                following is not None
                and tokens[index].origin != 0
                and tokens[following].origin == tokens[index].origin
            )
            if (
                following is not None
                and not same_data
                and tokens[following].text[0] in MOVED_INTO_QUOTES
            ):
                mark = tokens[following].text[0]
                tokens[following].text = tokens[following].text[1:]
                tokens.insert(index, Token("text", mark))
        index += 1


def merge_seams(tokens: list[Token]) -> None:
    """Merge punctuation and spaces where one piece ends and the next begins."""
    previous: Token | None = None
    for token in tokens:
        if token.kind in ("block-open", "block-close"):
            previous = None
            continue
        if token.kind != "text" or not token.text:
            continue
        if previous is not None and previous.text:
            last, first = previous.text[-1], token.text[0]
            if last == " " and first == " ":
                token.text = token.text.lstrip(" ")
            elif last in MERGED and first in MERGED[last]:
                merged = MERGED[last][first]
                previous.text = previous.text[:-1] + merged[0]
                token.text = merged[1:] + token.text[1:]
        if token.text:
            previous = token
