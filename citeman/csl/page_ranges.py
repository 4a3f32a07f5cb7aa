"""page-range-format: expanded, minimal, minimal-two, chicago(-15), chicago-16.

Use cases::

    format_page_range("321", "28", "chicago-16")   # ("321", "28")  → "321–28"
    format_page_range("42", "45", "expanded")       # ("42", "45")
    format_page_range("1496", "1504", "chicago-15") # ("1496", "1504"): four digits, three change

The second page of a range is first expanded (321–28 → 321–328), then cut
down to what the format asks for.
"""

from __future__ import annotations


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
