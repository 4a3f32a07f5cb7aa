"""Text folding shared by the index (when storing) and the search (when querying).

Exact-value filters (``tag:``, ``locator:``) compare folded strings, so that
``tag:Sowjetunion`` finds the tag ``sowjetunion`` and ``tag:etat`` finds ``État``,
the same leniency FTS5's ``unicode61 remove_diacritics 2`` gives to words.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case- and diacritics-insensitive form: ``'Mólotov'`` → ``'molotov'``."""
    if text.isascii():  # most tags and locators: nothing to decompose
        return text.lower().strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).strip()


def fold_locator(text: str) -> str:
    """A locator as compared by ``locator:``: folded, without spaces (``'p.45'``)."""
    return _SPACES.sub("", fold(text))
