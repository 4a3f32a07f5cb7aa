"""BibTeX name lists → CSL name objects, by BibTeX's own rules.

A BibTeX name list is ``Name and Name and …`` (``and`` at brace level 0, in any
case). Each name has one of three forms, with parts First, von, Last and Jr:

* ``First von Last`` – ``Ludwig van Beethoven``, ``Charles de Gaulle``;
* ``von Last, First`` – ``van Beethoven, Ludwig``;
* ``von Last, Jr, First`` – ``Ford, Jr., Henry``.

A word belongs to the von part when its first letter at brace level 0 is lower
case; a special character such as ``{\\"u}ber`` counts by its letter, any other
braced group is caseless (``{van} Gogh`` is all Last). A name that is a single
braced group, ``{World Health Organization}``, is an institution: CSL's
``{"literal": …}``. ``others`` means "and more": it is not a person and is
returned as a flag instead of a name.

Decision (MAPPING.md leaves it open): the von part becomes CSL's
``non-dropping-particle``, so a style writes "de Gaulle" and sorts by the
particle, as BibTeX users expect; pandoc makes it a dropping particle. LaTeX is
decoded *after* splitting, so ``{\\"O}sterreich`` and ``\\&`` never split a name.

Use cases::

    split_names("van Beethoven, Ludwig and {Wiener Philharmoniker}")
    # [{'family': 'Beethoven', 'given': 'Ludwig', 'non-dropping-particle': 'van'},
    #  {'literal': 'Wiener Philharmoniker'}]
    names, et_al = split_name_list("Smith, J. and others")   # et_al is True
"""

from __future__ import annotations

import re
from functools import lru_cache

from citeman.bibtex.latex import decode_latex

__all__ = ["split_name_list", "split_names"]

# Names with nothing for LaTeX decoding or brace rules to do.
_PLAIN_NAME = re.compile(r"(?:[^{}\\~$`'\-]|'(?!')|-(?!-))*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA = re.compile(r",")
_WORD_BREAK = re.compile(r"[\s~]+")
# In ``{\"u}``/``{\ss}``: skip the accent command, the next letter tells the case.
_SPECIAL_LETTER = re.compile(r"\\(?:[^A-Za-z]|[cvuHkrdbt](?![A-Za-z]))?\s*\{?\s*(?:\\)?([A-Za-z])")


def split_names(value: str) -> list[dict[str, str]]:
    """CSL name objects for a BibTeX name list (``others`` dropped)."""
    return split_name_list(value)[0]


def split_name_list(value: str) -> tuple[list[dict[str, str]], bool]:
    """CSL name objects for a BibTeX name list, and whether it ended in ``and others``."""
    names: list[dict[str, str]] = []
    et_al = False
    for raw in _split_at_depth_zero(value, _AND):
        raw = raw.strip()
        if not raw:
            continue
        if raw.lower() == "others":
            et_al = True
            continue
        name = _parse_name(raw)
        if name:
            names.append(dict(name))  # a copy: the cached one must not change
    return names, et_al


def _split_at_depth_zero(text: str, separator: re.Pattern[str]) -> list[str]:
    """``text`` split at ``separator`` matches that are outside braces."""
    if "{" not in text:
        return separator.split(text)
    parts: list[str] = []
    depth = 0
    counted = 0
    start = 0
    for match in separator.finditer(text):
        at = match.start()
        depth += text.count("{", counted, at) - text.count("}", counted, at)
        counted = at
        if depth <= 0:
            parts.append(text[start:at])
            start = match.end()
    parts.append(text[start:])
    return parts


def _is_single_group(text: str) -> bool:
    """``{…}`` whose first brace closes at the very end."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index == len(text) - 1
    return False


def _words(text: str) -> list[str]:
    return [w for w in _split_at_depth_zero(text, _WORD_BREAK) if w]


def _is_lower(word: str) -> bool:
    """BibTeX's von test: the case of the first letter at brace level 0."""
    depth = 0
    index = 0
    length = len(word)
    while index < length:
        char = word[index]
        if char == "{":
            if depth == 0 and word.startswith("{\\", index):
                special = _SPECIAL_LETTER.match(word, index + 1)
                return special is not None and special.group(1).islower()
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char.isalpha():
            return char.islower()
        index += 1
    return False


def _plain_words(text: str) -> list[str]:
    return text.split()


def _plain_text(text: str) -> str:
    return text


@lru_cache(maxsize=65536)  # a library names the same people over and over
def _parse_name(raw: str) -> dict[str, str]:
    if _PLAIN_NAME.fullmatch(raw):
        # The common case (``Kotkin, Stephen``): no braces, nothing to decode.
        parts, words_of, decode = raw.split(","), _plain_words, _plain_text
    elif _is_single_group(raw):
        literal = decode_latex(raw[1:-1])
        return {"literal": literal} if literal else {}
    else:
        parts, words_of, decode = _split_at_depth_zero(raw, _COMMA), _words, decode_latex
    first: list[str]
    von: list[str]
    last: list[str]
    jr: list[str] = []
    if len(parts) == 1:
        words = words_of(parts[0])
        lower = [i for i, w in enumerate(words[:-1]) if _is_lower(w)]
        if lower:
            first, von, last = (
                words[: lower[0]],
                words[lower[0] : lower[-1] + 1],
                words[lower[-1] + 1 :],
            )
        else:
            first, von, last = words[:-1], [], words[-1:]
    else:
        head = words_of(parts[0])
        lower = [i for i, w in enumerate(head[:-1]) if _is_lower(w)]
        cut = lower[-1] + 1 if lower and lower[0] == 0 else 0
        von, last = head[:cut], head[cut:]
        if len(parts) == 2:
            first = words_of(parts[1])
        else:
            jr = words_of(parts[1])
            first = words_of(", ".join(parts[2:]))
    name: dict[str, str] = {}
    for csl_part, words in (
        ("family", last),
        ("given", first),
        ("non-dropping-particle", von),
        ("suffix", jr),
    ):
        if words:
            decoded = decode(" ".join(words))
            if decoded:
                name[csl_part] = decoded
    if "family" not in name and "given" in name:
        # "von Last," with an empty Last, or ", First": keep the person findable.
        name["family"] = name.pop("given")
    return name
