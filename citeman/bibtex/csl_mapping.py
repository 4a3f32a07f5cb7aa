"""One BibTeX/BibLaTeX entry → one CSL-JSON item.

The mapping follows the reference table in ``shared/bib-corpus/MAPPING.md``
(pandoc's biblatex reader with its ★ corrections): entry types, then field by
field. Input fields are already resolved (macros, ``#``, crossref, xdata; names
lower-cased) and still LaTeX; text is decoded here, after names are split.

Use cases::

    entry_to_csl("kotkin2014", "book", {"author": "Kotkin, Stephen",
                 "title": "Stalin: Paradoxes of Power", "year": "2014",
                 "address": "New York", "publisher": "Penguin"})
    # {'id': 'kotkin2014', 'type': 'book', 'author': [{'family': 'Kotkin', 'given': 'Stephen'}],
    #  'title': 'Stalin: Paradoxes of Power', 'title-short': 'Stalin', ...}

Decisions, taken on purpose (the two open questions of MAPPING.md):

* Titles are NOT converted to sentence case. Historians' libraries hold titles
  in many languages, often without protective braces; lower-casing "Reich" or
  "Stalin" would be wrong, and a style that wants sentence case can apply it.
  Braces that protect case become ``<span class="nocase">`` all the same.
* "van der", "de", "von" are non-dropping particles ("de Gaulle 1954"), see
  :mod:`citeman.bibtex.names`.

Other choices, recorded here because a reader of the CSL would ask:

* ``and others`` drops the person and records the truncated variables as
  ``item["_et_al"] = ["author", …]`` (a list of CSL variable names; CSL
  processors ignore keys starting with ``_``).
* ``misc``, ``generic`` and unknown types → ``document``.
* ``event`` and ``event-title`` are both written (CSL 1.0.2 renamed the
  variable; citeproc-py and older styles still read ``event``).
* DOIs lose their ``https://doi.org/`` / ``doi:`` prefix; identifiers (DOI,
  ISBN, ISSN, URL, PMID) are cleaned of braces and escapes, never LaTeX-decoded.
* ``abstract``, ``annotation``/``annote`` and ``keywords`` are not copied into
  the item: no citation style prints them, decoding long abstracts was a third
  of the load time, and they stay in ``Source.fields`` (decode on demand with
  :func:`citeman.bibtex.latex.latex_to_csl`).
* A date CSL cannot hold as numbers (``date = {Spring 1850}``) becomes
  ``{"literal": …}``; a non-numeric ``year`` (``forthcoming``) becomes ``status``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from citeman.bibtex.latex import decode_latex, latex_to_csl
from citeman.bibtex.names import split_name_list
from citeman.months import MONTH_NUMBERS

__all__ = ["CHAPTER_TYPES", "CSL_TYPES", "entry_to_csl", "parse_edtf"]

CSL_TYPES: dict[str, str] = {
    "article": "article-journal",
    "periodical": "article-journal",
    "suppperiodical": "article-journal",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "manual": "book",
    "commentary": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "book_section": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "inreference": "entry-encyclopedia",
    "booklet": "pamphlet",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "web_page": "webpage",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "misc": "document",
    "generic": "document",
    "magazine_article": "article-magazine",
    "newspaper_article": "article-newspaper",
    "artwork": "graphic",
    "image": "graphic",
    "audio": "song",
    "music": "song",
    "movie": "motion_picture",
    "video": "motion_picture",
    "letter": "personal_communication",
    "legislation": "legislation",
    "jurisdiction": "legal_case",
    "legal": "treaty",
    "standard": "standard",
    "performance": "speech",
    "review": "review",
}

#: Entry types that are a part of a book or proceedings (their booktitle is the container).
CHAPTER_TYPES = frozenset(
    {
        "inbook",
        "incollection",
        "suppbook",
        "suppcollection",
        "book_section",
        "inproceedings",
        "conference",
        "inreference",
        "bookinbook",
    }
)
# Entry types whose `number` is a series number, and whose booktitle is the container.
_BOOK_LIKE = CHAPTER_TYPES | {
    "book",
    "mvbook",
    "collection",
    "mvcollection",
    "proceedings",
    "mvproceedings",
    "reference",
    "mvreference",
    "manual",
    "commentary",
}
_ARTICLE_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})

_THESIS_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# biblatex localisation keys that appear as values of `type` (and a few of `pubstate`).
_LOCALISATION_KEYS = {
    "phdthesis": "PhD thesis",
    "mathesis": "Master's thesis",
    "mastersthesis": "Master's thesis",
    "candthesis": "Candidate thesis",
    "techreport": "technical report",
    "resreport": "research report",
    "software": "computer software",
    "datacd": "CD-ROM",
    "audiocd": "audio CD",
    "patent": "patent",
    "patentus": "U.S. patent",
    "patentde": "German patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patenteu": "European patent",
    "patreq": "patent request",
    "inpress": "in press",
    "forthcoming": "forthcoming",
    "submitted": "submitted",
    "inpreparation": "in preparation",
    "prepublished": "pre-published",
}
_LANGUAGES = {
    "english": "en-US",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "australian": "en-AU",
    "canadian": "en-CA",
    "newzealand": "en-NZ",
    "german": "de-DE",
    "ngerman": "de-DE",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "swissgerman": "de-CH",
    "nswissgerman": "de-CH",
    "french": "fr-FR",
    "francais": "fr-FR",
    "canadien": "fr-CA",
    "italian": "it-IT",
    "spanish": "es-ES",
    "catalan": "ca-AD",
    "portuguese": "pt-PT",
    "portugues": "pt-PT",
    "brazil": "pt-BR",
    "brazilian": "pt-BR",
    "dutch": "nl-NL",
    "danish": "da-DK",
    "norwegian": "nb-NO",
    "norsk": "nb-NO",
    "nynorsk": "nn-NO",
    "swedish": "sv-SE",
    "finnish": "fi-FI",
    "icelandic": "is-IS",
    "polish": "pl-PL",
    "czech": "cs-CZ",
    "slovak": "sk-SK",
    "slovene": "sl-SI",
    "slovenian": "sl-SI",
    "croatian": "hr-HR",
    "serbian": "sr-RS",
    "hungarian": "hu-HU",
    "magyar": "hu-HU",
    "romanian": "ro-RO",
    "bulgarian": "bg-BG",
    "russian": "ru-RU",
    "ukrainian": "uk-UA",
    "greek": "el-GR",
    "turkish": "tr-TR",
    "hebrew": "he-IL",
    "arabic": "ar",
    "latin": "la",
    "japanese": "ja-JP",
    "chinese": "zh-CN",
    "korean": "ko-KR",
    "estonian": "et-EE",
    "latvian": "lv-LV",
    "lithuanian": "lt-LT",
    "basque": "eu-ES",
    "galician": "gl-ES",
    "irish": "ga-IE",
    "welsh": "cy-GB",
    "afrikaans": "af-ZA",
    "vietnamese": "vi-VN",
    "thai": "th-TH",
}
# biblatex's country keys in a patent's `location`.
_COUNTRIES = {
    "de": "Germany",
    "es": "Spain",
    "eu": "European Union",
    "fr": "France",
    "uk": "United Kingdom",
    "us": "United States",
}
_COUNTRY_KEYS = re.compile(r"\bcountry(de|es|eu|fr|uk|us)\b")
_EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "jstor": "https://www.jstor.org/stable/{}",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/{}",
    "hdl": "https://hdl.handle.net/{}",
    "googlebooks": "https://books.google.com?id={}",
}

_PLAIN_NUMBERS = (
    ("pagetotal", "number-of-pages"),
    ("volumes", "number-of-volumes"),
    ("chapter", "chapter-number"),
    ("edition", "edition"),
    ("version", "version"),
)
_IDENTIFIERS = (
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("pmid", "PMID"),
    ("pmcid", "PMCID"),
    ("library", "call-number"),
)
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_URL_COMMAND = re.compile(r"^\s*\\(?:url|href|nolinkurl)\s*\{([^{}]*)\}\s*$")
_IDENTIFIER_ESCAPE = re.compile(r"\\([_&%#$~{}])|[{}]")
_DASHES = re.compile(r"\s*(?:-+|–|—)\s*")
_LIST_AND = re.compile(r"\s+and\s+")
_YEAR = re.compile(r"^(-?\d{1,4})([a-z]?)$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:-+|–|—|/)\s*(\d{1,4})$")
_CIRCA_YEAR = re.compile(r"^(?:c\.|ca\.|circa|about|approx\.)\s*(\d{3,4})$|^\[?(\d{4})\?\]?$", re.I)
_EDTF_DATE = re.compile(
    r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?([~?%]?)$"
)


def entry_to_csl(key: str, entry_type: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """The CSL-JSON item for one resolved entry (``fields``: lower-case names, LaTeX values)."""
    return _Mapper(key, entry_type.lower(), fields).item


class _Mapper:
    """Builds one item; each ``_map_*`` method owns a group of CSL variables."""

    def __init__(self, key: str, entry_type: str, fields: Mapping[str, str]) -> None:
        self.entry_type = entry_type
        # Blank fields count as absent.
        self.fields = {
            name: value for name, value in fields.items() if value and not value.isspace()
        }
        self.csl_type = self._csl_type()
        self.item: dict[str, Any] = {"id": key, "type": self.csl_type}
        for step in (
            self._map_names,
            self._map_titles,
            self._map_numbers,
            self._map_publication,
            self._map_dates,
            self._map_identifiers,
            self._map_notes,
        ):
            step()

    # -- helpers -----------------------------------------------------------------------

    def _set(self, variable: str, value: str | None) -> None:
        if value:
            self.item[variable] = value

    def _title(self, prefix: str) -> str:
        """``{prefix}title: {prefix}subtitle. {prefix}titleaddon`` in CSL markup."""
        main = self.fields.get(prefix + "title")
        if not main:
            return ""
        subtitle = self.fields.get(prefix + "subtitle")
        addon = self.fields.get(prefix + "titleaddon")
        if not subtitle and not addon:
            return latex_to_csl(main)
        joined = _join_title([latex_to_csl(main), latex_to_csl(subtitle or "")], ": ")
        return _join_title([joined, latex_to_csl(addon or "")], ". ")

    def _csl_type(self) -> str:
        if self.entry_type == "article":
            subtype = self.fields.get("entrysubtype", "").strip().lower()
            if subtype in ("magazine", "newspaper"):
                return f"article-{subtype}"
        if self.entry_type == "unpublished" and any(
            self.fields.get(name, "") for name in ("eventdate", "eventtitle", "venue")
        ):
            return "speech"
        return CSL_TYPES.get(self.entry_type, "document")

    # -- groups of variables ------------------------------------------------------------

    def _map_names(self) -> None:
        truncated: list[str] = []
        editor_variable = "editor"
        if self.fields.get("editortype", "").strip().lower() == "director":
            editor_variable = "director"
        for field, variable in (
            ("author", "author"),
            ("editor", editor_variable),
            ("translator", "translator"),
            ("bookauthor", "container-author"),
        ):
            value = self.fields.get(field, "")
            if not value:
                continue
            names, et_al = split_name_list(value)
            if names:
                self.item[variable] = names
            if et_al:
                truncated.append(variable)
        if truncated:
            self.item["_et_al"] = truncated

    def _map_titles(self) -> None:
        own = self._title("")
        main = self._title("main")
        book = self._title("book")
        title_prefix = ""  # whose title (and subtitle) the CSL title is
        if self.entry_type == "periodical":
            self._set("container-title", own)
            self._set("title", self._title("issue"))
            title_prefix = "issue"
        elif self.entry_type in CHAPTER_TYPES:
            self._set("title", own)
            self._set("container-title", main or book)
            if main:
                self._set("volume-title", book)
        elif main:
            self._set("title", main)
            self._set("volume-title", own)
            title_prefix = "main"
        else:
            self._set("title", own)
        if self.csl_type in _ARTICLE_TYPES or self.entry_type == "suppperiodical":
            journal = self.fields.get("journaltitle", "") or self.fields.get("journal", "")
            if journal:
                subtitle = self.fields.get("journalsubtitle", "")
                self._set(
                    "container-title",
                    _join_title(
                        [latex_to_csl(journal), latex_to_csl(subtitle) if subtitle else ""], ": "
                    ),
                )
            self._set("container-title-short", latex_to_csl(self.fields.get("shortjournal", "")))
        elif "container-title" not in self.item and self.csl_type != "book":
            self._set("container-title", book)  # @misc{…, booktitle=…}; a book is no part
        self._set("title-short", self._short_title(title_prefix))
        self._set("collection-title", latex_to_csl(self.fields.get("series", "")))
        self._set("original-title", latex_to_csl(self.fields.get("origtitle", "")))
        event = latex_to_csl(self.fields.get("eventtitle", ""))
        self._set("event-title", event)
        self._set("event", event)

    def _short_title(self, prefix: str) -> str:
        """``shorttitle``; else the title without its subtitle (given apart, or after ``: ``)."""
        if self.fields.get("shorttitle"):
            return latex_to_csl(self.fields["shorttitle"])
        title = self.fields.get(prefix + "title", "")
        if self.fields.get(prefix + "subtitle"):
            return latex_to_csl(title)
        colon = _top_level_colon(title)
        return latex_to_csl(title[:colon]) if colon > 0 else ""

    def _map_numbers(self) -> None:
        plain = decode_latex
        number = plain(self.fields.get("number", ""))
        issue = plain(self.fields.get("issue", ""))
        if self.csl_type in _ARTICLE_TYPES or self.entry_type == "periodical":
            self._set("issue", ", ".join(p for p in (number, issue) if p))
        else:
            self._set("issue", issue)
            target = "collection-number" if self.entry_type in _BOOK_LIKE else "number"
            self._set(target, number)
        volume = plain(self.fields.get("volume", ""))
        part = plain(self.fields.get("part", ""))
        self._set("volume", f"{volume}.{part}" if volume and part else volume)
        pages = plain(self.fields.get("pages", ""))
        self._set("page", _DASHES.sub("-", pages) if pages else "")
        get = self.fields.get
        for field, variable in _PLAIN_NUMBERS:
            value = get(field)
            if value:
                self._set(variable, plain(value))

    def _map_publication(self) -> None:
        howpublished = self.fields.get("howpublished", "")
        url_only = _URL_COMMAND.match(howpublished) if howpublished else None
        publishers = [
            _list(self.fields.get(field, ""))
            for field in ("school", "institution", "organization")
            if self.fields.get(field, "")
        ]
        if howpublished and not url_only:
            publishers.append(decode_latex(howpublished))
        if self.fields.get("publisher", ""):
            publishers.append(_list(self.fields.get("publisher", "")))
        self._set("publisher", "; ".join(p for p in publishers if p))
        place = _list(self.fields.get("address", "") or self.fields.get("location", ""))
        if self.entry_type == "patent":
            countries = _list(self.fields.get("location", ""))
            self._set(
                "jurisdiction", _COUNTRY_KEYS.sub(lambda m: _COUNTRIES[m.group(1)], countries)
            )
            self._set("publisher-place", _list(self.fields.get("address", "")))
        else:
            self._set("publisher-place", place)
        self._set("original-publisher", _list(self.fields.get("origpublisher", "")))
        self._set("original-publisher-place", _list(self.fields.get("origlocation", "")))
        self._set("event-place", _list(self.fields.get("venue", "")))
        kind = self.fields.get("type", "")
        genre = _LOCALISATION_KEYS.get(kind.strip().lower(), decode_latex(kind)) if kind else ""
        self._set("genre", genre or _THESIS_GENRES.get(self.entry_type, ""))
        if url_only and not self.fields.get("url", ""):
            self._set("URL", _identifier(url_only.group(1)))

    def _map_dates(self) -> None:
        date = self.fields.get("date", "")
        issued = parse_edtf(date) if date else self._year_month_day()
        if issued:
            self.item["issued"] = issued
        for field, variable in (
            ("urldate", "accessed"),
            ("origdate", "original-date"),
            ("eventdate", "event-date"),
        ):
            value = self.fields.get(field, "")
            if value:
                self.item[variable] = parse_edtf(value)
        status = self.fields.get("pubstate", "")
        if status:
            self._set(
                "status", _LOCALISATION_KEYS.get(status.strip().lower(), decode_latex(status))
            )

    def _year_month_day(self) -> dict[str, Any] | None:
        year = decode_latex(self.fields.get("year", ""))
        if not year:
            return None
        month = _month_number(decode_latex(self.fields.get("month", "")))
        day_text = decode_latex(self.fields.get("day", ""))
        day = int(day_text) if day_text.isdigit() and 1 <= int(day_text) <= 31 else None
        if found := _YEAR.match(year):
            parts = [int(found.group(1))]
            if month:
                parts.append(month)
                if day:
                    parts.append(day)
            return {"date-parts": [parts]}
        if found := _YEAR_RANGE.match(year):
            start, end = found.group(1), found.group(2)
            end = start[: 4 - len(end)] + end
            return {"date-parts": [[int(start)], [int(end)]]}
        if found := _CIRCA_YEAR.match(year):
            return {"date-parts": [[int(found.group(1) or found.group(2))]], "circa": True}
        if not any(char.isdigit() for char in year):
            self._set("status", year)
            return None
        return {"literal": year}

    def _map_identifiers(self) -> None:
        doi = _identifier(self.fields.get("doi", ""))
        self._set("DOI", _DOI_PREFIX.sub("", doi))
        get = self.fields.get
        for field, variable in _IDENTIFIERS:
            value = get(field)
            if value:
                self._set(variable, _identifier(value))
        url = self.fields.get("url", "")
        if url:
            command = _URL_COMMAND.match(url)
            self._set("URL", _identifier(command.group(1) if command else url))
        elif self.fields.get("eprint", ""):
            kind = (
                (self.fields.get("eprinttype", "") or self.fields.get("archiveprefix", ""))
                .strip()
                .lower()
            )
            pattern = _EPRINT_URLS.get(kind)
            if pattern:
                self._set("URL", pattern.format(_identifier(self.fields.get("eprint", ""))))

    def _map_notes(self) -> None:
        notes = [latex_to_csl(self.fields.get("note", ""))]
        if self.entry_type != "periodical":
            notes.append(latex_to_csl(self.fields.get("addendum", "")))
        self._set("note", _join_title([n for n in notes if n], ". "))
        language = (
            self.fields.get("langid", "")
            or self.fields.get("hyphenation", "")
            or self.fields.get("language", "")
        )
        if language:
            plain = decode_latex(language)
            self._set("language", _LANGUAGES.get(plain.strip().lower(), plain))


def _join_title(parts: list[str], joiner: str) -> str:
    """``Title: Subtitle`` – no doubled punctuation when the first part ends in ``?`` or ``.``."""
    parts = [p for p in parts if p]
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        joined += (" " if joined[-1:] in "?!.:;" else joiner) + part
    return joined


@lru_cache(maxsize=16384)  # publishers and places repeat
def _top_level_colon(text: str) -> int:
    """Where the first ``: `` outside braces is in LaTeX text, or -1."""
    start = 0
    while (colon := text.find(": ", start)) >= 0:
        before = text[:colon]
        if before.count("{") - before.count("\\{") == before.count("}") - before.count("\\}"):
            return colon
        start = colon + 2
    return -1


def _list(value: str) -> str:
    """A biblatex list (``London and New York``) → ``London; New York``."""
    if not value:
        return ""
    return "; ".join(decode_latex(part) for part in _LIST_AND.split(value) if part.strip())


def _identifier(value: str) -> str:
    """Identifiers and URLs: braces and escapes removed, never LaTeX-decoded."""
    if not value:
        return ""
    return " ".join(_IDENTIFIER_ESCAPE.sub(lambda m: m.group(1) or "", value).split())


def _month_number(month: str) -> int | None:
    month = month.strip().rstrip(".").lower()
    if month.isdigit():
        number = int(month)
        return number if 1 <= number <= 12 else None
    return MONTH_NUMBERS.get(month) or MONTH_NUMBERS.get(month[:3]) if month else None


def parse_edtf(value: str) -> dict[str, Any]:
    """A biblatex/EDTF date (``2004-03``, ``1939/1945``, ``1850~``, ``2000/..``) → CSL date."""
    text = _identifier(value)  # not decode_latex: `~` means circa here, not a space
    circa = False
    parts: list[list[int]] = []
    for piece in text.split("/") if "/" in text else [text]:
        piece = piece.strip()
        if piece in ("..", ""):
            continue
        found = _EDTF_DATE.match(piece)
        if not found:
            return {"literal": text}
        date = [int(found.group(1))]
        month, day = found.group(2), found.group(3)
        if month is not None:
            if not (1 <= int(month) <= 12 or 21 <= int(month) <= 24):  # 21-24: seasons
                return {"literal": text}
            date.append(int(month))
            if day is not None:
                if not 1 <= int(day) <= 31 or int(month) > 12:
                    return {"literal": text}
                date.append(int(day))
        circa = circa or found.group(4) in ("~", "%")
        parts.append(date)
    if not parts or len(parts) > 2:
        return {"literal": text}
    result: dict[str, Any] = {"date-parts": parts}
    if circa:
        result["circa"] = True
    return result
