"""Benchmark ``cite render --style chicago``: 1,000 notes over 50 varied works, the real path.

Usage::

    python benchmarks/render.py              # ours, and citeproc-js when node and npm are here
    python benchmarks/render.py --runs 7 --no-js

It writes a library folder (library.bib with the 50 works as BibLaTeX, 1,000
quote files citing them) and measures, median of ``--runs``:

* in-process ``Library.render()`` of all 1,000 quotes (BibTeX → CSL mapping,
  note positions, footnotes, bibliography): ms per note;
* the whole ``cite render --style chicago`` process, as a user runs it;
* the style load time (parse, in-process cache, disk cache);
* citeproc-js on the same CSL-JSON items and the same notes, and the ratio.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_engine import (  # the engine benchmark's workload
    STYLE_ID,
    make_notes,
    make_works,
    parse_arguments,
    report_citeproc_js,
    style_load_times,
)

from citeman.library import Library

_BIB_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "article-journal": "article",
    "thesis": "phdthesis",
    "manuscript": "unpublished",
}


def _names(people: list[dict[str, str]]) -> str:
    return " and ".join(f"{p['family']}, {p['given']}" for p in people)


def to_bibtex(item: dict[str, Any]) -> str:
    """One benchmark work as a BibLaTeX entry, the way a careful user writes it."""
    year, month = item["issued"]["date-parts"][0]
    fields = {
        "author": _names(item["author"]),
        "title": item["title"],
        "date": f"{year}-{month:02d}",
        "translator": _names(item.get("translator", [])),
        "editor": _names(item.get("editor", [])),
        "publisher": item.get("publisher", ""),
        "location": item.get("publisher-place", ""),
        "pages": item.get("page", "").replace("-", "--"),
        "volume": item.get("volume", ""),
        "number": item.get("issue", ""),
        "doi": item.get("DOI", ""),
        "type": item.get("genre", ""),
        "howpublished": item.get("archive", ""),
        "note": item.get("archive_location", ""),
    }
    container = item.get("container-title", "")
    if container:
        fields["journaltitle" if item["type"] == "article-journal" else "booktitle"] = container
    if item["type"] == "thesis":
        fields["school"] = fields.pop("publisher")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{_BIB_TYPES[item['type']]}{{{item['id']},\n{body},\n}}\n"


def write_library(root: Path, works: list[dict[str, Any]],
                  notes: list[tuple[str, str | None]]) -> list[str]:
    (root / "quotes").mkdir(parents=True)
    (root / "library.bib").write_text("\n".join(to_bibtex(w) for w in works), encoding="utf-8")
    ids = []
    for number, (work, locator) in enumerate(notes, start=1):
        quote_id = f"q{number:04d}"
        loc = f"locator: p. {locator}\n" if locator else ""
        (root / "quotes" / f"{quote_id}.md").write_text(
            f"---\nid: {quote_id}\nsource: {work}\n{loc}tags: [bench]\n---\n"
            f"Words of note {number}, quoted from {work}.\n",
            encoding="utf-8",
        )
        ids.append(quote_id)
    return ids


def time_in_process(root: Path, ids: list[str]) -> float:
    library = Library.open(root)
    library.index  # noqa: B018  (the refresh is not what is measured here)
    started = time.perf_counter()
    library.render(ids, style="chicago")
    return time.perf_counter() - started


def time_whole_process(root: Path) -> float:
    cite = Path(sys.executable).with_name("cite")
    started = time.perf_counter()
    subprocess.run([str(cite), "--library", str(root), "render", "--style", "chicago"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv, __doc__.splitlines()[0])
    works, notes = make_works(), make_notes()
    with tempfile.TemporaryDirectory(prefix="citeman-render-bench-") as folder:
        root = Path(folder)
        ids = write_library(root, works, notes)
        loads = style_load_times()
        print(f"style load ({STYLE_ID}): "
              + ", ".join(f"{k} {v:.2f} ms" for k, v in loads.items()))
        time_in_process(root, ids[:50])  # warm-up: index build, style cache
        ours = [time_in_process(root, ids) for _ in range(args.runs)]
        ours_ms = statistics.median(ours) * 1000 / len(ids)
        print(f"citeman Library.render: {ours_ms:.3f} ms per note "
              f"(median of {args.runs} runs of {len(ids)} notes + bibliography)")
        whole = [time_whole_process(root) for _ in range(args.runs)]
        print(f"cite render --style chicago (whole process, {len(ids)} notes): "
              f"{statistics.median(whole) * 1000:.0f} ms median")
        if not args.no_js:
            items = [s.csl for s in Library.open(root).sources()]
            report_citeproc_js(items, notes, args.runs, ours_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
