"""Cites joined into a cluster, collapsed when the style asks.

Use cases::

    collapse="citation-number"      [1], [2], [3], [5]  →  [1]–[3], [5]
    collapse="year"                 (Doe 2000; Doe 2001)  →  (Doe 2000, 2001)
    collapse="year-suffix"          (Doe 2000a; Doe 2000b)  →  (Doe 2000a, b)
    collapse="year-suffix-ranged"   (Doe 2000a; 2000b; 2000c)  →  (Doe 2000a–c)

Cites by the same names are brought together after the first of them
(``cite-group-delimiter`` inside such a group, ``after-collapse-delimiter``
after it). A cite's own prefix or suffix starting or ending with punctuation
takes the place of the delimiter ("Smith, Book, and Jones, Book").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from citeman.csl.context import CiteInfo
from citeman.csl.richtext import Leaf, Node, Span, leaves, plain_text

if TYPE_CHECKING:
    from citeman.csl.engine import CiteRef, Engine

_PUNCTUATION = ",.;:!?"
MIN_RANGE = 3


@dataclass
class CiteOutput:
    ref: CiteRef
    info: CiteInfo
    node: Node
    names: str  # plain text of the cite's first names (its "author")

    @property
    def plain(self) -> bool:
        """Whether the cite may be folded into a range (no locator, prefix or suffix)."""
        return not (self.ref.locator or self.ref.prefix or self.ref.suffix)


def _affixed(output: CiteOutput, node: Node) -> Node:
    from citeman.csl.engine import affixed

    return affixed(output.ref, node)


@dataclass
class _Piece:
    node: Node
    delimiter: str  # what goes before it
    output: CiteOutput | None


def _join(pieces: list[_Piece]) -> list[Node]:
    children: list[Node] = []
    previous: _Piece | None = None
    for piece in pieces:
        if previous is not None:
            delimiter = piece.delimiter
            prefix = (piece.output.ref.prefix or "") if piece.output else ""
            suffix = (previous.output.ref.suffix or "") if previous.output else ""
            if prefix[:1] in _PUNCTUATION and prefix:
                delimiter = ""
            elif suffix.rstrip()[-1:] in _PUNCTUATION and suffix.strip():
                delimiter = delimiter.lstrip(_PUNCTUATION)
            if delimiter:
                children.append(Leaf(delimiter))
        children.append(piece.node)
        previous = piece
    return children


def collapse_cites(
    outputs: list[CiteOutput], engine: Engine, delimiter: str, grouped: bool = True
) -> list[Node]:
    """The children of a cluster: cites (with their affixes) and delimiters.

    ``grouped=False`` joins the cites as given: no ranges, author groups or collapsing.
    """
    citation = engine.style.citation
    mode = citation.attrs.get("collapse") if citation and grouped else None
    if mode == "citation-number":
        return _join(_number_ranges(outputs, engine, delimiter))
    grouping = mode in ("year", "year-suffix", "year-suffix-ranged") or (
        grouped and citation is not None and "cite-group-delimiter" in citation.attrs
    )
    if grouping and citation is not None:
        collapse = mode if mode in ("year", "year-suffix", "year-suffix-ranged") else None
        return _join(_author_groups(outputs, engine, delimiter, collapse, citation.attrs))
    return _join([_Piece(_affixed(o, o.node), delimiter, o) for o in outputs])


def _number_ranges(outputs: list[CiteOutput], engine: Engine, delimiter: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    run: list[CiteOutput] = []
    numbers = {o.ref.id: engine.citation_number(o.ref.id) or 0 for o in outputs}

    def flush() -> None:
        if len(run) >= MIN_RANGE:
            node = Span([run[0].node, Leaf("–"), run[-1].node])
            pieces.append(_Piece(node, delimiter, None))
        else:
            pieces.extend(_Piece(_affixed(o, o.node), delimiter, o) for o in run)
        run.clear()

    for output in outputs:
        if (
            run
            and output.plain
            and run[-1].plain
            and numbers[output.ref.id] == numbers[run[-1].ref.id] + 1
        ):
            run.append(output)
            continue
        flush()
        run.append(output)
    flush()
    return pieces


def _without_suffix(node: Node) -> str:
    return "".join(leaf.text for leaf in leaves(node) if leaf.role != "year-suffix")


def _suffix_of(node: Node) -> str | None:
    for leaf in leaves(node):
        if leaf.role == "year-suffix":
            return leaf.text
    return None


def _author_groups(
    outputs: list[CiteOutput],
    engine: Engine,
    delimiter: str,
    mode: str | None,
    attrs: dict[str, str],
) -> list[_Piece]:
    """Adjacent cites by the same names as groups; with ``collapse`` the names of the
    later ones are dropped and repeated years reduced to their suffixes."""
    groups: list[list[CiteOutput]] = []
    sorted_cluster = bool(engine.style.citation and engine.style.citation.sort)
    for output in outputs:
        if output.names or mode:
            # a sorted cluster gathers all cites by the same names; else only neighbours
            candidates = groups if sorted_cluster else groups[-1:]
            same = next((g for g in candidates if g[0].names == output.names), None)
            if same is not None:
                same.append(output)
                continue
        groups.append([output])
    group_delimiter = attrs.get("cite-group-delimiter", _default_group_delimiter(engine, delimiter))
    suffix_delimiter = attrs.get(
        "year-suffix-delimiter", attrs.get("cite-group-delimiter", delimiter)
    )
    after_collapse = attrs.get("after-collapse-delimiter", delimiter)
    pieces: list[_Piece] = []
    for group_index, group in enumerate(groups):
        first = group[0]
        collapsed_before = group_index and len(groups[group_index - 1]) > 1 and mode
        pieces.append(
            _Piece(
                _affixed(first, first.node),
                after_collapse if collapsed_before else delimiter,
                first,
            )
        )
        if mode is None:
            pieces.extend(_Piece(_affixed(m, m.node), group_delimiter, m) for m in group[1:])
            continue
        previous = first
        previous_key: str | None = None
        previous_suffix: str | None = None
        in_suffix_run = False
        if mode != "year" and first.plain:
            previous_key = _without_suffix(_suppressed(first, engine) or first.node)
            previous_suffix = _suffix_of(first.node)
        for member in group[1:]:
            node = _suppressed(member, engine)
            if node is None:
                continue
            suffix = _suffix_of(node)
            key = _without_suffix(node)
            if (
                mode != "year"
                and member.plain
                and suffix
                and previous_suffix
                and key == previous_key
            ):
                pieces.append(_Piece(Leaf(suffix), suffix_delimiter, member))
                in_suffix_run = True
            else:
                joint = after_collapse if in_suffix_run or previous.ref.locator else group_delimiter
                pieces.append(_Piece(_affixed(member, node), joint, member))
                in_suffix_run = False
            previous = member
            previous_key, previous_suffix = (key, suffix) if member.plain else (None, None)
        if mode == "year-suffix-ranged":
            _range_suffixes(pieces, first)
    return pieces


def _default_group_delimiter(engine: Engine, layout_delimiter: str) -> str:
    """Without cite-group-delimiter, a note style keeps its layout delimiter between the
    collapsed cites of one author ("Smith 2000a; 2000b"), as citeproc-js does; an
    in-text style takes the specification's ", "."""
    return layout_delimiter if engine.is_note_style else ", "


