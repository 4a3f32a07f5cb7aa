"""cs:date: localized and non-localized dates, date ranges, seasons, BC/AD years.

Use cases::

    <date variable="issued" form="text"/>                 → "April 10, 1998"
    <date variable="issued" form="numeric" date-parts="year-month"/>  → "04/1998"
    issued 1998-04-10/1998-04-12                          → "April 10–12, 1998"

A localized date (``form``) takes its parts, their order and affixes from the
locale; ``date-parts`` limits the parts and the style's own ``<date-part>``
children override their attributes (not their order or affixes). For a range
the parts from the largest one that differs down are shown for both ends,
joined by that part's ``range-delimiter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from citeman.csl.context import RenderContext, decorate
from citeman.csl.data import DatePoint, DateValue
from citeman.csl.locale import DatePartFormat
from citeman.csl.richtext import Leaf, Node, Span, joined

if TYPE_CHECKING:
    from citeman.csl.locale import LocaleData

PART_ORDER = ("year", "month", "day")


@dataclass
class DateNode:
    variable: str
    attrs: dict[str, str]
    parts: tuple[DatePartFormat, ...]  # the style's own date-part children

    def _effective_parts(self, ctx: RenderContext) -> list[DatePartFormat]:
        form = self.attrs.get("form")
        if not form:
            return list(self.parts)
        wanted = self.attrs.get("date-parts", "year-month-day").split("-")
        locale_format = ctx.style.locale.date_formats.get(form)
        if locale_format is None:
            return []
        overrides = {part.name: part.attrs for part in self.parts}
        result = []
        for part in locale_format.parts:
            if part.name not in wanted:
                continue
            attrs = dict(part.attrs)
            for key, value in overrides.get(part.name, {}).items():
                if key not in ("prefix", "suffix"):
                    attrs[key] = value
            result.append(DatePartFormat(part.name, attrs))
        return result

    def render(self, ctx: RenderContext) -> Node | None:
        ctx.called += 1
        value = ctx.variable(self.variable)
        if not isinstance(value, DateValue):
            return None
        parts = self._effective_parts(ctx)
        if value.literal and value.begin.is_empty:
            content: Node | None = Leaf(value.literal)
        else:
            content = self._render_value(value, parts, ctx)
        if content is None:
            return None
        ctx.rendered += 1
        ctx.started = True
        attrs = self.attrs
        if attrs.get("form"):
            locale_format = ctx.style.locale.date_formats.get(attrs["form"])
            # a localized date's affixes are the style's; its delimiter the locale's
            attrs = {k: v for k, v in attrs.items() if k != "delimiter"}
            if locale_format and "text-case" in locale_format.attrs and "text-case" not in attrs:
                attrs["text-case"] = locale_format.attrs["text-case"]
        return decorate(content, attrs, ctx)

    def _delimiter(self, ctx: RenderContext) -> str:
        if self.attrs.get("form"):
            locale_format = ctx.style.locale.date_formats.get(self.attrs["form"])
            return locale_format.attrs.get("delimiter", "") if locale_format else ""
        return self.attrs.get("delimiter", "")

    def _render_value(
        self, value: DateValue, parts: list[DatePartFormat], ctx: RenderContext
    ) -> Node | None:
        delimiter = self._delimiter(ctx)
        end = value.end
        if end is None or end == value.begin:
            rendered = [self._part(value.begin, part, ctx, affixes=True) for part in parts]
            single = joined([r for r in rendered if r is not None], delimiter)
            if single is not None and value.open_end:
                year = next((p for p in parts if p.name == "year"), None)
                dash = year.attrs.get("range-delimiter", "–") if year else "–"
                return Span([single, Leaf(dash)])
            return single
        differing = _largest_difference(value.begin, end, [p.name for p in parts])
        if differing is None:
            rendered = [self._part(value.begin, part, ctx, affixes=True) for part in parts]
            return joined([r for r in rendered if r is not None], delimiter)
        # parts at or below the largest difference are shown for both ends
        level = PART_ORDER.index(differing)
        ranged = [p for p in parts if PART_ORDER.index(p.name) >= level]
        range_part = next(p for p in parts if p.name == differing)
        range_delimiter = range_part.attrs.get("range-delimiter", "–")
        ranged_names = {p.name for p in ranged}
        indices = [
            i
            for i, p in enumerate(parts)
            if p.name in ranged_names and _part_text(value.begin, p, ctx) is not None
        ] or [i for i, p in enumerate(parts) if p.name in ranged_names]
        first, last = indices[0], indices[-1]
        out: list[Node] = []
        for index, part in enumerate(parts):
            if index < first or index > last:
                node = self._part(value.begin, part, ctx, affixes=True)
                if node is not None:
                    out.append(node)
                continue
            if index == first:
                begin_run = [
                    self._part(value.begin, p, ctx, affixes=True, strip_suffix=(i == last))
                    for i, p in enumerate(parts)
                    if first <= i <= last
                ]
                end_run = [
                    self._part(end, p, ctx, affixes=True, strip_prefix=(i == first))
                    for i, p in enumerate(parts)
                    if first <= i <= last
                ]
                begin_nodes = [n for n in begin_run if n is not None]
                end_nodes = [n for n in end_run if n is not None]
                begin_joined = joined(begin_nodes, delimiter)
                end_joined = joined(end_nodes, delimiter)
                out.append(
                    Span(
                        [
                            n
                            for n in (begin_joined, Leaf(range_delimiter), end_joined)
                            if n is not None
                        ]
                    )
                )
        return joined(out, delimiter)

    def _part(
        self,
        point: DatePoint,
        part: DatePartFormat,
        ctx: RenderContext,
        affixes: bool,
        strip_prefix: bool = False,
        strip_suffix: bool = False,
    ) -> Node | None:
        text = _part_text(point, part, ctx)
        if text is None:
            return None
        attrs = dict(part.attrs)
        attrs.pop("form", None)
        if strip_prefix:
            attrs.pop("prefix", None)
        if strip_suffix:
            attrs.pop("suffix", None)
        if not affixes:
            attrs.pop("prefix", None)
            attrs.pop("suffix", None)
        node: Node = Leaf(text)
        if (
            part.name == "year"
            and ctx.disambiguation.year_suffix
            and not ctx.year_suffix_rendered
            and not ctx.style.renders_year_suffix
            and ctx.mode in ("citation", "bibliography")
            and not ctx.sorting
        ):
            ctx.year_suffix_rendered = True
            node = Span([Leaf(text), Leaf(ctx.disambiguation.year_suffix, role="year-suffix")])
        return decorate(node, attrs, ctx)


def _largest_difference(begin: DatePoint, end: DatePoint, names: list[str]) -> str | None:
    for name in PART_ORDER:
        if name not in names:
            continue
        if name == "month" and (begin.season or end.season) and (begin.season != end.season):
            return "month"
        if getattr(begin, name) != getattr(end, name):
            return name
    return None


def _part_text(point: DatePoint, part: DatePartFormat, ctx: RenderContext) -> str | None:
    locale = ctx.style.locale
    form = part.attrs.get("form")
    if part.name == "year":
        if point.year is None:
            return None
        if form == "short":
            return f"{abs(point.year) % 100:02d}"
        if point.year < 0:
            return f"{-point.year}{locale.term('bc') or 'BC'}"
        if point.year < 1000:
            return f"{point.year}{locale.term('ad') or 'AD'}"
        return str(point.year)
    if part.name == "month":
        return _month_text(point, form or "long", locale)
    if part.name == "day":
        if point.day is None or point.month is None:
            return None
        form = form or "numeric"
        if form == "numeric-leading-zeros":
            return f"{point.day:02d}"
        if form == "ordinal":
            if point.day != 1 and locale.option("limit-day-ordinals-to-day-1"):
                return str(point.day)
            return locale.ordinal(point.day, locale.gender(f"month-{point.month:02d}"))
        return str(point.day)
    return None


def _month_text(point: DatePoint, form: str, locale: LocaleData) -> str | None:
    if point.month is None:
        if point.season is None:
            return None
        if form in ("numeric", "numeric-leading-zeros"):
            return None
        return locale.term(f"season-{point.season:02d}") or None
    if form == "numeric":
        return str(point.month)
    if form == "numeric-leading-zeros":
        return f"{point.month:02d}"
    return locale.term(f"month-{point.month:02d}", "short" if form == "short" else "long")
