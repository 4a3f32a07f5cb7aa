"""BibTeX/BibLaTeX: reading library.bib into Sources with CSL-JSON, and editing it in place.

Reading (this package's public API)::

    from citeman.bibtex import load_bib, parse_bib_text

    result = load_bib(Path("library.bib"))          # BibLoadResult: sources, problems, encoding
    result = parse_bib_text("@book{k, title={T}}")  # the same for text (pasted BibTeX)
    csl = entry_to_csl("k", "book", {"title": "T"}) # one entry → CSL-JSON
    decode_latex(r"Erd{\\H{o}}s")                   # 'Erdős'
    split_names("de Gaulle, Charles and others")    # CSL name objects

Modules: :mod:`.reader` (blocks, macros, crossref, problems, encodings),
:mod:`.latex` (LaTeX → Unicode/CSL markup), :mod:`.names` (BibTeX name rules),
:mod:`.csl_mapping` (BibLaTeX → CSL per MAPPING.md), :mod:`.report` (corpus table);
editing in place is :mod:`.spans` and :mod:`.writer`.
"""

from citeman.bibtex.csl_mapping import entry_to_csl
from citeman.bibtex.latex import decode_latex, latex_to_csl
from citeman.bibtex.names import split_name_list, split_names
from citeman.bibtex.reader import (
    BibLoadResult,
    BibProblem,
    ProblemKind,
    decode_bib_bytes,
    entry_fingerprint,
    load_bib,
    parse_bib_text,
)

__all__ = [
    "BibLoadResult",
    "BibProblem",
    "ProblemKind",
    "decode_bib_bytes",
    "decode_latex",
    "entry_fingerprint",
    "entry_to_csl",
    "latex_to_csl",
    "load_bib",
    "parse_bib_text",
    "split_name_list",
    "split_names",
]