def _range_suffixes(pieces: list[_Piece], first: CiteOutput) -> None:
    """Consecutive suffixes a, b, c of one group → a–c (in place)."""
    start = next(i for i, p in enumerate(pieces) if p.output is first)
    index = start
    while index < len(pieces):
        run_end = index
        while run_end + 1 < len(pieces) and _next_letter(pieces[run_end], pieces[run_end + 1]):
            run_end += 1
        if run_end - index + 1 >= MIN_RANGE:
            last = pieces[run_end]
            del pieces[index + 1 : run_end + 1]
            pieces.insert(index + 1, _Piece(Leaf(plain_text(last.node)), "–", last.output))
            pieces[index + 1].delimiter = "–"
            index += 2
        else:
            index += 1


def _next_letter(left: _Piece, right: _Piece) -> bool:
    left_suffix = _suffix_of(left.node)
    right_suffix = _suffix_of(right.node) if isinstance(right.node, Span) else None
    if right_suffix is None and isinstance(right.node, Leaf):
        right_suffix = right.node.text
    if left_suffix is None and isinstance(left.node, Leaf):
        left_suffix = left.node.text
    if not left_suffix or not right_suffix or len(left_suffix) != 1 or len(right_suffix) != 1:
        return False
    return ord(right_suffix) == ord(left_suffix) + 1


def _suppressed(output: CiteOutput, engine: Engine) -> Node | None:
    ref = output.ref.model_copy(update={"suppress_author": True})
    return engine.render_cite(ref.id, output.info, ref=ref).node
