"""The engine's output tree, and inline markup found in item data.

Use cases::

    Span([Leaf("Stalin")], fmt={"font-style": "italic"})   # what <text font-style="italic"> makes
    parse_markup('The <i>Titanic</i> "myth"')                # data with markup → Leaf/Span nodes

Rendering builds a tree of :class:`Span` (formatting, quotes, display) and
:class:`Leaf` (text). Affixes and delimiters are leaves of their own, so the
punctuation passes (see :mod:`citeman.csl.punctuation`) only ever merge
punctuation at the seams between pieces, never inside a title.

Data may carry the markup the CSL-JSON spec allows: ``<i> <b> <sc> <sup>
<sub>``, ``<span class="nocase">`` (text-case leaves it alone),
``<span style="font-variant:small-caps;">`` and quotation marks, which become
the locale's quotes. Anything else (``<script>``) stays text and is escaped
on output.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field


@dataclass
class Leaf:
    text: str
    nocase: bool = False
    role: str = ""  # "year-suffix" marks the suffix, for collapsing
    origin: int = 0  # which piece of data the text came from (0: the style)


@dataclass
class Span:
    children: list[Node] = field(default_factory=list)
    fmt: dict[str, str] = field(default_factory=dict)
    quotes: str = ""  # "style" (quotes="true"), or a kind of _DATA_QUOTE_KINDS found in data
    display: str | None = None
    role: str = ""  # "name-list" / "name": what subsequent-author-substitute replaces
    key: tuple[str, ...] = ()  # a name list's names, for comparing entries
    origin: int = 0


Node = Leaf | Span


def leaves(node: Node) -> list[Leaf]:
    """The leaves of a tree, in order."""
    found: list[Leaf] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Leaf):
            found.append(current)
        else:
            stack.extend(reversed(current.children))
    return found


def joined(nodes: list[Node], delimiter: str) -> Span | None:
    """``nodes`` with ``delimiter`` between them; None for no nodes."""
    if not nodes:
        return None
    children: list[Node] = []
    for index, node in enumerate(nodes):
        if index and delimiter:
            children.append(Leaf(delimiter))
        children.append(node)
    return Span(children)


def plain_text(node: Node | None) -> str:
    """The text of a tree without markup (for sort keys, comparisons and emptiness)."""
    if node is None:
        return ""
    return "".join(leaf.text for leaf in leaves(node))


def is_empty(node: Node | None) -> bool:
    """Whether a tree has no text at all (checked often: a plain loop, no recursion)."""
    if node is None:
        return True
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if current.__class__ is Leaf:
            if current.text:
                return False
        else:
            stack.extend(current.children)  # type: ignore[union-attr]
    return True


_TAGS: dict[str, tuple[str, str] | None] = {
    "i": ("font-style", "italic"),
    "em": ("font-style", "italic"),
    "b": ("font-weight", "bold"),
    "strong": ("font-weight", "bold"),
    "sc": ("font-variant", "small-caps"),
    "sup": ("vertical-align", "sup"),
    "sub": ("vertical-align", "sub"),
}
_MARKUP = re.compile(
    r'<(/?)(i|em|b|strong|sc|sup|sub)>|<span\s+class="nocase">|<span\s+class="nodecor">|'
    r'<span\s+style="font-variant:\s*small-caps;?">|</span>|'
    r'(?P<quote>["“”]|(?<![\w])[\'‘](?=[\w"“]|<(?!/))|(?<=[\w.,!?>"”])[\'’](?![\w]))'
)


#: A quotation mark opening a quote in data → the kind of quote: straight marks are the
#: locale's outer quotes; typed curly marks outside any quote stay as typed (citeproc-js
#: keeps “…” in an en-GB title). Nested in a quote, any quote flips.
_DATA_QUOTE_KINDS = {'"': "outer", "'": "outer", "“": "typed-double", "‘": "typed-single"}

_ORIGINS = itertools.count(1)
#: text-case leaves alone what data marks nocase, and small caps, super- and subscripts
_CASE_PROTECTED = frozenset({"nocase", "sc", "sup", "sub", "span"})
_NODECOR = {"font-style": "normal", "font-variant": "normal", "font-weight": "normal"}


def parse_markup(text: str) -> list[Node]:
    """Item data → nodes, honouring the inline markup CSL-JSON allows.

    Straight quotes alternate as they nest; see _DATA_QUOTE_KINDS for what each mark means.
    """
    if (
        "<" not in text
        and '"' not in text
        and "'" not in text
        and "“" not in text
        and "‘" not in text
    ):
        return [Leaf(text)]
    root = Span()
    stack: list[tuple[str, Span]] = [("root", root)]
    position = 0
    origin = next(_ORIGINS)
    marks: dict[int, str] = {}  # the mark that opened each quote span
    abandoned: list[Span] = []

    def add_text(piece: str) -> None:
        if not piece:
            return
        piece = piece.replace("'", "’")
        nocase = any(kind in _CASE_PROTECTED for kind, _span in stack)
        stack[-1][1].children.append(Leaf(piece, nocase=nocase, origin=origin))

    def open_span(kind: str, span: Span) -> None:
        stack[-1][1].children.append(span)
        stack.append((kind, span))

    def close(kind: str) -> bool:
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth][0] == kind:
                # a quote still open inside a closing tag never closes ("<i>l'</i>")
                abandoned.extend(span for _kind, span in stack[depth + 1 :] if span.quotes)
                del stack[depth:]
                return True
        return False

    for match in _MARKUP.finditer(text):
        add_text(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if match.group("quote"):
            kind = "dq" if token in '"“”' else "sq"
            inside = any(k == kind for k, _ in stack)
            opening = token in "“‘" or (token in "\"'" and not inside)
            if token in "”’":
                opening = False
            if token == '"':
                before = text[match.start() - 1] if match.start() else " "
                after = text[match.end()] if match.end() < len(text) else " "
                if (opening and after.isspace()) or (not opening and before.isspace()):
                    add_text(token)  # a straight quote standing alone is no quote
                    continue
            if opening:
                quote_span = Span(quotes=_DATA_QUOTE_KINDS[token], origin=origin)
                marks[id(quote_span)] = token.replace("'", "’")
                open_span(kind, quote_span)
            elif not close(kind):
                add_text("’" if kind == "sq" else token)
        elif token.startswith("<span"):
            if "nocase" in token:
                open_span("nocase", Span())
            elif "nodecor" in token:
                open_span("span", Span(fmt=dict(_NODECOR)))
            else:
                open_span("span", Span(fmt={"font-variant": "small-caps"}))
        elif token == "</span>":
            if not (close("nocase") if stack[-1][0] == "nocase" else close("span")) and not close(
                "nocase"
            ):
                add_text(token)
        else:
            name = match.group(2)
            fmt = _TAGS[name]
            assert fmt is not None
            if match.group(1):
                if not close(name):
                    add_text(token)
            else:
                open_span(name, Span(fmt={fmt[0]: fmt[1]}))
    add_text(text[position:])
    # unclosed quotes were not quotes: give the mark back as text
    open_spans = [span for _kind, span in stack[1:]] + abandoned
    unclosed = {id(span): marks.get(id(span), "") for span in open_spans}
    _unwrap_unclosed(root, unclosed)
    return root.children


def _unwrap_unclosed(span: Span, unclosed: dict[int, str]) -> None:
    children: list[Node] = []
    for child in span.children:
        if isinstance(child, Span):
            _unwrap_unclosed(child, unclosed)
            if id(child) in unclosed and child.quotes:
                children.append(Leaf(unclosed[id(child)]))
                children.extend(child.children)
                continue
        children.append(child)
    span.children = children
