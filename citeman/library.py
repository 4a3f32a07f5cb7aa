"""The library facade: everything the ``cite`` command does, as a Python API.

A library is a folder holding ``library.bib`` (the sources) and ``quotes/`` (one
file per quote). Every CLI command is a thin layer over a method here, so a user
can script the same work::

    from citeman import Library

    lib = Library.discover()                       # --library, $CITEMAN_LIBRARY, or the folder tree
    lib.add_sources(open("new.bib").read())         # appends to library.bib, never rewrites it
    q = lib.add_quote("It is a riddle…", source="churchill1939broadcast", locator="p. 45",
                      tags=["realpolitik"])
    for hit in lib.find("riddle"):
        print(hit.quote.id, hit.snippet)
    print(lib.render([q.id], style="chicago").as_text())

Reads go through the index (``.citeman/index.sqlite``), refreshed from the files
on first use, so the files stay the truth. Writes take the library lock and are
atomic.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeman.errors import (
    BibSyntaxError,
    ConflictError,
    InvalidInputError,
    LibraryNotFoundError,
    UnknownKeyError,
    UnknownQuoteError,
    UnsafePathError,
)
from citeman.locate import BIB_NAME, CONFIG_NAME, LIBRARY_ENV, find_library_root
from citeman.models import LibrarySettings, OutputFormat, Quote, Source

if TYPE_CHECKING:
    from citeman.check import CheckReport
    from citeman.index import LibraryIndex
    from citeman.quotes import QuoteStore
    from citeman.render import RenderedDocument
    from citeman.search import SearchFilters, SearchHit



def read_settings(root: Path) -> LibrarySettings:
    """Settings for the library at ``root``, with citeman.toml's defaults applied."""
    values: dict[str, Any] = {"root": root}
    config = root / CONFIG_NAME
    if config.is_file():
        import tomllib  # only for a library with a citeman.toml: keeps start-up short

        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{config}: {exc}") from None
        for name in ("style", "locale", "daemon"):
            if name in data:
                values[name] = data[name]
    return LibrarySettings.model_validate(values)


