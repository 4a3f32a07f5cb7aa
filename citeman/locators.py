"""Locators as people write them: ``p. 45``, ``pp. 112–14``, ``chap. 3``, ``fol. 12r``.

Use cases:

* ``cite add … --locator "pp. 112-14"`` turns the user's text into a
  :class:`~citeman.models.Locator` (label ``page``, value ``112-14``) with
  :func:`parse_locator`, or fails with a :class:`~citeman.errors.LocatorError`
  that says what is wrong.
* Quote files store the human form; :func:`format_locator` writes it back in a
  canonical short form (``p.``/``pp.``, ``chap.``/``chaps.``, …) and
  ``parse_locator(format_locator(loc)) == loc`` for every locator parsed here.

The grammar
-----------
``[label] value``. The label is one of the CSL 1.0.2 locator terms in its long,
short or symbol form (singular or plural, any case), plus pandoc's extra
abbreviations (``ch.``, ``sect.``, ``fn.``, ``ts.``, ``ver.``, ``tit.``). Without a
label the value is a page. The value is kept as written, with whitespace runs
collapsed and ``--`` (and TeX's ``---``) turned into ``–`` (``—``). A value is a
list of items separated by ``,``, ``&`` or ``and``; an item is a number-like token
(``45``, ``xii``, ``12r``, ``3.2.1``, ``1:23:45``) or a range of two joined by
``-``, ``–`` or ``—``, optionally followed by ``f.``/``ff.``/``et seq.``/``passim``
or by a sub-locator (``p. 45 n. 3`` keeps the page label and the value
``45 n. 3``, since CSL has one label per cite). ``s.v.`` takes any words.

``f.`` and ``ff.``
------------------
Position decides. *Before* a value they are the manuscript abbreviations for
folio(s): ``f. 12r`` and ``ff. 12r–13v`` are folio locators. *After* a number
they mean "and following" and stay part of the value: ``p. 45f.`` and
``pp. 45 ff.`` are pages ``45f.`` and ``45 ff.``.

Without an explicit label a value must start with a digit or be a roman
numeral, so ``p45`` and ``hello`` are rejected instead of becoming page "hello".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from citeman.errors import LocatorError
from citeman.models import Locator, LocatorLabel

#: Longer input is not a locator (and would make error messages unreadable).
MAX_LOCATOR_LENGTH = 200

#: Canonical (singular, plural) short forms written by :func:`format_locator`.
CANONICAL_TERMS: dict[str, tuple[str, str]] = {
    "act": ("act", "acts"),
    "appendix": ("app.", "apps."),
    "article-locator": ("art.", "arts."),
    "book": ("bk.", "bks."),
    "canon": ("canon", "canons"),
    "chapter": ("chap.", "chaps."),
    "column": ("col.", "cols."),
    "elocation": ("loc.", "locs."),
    "equation": ("eq.", "eqq."),
    "figure": ("fig.", "figs."),
    "folio": ("fol.", "fols."),
    "issue": ("no.", "nos."),
    "line": ("l.", "ll."),
    "note": ("n.", "nn."),
    "opus": ("op.", "opp."),
    "page": ("p.", "pp."),
    "paragraph": ("para.", "paras."),
    "part": ("pt.", "pts."),
    "rule": ("r.", "rr."),
    "scene": ("sc.", "scs."),
    "section": ("sec.", "secs."),
    "sub-verbo": ("s.v.", "s.vv."),
    "supplement": ("supp.", "supps."),
    "table": ("tbl.", "tbls."),
    "timestamp": ("ts.", "tss."),
    "title-locator": ("title", "titles"),
    "verse": ("v.", "vv."),
    "version": ("ver.", "vers."),
    "volume": ("vol.", "vols."),
}

#: Other spellings people use: CSL long forms and symbols, pandoc's abbreviations.
_EXTRA_TERMS: dict[str, tuple[str, ...]] = {
    "act": (),
    "appendix": ("appendix", "appendices"),
    "article-locator": ("article", "articles"),
    "book": ("book", "books"),
    "canon": (),
    "chapter": ("chapter", "chapters", "ch.", "chs."),
    "column": ("column", "columns"),
    "elocation": ("location", "locations"),
    "equation": ("equation", "equations"),
    "figure": ("figure", "figures"),
    # f./ff. before a value: see the module docstring.
    "folio": ("folio", "folios", "f.", "ff."),
    "issue": ("issue", "issues"),
    "line": ("line", "lines"),
    "note": ("note", "notes", "fn.", "fnn."),
    "opus": ("opus", "opera"),
    "page": ("page", "pages"),
    "paragraph": ("paragraph", "paragraphs", "¶", "¶¶"),
    "part": ("part", "parts"),
    "rule": ("rule", "rules"),
    "scene": ("scene", "scenes"),
    "section": ("section", "sections", "sect.", "sects.", "§", "§§"),
    "sub-verbo": ("sub verbo", "sub verbis", "sub voce", "s. v.", "s. vv."),
    "supplement": ("supplement", "supplements"),
    "table": ("table", "tables"),
    "timestamp": ("timestamp", "timestamps"),
    "title-locator": ("tit.",),
    "verse": ("verse", "verses"),
    "version": ("version", "versions"),
    "volume": ("volume", "volumes"),
}


def _term_table() -> list[tuple[str, LocatorLabel]]:
    """Every (lower-case term, label), longest first so ``pp.`` wins over ``p.``."""
    labels: tuple[LocatorLabel, ...] = get_args(LocatorLabel)
    table: dict[str, LocatorLabel] = {}
    for label in labels:
        for term in (*CANONICAL_TERMS.get(label, ()), *_EXTRA_TERMS.get(label, ())):
            table[term] = label
            # People drop the dot ("pp 12-14"); a dotless term then needs a space.
            if term.endswith(".") and len(term) > 1:
                table.setdefault(term[:-1], label)
    return sorted(table.items(), key=lambda item: -len(item[0]))


_TERMS = _term_table()
#: _TERMS by first character, in the same order (a locator is parsed per quote
#: indexed: trying only these keeps a first build from scanning all ~170 terms).
_TERMS_BY_INITIAL: dict[str, list[tuple[str, LocatorLabel]]] = {}
for _entry in _TERMS:
    _TERMS_BY_INITIAL.setdefault(_entry[0][0], []).append(_entry)
_SYMBOLS = frozenset({"§", "§§", "¶", "¶¶"})
_NUMBER = re.compile(r"[A-Za-z0-9]+(?:[.:/][A-Za-z0-9]+)*")
_ROMAN = re.compile(r"m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", re.I)
_DASH = re.compile(r"[-–—]")
_SEPARATOR = re.compile(r"[,&]|and(?![A-Za-z0-9])", re.I)
_FOLLOWING = re.compile(r"(?:ff?\.?|et seq\.|passim)(?![A-Za-z0-9])", re.I)
_PASSIM = re.compile(r"passim(?![A-Za-z0-9])", re.I)
_PLURAL_MARK = re.compile(r"[-–—,&]|\band\b", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class _Term:
    label: LocatorLabel
    text: str
    end: int


def _match_term(text: str, pos: int) -> _Term | None:
    """The locator term at ``text[pos:]``, if one stands there as a word."""
    lowered = text[pos : pos + 16].lower()
    for term, label in _TERMS_BY_INITIAL.get(lowered[:1], ()):
        if not lowered.startswith(term):
            continue
        end = pos + len(term)
        follows = text[end : end + 1]
        # "p." and "§" may touch their value ("p.45", "§12"); "page" needs a space,
        # so that "v" or "l" alone stay roman numerals and "pages" is not "page"+"s".
        if term.endswith(".") or term in _SYMBOLS or follows.isspace():
            return _Term(label, text[pos:end], end)
    return None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _match_number(text: str, pos: int, *, explicit: bool) -> int | None:
    """End of the number-like token at ``pos``, or None.

    With an explicit label any token holding a digit, a roman numeral or a single
    letter (``app. A``) will do; a bare value must start with a digit or be roman.
    """
    match = _NUMBER.match(text, pos)
    if match is None:
        return None
    token, end = match.group(), match.end()
    if re.search(r"\dff?$", token) and text[end : end + 1] == ".":
        end += 1  # "45f." and "45ff.": and following
    if token[0].isdigit():
        return end
    segments = re.split(r"[.:/]", token)
    if all(_ROMAN.fullmatch(segment) for segment in segments):
        return end
    if explicit and (any(ch.isdigit() for ch in token) or len(token) == 1):
        return end
    return None


def _sub_locator_at(text: str, pos: int) -> int | None:
    """End of a sub-locator like ``n. 3`` at ``pos`` (a term, then a number)."""
    term = _match_term(text, pos)
    if term is None:
        return None
    return _match_number(text, _skip_space(text, term.end), explicit=True)


class _ValueChecker:
    """Walks a locator value token by token and names the first problem.

    States: ``item`` (at the start or after a separator), ``number`` (after a
    number), ``dash`` (inside a range), ``suffix`` (after "ff."/"passim").
    """

    def __init__(self, original: str, value: str, *, explicit: bool) -> None:
        self.original = original
        self.value = value
        self.explicit = explicit

    def fail(self, reason: str) -> LocatorError:
        return LocatorError(self.original, reason)

    def check(self) -> None:
        text = self.value
        pos = _skip_space(text, 0)
        state = "item"
        in_range = False  # the current item already has its dash
        while pos < len(text):
            state, pos, in_range = self._step(state, pos, in_range, first=pos == 0)
            pos = _skip_space(text, pos)
        if state == "dash":
            raise self.fail("the range has no end")
        if state == "item":
            raise self.fail("the list ends with a separator")

    def _step(self, state: str, pos: int, in_range: bool, *, first: bool) -> tuple[str, int, bool]:
        """The state and position after the token at ``pos``."""
        text = self.value
        if state == "item":
            if (passim := _PASSIM.match(text, pos)) is not None:
                return "suffix", passim.end(), False
            end = None if first else _sub_locator_at(text, pos)  # "p. 45, n. 3"
            end = end or _match_number(text, pos, explicit=self.explicit)
            if end is None:
                raise self.fail(self._not_a_number(pos))
            return "number", end, False
        if state == "dash":
            end = _match_number(text, pos, explicit=self.explicit)
            if end is None:
                raise self.fail(f"the range before '{_word_at(text, pos)}' has no end")
            return "number", end, True
        if (separator := _SEPARATOR.match(text, pos)) is not None:
            return "item", separator.end(), False
        if state == "number":
            if (dash := _DASH.match(text, pos)) is not None:
                if in_range:
                    raise self.fail("a range has one dash ('112–14'); use ',' for a list")
                return "dash", dash.end(), True
            if (following := _FOLLOWING.match(text, pos)) is not None:
                return "suffix", following.end(), in_range
            if (end := _sub_locator_at(text, pos)) is not None:  # "p. 45 n. 3"
                return "number", end, False
        raise self.fail(f"unexpected '{_word_at(text, pos)}' in '{text}'")

    def _not_a_number(self, pos: int) -> str:
        word = _word_at(self.value, pos)
        if self.explicit:
            return f"'{word}' is not a number, range or list"
        if pos == 0:
            glued = re.match(r"([A-Za-z]+)(\d.*)", word)
            term = _match_term(glued.group(1) + " ", 0) if glued else None
            if glued and term is not None:
                canonical = CANONICAL_TERMS[term.label][0]
                suggestion = f"{canonical} {glued.group(2)}"
                return f"'{word}' is not a page number; did you mean '{suggestion}'?"
            return (
                f"'{word}' is neither a locator label (like 'p.', 'chap.', 'fol.')"
                " nor a page number"
            )
        return f"'{word}' is not a page number"


def _word_at(text: str, pos: int) -> str:
    match = re.compile(r"\S+").match(text, pos)
    return match.group() if match else text[pos:]


def _normalise(text: str) -> str:
    collapsed = " ".join(text.split())
    return collapsed.replace("---", "—").replace("--", "–")


def _parse_value(original: str, value: str, label: LocatorLabel, *, explicit: bool) -> Locator:
    value = _normalise(value)
    if not value:
        raise LocatorError(original, "it has no value")
    if label != "sub-verbo":  # s.v. takes words: "s.v. hegemony"
        _ValueChecker(original, value, explicit=explicit).check()
    return Locator(label=label, value=value)


def parse_locator(text: str) -> Locator:
    """Read a locator as a person writes it (see the module docstring).

    >>> parse_locator("pp. 112--14")
    Locator(label='page', value='112–14')
    """
    if not isinstance(text, str):
        raise LocatorError(repr(text), "a locator is text")
    if len(text) > MAX_LOCATOR_LENGTH:
        raise LocatorError(text[:40] + "…", f"longer than {MAX_LOCATOR_LENGTH} characters")
    if _CONTROL.search(text.replace("\t", " ").replace("\n", " ").replace("\r", " ")):
        raise LocatorError(text, "it contains control characters")
    stripped = text.strip()
    if not stripped:
        raise LocatorError(text, "it is empty")
    term = _match_term(stripped, 0)
    if term is None:
        return _parse_value(text, stripped, "page", explicit=False)
    rest = stripped[term.end :]
    if not rest.strip():
        canonical = CANONICAL_TERMS[term.label][0]
        raise LocatorError(text, f"'{term.text}' needs a value after it, e.g. '{canonical} 3'")
    try:
        return _parse_value(text, rest, term.label, explicit=True)
    except LocatorError:
        # "v and vi" or "l, li" are roman page numbers, not verse or line labels.
        try:
            return _parse_value(text, stripped, "page", explicit=False)
        except LocatorError:
            pass
        raise


def format_locator(loc: Locator) -> str:
    """The canonical human form: ``p. 45``, ``pp. 112–14``, ``chap. 3``, ``s.v. war``."""
    singular, plural = CANONICAL_TERMS[loc.label]
    return f"{plural if _is_plural(loc) else singular} {loc.value}"


def _is_plural(loc: Locator) -> bool:
    """Whether the main part names several places: "pp. 12–14", but "p. 45, n. 3"."""
    if loc.label == "sub-verbo":
        return False  # a hyphen in a headword ("self-determination") is no range
    main = loc.value
    for word in re.finditer(r"(?<![^\s,&])\S", main):
        if word.start() > 0 and _sub_locator_at(main, word.start()) is not None:
            main = main[: word.start()].rstrip(" ,&")
            break
    return bool(_PLURAL_MARK.search(main))
