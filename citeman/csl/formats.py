"""Turn the output tree into html, plain text or markdown.

Use cases::

    serialize(node, "html", quotes, punctuation_in_quote=True)
    # <i>Stalin</i>, “Title,” 519.

Steps: the tree becomes a token stream; nested italics flip to normal and
nested quotes to the inner quotation marks (flip-flop); punctuation moves into
quotes when the locale asks for it; punctuation and spaces merge at seams; then
each token is written in the output format, data escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from citeman.csl.escaping import escape_html, escape_markdown, escape_text
from citeman.csl.punctuation import Token, merge_seams, move_punctuation_into_quotes
from citeman.csl.richtext import Leaf, Node

_NORMAL = {
    "font-style": "normal",
    "font-weight": "normal",
    "font-variant": "normal",
    "text-decoration": "none",
    "vertical-align": "baseline",
}
_HTML_OPEN = {
    ("font-style", "italic"): ("<i>", "</i>"),
    ("font-style", "oblique"): ("<i>", "</i>"),
    ("font-weight", "bold"): ("<b>", "</b>"),
    ("vertical-align", "sup"): ("<sup>", "</sup>"),
    ("vertical-align", "sub"): ("<sub>", "</sub>"),
}
_MARKDOWN = {
    ("font-style", "italic"): ("*", "*"),
    ("font-style", "oblique"): ("*", "*"),
    ("font-weight", "bold"): ("**", "**"),
    ("vertical-align", "sup"): ("^", "^"),
    ("vertical-align", "sub"): ("~", "~"),
}


@dataclass(frozen=True)
class QuoteMarks:
    open: str = "“"
    close: str = "”"
    inner_open: str = "‘"
    inner_close: str = "’"


def _flatten(node: Node, tokens: list[Token], active: dict[str, list[str]]) -> None:
    if isinstance(node, Leaf):
        if node.text:
            tokens.append(Token("text", node.text, origin=node.origin))
        return
    if node.display:
        tokens.append(Token("block-open", value=node.display))
    opened: list[tuple[str, str]] = []
    for attr, value in node.fmt.items():
        current = active.get(attr, [])
        current_value = current[-1] if current else _NORMAL.get(attr, "")
        if value == current_value:
            if value != _NORMAL.get(attr) and attr in ("font-style", "font-variant", "font-weight"):
                value = _NORMAL[attr]  # flip-flop: italic inside italic comes out roman
            else:
                continue
        opened.append((attr, value))
        active.setdefault(attr, []).append(value)
        tokens.append(Token("open", attr=attr, value=value))
    if node.quotes:
        tokens.append(Token("oq", value=node.quotes))
    for child in node.children:
        _flatten(child, tokens, active)
    if node.quotes:
        tokens.append(Token("cq", value=node.quotes, origin=node.origin))
    for attr, value in reversed(opened):
        active[attr].pop()
        tokens.append(Token("close", attr=attr, value=value))
    if node.display:
        tokens.append(Token("block-close", value=node.display))


def _drop_empty_formatting(tokens: list[Token]) -> list[Token]:
    result: list[Token] = []
    for token in tokens:
        if token.kind == "text" and not token.text:
            continue
        if (
            token.kind == "close"
            and result
            and result[-1].kind == "open"
            and result[-1].attr == token.attr
        ):
            result.pop()
            continue
        if token.kind == "block-close" and result and result[-1].kind == "block-open":
            result.pop()
            continue
        result.append(token)
    return result


def tokenize(node: Node, punctuation_in_quote: bool) -> list[Token]:
    tokens: list[Token] = []
    _flatten(node, tokens, {})
    if punctuation_in_quote:
        move_punctuation_into_quotes(tokens)
    merge_seams(tokens)
    if punctuation_in_quote:  # a merge can leave a mark that now belongs inside ("”:!")
        move_punctuation_into_quotes(tokens)
        merge_seams(tokens)
    return _drop_empty_formatting(tokens)


def _html_tag(attr: str, value: str) -> tuple[str, str]:
    if (attr, value) in _HTML_OPEN:
        return _HTML_OPEN[(attr, value)]
    if attr == "vertical-align" and value == "baseline":
        return '<span style="baseline">', "</span>"
    return f'<span style="{attr}:{value};">', "</span>"


_TYPED_QUOTES = {"typed-double": ("“", "”"), "typed-single": ("‘", "’")}


def serialize(
    node: Node,
    output: str,
    quotes: QuoteMarks,
    punctuation_in_quote: bool,
    strip_end: bool = False,
    strip_start: bool = False,
) -> str:
    """The tree written as ``output`` ("html", "text" or "markdown").

    ``strip_end`` drops trailing spaces (an aligned bibliography entry ends with its
    text); ``strip_start`` the leading ones of an entry that opens with a display
    block (as when subsequent-author-substitute="" emptied the block before it).
    """
    escape = {"html": escape_html, "markdown": escape_markdown}.get(output, escape_text)
    parts: list[str] = []
    open_quotes: list[tuple[bool, str]] = []  # each open quotation: is it outer, its close
    tokens = tokenize(node, punctuation_in_quote)
    if strip_end:
        for token in reversed(tokens):
            if token.kind == "text":
                token.text = token.text.rstrip()
                if token.text:
                    break
            elif token.kind not in ("close", "block-close", "cq"):
                break
    if strip_start and any(t.kind == "block-open" for t in tokens[:1]):
        for token in tokens:
            if token.kind == "text":
                token.text = token.text.lstrip()
                if token.text:
                    break
            elif token.kind not in ("open", "block-open"):
                break
    for token in tokens:
        kind = token.kind
        if kind == "text":
            parts.append(escape(token.text))
        elif kind == "oq":
            # a quote inside another is the other kind, as in “My ‘“Amazing”’ Title”
            if open_quotes:
                outer = not open_quotes[-1][0]
            elif token.value in _TYPED_QUOTES:  # typed “…” or ‘…’, kept as typed
                opening, closing = _TYPED_QUOTES[token.value]
                open_quotes.append((token.value == "typed-double", closing))
                parts.append(opening)
                continue
            else:
                outer = token.value != "inner"
            open_quotes.append((outer, quotes.close if outer else quotes.inner_close))
            parts.append(quotes.open if outer else quotes.inner_open)
        elif kind == "cq":
            parts.append(open_quotes.pop()[1] if open_quotes else quotes.close)
        elif output == "html":
            if kind in ("open", "close"):
                tag = _html_tag(token.attr, token.value)
                parts.append(tag[0] if kind == "open" else tag[1])
            elif kind == "block-open":
                parts.append(f'<div class="csl-{token.value}">')
            else:
                parts.append("</div>")
        elif output == "markdown" and kind in ("open", "close"):
            marks = _MARKDOWN.get((token.attr, token.value))
            if marks:
                parts.append(marks[0] if kind == "open" else marks[1])
        elif kind == "block-close" and parts and not parts[-1].endswith((" ", "\n")):
            parts.append(" ")  # "[1] Doe, J." in text: blocks become a space
    return "".join(parts).rstrip(" ") if output != "html" else "".join(parts)
