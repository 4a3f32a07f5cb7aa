"""What the renderers know while rendering one item: the item, the cite, the
mode, inherited options, disambiguation state — and the shared decoration step.

Use cases::

    ctx = RenderContext(style, item, mode="citation", cite=CiteInfo(locator="23"))
    decorate(content, element_attrs, ctx)   # text-case, strip-periods, formatting, quotes,
                                            # affixes and display, in CSL's order
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citeman.csl.richtext import Leaf, Node, Span, is_empty, leaves
from citeman.csl.textcase import apply_text_case

if TYPE_CHECKING:
    from citeman.csl.style import CompiledStyle

#: in nesting order, outermost first (citeproc-js writes <b><i>…</i></b>)
FORMATTING_ATTRIBUTES = (
    "font-weight",
    "font-style",
    "font-variant",
    "text-decoration",
    "vertical-align",
)

_DECORATING = frozenset(
    (*FORMATTING_ATTRIBUTES, "text-case", "strip-periods", "quotes", "prefix", "suffix", "display")
)

POSITION_FIRST = 0
POSITION_SUBSEQUENT = 1
POSITION_IBID_WITH_LOCATOR = 2
POSITION_IBID = 3


@dataclass
class CiteInfo:
    """A cite as rendered in a citation: locator and where it stands among the notes."""

    locator: str | None = None
    label: str = "page"
    position: int = POSITION_FIRST
    near_note: bool = False
    first_note: int | None = None
    note_index: int = 0
    # rendered only to find cites that read alike: the accessed date, a fact about the
    # writer's visit and not the work, tells no two works apart (as in citeproc-js)
    compared: bool = False


@dataclass
class Disambiguation:
    """How far disambiguation has gone for one item (see citeman.csl.disambiguation)."""

    add_names: int = 0
    givenname_level: int = 0  # 1: initials, 2: full given names, for all the cite's names
    name_levels: dict[tuple[str, str], int] = field(default_factory=dict)  # per person
    primary_only: bool = False  # givenname-disambiguation-rule primary-name*
    year_suffix: str | None = None
    # how many disambiguate tests come out true, in the order the cite meets them: the
    # first test's extra text is tried alone before the second's is added (citeproc-js)
    conditions: int = 0


@dataclass
class RenderContext:
    style: CompiledStyle
    item: dict[str, Any]
    mode: str = "citation"  # or "bibliography"
    cite: CiteInfo | None = None
    number_of: Callable[[], int | None] | None = None  # the citation number, on demand
    sorting: bool = False
    sort_name_options: dict[str, str] = field(default_factory=dict)
    disambiguation: Disambiguation = field(default_factory=Disambiguation)
    suppressed: set[str] = field(default_factory=set)
    suppress_author: bool = False
    author_only: bool = False
    author_suppressed: bool = False
    called: int = 0
    rendered: int = 0
    year_suffix_rendered: bool = False
    names_rendered: list[str] | None = None
    touched: set[str] = field(default_factory=set)
    first_names: Node | None = None
    capitalize_first_term: bool = False
    substituting: int = 0  # inside how many cs:substitute elements
    # the cs:names whose substitute is rendering: names inside a cs:choose there inherit
    # its name and label too, as they do in citeproc-js
    substitute_parent: Any = None
    started: bool = False
    disambiguate_tests_met: int = 0

    @property
    def english(self) -> bool:
        language = str(self.item.get("language") or self.style.language)
        return language.lower().startswith("en")

    @property
    def locale_english(self) -> bool:
        """Whether the locale's terms are English: a term's title case follows the
        style's language, not the item's (citeproc-js prints "Trans." for a German book)."""
        return self.style.language.lower().startswith("en")

    @property
    def turkic(self) -> bool:
        return str(self.item.get("language") or "").lower()[:2] in ("tr", "az")

    def variable(self, name: str, *, testing: bool = False) -> Any:
        """The value of a variable, or None when it is empty or was substituted away.

        A condition (``testing``) sees a variable a cs:substitute printed, and testing
        it does not make a substitute suppress it: citeproc-js quotes a newspaper
        article's title after the paper's name stood in for its author.
        """
        if name in self.suppressed and not testing:
            return None
        if name == "accessed" and self.cite is not None and self.cite.compared:
            return None
        if name == "locator":
            return self.cite.locator if self.cite else None
        if name == "citation-number":
            number = self.number_of() if self.number_of else None
            return str(number) if number else None
        if name == "first-reference-note-number":
            if (
                self.cite
                and self.cite.first_note
                and self.mode == "citation"
                and self.cite.position != POSITION_FIRST
            ):
                return str(self.cite.first_note)
            return None
        if name == "year-suffix":
            return self.disambiguation.year_suffix
        if name == "citation-label":
            return self.item.get("citation-label") or citation_label(self.item)
        if name == "page-first":
            page = self.item.get("page-first") or self.item.get("page")
            if page:
                return str(page).split("–")[0].split("-")[0].split(",")[0].strip()
            return None
        value = self.item.get(name)
        if value is None or value == "" or value == []:
            return None
        if not testing:
            self.touched.add(name)
        return value


def decorate(
    content: Node | None,
    attrs: dict[str, str],
    ctx: RenderContext,
    case: bool = True,
    term: bool = False,
) -> Node | None:
    """Apply an element's text-case, strip-periods, formatting, quotes, affixes and display.

    ``term``: the content is a locale term, title-cased by the locale's language.
    """
    if content is None or is_empty(content):
        return None
    if not attrs.keys() & _DECORATING:
        return content
    if case:
        text_case = attrs.get("text-case")
        if text_case:
            english = ctx.locale_english if term else ctx.english
            apply_text_case(content, text_case, english, ctx.turkic)
    if attrs.get("strip-periods") == "true":
        for leaf in leaves(content):
            leaf.text = leaf.text.replace(".", "")
    fmt = {name: attrs[name] for name in FORMATTING_ATTRIBUTES if name in attrs}
    quotes = "style" if attrs.get("quotes") == "true" else ""
    if fmt or quotes:
        content = Span([content], fmt=fmt, quotes=quotes)
    prefix = attrs.get("prefix")
    suffix = attrs.get("suffix")
    display = attrs.get("display")
    if prefix or suffix or display:
        children: list[Node] = []
        if prefix:
            children.append(Leaf(prefix))
        children.append(content)
        if suffix:
            children.append(Leaf(suffix))
        content = Span(children, display=display)
    return content


_TRIGRAPH = {1: (4,), 2: (2, 2), 3: (2, 1, 1)}


def citation_label(item: dict[str, Any]) -> str | None:
    """citeproc-js's default trigraph label: "Doe65", "RoNo78", "AsBrCo00", "DEFG26"."""
    names: list[dict[str, Any]] = []
    for variable in ("author", "editor", "translator", "container-author", "composer"):
        if isinstance(item.get(variable), list) and item[variable]:
            names = item[variable]
            break
    if not names:
        return None
    from citeman.csl.names import parse_name

    families = [
        (parse_name(n).family or str(n.get("literal") or "")).replace(" ", "") for n in names
    ]
    widths = _TRIGRAPH.get(len(families), (1, 1, 1, 1))
    label = "".join(family[:width] for family, width in zip(families, widths, strict=False))
    issued = item.get("issued")
    year = getattr(getattr(issued, "begin", None), "year", None)
    return f"{label}{year % 100:02d}" if year is not None else f"{label}00"
