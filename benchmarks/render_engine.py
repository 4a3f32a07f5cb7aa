"""Benchmark the CSL engine: 1,000 Chicago notes over 50 varied works.

Usage::

    python benchmarks/render_engine.py            # ours (and citeproc-js when node is here)
    python benchmarks/render_engine.py --runs 7 --no-js

Prints the median ms per note over the runs, the style load time (cold parse,
in-process cache, disk cache), and, where ``node`` and ``npm`` are on PATH,
the same workload through citeproc-js (npm package ``citeproc``, installed by
this script into a temporary folder) and the ratio between the two.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from citeproc import LOCALES_PATH

from citeman.csl import CiteRef, Engine, resolve_style
from citeman.csl import style as style_module

STYLE_ID = "chicago-notes-bibliography"
WORKS = 50
NOTES = 1000

_FAMILIES = [
    "Kotkin",
    "Figes",
    "Applebaum",
    "Snyder",
    "Fitzpatrick",
    "Pipes",
    "Conquest",
    "Getty",
    "Viola",
    "Hosking",
    "van der Linden",
    "de Gaulle",
    "Lih",
    "Werth",
]
_GIVEN = [
    "Stephen",
    "Orlando",
    "Anne",
    "Timothy",
    "Sheila",
    "Richard",
    "Robert",
    "J. Arch",
    "Lynne",
    "Geoffrey",
    "Marcel",
    "Charles",
    "Lars T.",
    "Nicolas",
]
_TITLES = [
    "Stalin: Waiting for Hitler, 1929–1941",
    "A People's Tragedy",
    "Gulag: A History",
    "Bloodlands: Europe between Hitler and Stalin",
    "Everyday Stalinism",
    "The Russian Revolution",
    "The Great Terror: A Reassessment",
    "Origins of the Great Purges",
    "Peasant Rebels under Stalin",
    "Russia: People and Empire, 1552–1917",
]


def _person(rng: random.Random) -> dict[str, str]:
    return {"family": rng.choice(_FAMILIES), "given": rng.choice(_GIVEN)}


def make_works(seed: int = 1) -> list[dict[str, Any]]:
    """50 CSL-JSON items: books, edited books, chapters, articles, theses, archives."""
    rng = random.Random(seed)
    works: list[dict[str, Any]] = []
    for number in range(WORKS):
        kind = ["book", "book", "article-journal", "chapter", "thesis", "manuscript"][number % 6]
        item: dict[str, Any] = {
            "id": f"work{number}",
            "type": kind,
            "title": f"{rng.choice(_TITLES)} ({number})",
            "author": [_person(rng) for _ in range(1 + number % 4)],
            "issued": {"date-parts": [[1960 + number, 1 + number % 12]]},
        }
        if kind in ("book", "chapter"):
            item |= {"publisher": "Penguin Press", "publisher-place": "New York"}
            if number % 5 == 0:
                item["translator"] = [_person(rng)]
        if kind == "chapter":
            item |= {
                "container-title": "The Cambridge History of Russia",
                "editor": [_person(rng), _person(rng)],
                "page": f"{100 + number}-{131 + number}",
            }
        if kind == "article-journal":
            item |= {
                "container-title": "Slavic Review",
                "volume": str(number),
                "issue": "2",
                "page": f"{201 + number}-{225 + number}",
                "DOI": f"10.2307/{1000 + number}",
            }
        if kind == "thesis":
            item |= {"genre": "PhD diss.", "publisher": "University of Chicago"}
        if kind == "manuscript":
            item |= {"archive": "GARF", "archive_location": f"f. {number}, op. 1, d. 7"}
        works.append(item)
    return works


def make_notes(seed: int = 2) -> list[tuple[str, str | None]]:
    """1,000 notes, each one cite: new works, returns to earlier ones, runs of ibid."""
    rng = random.Random(seed)
    notes: list[tuple[str, str | None]] = []
    for _ in range(NOTES):
        again = notes and rng.random() < 0.25  # the same work again: ibid
        work = notes[-1][0] if again else f"work{rng.randrange(WORKS)}"
        locator = str(rng.randrange(1, 400)) if rng.random() < 0.8 else None
        notes.append((work, locator))
    return notes


def run_ours(works: list[dict[str, Any]], notes: list[tuple[str, str | None]]) -> float:
    """Seconds for one run of all notes through a fresh engine (style already cached)."""
    started = time.perf_counter()
    engine = Engine(STYLE_ID, works)
    for index, (work, locator) in enumerate(notes, start=1):
        engine.cite([CiteRef(id=work, locator=locator)], note_index=index)
    return time.perf_counter() - started


def style_load_times() -> dict[str, float]:
    """Milliseconds to load the style: parsed from XML, from memory, from the disk cache."""
    style_module._MEMORY.clear()
    started = time.perf_counter()
    style_module.load_style(STYLE_ID, disk_cache=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    style_module.load_style(STYLE_ID, disk_cache=False)
    warm = time.perf_counter() - started
    style_module._MEMORY.clear()
    style_module.load_style(STYLE_ID)  # parses and writes the disk cache if it is not there
    disk_loads = []
    for _ in range(7):
        style_module._MEMORY.clear()
        started = time.perf_counter()
        style_module.load_style(STYLE_ID)
        disk_loads.append(time.perf_counter() - started)
    disk = statistics.median(disk_loads)
    return {"parse": cold * 1000, "memory cache": warm * 1000, "disk cache": disk * 1000}


_JS_RUNNER = r"""
const fs = require("fs");
const CSL = require("citeproc");
const [styleFile, localeFile, worksFile, notesFile, runs] = process.argv.slice(2);
const style = fs.readFileSync(styleFile, "utf8");
const locale = fs.readFileSync(localeFile, "utf8");
const works = JSON.parse(fs.readFileSync(worksFile, "utf8"));
const notes = JSON.parse(fs.readFileSync(notesFile, "utf8"));
const byId = Object.fromEntries(works.map((w) => [w.id, w]));
const sys = { retrieveLocale: () => locale, retrieveItem: (id) => byId[id] };
const times = [];
for (let run = 0; run < Number(runs); run++) {
  const started = process.hrtime.bigint();
  const engine = new CSL.Engine(sys, style, "en-US");
  engine.updateItems(works.map((w) => w.id));
  notes.forEach(([id, locator], index) => {
    const item = locator ? { id, locator, label: "page" } : { id };
    engine.appendCitationCluster({ citationItems: [item], properties: { noteIndex: index + 1 } });
  });
  times.push(Number(process.hrtime.bigint() - started) / 1e9);
}
console.log(JSON.stringify(times));
"""


def run_citeproc_js(
    works: list[dict[str, Any]], notes: list[tuple[str, str | None]], runs: int
) -> list[float] | None:
    """Seconds per run through citeproc-js, or None when node/npm are not available."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    with tempfile.TemporaryDirectory(prefix="citeman-bench-") as folder:
        base = Path(folder)
        install = subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "citeproc"],
            cwd=base,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if install.returncode != 0:
            print(f"citeproc-js: npm install failed: {install.stderr.strip()[:200]}")
            return None
        (base / "run.js").write_text(_JS_RUNNER, encoding="utf-8")
        (base / "works.json").write_text(json.dumps(works), encoding="utf-8")
        (base / "notes.json").write_text(json.dumps(notes), encoding="utf-8")
        locale = Path(LOCALES_PATH) / "locales-en-US.xml"
        result = subprocess.run(
            [
                "node",
                "run.js",
                str(resolve_style(STYLE_ID)),
                str(locale),
                "works.json",
                "notes.json",
                str(runs),
            ],
            cwd=base,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            print(f"citeproc-js failed: {result.stderr.strip()[:300]}")
            return None
        times: list[float] = json.loads(result.stdout.strip().splitlines()[-1])
        return times


def parse_arguments(argv: list[str] | None, description: str) -> argparse.Namespace:
    """The options both render benchmarks take: --runs and --no-js."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-js", action="store_true", help="skip citeproc-js")
    return parser.parse_args(argv)


def report_citeproc_js(
    works: list[dict[str, Any]],
    notes: list[tuple[str, str | None]],
    runs: int,
    ours_ms: float,
) -> None:
    """Print citeproc-js's ms per note on the same workload and our ratio to it."""
    js = run_citeproc_js(works, notes, runs)
    if js is None:
        print("citeproc-js: not measured (needs node and npm)")
        return
    js_ms = statistics.median(js) * 1000 / len(notes)
    print(f"citeproc-js: {js_ms:.3f} ms per note (median of {runs} runs)")
    print(f"ratio citeman / citeproc-js: {ours_ms / js_ms:.2f}")


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv, __doc__.splitlines()[0])
    works, notes = make_works(), make_notes()
    loads = style_load_times()
    print(f"style load ({STYLE_ID}): " + ", ".join(f"{k} {v:.2f} ms" for k, v in loads.items()))
    run_ours(works, notes[:50])  # warm-up
    ours = [run_ours(works, notes) for _ in range(args.runs)]
    ours_ms = statistics.median(ours) * 1000 / len(notes)
    print(f"citeman: {ours_ms:.3f} ms per note (median of {args.runs} runs of {len(notes)} notes)")
    if not args.no_js:
        report_citeproc_js(works, notes, args.runs, ours_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
