"""BibTeX name lists → CSL name objects (split_names, split_name_list)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeman.bibtex import split_name_list, split_names


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Stephen Kotkin", [{"family": "Kotkin", "given": "Stephen"}]),
        ("Kotkin, Stephen", [{"family": "Kotkin", "given": "Stephen"}]),
        # von parts are non-dropping particles, in every form
        ("Charles de Gaulle", [{"family": "Gaulle", "given": "Charles",
                                "non-dropping-particle": "de"}]),
        ("van der Geer, Jan", [{"family": "Geer", "given": "Jan",
                                "non-dropping-particle": "van der"}]),
        ("Ludwig van Beethoven", [{"family": "Beethoven", "given": "Ludwig",
                                   "non-dropping-particle": "van"}]),
        # Jr parts
        ("Ford, Jr., Henry", [{"family": "Ford", "given": "Henry", "suffix": "Jr."}]),
        ("King, Jr, Martin Luther", [{"family": "King", "given": "Martin Luther",
                                      "suffix": "Jr"}]),
        # corporate authors
        ("{World Health Organization}", [{"literal": "World Health Organization"}]),
        ("{Barnes and Noble} and Smith, J.", [{"literal": "Barnes and Noble"},
                                              {"family": "Smith", "given": "J."}]),
        # braces make a word caseless: not a particle
        ("{van} Gogh, Vincent", [{"family": "van Gogh", "given": "Vincent"}]),
        # decoding after splitting: accents never split names
        (r"Erd{\H{o}}s, P{\'a}l and M{\"u}ller, Hans-J{\"o}rg",
         [{"family": "Erdős", "given": "Pál"}, {"family": "Müller", "given": "Hans-Jörg"}]),
        (r"{\'E}mile Zola", [{"family": "Zola", "given": "Émile"}]),
        # a special character's letter decides the case: über is a von part
        (r"Hans {\"u}ber Meier", [{"family": "Meier", "given": "Hans",
                                   "non-dropping-particle": "über"}]),
        ("Per Brinch Hansen", [{"family": "Hansen", "given": "Per Brinch"}]),
        ("Aristotle", [{"family": "Aristotle"}]),
        ("D.E. Knuth AND Leslie Lamport", [{"family": "Knuth", "given": "D.E."},
                                            {"family": "Lamport", "given": "Leslie"}]),
        ("Jean~de~La~Fontaine", [{"family": "La Fontaine", "given": "Jean",
                                  "non-dropping-particle": "de"}]),
        ("", []),
    ],
)  # fmt: skip
def test_split_names(value: str, names: list[dict[str, str]]) -> None:
    assert split_names(value) == names


def test_and_others_is_a_flag_not_a_person() -> None:
    names, et_al = split_name_list("Smith, John and Doe, Jane and others")
    assert names == [{"family": "Smith", "given": "John"}, {"family": "Doe", "given": "Jane"}]
    assert et_al is True
    assert split_name_list("Smith, John")[1] is False
    assert all(name.get("family") != "others" for name in split_names("A and others"))


def test_returned_names_are_copies() -> None:
    first = split_names("Kotkin, Stephen")
    first[0]["family"] = "changed"
    assert split_names("Kotkin, Stephen") == [{"family": "Kotkin", "given": "Stephen"}]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("abcXYZ {},.~\\'\"-")), max_size=12)
        | st.sampled_from(["others", "van", "de la", "Jr", "{Corp Inc}"]),
        max_size=6,
    ).map(" and ".join)
    | st.text()
)
def test_arbitrary_name_lists_never_raise(value: str) -> None:
    names, _ = split_name_list(value)
    for name in names:
        assert name, "no empty name objects"
        assert set(name) <= {"family", "given", "non-dropping-particle", "suffix", "literal"}
        assert all(isinstance(part, str) and part for part in name.values())
