"""CSL-JSON items as the engine reads them: names, dates and numbers normalised.

Use cases::

    item = normalize_item({"id": "k", "issued": {"raw": "1998-04-10"}, "author": [...]})
    item["issued"]        # DateValue(begin=(1998, 4, 10), ...)
    item["author"][0]     # {"family": "Kotkin", "given": "Stephen", ...}

Keys keep their CSL spelling (``container-title``); ids stay case-sensitive
strings. Numeric fields become strings; a missing ``type`` is CSL's default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from citeman.months import MONTH_NUMBERS

#: CSL name variables (CSL 1.0.2 plus the ones citeproc-js accepts).
NAME_VARIABLES = frozenset(
    [
        "author",
        "chair",
        "collection-editor",
        "compiler",
        "composer",
        "container-author",
        "contributor",
        "curator",
        "director",
        "editor",
        "editorial-director",
        "executive-producer",
        "guest",
        "host",
        "illustrator",
        "interviewer",
        "narrator",
        "organizer",
        "original-author",
        "performer",
        "producer",
        "recipient",
        "reviewed-author",
        "script-writer",
        "series-creator",
        "translator",
        "editortranslator",
    ]
)
DATE_VARIABLES = frozenset(
    ["accessed", "available-date", "event-date", "issued", "original-date", "submitted"]
)
NUMBER_VARIABLES = frozenset(
    [
        "chapter-number",
        "citation-number",
        "collection-number",
        "edition",
        "first-reference-note-number",
        "issue",
        "locator",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "page",
        "page-first",
        "part-number",
        "printing-number",
        "section",
        "supplement-number",
        "version",
        "volume",
    ]
)

_SEASON_NAMES = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}


@dataclass(frozen=True)
class DatePoint:
    year: int | None = None
    month: int | None = None  # 13-16 are seasons, as in CSL-JSON "date-parts"
    day: int | None = None
    season: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.year is None and self.month is None and self.day is None

    def sort_key(self) -> str:
        year = self.year or 0
        shifted = year + 10000 if year < 0 else year + 20000
        return f"{shifted:05d}{self.month or 0:02d}{self.day or 0:02d}"


@dataclass(frozen=True)
class DateValue:
    begin: DatePoint
    end: DatePoint | None = None
    circa: bool = False
    literal: str | None = None
    open_end: bool = False

    def sort_key(self) -> str:
        if self.literal and self.begin.is_empty:
            return ""
        end = self.end.sort_key() if self.end else "0" * 9
        return self.begin.sort_key() + end


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _point(parts: list[Any], season: Any = None) -> DatePoint:
    year = _int_or_none(parts[0]) if len(parts) > 0 else None
    month = _int_or_none(parts[1]) if len(parts) > 1 else None
    day = _int_or_none(parts[2]) if len(parts) > 2 else None
    if month is not None and 13 <= month <= 24:
        month = (month - 13) % 4 + 13  # 13–16, 17–20 and 21–24 all name the seasons
    if month is not None and not 1 <= month <= 16:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    season_number = _int_or_none(season)
    if season_number is None and isinstance(season, str):
        season_number = _SEASON_NAMES.get(season.strip().lower())
    if season_number is not None and not 1 <= season_number <= 4:
        season_number = None
    if month is not None and month > 12:
        season_number, month, day = month - 12, None, None
    return DatePoint(year, month, day, season_number)


_RAW_ISO = re.compile(r"^\s*(-?\d{1,4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?\s*$")


def _parse_raw_point(text: str) -> DatePoint | None:
    match = _RAW_ISO.match(text)
    if match:
        return _point([match.group(1), match.group(2), match.group(3)])
    words = re.findall(r"[A-Za-z]+|\d+", text)
    year = month = day = season = None
    for word in words:
        lower = word.lower()
        if word.isdigit():
            if len(word) >= 3 or (day is not None and year is None):
                year = int(word)
            elif day is None:
                day = int(word)
        elif lower in MONTH_NUMBERS:
            month = MONTH_NUMBERS[lower]
        elif lower in _SEASON_NAMES:
            season = _SEASON_NAMES[lower]
        else:
            return None
    if year is None and day is not None and month is None:
        year, day = day, None
    if year is None:
        return None
    return DatePoint(year, month, day if month else None, season)


def parse_date(value: Any) -> DateValue | None:
    """A CSL-JSON date (date-parts, raw, literal; or a plain string) as a DateValue."""
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, dict):
        return None
    circa = bool(value.get("circa")) and str(value.get("circa")).lower() not in ("0", "false")
    parts = value.get("date-parts")
    season = value.get("season")
    if parts and isinstance(parts, list) and parts[0]:
        begin = _point(list(parts[0]), season)
        end = _point(list(parts[1])) if len(parts) > 1 and parts[1] else None
        if begin.is_empty and begin.season is None:
            return _literal(value, circa)
        if end is not None and (end.is_empty or not end.year):
            return DateValue(begin, None, circa, open_end=True)
        return DateValue(begin, end, circa)
    raw = value.get("raw")
    if isinstance(raw, str) and raw.strip():
        pieces = [
            piece
            for piece in re.split(r"\s+[-–/]\s+|(?<=\d)-(?=[A-Za-z])|(?<=\d)/(?=-?\d)", raw)
            if piece
        ]
        points = [_parse_raw_point(piece) for piece in pieces[:2]]
        if points and all(point is not None for point in points):
            begin_point = points[0]
            assert begin_point is not None
            end_point = points[1] if len(points) > 1 else None
            return DateValue(begin_point, end_point, circa)
        return DateValue(DatePoint(), None, circa, literal=raw)
    return _literal(value, circa)


def _literal(value: dict[str, Any], circa: bool) -> DateValue | None:
    literal = value.get("literal")
    if isinstance(literal, str) and literal:
        return DateValue(DatePoint(), None, circa, literal=literal)
    return None


def normalize_item(raw: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item with ids as strings, dates parsed and numbers as strings."""
    item: dict[str, Any] = {"type": "article"}
    for key, value in raw.items():
        if value is None or value == "" or value == []:
            continue
        if key == "shortTitle":
            key = "title-short"
        elif key == "journalAbbreviation":
            key = "container-title-short"
        if key in NAME_VARIABLES:
            if isinstance(value, list):
                item[key] = [dict(name) for name in value if isinstance(name, dict)]
        elif key in DATE_VARIABLES:
            date = parse_date(value)
            if date is not None:
                item[key] = date
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            item[key] = str(value)
        else:
            item[key] = value
    item["id"] = str(raw.get("id", ""))
    _variables_from_note(item)
    return item


