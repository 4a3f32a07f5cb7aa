"""The rendering elements of a compiled style: text, number, label, group, choose.

Use cases::

    element = compile_element(lxml_element)   # done once per style (see citeman.csl.style)
    node = element.render(ctx)                # a richtext tree, or None when empty

A cs:group is suppressed when it calls variables and all of them are empty;
cs:choose evaluates type, variable, is-numeric, is-uncertain-date, locator,
position and disambiguate tests with match="all|any|none".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from citeman.csl.context import (
    POSITION_FIRST,
    POSITION_IBID,
    POSITION_IBID_WITH_LOCATOR,
    POSITION_SUBSEQUENT,
    RenderContext,
    decorate,
)
from citeman.csl.data import NUMBER_VARIABLES, DateValue
from citeman.csl.dates import DateNode
from citeman.csl.labels import LabelNode, locator_term_of
from citeman.csl.locale import DatePartFormat, attributes, local_name
from citeman.csl.names import NamesNode, NameSpec
from citeman.csl.numbers import is_numeric, is_plural_value, roman, split_numbers
from citeman.csl.page_ranges import ESCAPED_HYPHEN, format_pages
from citeman.csl.richtext import Leaf, Node, Span, is_empty, parse_markup, plain_text
from citeman.csl.textcase import apply_text_case

_DIGIT_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")


class Element(Protocol):
    def render(self, ctx: RenderContext) -> Node | None: ...


def render_children(
    children: list[Element], ctx: RenderContext, delimiter: str = ""
) -> Node | None:
    parts: list[Node] = []
    _render_into(children, ctx, delimiter, parts)
    if not parts:
        return None
    return Span(parts)


def _render_into(
    children: list[Element], ctx: RenderContext, delimiter: str, parts: list[Node]
) -> None:
    for child in children:
        if isinstance(child, ChooseNode):
            # cs:choose is transparent: the chosen branch's children are the parent's
            chosen = child.select(ctx)
            if chosen:
                _render_into(chosen, ctx, delimiter, parts)
            continue
        node = child.render(ctx)
        if node is not None and not is_empty(node):
            if parts and delimiter:
                parts.append(Leaf(delimiter))
            parts.append(node)


def number_ranges(text: str, variable: str, ctx: RenderContext, form: str = "numeric") -> Node:
    """A number variable's value with ranges dashed (and page ranges formatted)."""
    locale = ctx.style.locale
    is_page = variable in ("page", "locator") and (
        variable == "page" or (ctx.cite is not None and ctx.cite.label == "page")
    )
    range_delimiter = (locale.term("page-range-delimiter") if is_page else None) or "–"
    and_symbol = locale.term("and", "symbol") or "&"
    if is_page and form == "numeric":
        range_format = ctx.style.root_attrs.get("page-range-format")
        return Leaf(format_pages(text, range_format, range_delimiter, and_symbol))
    pieces = split_numbers(text.replace(ESCAPED_HYPHEN, "\0"))
    gender = locale.gender(variable)
    out: list[str] = []
    for piece, kind in pieces:
        if kind == "range":
            out.append(range_delimiter)
            continue
        if kind == "and":
            out.append(f" {and_symbol} ")
            continue
        if kind != "number":
            out.append(piece)
            continue
        if piece.isdigit():
            number = int(piece)
            if form == "ordinal":
                piece = locale.ordinal(number, gender)
            elif form == "long-ordinal":
                piece = locale.long_ordinal(number, gender)
            elif form == "roman":
                piece = roman(number)
        out.append(piece)
    return Leaf("".join(out).replace("\0", "-"))


def labelled_numbers(text: str, variable: str, ctx: RenderContext, form: str) -> Node | None:
    """A list of numbers some of which carry a locator term, as citeproc-js reads it:
    "7, p. 3-8" → "7th, pp. 3–8" (the term agrees with its numbers, which keep their
    form; the unlabelled take the cs:number's). None for any other value."""
    parts = text.split(", ")
    if len(parts) < 2:
        return None
    out: list[str] = []
    for part in parts:
        word, _space, rest = part.partition(" ")
        term = locator_term_of(word, ctx)
        if term is not None and is_numeric(rest):
            label = ctx.style.locale.term(term, "short", is_plural_value(rest)) or word
            out.append(f"{label} {plain_text(number_ranges(rest, variable, ctx))}")
        elif is_numeric(part):
            out.append(plain_text(number_ranges(part, variable, ctx, form)))
        else:
            return None
    return Leaf(", ".join(out))


