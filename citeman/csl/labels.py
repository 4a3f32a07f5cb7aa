"""cs:label: the term for a variable, singular or plural — and nothing for an empty variable.

Use cases::

    <label variable="page" form="short"/>      page "23"    → "p."
                                               page "23-25" → "pp."
    <label variable="locator" form="short"/>   cite label "chapter", locator "3" → "chap."
    <label variable="volume"/>                 volume empty → no label at all
"""

from __future__ import annotations

from dataclasses import dataclass

from citeman.csl.context import RenderContext, decorate
from citeman.csl.numbers import is_plural_value
from citeman.csl.richtext import Leaf, Node

LOCATOR_TERMS = (
    *("act", "appendix", "article-locator", "book", "canon", "chapter", "column"),
    *("elocation", "equation", "figure", "folio", "issue", "line", "note", "opus", "page"),
    *("paragraph", "part", "rule", "scene", "section", "sub-verbo", "supplement", "table"),
    *("timestamp", "title-locator", "verse", "version", "volume"),
)


def _locator_term(label: str) -> str:
    return "sub verbo" if label == "sub-verbo" else label


def locator_term_of(word: str, ctx: RenderContext) -> str | None:
    """The locator term whose short form (singular or plural) is ``word`` ("p." → page)."""
    if not word.endswith("."):
        return None
    locale = ctx.style.locale
    for term in LOCATOR_TERMS:
        if word in (locale.term(term, "short"), locale.term(term, "short", plural=True)):
            return term
    return None


def starts_with_own_label(locator: str, ctx: RenderContext) -> bool:
    """Whether a locator opens with a locator term of its own ("vol. 1, fol. 186"): the
    writer labelled it, so the cite's label would only double it ("p. vol. 1")."""
    first_word, space, _rest = locator.strip().partition(" ")
    return bool(space) and locator_term_of(first_word, ctx) is not None


def label_text(variable: str, form: str, plural_option: str, ctx: RenderContext) -> str | None:
    """The term text a label shows for ``variable``, or None when there is nothing to label."""
    value = ctx.variable(variable)
    # CSL: no label for an empty variable. citeproc-js prints the term all the same ("T p."
    # for a book without pages); we keep to the specification (see test_reference_styles)
    if value is None or isinstance(value, list):
        return None
    text = str(value)
    term = variable
    if variable == "locator":
        assert ctx.cite is not None
        if starts_with_own_label(text, ctx):
            return None
        term = _locator_term(ctx.cite.label or "page")
    if plural_option == "always":
        plural = True
    elif plural_option == "never":
        plural = False
    elif variable.startswith("number-of-"):
        digits = "".join(ch for ch in text if ch.isdigit())
        plural = bool(digits) and int(digits) > 1
    else:
        plural = is_plural_value(text)
    locale = ctx.style.locale
    result = locale.term(term, form, plural)
    if result is None and term == "sub verbo":
        result = locale.term("sub-verbo", form, plural)
    return result or None


@dataclass
class LabelNode:
    attrs: dict[str, str]

    def render(self, ctx: RenderContext) -> Node | None:
        variable = self.attrs.get("variable", "")
        text = label_text(
            variable, self.attrs.get("form", "long"), self.attrs.get("plural", "contextual"), ctx
        )
        if not text:
            return None
        return decorate(Leaf(text), self.attrs, ctx, term=True)
