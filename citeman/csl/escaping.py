"""Escape data for each output format, so that no title can inject markup.

Use cases::

    escape_html("<script> & Co")            # "&#60;script&#62; &#38; Co"
    escape_markdown("*not* emphasis_here")  # "\\*not\\* emphasis\\_here"

HTML uses the numeric entities of the CSL test suite (``&#38; &#60; &#62;``).
"""

from __future__ import annotations

import re
import unicodedata

_HTML = str.maketrans({"&": "&#38;", "<": "&#60;", ">": "&#62;"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>^~#|])")


def _superscript_base(char: str) -> str | None:
    decomposition = unicodedata.decomposition(char)
    if decomposition.startswith("<super> "):
        return chr(int(decomposition.split()[1], 16))
    return None


_SUPERSCRIPTS = {
    char: f"<sup>{base}</sup>"
    for code in (
        0xAA,
        0xB2,
        0xB3,
        0xB9,
        0xBA,
        *range(0x2B0, 0x2E5),
        *range(0x1D2C, 0x1DC0),
        *range(0x2070, 0x2080),
    )
    if (base := _superscript_base(char := chr(code))) is not None
}
_SUPERSCRIPT_PATTERN = re.compile("[" + "".join(map(re.escape, _SUPERSCRIPTS)) + "]")


def escape_html(text: str) -> str:
    """Data made safe for HTML; superscript letters (ª, ²) as <sup> like citeproc-js."""
    escaped = text.translate(_HTML)
    return _SUPERSCRIPT_PATTERN.sub(lambda match: _SUPERSCRIPTS[match.group(0)], escaped)


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def escape_text(text: str) -> str:
    return text