@dataclass
class TextNode:
    attrs: dict[str, str]

    def render(self, ctx: RenderContext) -> Node | None:
        attrs = self.attrs
        content: Node | None = None
        if "variable" in attrs:
            if attrs["variable"] != "year-suffix":  # an absent suffix empties no group
                ctx.called += 1
            content = self._variable(attrs["variable"], ctx)
            if content is not None and not is_empty(content):
                ctx.rendered += 1
        elif "macro" in attrs:
            macro = ctx.style.macros.get(attrs["macro"])
            if macro is None:
                return None
            content = render_group(macro, ctx, "")
        elif "term" in attrs:
            text = ctx.style.locale.term(
                attrs["term"], attrs.get("form", "long"), attrs.get("plural") == "true"
            )
            if text:
                content = Leaf(text)
                if ctx.capitalize_first_term and not ctx.started:
                    apply_text_case(content, "capitalize-first")
        elif "value" in attrs:
            content = Span(parse_markup(attrs["value"])) if attrs["value"] else None
        if content is None or is_empty(content):
            return None
        ctx.started = True
        return decorate(content, attrs, ctx, term="term" in attrs)

    def _variable(self, variable: str, ctx: RenderContext) -> Node | None:
        if self.attrs.get("form") == "short":
            short = ctx.variable(f"{variable}-short")
            if short is not None:
                ctx.touched.add(variable)
                value: Any = short
            else:
                value = ctx.variable(variable)
        else:
            value = ctx.variable(variable)
        if value is None or isinstance(value, (list, DateValue)):
            return None
        if variable == "year-suffix":
            ctx.year_suffix_rendered = True
            return Leaf(str(value), role="year-suffix")
        suffix = ctx.disambiguation.year_suffix
        if (
            variable == "citation-label"
            and suffix
            and not ctx.style.renders_year_suffix
            and not ctx.year_suffix_rendered
        ):
            ctx.year_suffix_rendered = True  # the label, not the year, takes the suffix
            return Span([Leaf(str(value)), Leaf(suffix, role="year-suffix")])
        if variable == "page" or (variable == "locator" and is_numeric(str(value))):
            return number_ranges(str(value), variable, ctx)
        if variable == "locator":  # "367-368, fig. 333": ranges dashed, marks parsed
            text = _DIGIT_HYPHEN.sub("–", str(value)).replace("\\-", "-")
            return Span(parse_markup(text))
        text = str(value)
        if variable in NUMBER_VARIABLES and is_numeric(text):
            return number_ranges(text, variable, ctx)  # "3-4" → "3–4"
        return Span(parse_markup(text))


@dataclass
class NumberNode:
    attrs: dict[str, str]

    def render(self, ctx: RenderContext) -> Node | None:
        variable = self.attrs.get("variable", "")
        ctx.called += 1
        value = ctx.variable(variable)
        if value is None or isinstance(value, (list, DateValue)):
            return None
        text = str(value)
        ctx.rendered += 1
        ctx.started = True
        labelled = labelled_numbers(text, variable, ctx, self.attrs.get("form", "numeric"))
        if labelled is not None:
            return decorate(labelled, self.attrs, ctx)
        if not is_numeric(text):
            # a value with a number in it is data, not markup ("1<sup>er</sup>" prints as
            # typed), as in citeproc-js; a value without one may carry rich text
            content = Leaf(text) if re.search(r"\d", text) else Span(parse_markup(text))
            return decorate(content, self.attrs, ctx)
        return decorate(
            number_ranges(text, variable, ctx, self.attrs.get("form", "numeric")), self.attrs, ctx
        )


@dataclass
class GroupNode:
    attrs: dict[str, str]
    children: list[Element]

    def render(self, ctx: RenderContext) -> Node | None:
        content = render_group(self.children, ctx, self.attrs.get("delimiter", ""))
        return decorate(content, self.attrs, ctx)


def render_group(children: list[Element], ctx: RenderContext, delimiter: str) -> Node | None:
    """Children of a group or macro; None when they call variables and all are empty.

    A group (or macro) that renders counts as a rendered variable for the group
    around it, as in citeproc-js, where a macro is a group of its own.
    """
    called, rendered = ctx.called, ctx.rendered
    content = render_children(children, ctx, delimiter)
    if ctx.called > called and ctx.rendered == rendered:
        return None
    if content is not None and not is_empty(content) and ctx.rendered == rendered:
        ctx.rendered += 1
    return content


