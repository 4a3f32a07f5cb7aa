"""Bibliography entries: subsequent-author-substitute and second-field-align.

Use cases::

    subsequent-author-substitute="———"   Kotkin, Stephen. Stalin I.
                                         ———. Stalin II.
    ...-rule="complete-each"             ———, ———, and ———. (each name)
    ...-rule="partial-each"              names the same as the entry above, from the first on
    ...-rule="partial-first"             only the first name
    second-field-align="flush"           <div class="csl-left-margin">1. </div>
                                         <div class="csl-right-inline">Doe, J. ...</div>

Entries are compared on their first name list (without its label); a list
substituted by a title compares as that title.
"""

from __future__ import annotations

from citeman.csl.richtext import Leaf, Node, Span


def _first_name_list(node: Node) -> Span | None:
    if isinstance(node, Leaf):
        return None
    for child in node.children:
        found = _first_name_list(child)
        if found is not None:
            return found  # the innermost list: names without their label
    return node if node.role == "name-list" else None


def _name_spans(node: Node) -> list[Span]:
    if isinstance(node, Leaf):
        return []
    if node.role == "name":
        return [node]
    return [span for child in node.children for span in _name_spans(child)]


def substitute_subsequent_authors(nodes: list[Node], substitute: str, rule: str) -> None:
    """Replace repeated names in place, entry by entry, as ``rule`` says."""
    previous: tuple[str, ...] | None = None
    for node in nodes:
        names = _first_name_list(node)
        if names is None:
            previous = None
            continue
        key = names.key
        if previous is not None and key:
            if rule == "complete-all" and key == previous:
                names.children = [Leaf(substitute)] if substitute else []
            elif rule == "complete-each" and key == previous:
                for span in _name_spans(names):
                    span.children = [Leaf(substitute)]
            elif rule in ("partial-each", "partial-first") and not _name_spans(names):
                if key == previous:  # a title in place of names: all or nothing
                    names.children = [Leaf(substitute)] if substitute else []
            elif rule in ("partial-each", "partial-first"):
                spans = _name_spans(names)
                for index, (name, before) in enumerate(zip(key, previous, strict=False)):
                    if name != before or index >= len(spans):
                        break
                    spans[index].children = [Leaf(substitute)]
                    if rule == "partial-first":
                        break
        previous = key


def second_field_align(node: Node) -> Node:
    """The entry's first field in a left margin block, the rest in a right inline block."""
    if not isinstance(node, Span) or len(node.children) < 2:
        return node
    first, *rest = node.children
    return Span(
        [Span([first], display="left-margin"), Span(rest, display="right-inline")],
        fmt=node.fmt,
        quotes=node.quotes,
    )