_NOTE_FIELD = re.compile(r"^\s*\{?:?([A-Za-z][A-Za-z-]*)\s*:\s*(.+?)\}?\s*$")


def _variables_from_note(item: dict[str, Any]) -> None:
    """Zotero's convention: "event-date: 2004-10-01/2004-10-14" lines in ``note``
    fill variables the item lacks: dates, plain fields, and names written
    "Family || Given" (one line a name) or as one literal name."""
    note = item.get("note")
    if not isinstance(note, str) or ":" not in note:
        return
    names_from_note: dict[str, list[dict[str, str]]] = {}
    for line in note.splitlines():
        match = _NOTE_FIELD.match(line)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key in NAME_VARIABLES and key not in item:
            names_from_note.setdefault(key, []).append(_name_from_note(value))
            continue
        if key in item or key in ("id", "type"):
            continue
        if key in DATE_VARIABLES:
            date = parse_date({"raw": value})
            if date is not None:
                item[key] = date
        elif (
            key in NUMBER_VARIABLES
            or key in _NOTE_STRING_VARIABLES
            or key.removesuffix("-short") in _NOTE_STRING_VARIABLES
        ):
            item[key] = value
    item.update(names_from_note)


def _name_from_note(value: str) -> dict[str, str]:
    family, separator, given = value.partition("||")
    if not separator:
        return {"literal": value.strip()}
    return {"family": family.strip(), "given": given.strip()}


_NOTE_STRING_VARIABLES = frozenset(
    [
        "archive",
        "archive-place",
        "authority",
        "call-number",
        "collection-title",
        "container-title",
        "dimensions",
        "DOI",
        "event",
        "event-place",
        "genre",
        "ISBN",
        "ISSN",
        "jurisdiction",
        "medium",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "publisher",
        "publisher-place",
        "references",
        "reviewed-title",
        "section",
        "source",
        "status",
        "title-short",
        "URL",
        "version",
    ]
)
