"""Locale data for rendering: terms (with forms, plurals, genders, ordinals),
localized date formats and locale options.

Use cases::

    terms = LocaleData.from_elements(style_locales)    # citeproc-py's locale elements, in order
    terms.term("editor", "short", plural=True)         # "eds."
    terms.ordinal(21, gender="feminine")                # "21st" / "21re"
    terms.date_formats["text"]                          # DateFormat: parts and delimiter

The elements come from citeproc-py (its locale files and the fallback order
of ``Style.set_locale_list``: the style's own ``<locale>`` sections first, then
the locale file of the chosen dialect, its primary dialect, then en-US); this
module reads them once into dictionaries, so rendering never runs XPath.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from citeman.csl.formats import QuoteMarks

CSL_NS = "{http://purl.org/net/xbiblio/csl}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_FORM_FALLBACK = {
    "long": ("long",),
    "short": ("short", "long"),
    "verb": ("verb", "long"),
    "verb-short": ("verb-short", "verb", "long"),
    "symbol": ("symbol", "short", "long"),
}


@dataclass(frozen=True)
class TermValue:
    single: str
    multiple: str
    gender: str | None = None
    gender_form: str | None = None
    match: str | None = None


@dataclass(frozen=True)
class DatePartFormat:
    name: str
    attrs: dict[str, str]


@dataclass(frozen=True)
class DateFormat:
    parts: tuple[DatePartFormat, ...]
    attrs: dict[str, str]


def _term_text(text: str | None) -> str:
    """A term's text; layout whitespace alone (a pretty-printed empty term) is empty."""
    return "" if text is None or not text.strip() else text


def local_name(element: Any) -> str:
    tag = element.tag
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def attributes(element: Any, *, skip: str | None = None) -> dict[str, str]:
    """An element's attributes as plain strings, interned.

    Interning makes the many repeated names and values ("variable", "title", "short")
    one object each, so a compiled style pickles to fewer objects and loads faster
    from the disk cache.
    """
    return {
        sys.intern(str(k)): sys.intern(str(v)) for k, v in element.attrib.items() if k != skip
    }


def date_format_from_element(element: Any) -> DateFormat:
    parts = tuple(
        DatePartFormat(child.get("name"), dict(child.attrib))
        for child in element
        if local_name(child) == "date-part"
    )
    return DateFormat(parts, dict(element.attrib))


@dataclass
class LocaleData:
    terms: dict[tuple[str, str], list[TermValue]] = field(default_factory=dict)
    date_formats: dict[str, DateFormat] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    language: str = "en"

    @classmethod
    def from_elements(cls, locales: list[Any]) -> LocaleData:
        data = cls()
        ordinals_from: int | None = None
        for index, locale in enumerate(locales):
            if index == 0 or not data.language:
                lang = locale.get(XML_LANG)
                if lang:
                    data.language = lang
            for child in locale:
                name = local_name(child)
                if name == "style-options":
                    for key, value in child.attrib.items():
                        data.options.setdefault(key, value)
                elif name == "date":
                    form = child.get("form")
                    if form and form not in data.date_formats:
                        data.date_formats[form] = date_format_from_element(child)
                elif name == "terms":
                    has_ordinals = any(
                        (term.get("name") or "").startswith("ordinal") for term in child
                    )
                    if has_ordinals and ordinals_from is None:
                        ordinals_from = index
                    for term in child:
                        if local_name(term) != "term":
                            continue
                        term_name = term.get("name") or ""
                        if (
                            term_name.startswith("ordinal")
                            and ordinals_from is not None
                            and ordinals_from != index
                        ):
                            continue  # a locale that defines ordinals replaces them all
                        data._add_term(term)
        return data

    def _add_term(self, element: Any) -> None:
        single = multiple = _term_text(element.text)
        for child in element:
            if local_name(child) == "single":
                single = _term_text(child.text)
            elif local_name(child) == "multiple":
                multiple = _term_text(child.text)
        key = (element.get("name"), element.get("form", "long"))
        value = TermValue(
            single,
            multiple,
            element.get("gender"),
            element.get("gender-form"),
            element.get("match"),
        )
        entries = self.terms.setdefault(key, [])
        if not any(entry.gender_form == value.gender_form for entry in entries):
            entries.append(value)

    def _entry(self, name: str, form: str, gender: str | None = None) -> TermValue | None:
        for candidate in _FORM_FALLBACK.get(form, (form, "long")):
            entries = self.terms.get((name, candidate))
            if entries:
                if gender:
                    for entry in entries:
                        if entry.gender_form == gender:
                            return entry
                for entry in entries:
                    if entry.gender_form is None:
                        return entry
                return entries[0]
        return None

    def term(self, name: str, form: str = "long", plural: bool = False) -> str | None:
        entry = self._entry(name, form)
        if entry is None:
            return None
        return entry.multiple if plural else entry.single

    def gender(self, name: str) -> str | None:
        entry = self._entry(name, "long")
        return entry.gender if entry else None

    def option(self, name: str) -> bool:
        return self.options.get(name, "false").lower() == "true"

    @property
    def quotes(self) -> QuoteMarks:
        return QuoteMarks(
            self.term("open-quote") or "“",
            self.term("close-quote") or "”",
            self.term("open-inner-quote") or "‘",
            self.term("close-inner-quote") or "’",
        )

    def _ordinal_entry(self, name: str, number: int, gender: str | None) -> TermValue | None:
        entries = self.terms.get((name, "long"))
        if not entries:
            return None
        suffix_number = int(name.rsplit("-", 1)[1])
        candidates = [e for e in entries if e.gender_form == gender] if gender else []
        candidates += [e for e in entries if e.gender_form is None]
        if not candidates and not gender:
            candidates = entries  # a neuter number may use a gendered term; not the reverse
        for entry in candidates:
            match = entry.match or ("last-two-digits" if suffix_number >= 10 else "last-digit")
            if match == "whole-number" and number != suffix_number:
                continue
            if match == "last-two-digits" and number % 100 != suffix_number:
                continue
            if match == "last-digit" and number % 10 != suffix_number:
                continue
            return entry
        return None

    def ordinal(self, number: int, gender: str | None = None) -> str:
        """``number`` with its ordinal suffix ("1st", "2nd", "1er")."""
        names = [f"ordinal-{number % 100:02d}"] if number % 100 >= 10 else []
        names.append(f"ordinal-{number % 10:02d}")
        for name in names:
            entry = self._ordinal_entry(name, number, gender)
            if entry is not None:
                return f"{number}{entry.single}"
        entry = self._entry("ordinal", "long", gender)
        return f"{number}{entry.single if entry else ''}"

    def long_ordinal(self, number: int, gender: str | None = None) -> str:
        if 1 <= number <= 10:
            entry = self._entry(f"long-ordinal-{number:02d}", "long", gender)
            if entry is not None:
                return entry.single
        return self.ordinal(number, gender)
