"""cs:names and cs:name: name lists with et-al, "and", initials, sort order,
particles, labels and substitution.

Use cases::

    <name initialize-with=". "/>                       Stephen Kotkin → S. Kotkin
    <name initialize-with=". " initialize="false"/>    Stephen Kotkin stays; "S.K." → "S. K."
    <name name-as-sort-order="first"/>                 Kotkin, Stephen, and Orlando Figes
    <name et-al-min="4" et-al-use-first="1"/>          Smith et al.
    et-al-subsequent-min/-use-first                    shorter lists after the first cite
    <names variable="editor translator">               "ed. and trans." when both are equal

Names options are inherited: ``<name>`` → ``<citation>``/``<bibliography>`` →
``<style>``. Particles ("van", "de la") are parsed out of family and given
names unless the name says ``"parse-names": false``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citeman.csl.context import RenderContext, decorate
from citeman.csl.richtext import Leaf, Node, Span, is_empty, joined, parse_markup, plain_text

if TYPE_CHECKING:
    from citeman.csl.nodes import Element

_ROMANESQUE = re.compile(r"[a-zA-Z\u0080-\u017f\u0400-\u052f\u0386-\u03fb\u1f00-\u1ffe]")
_LEADING_PARTICLE = re.compile(r"^((?:[a-z\u00e0-\u00ff'’][^\s]*\s+)+|[a-z]+['’-])(?=[^\s])")
_TRAILING_PARTICLE = re.compile(r"\s+((?:[a-z\u00e0-\u00ff][^\s]*\s*)+)$")
NAME_OPTIONS = (
    "and",
    "delimiter-precedes-et-al",
    "delimiter-precedes-last",
    "et-al-min",
    "et-al-use-first",
    "et-al-use-last",
    "et-al-subsequent-min",
    "et-al-subsequent-use-first",
    "initialize",
    "initialize-with",
    "initialize-with-hyphen",
    "name-as-sort-order",
    "sort-separator",
    "form",
    "delimiter",
)


@dataclass
class NameSpec:
    attrs: dict[str, str] = field(default_factory=dict)
    parts: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class ParsedName:
    family: str = ""
    given: str = ""
    dropping: str = ""
    non_dropping: str = ""
    suffix: str = ""
    comma_suffix: bool = False
    literal: str = ""
    static_ordering: bool = False
    spaced_particle: bool = False  # "de' Frinkle": a space after an apostrophe particle

    @property
    def romanesque(self) -> bool:
        return bool(_ROMANESQUE.search(self.family + self.given)) or not (self.family or self.given)


def parse_name(raw: dict[str, Any]) -> ParsedName:
    """A CSL-JSON name with particles parsed out of the family and given names."""
    literal = str(raw.get("literal") or "")
    family = str(raw.get("family") or "")
    given = str(raw.get("given") or "")
    if literal or (not family and not given):
        return ParsedName(literal=literal or "")
    name = ParsedName(
        family=family,
        given=given,
        dropping=str(raw.get("dropping-particle") or ""),
        non_dropping=str(raw.get("non-dropping-particle") or ""),
        suffix=str(raw.get("suffix") or ""),
        comma_suffix=bool(raw.get("comma-suffix")),
        static_ordering=bool(raw.get("static-ordering")),
    )
    if str(raw.get("parse-names", "true")).lower() == "false":
        return name
    if family.startswith('"') and family.endswith('"') and len(family) > 1:
        name.family = family[1:-1]
        return name
    if not name.non_dropping:
        match = _LEADING_PARTICLE.match(family)
        if match and given:
            name.non_dropping = match.group(1).strip()
            name.family = family[match.end() :].strip()
            name.spaced_particle = match.group(1) != match.group(1).rstrip()
    if given and not name.suffix and "," in given:
        head, _, tail = given.partition(",")
        if tail.strip() and head.strip():
            name.given, name.suffix = head.strip(), tail.strip()
            name.comma_suffix = name.comma_suffix or tail.lstrip().startswith("!")
            name.suffix = name.suffix.lstrip("! ")
    if not name.dropping and name.given:
        match = _TRAILING_PARTICLE.search(name.given)
        if match:
            name.dropping = match.group(1).strip()
            name.given = name.given[: match.start()].strip()
    return name


def _joins_tight(particle: str) -> bool:
    return particle.endswith(("'", "’", "-"))


_MARKUP_AROUND = re.compile(r"((?:<[^<>/]+>)*)(.*?)((?:</[^<>]+>)*)", re.DOTALL)


def _markup_around(token: str) -> tuple[str, str, str]:
    """Opening tags, the word, closing tags: "<b>John</b>" → ("<b>", "John", "</b>")."""
    match = _MARKUP_AROUND.fullmatch(token)
    assert match is not None  # every string matches: all three groups may be empty
    opening, word, closing = match.groups()
    return opening, word, closing


def _split_given(given: str, hyphen: bool) -> list[tuple[str, str]]:
    """(separator before, token) pairs; "M.E." splits into "M." and "E."."""
    text = re.sub(r"\s*-\s*", "-", " ".join(given.split()))
    if not hyphen:
        text = text.replace("-", " ")
    pieces = re.split(r"([\s-]+)", text)
    tokens: list[tuple[str, str]] = []
    separator = ""
    for index, piece in enumerate(pieces):
        if index % 2:
            separator = piece
            continue
        if not piece:
            continue
        subtokens = [p for p in re.split(r"(?<=\.)(?=.)", piece) if p]
        for position, token in enumerate(subtokens):
            tokens.append((separator if position == 0 else " ", token))
        separator = ""
    return tokens


def initialize(given: str, mark: str, hyphen: bool = True, initialize_full: bool = True) -> str:
    """Initials of ``given`` as citeproc-js makes them.

    "John Robert" → "J. R." (mark ". "); "M.E" → "M. E."; "TSerendorjiin" → "Ts.";
    "Guo-ping" → "G." ; with ``initialize_full`` false only existing initials are
    normalised ("John M.E." → "John M. E.").
    """
    if not _ROMANESQUE.search(given):
        return given
    out = ""
    previous_initial = False
    for index, (separator, marked_token) in enumerate(_split_given(given, hyphen)):
        # a word in markup ("<b>John</b>") is initialized inside it: "<b>J.</b>"
        opening, token, closing = _markup_around(marked_token)
        lowercase = token[:1].islower()
        if lowercase and "-" in separator and initialize_full:
            continue  # "Guo-ping": a lowercase part after a hyphen has no initial
        core = token[:-1] if token.endswith(".") and len(token) > 1 else token
        is_abbreviation = token.endswith(".") and len(token) > 1
        is_single = len(token) == 1 and token.isupper()
        if is_abbreviation or is_single:
            text, initial = core + mark, True
        elif initialize_full and token[:1].isupper():
            rest = token[1:]
            capitals = len(rest) - len(rest.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            extra = rest[:capitals].lower() if 0 < capitals < len(rest) else ""
            text, initial = token[0] + extra + mark, True
        else:
            text, initial = token, False
        if opening or closing:
            word = text.rstrip()
            text = opening + word + closing + text[len(word) :]
        if index and out:
            if "-" in separator:
                out = out.rstrip() + "-"
            elif previous_initial:
                if not mark.endswith(" ") and not initial:
                    out += " "
            else:
                out += " "
        out += text
        previous_initial = initial
    return out.strip()


@dataclass
class NamesNode:
    variables: list[str]
    attrs: dict[str, str]
    name: NameSpec | None = None
    et_al: dict[str, str] | None = None
    label: dict[str, str] | None = None
    label_before_name: bool = False
    substitute: list[Element] | None = None

    def render(self, ctx: RenderContext, inherited: NamesNode | None = None) -> Node | None:
        ctx.called += 1
        if inherited is None and ctx.substituting and ctx.substitute_parent is not None:
            inherited = ctx.substitute_parent
        spec_source = self if self.name is not None or inherited is None else inherited
        output = self._render_variables(ctx, spec_source)
        if output is None and self.substitute is not None:
            output = self._substitute(ctx)
            if output is not None:
                output = Span([output], role="name-list", key=(plain_text(output),))
        if output is None:
            return None
        ctx.rendered += 1
        ctx.started = True
        substituting = inherited is not None  # the names element around decides
        if (
            ctx.suppress_author
            and not ctx.author_suppressed
            and ctx.mode == "citation"
            and not substituting
        ):
            ctx.author_suppressed = True
            return None
        decorated = decorate(output, self._own_attrs(spec_source), ctx, case=False)
        if ctx.first_names is None:
            ctx.first_names = decorated
        return decorated

    def _own_attrs(self, spec_source: NamesNode) -> dict[str, str]:
        attrs = {k: v for k, v in self.attrs.items() if k not in ("variable", "delimiter")}
        return attrs

    def _substitute(self, ctx: RenderContext) -> Node | None:
        assert self.substitute is not None
        outer_parent = ctx.substitute_parent
        ctx.substitute_parent = self
        try:
            return self._first_substitute(ctx)
        finally:
            ctx.substitute_parent = outer_parent

    def _first_substitute(self, ctx: RenderContext) -> Node | None:
        assert self.substitute is not None
        for child in self.substitute:
            before = set(ctx.touched)
            ctx.touched.clear()
            called, rendered = ctx.called, ctx.rendered
            ctx.substituting += 1
            try:
                if isinstance(child, NamesNode):
                    result = child.render(ctx, inherited=self)
                else:
                    result = child.render(ctx)
            finally:
                ctx.substituting -= 1
            touched = set(ctx.touched)
            ctx.touched = before | touched
            plain_term = not isinstance(child, NamesNode) and _is_term_or_value(child)
            ctx.called, ctx.rendered = called, rendered
            if result is not None and not is_empty(result):
                ctx.suppressed |= touched
                return result
            if plain_term:
                return None  # a term or value is the substitute, even when empty
        return None

    def _render_variables(self, ctx: RenderContext, spec: NamesNode) -> Node | None:
        options = name_options(ctx, spec.name)
        variables = [v for v in self.variables if ctx.variable(v)]
        for variable in variables:
            ctx.touched.add(variable)
        if ctx.substituting and variables:
            ctx.suppressed |= set(variables)  # a substituted name list is printed once
        if not variables:
            return None
        if (
            set(self.variables) >= {"editor", "translator"}
            and "editor" in variables
            and "translator" in variables
            and ctx.item["editor"] == ctx.item["translator"]
            and ctx.style.locale.term("editortranslator")
        ):
            variables = [
                "editortranslator" if v == "editor" else v for v in variables if v != "translator"
            ]
        if options.get("form") == "count":
            total = 0
            for variable in variables:
                names = ctx.item["editor" if variable == "editortranslator" else variable]
                total += len(self._visible(names, options, ctx)[0])
            return Leaf(str(total)) if total else None
        rendered: list[Node] = []
        for variable in variables:
            source = "editor" if variable == "editortranslator" else variable
            node = self._render_one(ctx, spec, variable, ctx.item[source], options)
            if node is not None:
                rendered.append(node)
                if ctx.names_rendered is not None:
                    ctx.names_rendered.append(plain_text(node))
        if not rendered:
            return None
        delimiter = self.attrs.get(
            "delimiter", ctx.style.inherited(ctx.mode, "names-delimiter") or ""
        )
        return joined(rendered, delimiter)

    def _visible(
        self, names: list[dict[str, Any]], options: dict[str, str], ctx: RenderContext
    ) -> tuple[list[dict[str, Any]], bool, bool]:
        """The names shown, whether et-al truncated them, and whether the last is added."""
        minimum = _int(options.get("et-al-min"))
        use_first = _int(options.get("et-al-use-first"))
        use_first_given = options.get("et-al-use-first") is not None
        if (
            ctx.cite is not None
            and ctx.cite.position > 0
            and ctx.mode == "citation"
            and not ctx.sorting
        ):
            if options.get("et-al-subsequent-min"):
                minimum = _int(options.get("et-al-subsequent-min"))
            if options.get("et-al-subsequent-use-first"):
                use_first = _int(options.get("et-al-subsequent-use-first"))
                use_first_given = True
        use_first += ctx.disambiguation.add_names
        if minimum and use_first_given and len(names) >= minimum and use_first < len(names):
            use_last = options.get("et-al-use-last") == "true" and use_first < len(names) - 1
            return names[:use_first], True, use_last
        return names, False, False

    def _render_one(
        self,
        ctx: RenderContext,
        spec: NamesNode,
        variable: str,
        names: list[dict[str, Any]],
        options: dict[str, str],
    ) -> Node | None:
        shown, truncated, use_last = self._visible(names, options, ctx)
        if not shown:
            return None  # et-al-use-first="0"
        locale = ctx.style.locale
        delimiter = options.get("delimiter", ", ")
        name_spec = spec.name or NameSpec()
        nodes: list[Node] = []
        inverted: list[bool] = []
        for index, raw in enumerate(shown):
            node, was_inverted = render_name(parse_name(raw), index, name_spec, options, ctx)
            nodes.append(Span([node], role="name"))
            inverted.append(was_inverted)
        if ctx.sorting:
            # sort keys compare name by name: no "and", no et-al, one plain delimiter
            if truncated and use_last:
                nodes.append(
                    render_name(parse_name(names[-1]), len(names) - 1, name_spec, options, ctx)[0]
                )
            joined: list[Node] = []
            for index, node in enumerate(nodes):
                if index:
                    joined.append(Leaf(", "))
                joined.append(node)
            return Span(joined)
        children: list[Node] = []
        if truncated and use_last:
            last_node, _ = render_name(
                parse_name(names[-1]), len(names) - 1, name_spec, options, ctx
            )
            for index, node in enumerate(nodes):
                if index:
                    children.append(Leaf(delimiter))
                children.append(node)
            children += [Leaf(delimiter), Leaf("… "), last_node]
        elif truncated:
            for index, node in enumerate(nodes):
                if index:
                    children.append(Leaf(delimiter))
                children.append(node)
            et_al_attrs = spec.et_al or {}
            term = locale.term(et_al_attrs.get("term", "et-al")) or ""
            if term:
                precedes = options.get("delimiter-precedes-et-al", "contextual")
                use_delimiter = (
                    precedes == "always"
                    or (precedes == "contextual" and len(nodes) >= 2)
                    or (precedes == "after-inverted-name" and inverted[-1])
                )
                children.append(Leaf(delimiter if use_delimiter else _space_before(term)))
                et_al_node = decorate(Leaf(term), et_al_attrs, ctx)
                if et_al_node is not None:
                    children.append(et_al_node)
        else:
            and_option = options.get("and")
            and_term = None
            if and_option == "text":
                and_term = locale.term("and")
            elif and_option == "symbol":
                and_term = "&"
            for index, node in enumerate(nodes):
                if index:
                    if and_term and index == len(nodes) - 1:
                        precedes = options.get("delimiter-precedes-last", "contextual")
                        use_delimiter = (
                            precedes == "always"
                            or (precedes == "contextual" and len(nodes) >= 3)
                            or (precedes == "after-inverted-name" and inverted[index - 1])
                        )
                        joint = delimiter if use_delimiter else _space_before(and_term.strip())
                        children.append(Leaf(joint))
                        # a term that brings its own space ("ו\u2008") gets no other
                        spaced = and_term if and_term[-1:].isspace() else f"{and_term} "
                        children.append(Leaf(spaced))
                    else:
                        children.append(Leaf(delimiter))
                children.append(node)
        names_node: Node = Span(
            children, role="name-list", key=tuple(plain_text(node) for node in nodes)
        )
        name_attrs = {
            k: v
            for k, v in name_spec.attrs.items()
            if k in ("prefix", "suffix")
            or k.startswith(("font-", "text-decoration", "vertical-align"))
        }
        if name_attrs:
            names_node = decorate(names_node, name_attrs, ctx) or names_node
        if spec.label is not None and not ctx.sorting:
            term_name = variable
            plural = len(names) > 1
            label = _label(ctx, term_name, spec.label, plural)
            if label is not None:
                names_node = Span(
                    [label, names_node] if spec.label_before_name else [names_node, label]
                )
        return names_node


def _is_term_or_value(element: object) -> bool:
    from citeman.csl.nodes import TextNode  # nodes builds on names: import when used

    return isinstance(element, TextNode) and bool(element.attrs.keys() & {"term", "value"})


def _space_before(term: str) -> str:
    """A space before "et al." or "and", none before 等 or ו (they attach to the name)."""
    first = ord(term[:1]) if term else 0
    chinese_or_japanese = 0x3000 <= first <= 0x9FFF or 0xF900 <= first <= 0xFAFF
    hebrew_letter = len(term) == 1 and 0x0590 <= first <= 0x05FF
    return "" if chinese_or_japanese or hebrew_letter else " "


def _label(ctx: RenderContext, term_name: str, attrs: dict[str, str], plural: bool) -> Node | None:
    plural_option = attrs.get("plural", "contextual")
    if plural_option == "always":
        plural = True
    elif plural_option == "never":
        plural = False
    text = ctx.style.locale.term(term_name, attrs.get("form", "long"), plural)
    if not text:
        return None
    return decorate(Leaf(text), attrs, ctx, term=True)


def _int(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def name_options(ctx: RenderContext, spec: NameSpec | None) -> dict[str, str]:
    """The effective options of a <name>: its own, else inherited (sort keys may override)."""
    options: dict[str, str] = {}
    for option in NAME_OPTIONS:
        inherited_name = {"form": "name-form", "delimiter": "name-delimiter"}.get(option, option)
        value = spec.attrs.get(option) if spec else None
        if value is None:
            value = ctx.style.inherited(ctx.mode, inherited_name)
        if value is not None:
            options[option] = value
    if ctx.sorting:
        options.update(ctx.sort_name_options)
    return options


def render_name(
    name: ParsedName, index: int, spec: NameSpec, options: dict[str, str], ctx: RenderContext
) -> tuple[Node, bool]:
    """One name as a node, and whether it came out inverted (family first)."""
    if name.literal:  # an institution: may carry markup, takes the family formatting
        family_attrs = spec.parts.get("family")
        literal: Node = Span(parse_markup(name.literal))
        return (decorate(literal, family_attrs, ctx) if family_attrs else None) or literal, False
    form = options.get("form", "long")
    disambiguation = ctx.disambiguation
    level = max(
        disambiguation.givenname_level, disambiguation.name_levels.get((name.family, name.given), 0)
    )
    if disambiguation.primary_only and index > 0:
        level = 0
    if level and not ctx.sorting:
        if form == "short":
            form = "long"  # level 1 shows initials only where the style initializes
            if level >= 2:
                options = {k: v for k, v in options.items() if k != "initialize-with"}
        elif level >= 2 or (level == 1 and options.get("initialize", "true") == "false"):
            options = {k: v for k, v in options.items() if k != "initialize-with"}
    sort_order = options.get("name-as-sort-order")
    inverted = ctx.sorting or sort_order == "all" or (sort_order == "first" and index == 0)
    demote = ctx.style.root_attrs.get("demote-non-dropping-particle", "display-and-sort")
    given = name.given
    mark = options.get("initialize-with")
    if given and mark is not None:
        given = initialize(
            given,
            mark,
            options.get("initialize-with-hyphen", "true") != "false",
            options.get("initialize", "true") != "false",
        )
    family_format, family_affixes = _split_part_attrs(spec.parts.get("family", {}))
    given_format, given_affixes = _split_part_attrs(spec.parts.get("given", {}))

    def piece(text: str, attrs: dict[str, str]) -> Node | None:
        if not text:
            return None
        text = text.replace("'", "’")
        leaf: Node = Span(parse_markup(text)) if "<" in text else Leaf(text)
        return (decorate(leaf, attrs, ctx) or leaf) if attrs else leaf

    def group(pieces: list[tuple[str, dict[str, str]]], affixes: dict[str, str]) -> Node | None:
        """Name pieces joined by spaces (none after "d'" or "al-"), then the affixes."""
        children: list[Node] = []
        previous = ""
        for text, attrs in pieces:
            node = piece(text, attrs)
            if node is None:
                continue
            if children and (ctx.sorting or name.spaced_particle or not _joins_tight(previous)):
                children.append(Leaf(" "))
            children.append(node)
            previous = text
        if not children:
            return None
        joined = Span(children)
        return (decorate(joined, affixes, ctx) or joined) if affixes else joined

    if not name.family:
        # a given name alone ("Banksy") is shown whole, never initialized
        return piece(name.given, {**given_format, **given_affixes}) or Leaf(""), False
    if not name.romanesque:
        family = piece(name.family, {**family_format, **family_affixes})
        if form == "short" or not given:
            return (family or Leaf("")), False
        given_piece = piece(given, {**given_format, **given_affixes})
        return Span([n for n in (family, given_piece) if n is not None]), False
    if form == "short" or not given:
        pieces = [(name.non_dropping, family_format), (name.family, family_format)]
        if form != "short" and not given:
            pieces.insert(0, (name.dropping, {}))
        short_node = group(pieces, family_affixes) or Leaf("")
        if not given and name.suffix and form != "short":
            suffix_joint = ", " if name.comma_suffix else " "
            return Span([short_node, Leaf(suffix_joint), Leaf(name.suffix)]), False
        return short_node, False
    separator = options.get("sort-separator", ", ")
    family_node: Node | None
    given_node: Node | None
    if inverted:
        if (demote in ("never", "sort-only") and not ctx.sorting) or demote == "never":
            family_node = group(
                [(name.non_dropping, family_format), (name.family, family_format)], family_affixes
            )
            given_node = group(
                [(given, given_format), (name.dropping, given_format)], given_affixes
            )
        else:
            family_node = group([(name.family, family_format)], family_affixes)
            given_node = group(
                [
                    (given, given_format),
                    (name.dropping, given_format),
                    (name.non_dropping, family_format),
                ],
                given_affixes,
            )
        inverted_pieces = [n for n in (family_node, given_node) if n is not None]
        if name.suffix:
            inverted_pieces.append(Leaf(name.suffix.replace("'", "’")))
        children: list[Node] = []
        for position, node in enumerate(inverted_pieces):
            if position:
                children.append(Leaf(separator))
            children.append(node)
        return Span(children), True
    given_node = group([(given, given_format)], given_affixes)
    family_pieces = [
        (name.dropping, {}),
        (name.non_dropping, family_format),
        (name.family, family_format),
    ]
    if name.suffix:  # "(de La Fontaine III)": the suffix goes with the family name
        joint = "," if name.comma_suffix else ""
        family_pieces[-1] = (f"{name.family}{joint}", family_format)
        family_pieces.append((name.suffix, {}))
    family_node = group(family_pieces, family_affixes)
    ordered: list[Node] = []
    if given_node is not None:
        ordered.append(given_node)
    if family_node is not None:
        if ordered:
            ordered.append(Leaf(" "))
        ordered.append(family_node)
    return Span(ordered), False


def _split_part_attrs(attrs: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A name-part's formatting (per piece) and its affixes (around the whole part)."""
    affixes = {k: v for k, v in attrs.items() if k in ("prefix", "suffix")}
    formatting = {k: v for k, v in attrs.items() if k not in ("prefix", "suffix")}
    return formatting, affixes
