"""CSL text-case: lowercase, uppercase, capitalize-first, capitalize-all, sentence, title.

Use cases::

    apply_text_case(span, "title", english=True)   # "The Origins of Totalitarianism"
    apply_text_case(span, "capitalize-first")      # "ibid." → "Ibid."

Case changes run over all the leaves of a rendered piece as one string, so
words split by markup stay words, and leaves marked ``nocase`` (data in
``<span class="nocase">``) keep their case. Title case follows CSL 1.0.2:
only for English items; lowercase words are capitalised except stop words
that are not first, last or after a colon or full stop; like citeproc-js, no
word is lowercased (a capitalised stop word stays), and words with capitals
inside ("UK", "iPhone") or opening with an apostrophe ("'t Hooft") keep
their case.
"""

from __future__ import annotations

import re

from citeman.csl.richtext import Leaf, Node, leaves

STOP_WORDS = frozenset(
    [
        "a",
        "according",
        "aboard",
        "about",
        "across",
        "after",
        "against",
        "along",
        "amid",
        "among",
        "an",
        "and",
        "anti",
        "around",
        "as",
        "at",
        "but",
        "by",
        "down",
        "for",
        "from",
        "in",
        "into",
        "like",
        "near",
        "nor",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "over",
        "per",
        "so",
        "than",
        "the",
        "to",
        "till",
        "until",
        "up",
        "upon",
        "v",
        "via",
        "vs",
        "with",
        "yet",
        "under",
        "between",
        "through",
        "within",
        "without",
        "during",
        "toward",
        "towards",
        "de",
        "d’",
        "von",
        "van",
    ]
)
_WORD = re.compile(r"[^\s]+")


def _upper(char: str) -> str:
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _lower(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == 1 else char


def _capitalize(chars: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if chars[index].isalpha():
            chars[index] = _upper(chars[index])
            return
        if chars[index].isdigit():
            return


def _title(text: str, chars: list[str]) -> None:
    words = [m for w in _WORD.finditer(text) for m in _subwords(w)]
    after_colon = True
    for position, (start, end) in enumerate(words):
        word = text[start:end]
        bare = word.strip("“”‘’\"'()[]").lower()
        first = position == 0 or after_colon
        last = position == len(words) - 1
        # a stop word stays as written, as in citeproc-js ("America - The New York Times")
        stop_word = bare in STOP_WORDS and not first and not last
        if not stop_word and word == word.lower() and _latin_start(word) and not _elided(word):
            _capitalize(chars, start, end)
        after_colon = word.endswith((":", "?", "!", "."))


def _subwords(match: re.Match[str]) -> list[tuple[int, int]]:
    """A word's parts: "out-of-fashion" → out, of, fashion ("07-x" stays whole)."""
    word = match.group(0)
    if not re.search(r"[^\W\d][\-–—/]", word):
        return [(match.start(), match.end())]
    return [
        (match.start() + m.start(), match.start() + m.end())
        for m in re.finditer(r"[^\-–—/]+", word)
    ]


def _elided(word: str) -> bool:
    """A word opening with an apostrophe it never closes ("'t Hooft", "'tis") keeps its case."""
    return word[:1] in ("'", "’") and not word.rstrip(".,;:!?)]").endswith(("'", "’"))


def _latin_start(word: str) -> bool:
    for char in word:
        if char.isalpha():
            return ord(char) < 0x250  # Greek letters (β-carotene) keep their case
    return False


def _transform(text: str, text_case: str, english: bool) -> str:
    chars = list(text)
    if text_case == "lowercase":
        chars = [_lower(char) for char in chars]
    elif text_case == "uppercase":
        chars = [_upper(char) for char in chars]
    elif text_case == "capitalize-first":
        match = _WORD.search(text)
        if match:
            _capitalize(chars, match.start(), match.end())
    elif text_case == "capitalize-all":
        for match in _WORD.finditer(text):
            _capitalize(chars, match.start(), match.end())
    elif text_case == "sentence":
        for position, match in enumerate(_WORD.finditer(text)):
            word = match.group(0)
            if position == 0:
                _capitalize(chars, match.start(), match.end())
            elif word[:1].isupper() and word[1:].islower():
                chars[match.start()] = _lower(chars[match.start()])
    elif text_case == "title" and english:
        _title(text, chars)
    return "".join(chars)


def apply_text_case(node: Node, text_case: str, english: bool = True, turkic: bool = False) -> None:
    """Change the case of ``node``'s text in place, sparing ``nocase`` leaves.

    ``turkic`` (Turkish, Azerbaijani items) uppercases i as İ.
    """
    all_leaves: list[Leaf] = list(leaves(node))
    text = "".join(leaf.text for leaf in all_leaves)
    if turkic and text_case == "uppercase":
        text = text.replace("i", "İ")
    if not text:
        return
    transformed = _transform(text, text_case, english)
    offset = 0
    for leaf in all_leaves:
        length = len(leaf.text)
        if not leaf.nocase and length:
            leaf.text = transformed[offset : offset + length]
        offset += length
