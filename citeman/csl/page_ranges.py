"""page-range-format: expanded, minimal, minimal-two, chicago(-15), chicago-16.

Use cases::

    format_page_range("321", "28", "chicago-16")   # ("321", "28")  → "321–28"
    format_page_range("42", "45", "expanded")       # ("42", "45")
    format_page_range("1496", "1504", "chicago-15") # ("1496", "1504"): four digits, three change

The second page of a range is first expanded (321–28 → 321–328), then cut
down to what the format asks for.
"""

from __future__ import annotations

import re


def _expand(first: str, last: str) -> str:
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        return first[: len(first) - len(last)] + last
    return last


def _minimal(first: str, last: str, keep: int) -> str:
    if len(first) != len(last):
        return last
    common = 0
    while common < len(first) and first[common] == last[common]:
        common += 1
    cut = min(common, len(last) - keep) if keep else common
    return last[max(cut, 0) :] or last[-1:]


def format_page_range(first: str, last: str, range_format: str | None) -> tuple[str, str]:
    """The two ends of a page range as ``range_format`` wants them."""
    if not (first.isdigit() and last.isdigit()):
        return first, last
    last = _expand(first, last)
    if int(last) <= int(first) or range_format in (None, "expanded"):
        return first, last
    if range_format == "minimal":
        return first, _minimal(first, last, 0)
    if range_format == "minimal-two":
        return first, _minimal(first, last, 2)
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first)
        if number < 100 or number % 100 == 0:
            return first, last
        if number % 100 < 10:
            return first, _minimal(first, last, 0)
        if range_format != "chicago-16" and len(first) == 4:
            changed = sum(1 for a, b in zip(first, last, strict=True) if a != b)
            if changed >= 3:
                return first, last
        return first, _minimal(first, last, 2)
    return first, last


_RANGE = re.compile(r"\s*(\S+?)\s*[-–—]+\s*(\S+?)\s*")
_LIST_SEPARATOR = re.compile(r"(\s*,\s*|\s*&\s*)")
_PREFIXED = re.compile(r"(.*?)(\d+)")
_ROMAN = re.compile(r"[ivxlcdm]+|[IVXLCDM]+")
ESCAPED_HYPHEN = "\\-"


def _format_range(first: str, last: str, range_format: str | None, dash: str) -> str:
    first_match, last_match = _PREFIXED.fullmatch(first), _PREFIXED.fullmatch(last)
    if first_match and last_match and first_match.group(1) == last_match.group(1):
        prefix = first_match.group(1)
        if range_format is None:
            return f"{first}{dash}{last}"
        start, end = format_page_range(first_match.group(2), last_match.group(2), range_format)
        if range_format == "expanded":
            return f"{prefix}{start}{dash}{prefix}{end}"
        return f"{prefix}{start}{dash}{end}"
    if _ROMAN.fullmatch(first) and _ROMAN.fullmatch(last):
        return f"{first}{dash}{last}"
    return f"{first}-{last}"  # "N110-P5", "110-N6": not a range we can read


def format_pages(
    text: str, range_format: str | None, dash: str = "–", and_symbol: str = "&"
) -> str:
    """A page value with each range formatted: "321-28, 330" → "321–28, 330".

    Both ends need the same prefix ("n11564-n1568") for a range; a hyphen written
    ``\\-`` in the data is a hyphen, never a range ("327\\-30").
    """
    protected = text.replace(ESCAPED_HYPHEN, "\0")
    out: list[str] = []
    for piece in _LIST_SEPARATOR.split(protected):
        if not piece:
            continue
        if _LIST_SEPARATOR.fullmatch(piece):
            out.append(", " if "," in piece else f" {and_symbol} ")
            continue
        match = _RANGE.fullmatch(piece)
        if match:
            out.append(_format_range(match.group(1), match.group(2), range_format, dash))
        else:
            out.append(piece.strip())
    return "".join(out).replace("\0", "-")
