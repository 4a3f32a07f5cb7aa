"""cs:sort: sort keys from variables and macros, compared as CSL says.

Use cases::

    sort_ids(ids, layout.sort, key_for)   # bibliography or cites of a cluster

* names sort family-first ("Kotkin Stephen"), a macro with names renders them
  in sort order, names-min/-use-first apply;
* dates compare as YYYYMMDD, numbers as numbers;
* text compares on plain text without markup, case- and accent-insensitively
  (collation), with leading punctuation ignored;
* an empty key sorts last, ascending or descending.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cmp_to_key
from typing import TypeVar

T = TypeVar("T")
SortValue = tuple[int, str] | None

_NUMBER = re.compile(r"-?\d+")


def collation_key(text: str) -> str:
    """Plain text folded for comparison: no accents, no case, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(
        ch
        for ch in decomposed
        if (not unicodedata.combining(ch) and not unicodedata.category(ch).startswith("P"))
        or ch == "-"
    )
    return " ".join(stripped.casefold().replace("ß", "ss").split())


def numeric_key(text: str) -> str:
    """A number as a fixed-width string, so numbers compare as numbers."""
    match = _NUMBER.search(text)
    if not match:
        return collation_key(text)
    return f"{int(match.group()) + 10**12:015d}"


def _compare(
    left: Sequence[SortValue], right: Sequence[SortValue], descending: Sequence[bool]
) -> int:
    for a, b, desc in zip(left, right, descending, strict=True):
        if a is None and b is None:
            continue
        if a is None:
            return 1
        if b is None:
            return -1
        if a == b:
            continue
        result = -1 if a < b else 1
        return -result if desc else result
    return 0


def sort_by_keys(
    entries: Sequence[T], keys_of: Callable[[T], list[SortValue]], descending: Sequence[bool]
) -> list[T]:
    """``entries`` in key order; ties keep their given order (stable)."""
    decorated: list[tuple[list[SortValue], int, T]] = [
        (keys_of(entry), index, entry) for index, entry in enumerate(entries)
    ]

    def compare(x: tuple[list[SortValue], int, T], y: tuple[list[SortValue], int, T]) -> int:
        return _compare(x[0], y[0], descending) or (x[1] - y[1])

    decorated.sort(key=cmp_to_key(compare))
    return [entry for _keys, _index, entry in decorated]