class Library:
    """A research folder: library.bib plus quotes/."""

    def __init__(self, settings: LibrarySettings) -> None:
        self.settings = settings

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str) -> Library:
        """The library in ``root``; LibraryNotFoundError when it has no library.bib."""
        root = Path(root).expanduser().resolve()
        if not (root / BIB_NAME).is_file():
            raise LibraryNotFoundError(
                f"no {BIB_NAME} in {root}",
                f"start a library there with `cite init {root}`",
            )
        return cls(read_settings(root))

    @classmethod
    def discover(cls, explicit: Path | str | None = None, cwd: Path | None = None) -> Library:
        """``explicit``, else $CITEMAN_LIBRARY, else the nearest folder with library.bib."""
        if explicit is not None:
            return cls.open(explicit)
        from_env = os.environ.get(LIBRARY_ENV)
        if from_env:
            return cls.open(from_env)
        here = cwd or Path.cwd()
        found = find_library_root(here)
        if found is None:
            raise LibraryNotFoundError(
                f"no {BIB_NAME} in {here} or any folder above it",
                "run `cite init` to start a library here, or pass --library DIR",
            )
        return cls(read_settings(Path(found)))

    @classmethod
    def init(cls, root: Path | str) -> Library:
        """Create an empty library in ``root`` (library.bib and quotes/); keeps what exists."""
        from citeman.storage.atomic import atomic_write_text

        root = Path(root).expanduser().resolve()
        root.mkdir(parents=True, exist_ok=True)
        bib = root / BIB_NAME
        if not bib.exists():
            atomic_write_text(bib, "% citeman library: add sources with `cite source add FILE`\n")
        (root / "quotes").mkdir(exist_ok=True)
        return cls(read_settings(root))

    # -- storage ----------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.settings.root

    @cached_property
    def index(self) -> LibraryIndex:
        """The refreshed read side of the library (one refresh per Library object)."""
        from citeman.index import LibraryIndex

        index = LibraryIndex(self.settings)
        index.refresh(progress=self.progress)
        return index

    #: Called as progress(stage, done, total) during long index builds (the CLI sets a bar).
    progress: Any = None

    @cached_property
    def store(self) -> QuoteStore:
        from citeman.quotes import QuoteStore

        return QuoteStore(self.settings.quotes_dir)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the library lock; clear what killed writers left behind first.

        Every writer of library.bib and quotes/ holds this lock, so a temporary
        file found while holding it belongs to a process that died mid-write.
        quotes/ is looked through only when such a writer left its marker.
        """
        from citeman.storage.atomic import clean_stale_temp_files, library_lock, writing_marked

        state_dir = self.settings.state_dir
        with library_lock(state_dir), writing_marked(state_dir) as killed_writer_before:
            clean_stale_temp_files(self.root, max_age=0, target_name=BIB_NAME)
            if killed_writer_before:
                clean_stale_temp_files(self.settings.quotes_dir, max_age=0)
            yield

    def _refresh_after_write(self, written: Path) -> None:
        if "index" in self.__dict__:
            self.index.refresh(changed=[written.name])

    # -- sources ----------------------------------------------------------------------

    def source(self, key: str) -> Source:
        """The source with citation key ``key`` (case-sensitive)."""
        found = self.index.source(key)
        if found is None:
            raise UnknownKeyError(key, self.index.closest_keys(key))
        return found

    def sources(self, keys: Iterable[str] | None = None) -> list[Source]:
        return self.index.sources(keys)

    def add_sources(self, bibtex: str, origin: str = "<input>") -> list[Source]:
        """Validate BibTeX text and append its entries to library.bib, byte for byte.

        Refuses the whole text (writing nothing) if any block is malformed or any key
        exists already, in the library or twice in the text.
        """
        from citeman.bibtex import parse_bib_text
        from citeman.bibtex.writer import BibFile

        parsed = parse_bib_text(bibtex, file=Path(origin))
        if parsed.problems:
            first = parsed.problems[0]
            more = len(parsed.problems) - 1
            raise BibSyntaxError(
                first.message + (f" (and {more} more problems)" if more else ""),
                file=origin,
                line=first.line,
                hint="fix the entry and run the command again; nothing was written",
            )
        if not parsed.sources:
            raise InvalidInputError(
                f"{origin}: no BibTeX entry found", "an entry starts with @type{key,"
            )
        with self._writing():
            self.index.refresh()
            for new in parsed.sources:
                if self.index.source(new.key) is not None:
                    raise ConflictError(
                        f"citation key '{new.key}' is already in {BIB_NAME}",
                        "choose another key; nothing was written",
                    )
            BibFile(self.settings.bib_path).append_entries(bibtex)
            self.index.refresh()
        return parsed.sources

    def set_source_field(self, key: str, field: str, value: str | None) -> Source:
        """Set (or with ``value=None`` remove) one field, splicing only its bytes."""
        from citeman.bibtex.writer import BibFile

        with self._writing():
            self.source(key)
            bib = BibFile(self.settings.bib_path)
            if value is None:
                bib.remove_field(key, field)
            else:
                bib.set_field(key, field, value)
            self.index.refresh()
        return self.source(key)

    def remove_source(self, key: str, *, force: bool = False) -> None:
        """Remove an entry from library.bib; refuses while quotes cite it unless ``force``."""
        from citeman.bibtex.writer import BibFile

        with self._writing():
            self.source(key)
            citing = [q.id for q in self.index.quotes() if key in q.cited_keys]
            if citing and not force:
                raise ConflictError(
                    f"{len(citing)} quote(s) cite '{key}': {', '.join(citing[:5])}",
                    "remove or re-point those quotes first, or pass --force",
                )
            BibFile(self.settings.bib_path).remove_entry(key)
            self.index.refresh()

    # -- quotes -----------------------------------------------------------------------

    def quote(self, quote_id: str) -> Quote:
        found = self.index.quote(quote_id)
        if found is None:
            from rapidfuzz import process

            self.store.path_for(quote_id)
            for problem in self.index.quote_problems():
                if problem.file is not None and problem.file.stem == quote_id:
                    raise problem

            close = process.extract(quote_id, self.index.quote_ids(), limit=3, score_cutoff=60)
            raise UnknownQuoteError(quote_id, [c[0] for c in close])
        return found

    def quotes(self, ids: Sequence[str] | None = None) -> list[Quote]:
        """The quotes with ``ids`` in that order (all, sorted by id, when None).

        Reading all quotes fails on the first quote file that does not validate,
        so that no quote silently drops out of a rendered document.
        """
        if ids is None:
            problems = self.index.quote_problems()
            if problems:
                raise problems[0]
            return self.index.quotes()
        return [self.quote(i) for i in ids]

    def add_quote(
        self,
        text: str,
        *,
        source: str | None = None,
        locator: str | None = None,
        speaker: str | None = None,
        quoted_in: str | None = None,
        quoted_in_locator: str | None = None,
        tags: Sequence[str] = (),
        note: str | None = None,
        date_said: str | None = None,
        occasion: str | None = None,
        quote_id: str | None = None,
    ) -> Quote:
        """Capture a quote as quotes/<id>.md and return it.

        Citation keys must exist in library.bib; locators are parsed ("p. 45");
        without ``quote_id`` a readable id is derived and never overwrites a quote.
        """
        from citeman.locators import parse_locator
        from citeman.quotes import derive_quote_id

        if quote_id is not None:
            self.store.path_for(quote_id)
        if not text or not text.strip():
            raise InvalidInputError("the quote text is empty", "pass the words, or - to read stdin")
        if locator and not source and not quoted_in:
            raise InvalidInputError("a locator needs a --source", "say which work the page is in")
        if quoted_in_locator and not quoted_in:
            raise InvalidInputError("--quoted-in-locator needs --quoted-in")
        cited = [source, quoted_in]
        for key in cited:
            if key:
                self.source(key)
        fields: dict[str, Any] = {
            "id": quote_id or "pending",
            "text": text.strip("\n"),
            "source": source,
            "locator": parse_locator(locator) if locator else None,
            "speaker": speaker,
            "quoted_in": quoted_in,
            "quoted_in_locator": parse_locator(quoted_in_locator) if quoted_in_locator else None,
            "tags": list(tags),
            "note": note,
            "date": date_said,
            "occasion": occasion,
            "added": date.today(),
        }
        quote = _validated_quote(fields)
        with self._writing():
            if quote_id is None:
                author = self._author_surname(source or quoted_in)
                quote.id = derive_quote_id(quote, author, self.store)
            path = self.store.create(quote)
        self._refresh_after_write(path)
        return quote

    def _author_surname(self, key: str | None) -> str | None:
        if not key:
            return None
        families = self.source(key).author_families
        return families[0] if families else None

    # -- services ---------------------------------------------------------------------

    def find(
        self, query: str = "", filters: SearchFilters | None = None, limit: int | None = None
    ) -> list[SearchHit]:
        """Quotes matching ``query`` (see the README's query language), best first."""
        from citeman.search import search

        return search(self.index, query, filters, limit=limit)

    def suggest(self, query: str) -> list[str]:
        """Near spellings of the query's words, for when find() returns nothing."""
        from citeman.search import suggest

        return suggest(self.index, query)

    def check(self) -> CheckReport:
        """Problems in the whole library (see citeman.check)."""
        from citeman.check import check_library

        return check_library(self)

    def render(
        self,
        ids: Sequence[str] | None = None,
        *,
        style: str | None = None,
        output: OutputFormat = "text",
        quotes: Sequence[Quote] | None = None,
    ) -> RenderedDocument:
        """Footnotes (or in-text citations) and a bibliography for the chosen quotes."""
        from citeman.render import render_quotes

        chosen = list(quotes) if quotes is not None else self.quotes(ids)
        keys = sorted({k for q in chosen for k in q.cited_keys})
        sources = {}
        for key in keys:
            found = self.index.source(key)
            if found is None:
                citing = next(q.id for q in chosen if key in q.cited_keys)
                raise UnknownKeyError(key, self.index.closest_keys(key), cited_by=f"quote {citing}")
            sources[key] = found
        return render_quotes(
            chosen,
            sources,
            style=style or self.settings.style,
            locale=self.settings.locale,
            output=output,
        )

    def write_output(self, path: Path, text: str) -> Path:
        """Write a rendered document to ``path`` atomically; returns the resolved path.

        The path must lie inside the library folder and must not be the library's
        own data: library.bib, citeman.toml, a file under quotes/ or .citeman/.
        """
        from citeman.storage.atomic import atomic_write_text

        with contextlib.suppress(RuntimeError):  # "~name" of no known user: a plain name
            path = path.expanduser()
        target = path.resolve()
        root = self.root.resolve()
        if not target.is_relative_to(root):
            raise UnsafePathError(
                f"{path} is outside the library folder {root}",
                "write output inside the library folder (or redirect stdout)",
            )
        own_files = {root / BIB_NAME, root / CONFIG_NAME}
        own_folders = (self.settings.quotes_dir.resolve(), self.settings.state_dir.resolve())
        if target in own_files or any(target.is_relative_to(d) for d in own_folders):
            raise UnsafePathError(
                f"{path} is the library's own data: writing there would replace it",
                "choose another file name, e.g. notes.md",
            )
        atomic_write_text(target, text)
        return target


def _validated_quote(fields: dict[str, Any]) -> Quote:
    from pydantic import ValidationError

    try:
        return Quote.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "quote"
        raise InvalidInputError(f"{field}: {first['msg']}") from None
