"""Numbers: the is-numeric test, number forms (ordinal, long-ordinal, roman) and
ranges and lists ("12–15", "2, 4 & 6").

Use cases::

    is_numeric("12-15")        # True
    is_numeric("2nd")          # True
    is_numeric("second")       # False
    split_numbers("2, 4-6")    # [("2", ""), (", ", sep), ("4", ""), ("–", range), ("6", "")]
    roman(14)                  # "xiv"
"""

from __future__ import annotations

import re

_NUMBER = r"[A-Za-z]?\d+[A-Za-z]*|[IVXLCDM]+|[ivxlcdm]+"
_SEPARATOR = r"\s*(?:[-–—,&]|\band\b)\s*"
_NUMERIC = re.compile(rf"^\s*(?:{_NUMBER})(?:{_SEPARATOR}(?:{_NUMBER}))*\s*$")
_TOKENS = re.compile(rf"({_SEPARATOR})")
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def is_numeric(value: str | None) -> bool:
    if value is None:
        return False
    text = str(value)
    if not re.search(r"\d", text):
        return False
    return bool(_NUMERIC.match(text))


def roman(number: int) -> str:
    if number <= 0 or number >= 4000:
        return str(number)
    out = []
    for size, letters in _ROMAN:
        count, number = divmod(number, size)
        out.append(letters * count)
    return "".join(out)


def split_numbers(text: str) -> list[tuple[str, str]]:
    """Numbers and separators: ("12", "number"), ("–", "range"), (", ", "list"), (" & ", "and")."""
    pieces: list[tuple[str, str]] = []
    for piece in _TOKENS.split(text.strip()):
        if not piece:
            continue
        stripped = piece.strip()
        if _TOKENS.fullmatch(piece) and stripped:
            if stripped in "-–—":
                pieces.append(("–", "range"))
            elif stripped == ",":
                pieces.append((", ", "list"))
            else:
                pieces.append((f" {stripped} ", "and"))
        else:
            pieces.append((piece, "number"))
    return pieces


_MULTIPLE = re.compile(r"\d+[A-Za-z]*(?:\s*[-–—,&/]\s*|\s+\S+\s+)+[A-Za-z]?\d+")


_ROMAN_RANGE = re.compile(r"[ivxlcdm]+\s*[-–]\s*[ivxlcdm]+|[IVXLCDM]+\s*[-–]\s*[IVXLCDM]+")


def is_plural_value(text: str) -> bool:
    """Whether a number variable holds more than one number (a range or a list);
    "327\\-30" (an escaped hyphen) is one number."""
    text = text.replace("\\-", "")
    return bool(_MULTIPLE.search(text) or _ROMAN_RANGE.fullmatch(text.strip()))
