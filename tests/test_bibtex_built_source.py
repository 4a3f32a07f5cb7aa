"""The reader builds each Source without model_construct: the result must be the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citeman.bibtex.reader import _built_source
from citeman.models import Source


def test_sources_are_built_as_model_construct_builds_them() -> None:
    values: dict[str, Any] = {
        "key": "k",
        "entry_type": "book",
        "fields": {"title": "T"},
        "csl": {"id": "k", "type": "book"},
        "file": Path("library.bib"),
        "line": 3,
    }
    built = _built_source(**values)
    expected = Source.model_construct(**values)
    assert list(Source.model_fields) == list(values)  # a new Source field fails here
    for slot in (
        "__dict__",
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
    ):
        assert getattr(built, slot) == getattr(expected, slot)
    assert list(built.__dict__) == list(expected.__dict__)  # the order model_dump keeps
    assert built == expected and built.model_dump() == expected.model_dump()
