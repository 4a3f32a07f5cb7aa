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
        return "".join(chr(int(code, 16)) for code in decomposition.split()[1:])
    return None


#: every character Unicode calls a superscript form (ª ² ᵃ ™ ㆒ ...) → <sup>base</sup>
_SUPERSCRIPTS = {
    char: f"<sup>{base}</sup>"
    for code in range(0x80, 0x10000)
    if (base := _superscript_base(char := chr(code))) is not None
} | {"ˀ": "<sup>ʔ</sup>", "ˁ": "<sup>ʕ</sup>", "ۥ": "<sup>و</sup>", "ۦ": "<sup>ي</sup>"}
_SUPERSCRIPT_PATTERN = re.compile("[" + "".join(map(re.escape, _SUPERSCRIPTS)) + "]")


def escape_html(text: str) -> str:
    """Data made safe for HTML; superscript letters (ª, ²) as <sup> like citeproc-js."""
    escaped = text.translate(_HTML)
    return _SUPERSCRIPT_PATTERN.sub(lambda match: _SUPERSCRIPTS[match.group(0)], escaped)


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def escape_text(text: str) -> str:
    return text
