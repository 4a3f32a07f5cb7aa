"""The words a document puts around citations: "quoted in" and the bibliography's heading.

Each manual has its own: Chicago "quoted in" (CMOS 14.260), APA "as cited in" (8.6),
MLA "qtd. in" and "Works Cited", Cite Them Right "cited in" and "Reference list".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citeman import Library
from citeman.render.conventions import conventions_for, speaker_in_citation


@pytest.fixture
def library(library_dir: Path) -> Library:
    lib = Library.open(library_dir)
    lib.add_quote(
        "I cannot forecast to you the action of Russia.",
        source="kotkin2014paradoxes",
        locator="p. 12",
        quoted_in="ahmann2007germany",
        quoted_in_locator="p. 109",
        quote_id="both",
    )
    lib.add_quote(
        "The picture that emerges is of a very curious dualism.",
        speaker="Jonathan Haslam",
        quoted_in="ahmann2007germany",
        quote_id="speaker",
    )
    return lib


@pytest.mark.parametrize(
    ("style", "both", "speaker", "heading"),
    [
        (
            "chicago",
            "Stephen Kotkin, Stalin: Paradoxes of Power, 1878–1928 (Penguin Press, 2014), 1:12,"
            " quoted in Rolf Ahmann, “Germany and the Soviet Union,”",
            "Jonathan Haslam, quoted in Ahmann, “Germany and the Soviet Union.”",
            "Bibliography",
        ),
        (
            "apa",
            "(Kotkin, 2014, p. 12, as cited in Ahmann, 2007, p. 109)",
            "(Haslam, as cited in Ahmann, 2007)",
            "References",
        ),
        ("mla", "(Kotkin 12, qtd. in Ahmann 109)", "(Haslam, qtd. in Ahmann)", "Works Cited"),
        (
            "harvard",
            "(Kotkin, 2014, p. 12, cited in Ahmann, 2007, p. 109)",
            "(Haslam, cited in Ahmann, 2007)",
            "Reference list",
        ),
        (
            "chicago-author-date",
            "(Kotkin 2014, 12, quoted in Ahmann 2007, 109)",
            "(Haslam, quoted in Ahmann 2007)",
            "References",
        ),
    ],
)
def test_each_family_uses_its_own_words(
    library: Library, style: str, both: str, speaker: str, heading: str
) -> None:
    doc = library.render(["both", "speaker"], style=style)
    notes = [quote.note for quote in doc.quotes]
    assert both in notes[0], notes[0]
    assert speaker in notes[1], notes[1]
    assert doc.bibliography_heading == heading
    assert f"\n{heading}\n" in doc.as_text()


def test_unknown_families_fall_back_by_citation_format() -> None:
    assert conventions_for("some-journal", is_note_style=True).quoted_in == "quoted in"
    in_text = conventions_for("some-journal", is_note_style=False)
    assert (in_text.quoted_in, in_text.bibliography_heading) == ("cited in", "References")


@pytest.mark.parametrize(
    ("speaker", "in_text"),
    [
        ("Jonathan Haslam", "Haslam"),
        ("Robert C. Tucker", "Tucker"),
        ("Charles de Gaulle", "de Gaulle"),
        ("Stalin", "Stalin"),
        ("Martin Luther King, Jr.", "Martin Luther King, Jr."),  # written with a comma: as written
        ("{The Times}", "{The Times}"),
    ],
)
def test_in_text_styles_name_a_speaker_by_family_name(speaker: str, in_text: str) -> None:
    assert speaker_in_citation(speaker, is_note_style=False) == in_text
    assert speaker_in_citation(speaker, is_note_style=True) == speaker


def test_quoted_in_keeps_the_writers_order_and_is_never_collapsed(library_dir: Path) -> None:
    """A style that sorts and collapses cites (APA) must not turn "X, as cited in Y" around,
    nor fold two works of one author into "Kotkin, 2014, 2017"."""
    lib = Library.open(library_dir)
    lib.add_quote(
        "Words.", source="kotkin2017waiting", locator="p. 5", quoted_in="kotkin2014paradoxes",
        quote_id="same-author",
    )
    note = lib.render(["same-author"], style="apa").quotes[0].note
    assert note == "(Kotkin, 2017, p. 5, as cited in Kotkin, 2014)"


@pytest.mark.parametrize(
    ("style", "note"),
    [
        ("chicago", "Rolf Ahmann, [source needed]"),
        ("apa", "(Ahmann, [source needed])"),
        ("mla", "(Ahmann, [source needed])"),
    ],
)
def test_source_needed_reads_like_a_citation_of_the_style(
    library_dir: Path, style: str, note: str
) -> None:
    lib = Library.open(library_dir)
    lib.add_quote("Words.", speaker="Rolf Ahmann", quote_id="unsourced")
    doc = lib.render(["unsourced"], style=style)
    assert doc.quotes[0].note == note
    assert doc.warnings == ["quote unsourced has no source: its note says [source needed]"]
