"""The records that cross citeman's boundaries, validated by pydantic.

* :class:`Source` – one entry of library.bib, with its CSL-JSON form.
* :class:`Locator` – where in a work a quote stands (``p. 45``, ``chap. 3``).
* :class:`Quote` – one file in ``quotes/``.
* :class:`LibrarySettings` – where a library's files are and its defaults.

Storage modules build these from files; the CLI and the Python API build them
from user input. Either way a bad value fails validation with the field named.
Records read back from citeman's own index were validated when they were
written: :meth:`Quote.from_index_json` and :meth:`Source.from_index_json`
rebuild them without validating again.

Every model defers building its validator (``defer_build``) to its first
validation, so that a command pays only for the models it validates: ``cite
find`` validates none.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from citeman.locate import BIB_NAME, QUOTES_DIR_NAME, STATE_DIR_NAME

#: CSL 1.0.2 locator labels (the values of ``<label variable="locator">``).
LocatorLabel = Literal[
    "act",
    "appendix",
    "article-locator",
    "book",
    "canon",
    "chapter",
    "column",
    "elocation",
    "equation",
    "figure",
    "folio",
    "issue",
    "line",
    "note",
    "opus",
    "page",
    "paragraph",
    "part",
    "rule",
    "scene",
    "section",
    "sub-verbo",
    "supplement",
    "table",
    "timestamp",
    "title-locator",
    "verse",
    "version",
    "volume",
]

#: The output formats of ``cite render``.
OutputFormat = Literal["text", "markdown", "html", "json"]

#: A quote id is a file name stem: it can never name a path outside quotes/.
QUOTE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")


class Locator(BaseModel):
    """A pinpoint in a work: a CSL label and its value, which may be a range."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    label: LocatorLabel = "page"
    value: str = Field(min_length=1)

    @field_validator("value")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a locator needs a value")
        return value

    @property
    def is_range(self) -> bool:
        return bool(re.search(r"[-–—,&]| and ", self.value))


class Source(BaseModel):
    """One entry of library.bib.

    ``fields`` are the entry's fields after @string and crossref/xdata resolution,
    names lower-cased, values still in LaTeX; ``csl`` is the CSL-JSON item
    (``id`` is the citation key, case kept).
    """

    model_config = ConfigDict(defer_build=True)

    key: str = Field(min_length=1)
    entry_type: str
    fields: dict[str, str] = Field(default_factory=dict)
    csl: dict[str, Any] = Field(default_factory=dict)
    file: Path | None = None
    line: int | None = None

    @classmethod
    def from_index_json(cls, data: str | bytes) -> Source:
        """A source from the JSON the index stored (``model_dump_json``), not validated again."""
        values = json.loads(data)
        if values.get("file") is not None:
            values["file"] = Path(values["file"])
        return cls.model_construct(**values)

    @property
    def title(self) -> str:
        return str(self.csl.get("title", ""))

    @property
    def year(self) -> int | None:
        issued = self.csl.get("issued") or {}
        try:
            return int(issued["date-parts"][0][0])
        except (KeyError, IndexError, TypeError, ValueError):
            return None

    @property
    def author_names(self) -> list[str]:
        """Authors (or editors) as display strings, for search and short titles."""
        people = self.csl.get("author") or self.csl.get("editor") or []
        names = []
        for person in people:
            if "literal" in person:
                names.append(str(person["literal"]))
            else:
                parts = [person.get("given"), person.get("non-dropping-particle"),
                         person.get("family")]
                names.append(" ".join(str(p) for p in parts if p))
        return names

    @property
    def author_families(self) -> list[str]:
        people = self.csl.get("author") or self.csl.get("editor") or []
        return [str(p.get("family") or p.get("literal") or "") for p in people]


class Quote(BaseModel):
    """One quote: the exact words and where they come from.

    ``source`` is the citation key of the work the words were taken from;
    ``quoted_in`` the secondary work the writer actually read ("quoted in").
    ``extra`` keeps front-matter keys citeman does not know, untouched.
    """

    model_config = ConfigDict(validate_assignment=True, defer_build=True)

    id: str
    text: str = Field(min_length=1)
    source: str | None = None
    locator: Locator | None = None
    speaker: str | None = None
    quoted_in: str | None = None
    quoted_in_locator: Locator | None = None
    date: str | None = None
    occasion: str | None = None
    tags: list[str] = Field(default_factory=list)
    note: str | None = None
    added: dt.date | dt.datetime | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not QUOTE_ID_PATTERN.match(value) or ".." in value:
            raise ValueError(
                "a quote id is letters, digits, '.', '_' and '-' (no '/', no '..'),"
                " starting with a letter or digit"
            )
        return value

    @field_validator("text")
    @classmethod
    def _non_empty_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the quote text is empty")
        return value

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, value: list[str]) -> list[str]:
        seen: list[str] = []
        for tag in value:
            tag = str(tag).strip()
            if tag and tag not in seen:
                seen.append(tag)
        return seen

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # YAML reads 1939-10-01 as a date; we keep what the user wrote, as text.
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, int):
            return str(value)
        return value

    @classmethod
    def from_index_json(cls, data: str | bytes) -> Quote:
        """A quote from the JSON the index stored (``model_dump_json``), not validated again."""
        values = json.loads(data)
        for name in ("locator", "quoted_in_locator"):
            if values.get(name) is not None:
                values[name] = Locator.model_construct(**values[name])
        added = values.get("added")
        if added is not None:
            values["added"] = (
                dt.datetime.fromisoformat(added) if "T" in added else dt.date.fromisoformat(added)
            )
        return cls.model_construct(**values)

    @property
    def cited_keys(self) -> list[str]:
        return [k for k in (self.source, self.quoted_in) if k]


class LibrarySettings(BaseModel):
    """Where a library lives and its defaults (from citeman.toml when present)."""

    model_config = ConfigDict(defer_build=True)

    root: Path
    style: str = "chicago"
    locale: str | None = None
    #: Start the library's resident process on the first command (``cite daemon``).
    daemon: bool = False

    @property
    def bib_path(self) -> Path:
        return self.root / BIB_NAME

    @property
    def quotes_dir(self) -> Path:
        return self.root / QUOTES_DIR_NAME

    @property
    def state_dir(self) -> Path:
        """citeman's own files (lock, index): safe to delete at any time."""
        return self.root / STATE_DIR_NAME
