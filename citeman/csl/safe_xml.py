"""Reading style XML that may come from anywhere, safely.

A user can pass any ``.csl`` file to ``cite render --style``. Before citeproc-py
parses it, the bytes are checked here with a parser that resolves no entities,
loads no DTD and reaches no network, with bounds on size and depth: a "billion
laughs" file, an external entity or a pathologically nested file fails fast with
one clear error instead of eating memory or reading local files.
"""

from __future__ import annotations

from lxml import etree

from citeman.errors import InvalidInputError

#: The largest style in the CSL repository is about 300 KB.
MAX_STYLE_BYTES = 4 * 1024 * 1024
#: Real styles nest about 20 elements deep.
MAX_STYLE_DEPTH = 200

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
)


def check_style_xml(xml: bytes, origin: str) -> None:
    """Raise InvalidInputError unless ``xml`` is a plain, bounded XML document."""
    hint = "pass a CSL 1.0 style file, or a style id (see `cite styles`)"
    if len(xml) > MAX_STYLE_BYTES:
        raise InvalidInputError(
            f"style {origin} is {len(xml):,} bytes; a CSL style is at most"
            f" {MAX_STYLE_BYTES:,}", hint
        )
    try:
        tree = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InvalidInputError(f"style {origin} is not well-formed XML: {exc}", hint) from None
    docinfo = tree.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise InvalidInputError(
            f"style {origin} declares a DTD; CSL styles have none (entities are refused)", hint
        )
    for element in tree.iter():
        if not isinstance(element.tag, str):
            raise InvalidInputError(f"style {origin} holds entity references", hint)
    if _depth(tree) > MAX_STYLE_DEPTH:
        raise InvalidInputError(f"style {origin} nests deeper than {MAX_STYLE_DEPTH}", hint)
    if etree.QName(tree).localname != "style":
        raise InvalidInputError(f"{origin} is XML but not a CSL style (no <style> root)", hint)


def _depth(root: etree._Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in element)
    return deepest
