"""LaTeX in BibTeX field values → Unicode text, with CSL-JSON markup on request.

BibTeX values are LaTeX: ``Erd{\\H{o}}s``, ``Stra{\\ss}e``, ``{\\em Ibid.}``,
``1914--1918``. CSL processors want Unicode, and they understand a small set of
HTML-like tags in data: ``<i>``, ``<b>``, ``<sup>``, ``<sub>``, small caps as
``<span style="font-variant:small-caps;">`` and case protection as
``<span class="nocase">`` (text-case leaves it alone). This module converts
one to the other in a single regex-driven pass (thousands of values per
millisecond-scale budget: a 20,000-entry library must load in under 3 s).

Use cases::

    decode_latex(r"Erd{\\H{o}}s")                       # 'Erdős'  (plain: names, search)
    latex_to_csl(r"The {Fed} and \\emph{Stalin}")      # 'The <span class="nocase">Fed</span>
                                                       #  and <i>Stalin</i>'

Rules (pandoc's, with the deliberate differences marked ★):

* accents ``\\'e \\"{o} {\\"o} \\c{c} \\v{s} \\u{a} \\={a} \\.{z} \\H{o} \\k{a} \\r{a}
  \\~n \\^o \\`a \\d{a} \\b{a}``, on dotless ``\\i`` and ``\\j`` too; letters ``\\ss \\o \\O
  \\ae \\AE \\oe \\OE \\l \\L \\aa \\AA \\i \\j \\dh \\th \\ng``;
* ``---`` → em dash, ``--`` → en dash, ````` and ``''`` → curly double quotes,
  a backquote → left single quote, ``~`` → no-break space;
* escaped ``\\& \\% \\$ \\# \\_ \\{ \\}`` → the character; ``\\textendash``, ``\\textemdash`` and
  other text symbols → their character;
* ``\\textit \\emph \\textsl`` (and ``{\\em …}``, ``{\\it …}``) → ``<i>``, ``\\textbf``
  (``{\\bf …}``) → ``<b>``, ``\\textsc`` → small caps, ``\\textsuperscript`` /
  ``\\textsubscript`` → ``<sup>`` / ``<sub>`` (markup only in :func:`latex_to_csl`);
* ★ ``\\mbox{x}``, ``\\url{x}``, ``\\texttt{x}`` and every unknown command with a braced
  argument → the argument's text: text is never silently dropped (pandoc drops
  ``\\mbox`` content); a bare unknown command (``\\relax``) is dropped, as TeX
  prints nothing for it; ``\\noopsort{…}`` (a sort key) is dropped;
* ★ ``{\\TeX}`` → ``TeX``, ``\\LaTeX`` → ``LaTeX``, ``\\BibTeX`` → ``BibTeX``;
* ``$…$`` is kept verbatim, dollars included;
* a brace group at the top level of a value whose first token is not a command
  (``{GaAs}``, ``{{NATO}}``) marks case-protected text: ``<span class="nocase">``
  in :func:`latex_to_csl`; accent groups like ``{\\"o}`` are not wrapped;
* runs of white space collapse to one space; the ends are stripped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["decode_latex", "latex_to_csl"]

# What makes a value more than plain text.
_NEEDS_SCAN = re.compile(r"[\\{}$~`]|--|''")
# ASCII white space only: a no-break space (from ~) is kept.
_BLANKS = re.compile(r"[ \t\r\n\f\v]+")

# Tokens; everything between them is literal text. Control words swallow the
# white space after them, as in TeX.
_TOKEN = re.compile(
    r"(\\[A-Za-z]+\*?[ \t\r\n]*"  # control word
    r"|\\[^A-Za-z]"  # control symbol: \' \& \{ ...
    r"|\\$"  # a lone trailing backslash
    r"|[{}]"
    r"|\$(?:[^$\\]|\\.)*\$"  # inline math, kept verbatim
    r"|---|--|``|''|`|~)",
    re.DOTALL,
)

_COMBINING = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
}
_SYMBOL_ACCENTS = frozenset("'`^\"~=.")
# An accent on nothing (\'{}) prints the accent itself.
_SPACING_ACCENTS = {"'": "´", "`": "`", "^": "^", '"': "¨", "~": "~", "=": "¯", ".": "˙"}

_LETTERS = {
    "ss": "ß",
    "SS": "SS",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "aa": "å",
    "AA": "Å",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "dj": "đ",
    "DJ": "Đ",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2ε",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX",
    "LuaLaTeX": "LuaLaTeX",
    "ConTeXt": "ConTeXt",
    "AmS": "AMS",
    "textendash": "–",
    "textemdash": "—",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textquotesingle": "'",
    "textquotedbl": '"',
    "quotedblbase": "„",
    "quotesinglbase": "‚",
    "guillemotleft": "«",
    "guillemotright": "»",
    "guillemetleft": "«",
    "guillemetright": "»",
    "guilsinglleft": "‹",
    "guilsinglright": "›",
    "textellipsis": "…",
    "ldots": "…",
    "dots": "…",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textunderscore": "_",
    "textbullet": "•",
    "textperiodcentered": "·",
    "textdagger": "†",
    "dag": "†",
    "textdaggerdbl": "‡",
    "ddag": "‡",
    "textsection": "§",
    "S": "§",
    "textparagraph": "¶",
    "P": "¶",
    "copyright": "©",
    "textcopyright": "©",
    "textregistered": "®",
    "texttrademark": "™",
    "pounds": "£",
    "textsterling": "£",
    "euro": "€",
    "texteuro": "€",
    "textdegree": "°",
    "textonehalf": "½",
    "textquestiondown": "¿",
    "textexclamdown": "¡",
    "textordfeminine": "ª",
    "textordmasculine": "º",
    "nobreakspace": "\u00a0",
    "enspace": "\u2002",
    "quad": "\u2003",
    "qquad": "\u2003\u2003",
    "thinspace": "\u2009",
    "space": " ",
    "slash": "/",
    "par": " ",
    "newline": " ",
    "linebreak": " ",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "mu": "μ",
    "pi": "π",
}
_CONTROL_SYMBOLS = {
    "&": "&",
    "%": "%",
    "$": "$",
    "#": "#",
    "_": "_",
    "{": "{",
    "}": "}",
    " ": " ",
    "\n": " ",
    "\t": " ",
    "\r": " ",
    ",": "\u2009",
    ";": "\u2009",
    ":": "\u2009",
    "!": "",
    "-": "",  # a hyphenation hint
    "/": "",  # an italic correction
    "@": "",
    "\\": " ",  # a line break
    "~": "~",
    "^": "^",
}

# Commands whose one argument becomes marked-up text (tag pair in CSL, plain otherwise).
_SMALL_CAPS = ('<span style="font-variant:small-caps;">', "</span>")
_MARKUP_COMMANDS: dict[str, tuple[str, str]] = {
    "textit": ("<i>", "</i>"),
    "emph": ("<i>", "</i>"),
    "textsl": ("<i>", "</i>"),
    "mkbibemph": ("<i>", "</i>"),
    "mkbibitalic": ("<i>", "</i>"),
    "textbf": ("<b>", "</b>"),
    "mkbibbold": ("<b>", "</b>"),
    "textsc": _SMALL_CAPS,
    "textsuperscript": ("<sup>", "</sup>"),
    "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
    "enquote": ("“", "”"),
    "mkbibquote": ("“", "”"),
}
# Declarations that format the rest of their group: {\em Title}.
_DECLARATIONS: dict[str, tuple[str, str]] = {
    "em": ("<i>", "</i>"),
    "it": ("<i>", "</i>"),
    "itshape": ("<i>", "</i>"),
    "sl": ("<i>", "</i>"),
    "slshape": ("<i>", "</i>"),
    "bf": ("<b>", "</b>"),
    "bfseries": ("<b>", "</b>"),
    "sc": _SMALL_CAPS,
    "scshape": _SMALL_CAPS,
}
# Plain-style declarations and commands with nothing to show of their own.
_SILENT_DECLARATIONS = frozenset(
    {
        "rm",
        "sf",
        "tt",
        "normalfont",
        "upshape",
        "mdseries",
        "rmfamily",
        "sffamily",
        "ttfamily",
        "relax",
        "protect",
        "noindent",
        "null",
        "unskip",
        "ignorespaces",
        "hfill",
        "small",
        "footnotesize",
        "scriptsize",
        "tiny",
        "large",
        "Large",
        "LARGE",
        "normalsize",
        "huge",
        "Huge",
        "bgroup",
        "egroup",
        "xspace",
        "nocorr",
    }
)
# Commands whose first argument must not be printed (sort keys, hidden labels).
_DROP_ARGUMENT = frozenset({"noopsort", "sortnoop", "SortNoop", "printfirst", "label", "index"})
# Commands with two arguments of which the second is the text: \href{url}{text}.
_SECOND_ARGUMENT = frozenset({"href", "foreignlanguage", "hyphenrules", "textcolor"})


def decode_latex(text: str) -> str:
    """LaTeX → plain Unicode text (no markup): names, keys for search, messages."""
    return _decode(text, False) if text else ""


def latex_to_csl(text: str) -> str:
    """LaTeX → a CSL-JSON string value, with ``<i>``/``<b>``/nocase markup."""
    return _decode(text, True) if text else ""


@lru_cache(maxsize=65536)  # journals, publishers and places repeat across a library
def _decode(text: str, markup: bool) -> str:
    if _NEEDS_SCAN.search(text) is not None:
        text = _Decoder(_TOKEN.split(text), markup).run()
    return _BLANKS.sub(" ", text).strip(" ")


def _combine(base: str, accent: str) -> str:
    """Put an accent on the first character of ``base`` (dotless i/j take it as i/j)."""
    if not base:
        return _SPACING_ACCENTS.get(accent, "")
    first = {"ı": "i", "ȷ": "j"}.get(base[0], base[0])
    return unicodedata.normalize("NFC", first + _COMBINING[accent]) + base[1:]


class _Decoder:
    """Recursive descent over ``_TOKEN.split`` pieces: odd indexes are tokens."""

    def __init__(self, pieces: list[str], markup: bool) -> None:
        self.pieces = pieces
        self.markup = markup
        self.pos = 0

    def run(self) -> str:
        return self._sequence(top=True)

    # -- the pieces stream -------------------------------------------------------------

    def _next_is_group(self) -> bool:
        """Whether the next non-blank thing is a ``{`` token."""
        pos = self.pos
        pieces = self.pieces
        while pos < len(pieces):
            if pos % 2 == 0:
                if pieces[pos].strip():
                    return False
            else:
                return pieces[pos] == "{"
            pos += 1
        return False

    def _skip_to_token(self) -> None:
        # Only called when _next_is_group() said the text before it is blank.
        if self.pos % 2 == 0:
            self.pos += 1

    def _group(self) -> str:
        """Read ``{ … }`` (the ``{`` is next) and return its decoded content."""
        self._skip_to_token()
        self.pos += 1  # the "{"
        return self._sequence(top=False)

    def _argument(self) -> str:
        """A command's argument: a braced group, or else the next single character."""
        if self._next_is_group():
            return self._group()
        pos = self.pos
        pieces = self.pieces
        if pos < len(pieces) and pos % 2 == 0:
            stripped = pieces[pos].lstrip()
            if stripped:
                pieces[pos] = stripped[1:]
                return stripped[0]
            self.pos += 1
            pos += 1
        if pos < len(pieces) and pos % 2 == 1:
            token = pieces[pos]
            if token.startswith("\\") and token.rstrip()[1:] in _LETTERS:
                self.pos += 1
                return _LETTERS[token.rstrip()[1:]]
        return ""

    # -- the grammar -------------------------------------------------------------------

    def _sequence(self, *, top: bool) -> str:
        """Decode until the closing ``}`` of the current group (or the end)."""
        out: list[str] = []
        closers: list[str] = []  # for declarations like {\em ...}
        pieces = self.pieces
        markup = self.markup
        while self.pos < len(pieces):
            piece = pieces[self.pos]
            self.pos += 1
            if self.pos % 2 == 1:  # literal text
                out.append(piece)
                continue
            if piece == "}":
                if top:
                    continue  # an unbalanced closer in a value: not text
                break
            if piece == "{":
                out.append(self._brace_group(top=top))
            elif piece[0] == "\\":
                out.append(self._command(piece, closers))
            elif piece[0] == "$":
                out.append(piece)
            else:
                out.append(_PUNCTUATION[piece])
        if markup:
            out.extend(reversed(closers))
        return "".join(out)

    def _brace_group(self, *, top: bool) -> str:
        starts_with_command = self.pos < len(self.pieces) and (
            self.pieces[self.pos] == ""
            and self.pos + 1 < len(self.pieces)
            and self.pieces[self.pos + 1].startswith("\\")
        )
        content = self._sequence(top=False)
        if top and self.markup and not starts_with_command and content.strip():
            return f'<span class="nocase">{content}</span>'
        return content

    def _command(self, token: str, closers: list[str]) -> str:
        if len(token) < 2:
            return ""  # a lone backslash at the end of a value
        if not token[1].isalpha():
            symbol = token[1]
            if symbol in _SYMBOL_ACCENTS:
                return _combine(self._argument(), symbol)
            return _CONTROL_SYMBOLS.get(symbol, symbol)
        name = token.rstrip()[1:]
        if name.endswith("*"):
            name = name[:-1]
        if name in _COMBINING:
            return _combine(self._argument(), name)
        if name in _LETTERS:
            if self._next_is_group() and self._empty_group_follows():
                self._group()  # \ss{} and \LaTeX{}
            return _LETTERS[name]
        if name in _MARKUP_COMMANDS:
            content = self._group() if self._next_is_group() else ""
            if not self.markup or not content:
                return content
            opener, closer = _MARKUP_COMMANDS[name]
            return f"{opener}{content}{closer}"
        if name in _DECLARATIONS:
            if self.markup:
                opener, closer = _DECLARATIONS[name]
                closers.append(closer)
                return opener
            return ""
        if name in _SILENT_DECLARATIONS:
            return ""
        if name in _DROP_ARGUMENT:
            if self._next_is_group():
                self._group()
            return ""
        if name in _SECOND_ARGUMENT and self._next_is_group():
            first = self._group()
            return self._group() if self._next_is_group() else first
        # \mbox{x}, \url{x}, \texttt{x} and unknown commands: their argument's text.
        return self._group() if self._next_is_group() else ""

    def _empty_group_follows(self) -> bool:
        pos = self.pos
        pieces = self.pieces
        if pos % 2 == 0:
            pos += 1
        return pos + 2 < len(pieces) and pieces[pos + 1] == "" and pieces[pos + 2] == "}"


_PUNCTUATION = {
    "---": "—",
    "--": "–",
    "``": "“",
    "''": "”",
    "`": "‘",
    "~": "\u00a0",
}
