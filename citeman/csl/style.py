"""Load a CSL style once: parse it with citeproc-py, compile it into our elements, cache it.

Use cases::

    style = load_style("chicago")                 # id, alias or path
    style = load_style("<style ...>...</style>")  # the XML itself (the test suite does this)
    style.is_note_style, style.citation, style.bibliography, style.macros, style.locale

citeproc-py parses the XML (its lxml parser and element classes) and picks the
locales (the style's own ``<locale>`` sections, then its locale files); we then
read everything once into plain Python objects, so rendering never runs XPath.
A compiled style is cached in memory and pickled on disk, keyed by a hash of
the style text, the locale and our own source files.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from citeproc import CitationStylesStyle
from platformdirs import user_cache_dir

from citeman.code_version import code_fingerprint
from citeman.csl.locale import CSL_NS, LocaleData, attributes, local_name
from citeman.csl.nodes import Element, compile_children
from citeman.csl.safe_xml import check_style_xml
from citeman.csl.styles import resolve_style
from citeman.gc_pause import gc_paused
from citeman.storage.atomic import atomic_write


@dataclass
class SortKey:
    variable: str | None
    macro: str | None
    descending: bool
    name_options: dict[str, str]


@dataclass
class Layout:
    """cs:citation or cs:bibliography: its options, layout and sort keys."""

    attrs: dict[str, str]
    layout_attrs: dict[str, str]
    children: list[Element]
    sort: list[SortKey] = field(default_factory=list)


@dataclass
class CompiledStyle:
    root_attrs: dict[str, str]
    locale: LocaleData
    macros: dict[str, list[Element]]
    citation: Layout | None
    bibliography: Layout | None
    renders_year_suffix: bool
    disambiguate_tests: int = 0  # how many cs:if/cs:else-if test disambiguate
    numbers_citations: bool = False  # the citation prints citation-number (a numeric style)
    title: str = ""
    language: str = "en-US"  # the locale rendered in (items may name their own)

    @property
    def is_note_style(self) -> bool:
        return self.root_attrs.get("class") == "note"

    def inherited(self, mode: str, option: str) -> str | None:
        """An inheritable option: from cs:citation/cs:bibliography, else cs:style."""
        layout = self.citation if mode == "citation" else self.bibliography
        if layout is not None and option in layout.attrs:
            return layout.attrs[option]
        return self.root_attrs.get(option)


def _compile_layout(element: Any) -> Layout:
    layout_element = element.find(f"{CSL_NS}layout")
    sort_keys: list[SortKey] = []
    sort_element = element.find(f"{CSL_NS}sort")
    if sort_element is not None:
        for key in sort_element:
            if local_name(key) != "key":
                continue
            options = {}
            for option in ("names-min", "names-use-first", "names-use-last"):
                if key.get(option) is not None:
                    options[option.replace("names", "et-al")] = key.get(option)
            sort_keys.append(
                SortKey(
                    key.get("variable"), key.get("macro"), key.get("sort") == "descending", options
                )
            )
    return Layout(
        attributes(element),
        attributes(layout_element) if layout_element is not None else {},
        compile_children(layout_element) if layout_element is not None else [],
        sort_keys,
    )


def _prints_citation_number(element: Any, root: Any) -> bool:
    """Whether ``element`` or a macro it calls renders the citation-number variable.

    Each macro is looked into once: styles call the same macros from many places,
    and walking every call path took 20 s for Chicago.
    """
    macros = {macro.get("name"): macro for macro in root.findall(f"{CSL_NS}macro")}
    verdicts: dict[str, bool] = {}

    def prints(node_tree: Any) -> bool:
        for node in node_tree.iter():
            if local_name(node) != "text":
                continue
            if node.get("variable") == "citation-number":
                return True
            name = node.get("macro")
            if name in macros:
                if name not in verdicts:
                    verdicts[name] = False  # a macro that calls itself adds nothing
                    verdicts[name] = prints(macros[name])
                if verdicts[name]:
                    return True
        return False

    return prints(element)


def compile_style(xml: bytes, locale: str | None) -> CompiledStyle:
    parsed = CitationStylesStyle(io.BytesIO(xml), locale=locale, validate=False)
    root = parsed.root
    macros = {
        str(macro.get("name")): compile_children(macro) for macro in root.findall(f"{CSL_NS}macro")
    }
    citation = root.find(f"{CSL_NS}citation")
    bibliography = root.find(f"{CSL_NS}bibliography")
    renders_year_suffix = any(
        element.get("variable") == "year-suffix" for element in root.iter(f"{CSL_NS}text")
    )
    title_element = root.find(f"{CSL_NS}info/{CSL_NS}title")
    disambiguate_tests = sum(
        element.get("disambiguate") is not None
        for tag in ("if", "else-if")
        for element in root.iter(f"{CSL_NS}{tag}")
    )
    return CompiledStyle(
        root_attrs=attributes(root),
        locale=LocaleData.from_elements(list(root.locales)),
        macros=macros,
        citation=_compile_layout(citation) if citation is not None else None,
        bibliography=_compile_layout(bibliography) if bibliography is not None else None,
        renders_year_suffix=renders_year_suffix,
        disambiguate_tests=disambiguate_tests,
        numbers_citations=citation is not None and _prints_citation_number(citation, root),
        title=(title_element.text or "") if title_element is not None else "",
        language=locale or root.get("default-locale") or "en-US",
    )


@cache
def _code_fingerprint() -> str:
    """What a compiled style depends on besides its XML: the engine's code (once per process)."""
    return code_fingerprint(Path(__file__).parent)


_MEMORY: dict[str, CompiledStyle] = {}


def _disk_cache_dir() -> Path:
    return Path(user_cache_dir("citeman")) / "csl-styles"


def load_style(
    style: str | Path, locale: str | None = None, disk_cache: bool = True
) -> CompiledStyle:
    """A compiled style from an id, alias, path or XML text; cached in memory and on disk."""
    if isinstance(style, str) and style.lstrip().startswith("<"):
        xml, origin = style.encode("utf-8"), "text"
        disk_cache = False
    else:
        path = resolve_style(style)
        xml, origin = path.read_bytes(), str(path)
    key = hashlib.sha256(xml + f"\0{locale}\0{_code_fingerprint()}".encode()).hexdigest()
    compiled = _MEMORY.get(key)
    if compiled is not None:
        return compiled
    cache_file = _disk_cache_dir() / f"{key}.pickle"
    if disk_cache and cache_file.is_file():
        try:
            with cache_file.open("rb") as handle, gc_paused():
                compiled = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            compiled = None
    if compiled is None:
        check_style_xml(xml, origin)
        compiled = compile_style(xml, locale)
        if disk_cache:
            _write_cache(cache_file, compiled)
    _MEMORY[key] = compiled
    return compiled


def _write_cache(cache_file: Path, compiled: CompiledStyle) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(cache_file, data)
    except OSError:
        pass  # a read-only cache folder only costs speed
