"""BibLaTeX → CSL-JSON: exact items for real sample entries (tests/data/bib) and unit cases."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeman.bibtex import entry_to_csl, load_bib

SAMPLES = Path(__file__).parent / "data" / "bib"


@cache
def items(file_name: str) -> dict[str, dict[str, Any]]:
    result = load_bib(SAMPLES / file_name)
    return {source.key: source.csl for source in result.sources}


def test_samples_load_without_problems() -> None:
    for path in sorted(SAMPLES.glob("*.bib")):
        result = load_bib(path)
        assert result.problems == [], (path.name, [str(p) for p in result.problems[:3]])
        assert result.sources
        assert all(s.csl["id"] == s.key and s.csl["type"] for s in result.sources)


EXACT: list[tuple[str, str, dict[str, Any]]] = [
    (
        "biblatex-examples-slice.bib",
        "westfahl:space",
        {
            "id": "westfahl:space",
            "type": "chapter",
            "author": [{"family": "Westfahl", "given": "Gary"}],
            "editor": [{"family": "Westfahl", "given": "Gary"}],
            "title": "The True Frontier: Confronting and Avoiding the Realities of Space in "
            "American Science Fiction Films",
            "title-short": "The True Frontier",
            "container-title": "Space and Beyond: The Frontier Theme in Science Fiction",
            "page": "55-65",
            "publisher": "Greenwood",
            "publisher-place": "Westport, Conn.; London",
            "issued": {"date-parts": [[2000]]},
            "language": "en-US",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "sigfridsson",
        {
            "id": "sigfridsson",
            "type": "article-journal",
            "author": [
                {"family": "Sigfridsson", "given": "Emma"},
                {"family": "Ryde", "given": "Ulf"},
            ],
            "title": "Comparison of methods for deriving atomic charges from the electrostatic "
            "potential and moments",
            "container-title": "Journal of Computational Chemistry",
            "issue": "4",
            "volume": "19",
            "page": "377-395",
            "issued": {"date-parts": [[1998]]},
            "DOI": "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P",
            "language": "en-US",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "knuth:ct:a",
        {
            "id": "knuth:ct:a",
            "type": "book",
            "author": [{"family": "Knuth", "given": "Donald E."}],
            "title": "Computers & Typesetting",
            "volume-title": "The TeXbook",
            "title-short": "TeXbook",
            "volume": "A",
            "publisher": "Addison-Wesley",
            "publisher-place": "Reading, Mass.",
            "issued": {"date-parts": [[1984]]},
            "language": "en-US",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "kant:kpv",
        {
            "id": "kant:kpv",
            "type": "chapter",
            "author": [{"family": "Kant", "given": "Immanuel"}],
            "container-author": [{"family": "Kant", "given": "Immanuel"}],
            "title": "Kritik der praktischen Vernunft",
            "container-title": "Kants Werke. Akademie Textausgabe",
            "volume-title": "Kritik der praktischen Vernunft. Kritik der Urtheilskraft",
            "title-short": "Kritik der praktischen Vernunft",
            "volume": "5",
            "page": "1-163",
            "publisher": "Walter de Gruyter",
            "publisher-place": "Berlin",
            "issued": {"date-parts": [[1968]]},
            "language": "de-DE",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "geer",
        {
            "id": "geer",
            "type": "thesis",
            "author": [{"family": "Geer", "given": "Ingrid", "non-dropping-particle": "de"}],
            "title": "Earl, Saint, Bishop, Skald\u00a0– and Music: The Orkney Earldom of the "
            "Twelfth Century. A Musicological Study",
            "title-short": "Earl, Saint, Bishop, Skald\u00a0– and Music",  # Skald~--
            "publisher": "Uppsala Universitet",
            "publisher-place": "Uppsala",
            "genre": "PhD thesis",
            "issued": {"date-parts": [[1985]]},
            "language": "en-US",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "almendro",
        {
            "id": "almendro",
            "type": "patent",
            "author": [
                {"family": "Almendro", "given": "José L."},
                {"family": "Martín", "given": "Jacinto"},
                {"family": "Sánchez", "given": "Alberto"},
                {"family": "Nozal", "given": "Fernando"},
            ],
            "title": "Elektromagnetisches Signalhorn",
            "number": "EU-29702195U",
            "jurisdiction": "Spain; France; United Kingdom; Germany",
            "issued": {"date-parts": [[1998]]},
            "language": "de-DE",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "chiu",
        {
            "id": "chiu",
            "type": "report",
            "author": [
                {"family": "Chiu", "given": "Willy W."},
                {"family": "Chow", "given": "We Min"},
            ],
            "title": "A Hybrid Hierarchical Model of a Multiple Virtual Storage (MVS) Operating "
            "System",
            "number": "RC-6947",
            "publisher": "IBM; HP; Sun; Sony",
            "genre": "research report",
            "issued": {"date-parts": [[1978]]},
            "language": "en-US",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "ctan",
        {
            "id": "ctan",
            "type": "webpage",
            "title": "CTAN: The Comprehensive TeX Archive Network",
            "title-short": "CTAN",
            "issued": {"date-parts": [[2006]]},
            "accessed": {"date-parts": [[2006, 10, 1]]},
            "URL": "http://www.ctan.org",
            "language": "en-US",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "jaffe",
        {
            "id": "jaffe",
            "type": "book",
            "editor": [{"family": "Jaffé", "given": "Philipp"}],
            "title": "Regesta Pontificum Romanorum ab condita ecclesia ad annum post Christum "
            'natum <span style="font-variant:small-caps;">mcxcviii</span>',
            "title-short": "Regesta Pontificum Romanorum",
            "number-of-volumes": "2",
            "edition": "2",
            "publisher-place": "Leipzig",
            "issued": {"date-parts": [[1885], [1888]]},
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "iliad",
        {
            "id": "iliad",
            "type": "book",
            "author": [{"family": "Homer"}],
            "translator": [{"family": "Schadewaldt", "given": "Wolfgang"}],
            "title": "Die Ilias",
            "title-short": "Ilias",
            "edition": "3",
            "publisher": "Artemis & Winkler",
            "publisher-place": "Düsseldorf; Zürich",
            "issued": {"date-parts": [[2004]]},
            "language": "de-DE",
        },
    ),
    (
        "biblatex-examples-slice.bib",
        "itzhaki",
        {
            "id": "itzhaki",
            "type": "webpage",
            "author": [{"family": "Itzhaki", "given": "Nissan"}],
            "title": "Some remarks on 't Hooft's S-matrix for black holes",
            "version": "1",
            "issued": {"date-parts": [[1996, 3, 11]]},
            "URL": "https://arxiv.org/abs/hep-th/9603067",
            "language": "en-US",
        },
    ),
    (
        "jabref-user-db-slice.bib",
        "Frohlich_1991",
        {
            "id": "Frohlich_1991",
            "type": "article-journal",
            "author": [
                {"family": "Fröhlich", "given": "D."},
                {"family": "Kulik", "given": "A."},
                {"family": "Uebbing", "given": "B."},
                {"family": "Mysyrowicz", "given": "A."},
                {"family": "Langer", "given": "V."},
                {"family": "Stolz", "given": "H."},
                {"family": "Osten", "given": "W.", "non-dropping-particle": "von der"},
            ],
            "title": "Coherent propagation and quantum beats of quadrupole polaritons in "
            '<span class="nocase">Cu$_{2}$O</span>',
            "container-title": "Physical Review Letters",
            "issue": "17",
            "volume": "67",
            "page": "2343-2346",
            "publisher": "American Physical Society",
            "issued": {"date-parts": [[1991, 10]]},
            "DOI": "10.1103/PhysRevLett.67.2343",
        },
    ),
    (
        "jabref-user-db-slice.bib",
        "Assimos_1965_Mthesis",
        {
            "id": "Assimos_1965_Mthesis",
            "type": "thesis",
            "author": [{"family": "Assimos", "given": "John A."}],
            "title": "Investigation of slow changes in the electrical conductivity and "
            '<span class="nocase">H</span>all constant of single crystal cuprous oxide',
            "publisher": "Wayne State University, Dept. of Chemistry",
            "genre": "Master's thesis",
            "issued": {"date-parts": [[1965]]},
        },
    ),
    (
        "jabref-user-db-slice.bib",
        "Chen_2006_patent",
        {
            "id": "Chen_2006_patent",
            "type": "patent",
            "author": [
                {"family": "Chen", "given": "An"},
                {"family": "Haddad", "given": "Sameer"},
                {"family": "Fang", "given": "Tzu-Ning"},
            ],
            "title": "Resistive memory device with improved data retention and reduced power",
            "number": "US2006/0256608A1",
            "issued": {"date-parts": [[2006]]},
        },
    ),
    (
        "zotero-bbt-slice.bib",
        "deSousaBorges:2014:SMG:2554850.2554956",
        {
            "id": "deSousaBorges:2014:SMG:2554850.2554956",
            "type": "paper-conference",
            "author": [
                {"family": "Sousa Borges", "given": "Simone", "non-dropping-particle": "de"},
                {"family": "Durelli", "given": "Vinicius H. S."},
                {"family": "Reis", "given": "Helena Macedo"},
                {"family": "Isotani", "given": "Seiji"},
            ],
            "title": "A Systematic Mapping on Gamification Applied to Education",
            "container-title": "Proceedings of the 29th Annual ACM Symposium on Applied Computing",
            "collection-title": "SAC '14",
            "page": "216-222",
            "publisher": "ACM",
            "publisher-place": "New York, NY, USA",
            "issued": {"date-parts": [[2014]]},
            "DOI": "10.1145/2554850.2554956",
            "ISBN": "978-1-4503-2469-4",
            "URL": "http://doi.acm.org/10.1145/2554850.2554956",
        },
    ),
    (
        "zotero-bbt-slice.bib",
        "bolognaDeclaration",
        {
            "id": "bolognaDeclaration",
            "type": "paper-conference",
            "author": [{"literal": "Bologna Declaration"}],
            "title": "Towards the European Higher European Area",
            "container-title": "Conference of Ministers responsible for Higher Education in 29 "
            "European countries",
            "publisher-place": "Bologna, Italy",
            "issued": {"date-parts": [[1999, 6]]},
        },
    ),
    (
        "zotero-bbt-slice.bib",
        "bloom1974",
        {
            "id": "bloom1974",
            "type": "chapter",
            "author": [{"family": "Bloom", "given": "B. S"}],
            "editor": [{"family": "Block", "given": "J. H."}],
            "title": "An introduction to mastery learning theory",
            "container-title": "Schools, society, and mastery learning",
            "publisher": "Holt, Rinehart & Winston",
            "publisher-place": "New York",
            "issued": {"date-parts": [[1974]]},
        },
    ),
    (
        "xampl.bib",
        "inproceedings-full",
        {
            "id": "inproceedings-full",
            "type": "paper-conference",
            "author": [
                {"family": "Oaho", "given": "Alfred V."},
                {"family": "Ullman", "given": "Jeffrey D."},
                {"family": "Yannakakis", "given": "Mihalis"},
            ],
            "editor": [
                {"family": "Oz", "given": "Wizard V."},
                {"family": "Yannakakis", "given": "Mihalis"},
            ],
            "title": "On Notions of Information Transfer in "
            '<span class="nocase">VLSI</span> Circuits',
            "container-title": "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing",
            "collection-title": "All ACM Conferences",
            "collection-number": "17",
            "page": "133-139",
            "publisher": "The OX Association for Computing Machinery; Academic Press",
            "publisher-place": "Boston",
            "issued": {"date-parts": [[1983, 3]]},
            "note": "This is a full INPROCEDINGS entry",
        },
    ),
    (
        "xampl.bib",
        "unpublished-minimal",
        {
            "id": "unpublished-minimal",
            "type": "manuscript",
            "author": [
                {"family": "Ünderwood", "given": "Ulrich"},
                {"family": "Ñet", "given": "Ned"},
                {"family": "P̄ot", "given": "Paul"},
            ],
            "title": "Lower Bounds for Wishful Research Results",
            "note": "Talk at Fanstord University (this is a minimal UNPUBLISHED entry)",
        },
    ),
    (
        "xampl.bib",
        "incollection-crossref",
        {
            "id": "incollection-crossref",
            "type": "chapter",
            "author": [{"family": "Lincoll", "given": "Daniel D."}],
            "editor": [
                {"family": "Lipcoll", "given": "David J."},
                {"family": "Lawrie", "given": "D. H."},
                {"family": "Sameh", "given": "A. H."},
            ],
            "title": "Semigroups of Recurrences",
            "container-title": "High Speed Computer and Algorithm Organization",
            "collection-title": "Fast Computers",
            "collection-number": "23",
            "page": "179-183",
            "edition": "Third",
            "publisher": "Academic Press",
            "publisher-place": "New York",
            "issued": {"date-parts": [[1977, 9]]},
            "note": "This is a cross-referencing INCOLLECTION entry",
        },
    ),
]


@pytest.mark.parametrize(("file_name", "key", "expected"), EXACT, ids=[k for _, k, _ in EXACT])
def test_exact_csl_for_real_entries(file_name: str, key: str, expected: dict[str, Any]) -> None:
    assert items(file_name)[key] == expected


@pytest.mark.parametrize(
    ("key", "author"),
    [
        ("L5", [{"family": "Eel", "given": "Egbert", "non-dropping-particle": "von"}]),
        ("L10", [{"family": "Jolly", "given": "James", "suffix": "III"}]),
        ("L11", [{"family": "Kluster", "given": "Kevin", "non-dropping-particle": "van",
                  "suffix": "Jr."}]),
        ("L12", [{"family": "Vallée Poussin", "given": "Charles Louis Xavier Joseph",
                  "non-dropping-particle": "de la"}]),
        ("L13", [{"family": "Van de Graaff", "given": "R. J."}]),
        ("L21", [{"family": "Smith", "given": "Šomeone"}]),
        ("L26", [{"literal": "Sci-Art Publishers"}]),
        ("L30", [{"family": "El-Mallah", "given": "E. S."}]),
    ],
)  # fmt: skip
def test_biber_name_parts(key: str, author: list[dict[str, str]]) -> None:
    assert items("biber-names.bib")[key]["author"] == author


@pytest.mark.parametrize(
    ("key", "variable", "date"),
    [
        ("L1", "issued", {"date-parts": [[1995], [1996]]}),  # year = 1995--1996
        ("L4", "issued", {"date-parts": [[1995, 1, 4]]}),
        ("L6", "issued", {"literal": "1996-13-03"}),  # no month 13: kept as text
        ("L8", "issued", {"date-parts": [[1985, 1]]}),  # year 1985a, month january
        ("era1", "issued", {"date-parts": [[-379, 2]]}),
        ("era1", "original-date", {"date-parts": [[-221], [-219]]}),
        ("season1", "issued", {"date-parts": [[2003, 21]]}),
        ("time1", "accessed", {"date-parts": [[2001, 1, 3]]}),
        ("script1", "issued", {"date-parts": [[1987, 1, 15], [1988, 5, 11]]}),
        ("unspec1", "issued", {"literal": "199X"}),
    ],
)
def test_biber_dates(key: str, variable: str, date: dict[str, Any]) -> None:
    assert items("biber-dateformats.bib")[key][variable] == date


# -- unit cases --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_type", "fields", "expected_type"),
    [
        ("article", {}, "article-journal"),
        ("article", {"entrysubtype": "magazine"}, "article-magazine"),
        ("article", {"entrysubtype": "newspaper"}, "article-newspaper"),
        ("inbook", {}, "chapter"),
        ("incollection", {}, "chapter"),
        ("book_section", {}, "chapter"),
        ("mvbook", {}, "book"),
        ("phdthesis", {}, "thesis"),
        ("report", {}, "report"),
        ("techreport", {}, "report"),
        ("online", {}, "webpage"),
        ("www", {}, "webpage"),
        ("misc", {}, "document"),
        ("someunknowntype", {}, "document"),
        ("unpublished", {}, "manuscript"),
        ("unpublished", {"eventtitle": "Conference"}, "speech"),
        ("letter", {}, "personal_communication"),
        ("inreference", {}, "entry-encyclopedia"),
        ("standard", {}, "standard"),
    ],
)
def test_types(entry_type: str, fields: dict[str, str], expected_type: str) -> None:
    assert entry_to_csl("k", entry_type, fields)["type"] == expected_type


def test_fields_mapping_details() -> None:
    csl = entry_to_csl(
        "Kotkin2014",
        "Book",
        {
            "author": "Kotkin, Stephen and others",
            "title": r"Stalin: Paradoxes of Power, 1878--1928",
            "shorttitle": "Stalin",
            "location": "New York",
            "publisher": "Penguin Press",
            "date": "2014~",
            "origdate": "2013",
            "urldate": "2024-05-01",
            "doi": "https://doi.org/10.1000/xyz",
            "isbn": "978-1-59420-379-4",
            "url": r"\url{https://example.org/a_b}",
            "note": "First volume",
            "addendum": "Reprinted 2015",
            "langid": "british",
            "series": "History of the Soviet Union",
            "number": "1",
            "edition": "2",
            "pagetotal": "976",
            "translator": "{Anonymous Collective}",
        },
    )
    assert csl == {
        "id": "Kotkin2014",
        "type": "book",
        "author": [{"family": "Kotkin", "given": "Stephen"}],
        "translator": [{"literal": "Anonymous Collective"}],
        "_et_al": ["author"],
        "title": "Stalin: Paradoxes of Power, 1878–1928",
        "title-short": "Stalin",
        "collection-title": "History of the Soviet Union",
        "collection-number": "1",
        "edition": "2",
        "number-of-pages": "976",
        "publisher": "Penguin Press",
        "publisher-place": "New York",
        "issued": {"date-parts": [[2014]], "circa": True},
        "original-date": {"date-parts": [[2013]]},
        "accessed": {"date-parts": [[2024, 5, 1]]},
        "DOI": "10.1000/xyz",
        "ISBN": "978-1-59420-379-4",
        "URL": "https://example.org/a_b",
        "note": "First volume. Reprinted 2015",
        "language": "en-GB",
    }


@pytest.mark.parametrize(
    ("fields", "issued", "status"),
    [
        ({"year": "1991", "month": "dec", "day": "5"}, {"date-parts": [[1991, 12, 5]]}, None),
        ({"year": "1991", "month": "12"}, {"date-parts": [[1991, 12]]}, None),
        ({"year": "1984--86"}, {"date-parts": [[1984], [1986]]}, None),
        ({"year": "1968–1990"}, {"date-parts": [[1968], [1990]]}, None),
        ({"year": "forthcoming"}, None, "forthcoming"),
        ({"year": "in press"}, None, "in press"),
        ({"year": r"{\noopsort{1990a}}1990"}, {"date-parts": [[1990]]}, None),
        ({"year": "c. 1850"}, {"date-parts": [[1850]], "circa": True}, None),
        ({"date": "1939/1945"}, {"date-parts": [[1939], [1945]]}, None),
        ({"date": "Spring 1850"}, {"literal": "Spring 1850"}, None),
    ],
)
def test_dates(fields: dict[str, str], issued: dict[str, Any] | None, status: str | None) -> None:
    csl = entry_to_csl("k", "book", fields)
    assert csl.get("issued") == issued
    assert csl.get("status") == status


@pytest.mark.parametrize(
    ("entry_type", "fields", "expected"),
    [
        ("article", {"number": "04", "issue": "Special"}, {"issue": "04, Special"}),
        ("book", {"number": "12"}, {"collection-number": "12"}),
        ("techreport", {"number": "TR-7"}, {"number": "TR-7"}),
        ("article", {"pages": "L324--L328"}, {"page": "L324-L328"}),
        ("article", {"pages": "73+"}, {"page": "73+"}),
        ("article", {"doi": "doi:10.1/x"}, {"DOI": "10.1/x"}),
        ("misc", {"howpublished": r"\url{http://x.org}"}, {"URL": "http://x.org"}),
        ("misc", {"howpublished": "Pamphlet"}, {"publisher": "Pamphlet"}),
        ("phdthesis", {"school": "Oxford", "type": "DPhil thesis"},
         {"publisher": "Oxford", "genre": "DPhil thesis"}),
        ("report", {"institution": "RAND", "type": "techreport"},
         {"publisher": "RAND", "genre": "technical report"}),
        ("inproceedings", {"organization": "ACM", "publisher": "ACM Press"},
         {"publisher": "ACM; ACM Press"}),
        ("misc", {"eprint": "2101.00001", "eprinttype": "arxiv"},
         {"URL": "https://arxiv.org/abs/2101.00001"}),
        ("book", {"volume": "2", "part": "1"}, {"volume": "2.1"}),
        ("misc", {"editor": "Doe, J.", "editortype": "director"},
         {"director": [{"family": "Doe", "given": "J."}]}),
        ("article", {"journaltitle": "Past {\\&} Present", "shortjournal": "P{\\&}P"},
         {"container-title": "Past & Present", "container-title-short": "P&P"}),
        ("book", {"title": "Der Weg", "subtitle": "Eine Geschichte", "titleaddon": "Band 1"},
         {"title": "Der Weg: Eine Geschichte. Band 1", "title-short": "Der Weg"}),
        ("book", {"langid": "ngerman"}, {"language": "de-DE"}),
        ("book", {"title": "{A: B} and more: Sub"},
         {"title-short": '<span class="nocase">A: B</span> and more'}),
        ("book", {"title": r"\emph{Pravda}: a paper"}, {"title-short": "<i>Pravda</i>"}),
        ("book", {"title": "No colon"}, {"title-short": None}),
    ],
)  # fmt: skip
def test_field_cases(entry_type: str, fields: dict[str, str], expected: dict[str, Any]) -> None:
    csl = entry_to_csl("k", entry_type, fields)
    assert {name: csl.get(name) for name in expected} == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["article", "book", "inbook", "patent", "misc", "unpublished", "periodical"]),
    st.dictionaries(
        st.sampled_from(
            ["author", "editor", "title", "subtitle", "maintitle", "booktitle", "date", "year",
             "month", "day", "pages", "number", "issue", "volume", "doi", "url", "eprint",
             "eprinttype", "howpublished", "type", "langid", "location", "publisher", "pubstate",
             "urldate", "journal", "shorttitle", "note", "addendum", "series", "issuetitle"]
        ),
        st.text(max_size=20) | st.sampled_from(["1984--86", "2004-13", "{X} and others", "~"]),
        max_size=10,
    ),
)  # fmt: skip
def test_arbitrary_fields_always_map(entry_type: str, fields: dict[str, str]) -> None:
    csl = entry_to_csl("k", entry_type, fields)
    assert csl["id"] == "k" and csl["type"]
    for variable in ("issued", "accessed"):
        if variable in csl:
            date = csl[variable]
            assert "literal" in date or all(
                all(isinstance(part, int) for part in parts) for parts in date["date-parts"]
            )
