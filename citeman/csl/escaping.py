"""Escape data for each output format, so that no title can inject markup.

Use cases::

    escape_html("<script> & Co")            # "&#60;script&#62; &#38; Co"
    escape_markdown("*not* emphasis_here")  # "\\*not\\* emphasis\\_here"

HTML uses the numeric entities of the CSL test suite (``&#38; &#60; &#62;``).
"""

from __future__ import annotations

import re

_HTML = str.maketrans({"&": "&#38;", "<": "&#60;", ">": "&#62;"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>^~#|])")


def escape_html(text: str) -> str:
    return text.translate(_HTML)


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def escape_text(text: str) -> str:
    return text
