"""LaTeX → Unicode (decode_latex) and → CSL markup (latex_to_csl)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeman.bibtex import decode_latex, latex_to_csl

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\'e", "é"),
        (r"\"{o}", "ö"),
        (r"{\"o}", "ö"),
        (r"\c{c}", "ç"),
        (r"\c c", "ç"),
        (r"\v{s}", "š"),
        (r"\v{S}koda", "Škoda"),
        (r"\u{a}", "ă"),
        (r"\={a}", "ā"),
        (r"\.{z}", "ż"),
        (r"\H{o}", "ő"),
        (r"Erd{\H{o}}s", "Erdős"),
        (r"\k{a}", "ą"),
        (r"\r{a}", "å"),
        (r"\~n", "ñ"),
        (r"\^o", "ô"),
        (r"\`a", "à"),
        (r"\'{\i}", "í"),
        (r"\'\i", "í"),
        (r"\v{\j}", "ǰ"),
        (r"Stra{\ss}e", "Straße"),
        (r"{\o}", "ø"),
        (r"{\O}stergaard", "Østergaard"),
        (r"{\ae}", "æ"),
        (r"{\AE}", "Æ"),
        (r"{\oe}uvre", "œuvre"),
        (r"Ko{\l}akowski", "Kołakowski"),
        (r"{\L}\'od\'z", "Łódź"),
        (r"{\aa}", "å"),
        (r"{\AA}ngstr{\"o}m", "Ångström"),
        ("1914--1918", "1914–1918"),
        ("yes---no", "yes—no"),
        ("``quoted''", "“quoted”"),
        ("p.~45", f"p.{NBSP}45"),
        (r"Taylor \& Francis", "Taylor & Francis"),
        (r"50\% \$5 \#1 a\_b", "50% $5 #1 a_b"),
        (r"1914\textendash{}1918", "1914–1918"),
        (r"a\textemdash b", "a—b"),
        (r"\mbox{Stalin}", "Stalin"),
        (r"{\TeX} and \LaTeX\ and \LaTeX{} too", "TeX and LaTeX and LaTeX too"),
        (r"the $E=mc^2$ paper", "the $E=mc^2$ paper"),
        (r"\url{http://a.org/x_y}", "http://a.org/x_y"),
        (r"\unknown{kept text}", "kept text"),
        (r"\href{http://x.org}{Link}", "Link"),
        (r"{\noopsort{1990a}}1990", "1990"),
        ("  many \n\t spaces  ", "many spaces"),
        (r"\textit{x} \emph{y} \textbf{z} \textsc{w}", "x y z w"),
        (r"{\em Ibid.}", "Ibid."),
        ("{Protected} words", "Protected words"),
        ("trailing backslash \\", "trailing backslash"),
        ("unbalanced } closer", "unbalanced closer"),
        ("unbalanced { opener", "unbalanced opener"),
    ],
)
def test_decode_latex(latex: str, text: str) -> None:
    assert decode_latex(latex) == text


@pytest.mark.parametrize(
    ("latex", "csl"),
    [
        (r"\textit{Pravda}", "<i>Pravda</i>"),
        (r"\emph{Pravda} daily", "<i>Pravda</i> daily"),
        (r"{\em Pravda} daily", "<i>Pravda</i> daily"),
        (r"\textbf{bold}", "<b>bold</b>"),
        (r"\textsc{Caps}", '<span style="font-variant:small-caps;">Caps</span>'),
        (r"H\textsubscript{2}O", "H<sub>2</sub>O"),
        (r"19\textsuperscript{th}", "19<sup>th</sup>"),
        (
            "The {USSR} and {{NATO}}",
            'The <span class="nocase">USSR</span> and <span class="nocase">NATO</span>',
        ),
        # accent groups and commands are not case protection
        (r"{\"U}ber {\TeX}", "Über TeX"),
        # nested braces are protected once, at the top level
        ("{The {GDR}}", '<span class="nocase">The GDR</span>'),
        (r"\mbox{x}", "x"),
    ],
)
def test_latex_to_csl_markup(latex: str, csl: str) -> None:
    assert latex_to_csl(latex) == csl


def test_plain_decoding_has_no_markup() -> None:
    assert decode_latex(r"The {USSR} and \emph{Pravda}") == "The USSR and Pravda"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\\{}$~`'-\"^=.aAeiouckvHrl &%#_ \n"))) | st.text())
def test_decoding_arbitrary_text_never_raises(text: str) -> None:
    plain = decode_latex(text)
    marked = latex_to_csl(text)
    assert isinstance(plain, str)
    assert isinstance(marked, str)
    # Every letter of plain text outside commands survives: text is never dropped.
    if not any(char in text for char in "\\{}$"):
        assert [c for c in plain if c.isalnum()] == [c for c in text if c.isalnum()]
