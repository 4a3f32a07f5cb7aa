"""English month names, shared by the BibTeX reader and mapping and the CSL date parser.

A leaf module with no imports from citeman, so that both ``citeman.bibtex`` and
``citeman.csl`` can use it without depending on each other.

Use cases::

    MONTH_NAMES[0]              # 'January'
    MONTH_NUMBERS["sept"]       # 9: every lower-cased name and abbreviation
"""

from __future__ import annotations

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Lower-cased full names and three-letter abbreviations (and "sept") → 1..12.
MONTH_NUMBERS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