def _position_test(value: str, ctx: RenderContext) -> bool:
    cite = ctx.cite
    if cite is None or ctx.mode != "citation":
        return False
    if value == "first":
        return cite.position == POSITION_FIRST
    if value == "subsequent":
        return cite.position >= POSITION_SUBSEQUENT
    if value == "ibid":
        return cite.position in (POSITION_IBID, POSITION_IBID_WITH_LOCATOR)
    if value == "ibid-with-locator":
        return cite.position == POSITION_IBID_WITH_LOCATOR
    if value == "near-note":
        return cite.near_note and cite.position >= POSITION_SUBSEQUENT
    return False


@dataclass
class Condition:
    attrs: dict[str, str]

    def evaluate(self, ctx: RenderContext) -> bool:
        results: list[bool] = []
        attrs = self.attrs
        for value in attrs.get("type", "").split():
            results.append(ctx.item.get("type") == value)
        for value in attrs.get("variable", "").split():
            results.append(ctx.variable(value, testing=True) is not None)
        for value in attrs.get("is-numeric", "").split():
            variable = ctx.variable(value, testing=True)
            results.append(isinstance(variable, str) and is_numeric(variable))
        for value in attrs.get("is-uncertain-date", "").split():
            date = ctx.variable(value, testing=True)
            results.append(isinstance(date, DateValue) and date.circa)
        for value in attrs.get("locator", "").split():
            label = ctx.cite.label if ctx.cite and ctx.cite.locator else None
            results.append(label is not None and label.replace(" ", "-") == value)
        for value in attrs.get("position", "").split():
            results.append(_position_test(value, ctx))
        if "disambiguate" in attrs:
            ctx.disambiguate_tests_met += 1
            on = ctx.disambiguate_tests_met <= ctx.disambiguation.conditions
            results.append(on == (attrs["disambiguate"] == "true"))
        match = attrs.get("match", "all")
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)


@dataclass
class ChooseNode:
    branches: list[tuple[Condition | None, list[Element]]] = field(default_factory=list)

    def select(self, ctx: RenderContext) -> list[Element] | None:
        for condition, children in self.branches:
            if condition is None or condition.evaluate(ctx):
                return children
        return None

    def render(self, ctx: RenderContext) -> Node | None:
        chosen = self.select(ctx)
        return render_children(chosen, ctx) if chosen else None


def compile_children(element: Any) -> list[Element]:
    return [compiled for child in element if (compiled := compile_element(child)) is not None]


def compile_element(element: Any) -> Element | None:
    """Our element for an lxml element of the style (None for what renders nothing)."""
    name = local_name(element)
    attrs = attributes(element)
    if name == "text":
        return TextNode(attrs)
    if name == "number":
        return NumberNode(attrs)
    if name == "label":
        return LabelNode(attrs)
    if name == "group":
        return GroupNode(attrs, compile_children(element))
    if name == "choose":
        choose = ChooseNode()
        for branch in element:
            branch_name = local_name(branch)
            condition = (
                None
                if branch_name == "else"
                else Condition(attributes(branch))
            )
            choose.branches.append((condition, compile_children(branch)))
        return choose
    if name == "date":
        parts = tuple(
            DatePartFormat(child.get("name"), attributes(child))
            for child in element
            if local_name(child) == "date-part"
        )
        return DateNode(
            attrs.get("variable", "").split()[0] if attrs.get("variable") else "", attrs, parts
        )
    if name == "names":
        return compile_names(element, attrs)
    return None


def compile_names(element: Any, attrs: dict[str, str]) -> NamesNode:
    node = NamesNode(attrs.get("variable", "").split(), attrs)
    seen_name = False
    for child in element:
        child_name = local_name(child)
        child_attrs = attributes(child)
        if child_name == "name":
            seen_name = True
            parts = {
                str(part.get("name")): attributes(part, skip="name")
                for part in child
                if local_name(part) == "name-part"
            }
            node.name = NameSpec(child_attrs, parts)
        elif child_name == "et-al":
            node.et_al = child_attrs
        elif child_name == "label":
            node.label = child_attrs
            node.label_before_name = not seen_name
        elif child_name == "substitute":
            node.substitute = compile_children(child)
    return node
