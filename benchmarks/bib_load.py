"""Benchmark the BibTeX reader: bytes on disk → Sources with CSL, for N generated entries.

Usage::

    python benchmarks/bib_load.py                  # 20,000 entries, 5 runs
    python benchmarks/bib_load.py --entries 5000 --runs 3

The library mixes what real ones hold: @string journal macros and month macros
with ``#``, accented names in LaTeX (``M{\\"u}ller``, ``\\v{S}koda``), particles,
corporate authors, editors, crossref'd chapters, titles with protected words,
dashes and ``\\emph``, DOIs, URLs, abstracts. Each run is a fresh process so
that no in-process cache (decoded names, values) carries over; the script
prints the median time of ``load_bib`` (read, decode, split, expand, map: the
import of the package is timed apart), the splitting's share (``split_blocks``
alone, bibtexparser's rules), and the rest (expansion, LaTeX decoding, CSL mapping).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

FAMILIES = [
    r"M{\"u}ller",
    r"\v{S}koda",
    "Smith",
    r"Garc{\'\i}a",
    "Kotkin",
    r"Erd{\H{o}}s",
    r"Ach{\'e}",
    "Fitzpatrick",
    r"Gro{\ss}",
    r"{\O}stergaard",
    "Nguyen",
    r"Bj{\"o}rk",
    "Wheatcroft",
    r"Davies",
    r"Ko{\l}akowski",
    "Conquest",
    r"Br{\"u}ning",
    "Hobsbawm",
]
GIVEN = [
    "Stephen",
    "R. W.",
    r"J{\"o}rg",
    "Sheila",
    "Orlando",
    "Eric J.",
    r"Fran{\c c}ois",
    "Anne",
    "Leszek",
    "Robert",
]
PARTICLES = ["", "", "", "", "van der ", "de ", "von "]
WORDS = [
    "Stalin",
    "power",
    "terror",
    "history",
    "revolution",
    "the",
    "of",
    "and",
    "peasants",
    "state",
    "empire",
    "economy",
    "war",
    "archives",
    "memory",
    "famine",
    "Soviet",
    "Europe",
]
JOURNALS = {
    "jmh": "Journal of Modern History",
    "sr": "Slavic Review",
    "ahr": "The American Historical Review",
    "eas": "Europe-Asia Studies",
}
PUBLISHERS = ["Penguin", "Oxford University Press", "Cambridge University Press", "Basic Books"]
PLACES = ["New York", "Oxford", "Cambridge", "London and New York"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _person(rng: random.Random) -> str:
    family = rng.choice(PARTICLES) + rng.choice(FAMILIES)
    return f"{family}, {rng.choice(GIVEN)}"


def _title(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    if rng.random() < 0.3:
        chosen[rng.randrange(words)] = "{USSR}"
    if rng.random() < 0.2:
        chosen.append(r"\emph{Pravda}")
    if rng.random() < 0.3:
        return " ".join(chosen) + ": " + " ".join(rng.choice(WORDS) for _ in range(4))
    return " ".join(chosen)


def generate(entries: int, seed: int = 7) -> str:
    """A .bib text with ``entries`` entries (about 1 in 10 a crossref'd chapter)."""
    rng = random.Random(seed)
    out = [f'@string{{{abbr} = "{name}"}}\n' for abbr, name in JOURNALS.items()]
    book_keys: list[str] = []
    for number in range(entries):
        year = rng.randint(1950, 2024)
        authors = " and ".join(_person(rng) for _ in range(rng.choice((1, 1, 2, 3))))
        if rng.random() < 0.03:
            authors = "{Central Committee of the CPSU} and others"
        kind = rng.random()
        if kind < 0.5:
            out.append(
                f"@article{{art{number},\n  author = {{{authors}}},\n"
                f"  title = {{{_title(rng, 7)}}},\n  journal = {rng.choice(list(JOURNALS))},\n"
                f"  year = {year},\n  month = {rng.choice(MONTHS)},\n"
                f"  volume = {{{rng.randint(1, 80)}}},\n  number = {{{rng.randint(1, 4)}}},\n"
                f"  pages = {{{(p := rng.randint(1, 900))}--{p + rng.randint(5, 40)}}},\n"
                f"  doi = {{10.{rng.randint(1000, 9999)}/{rng.randint(10**6, 10**7)}}},\n"
                f"  abstract = {{{_title(rng, 60)}}},\n}}\n\n"
            )
        elif kind < 0.9 or not book_keys:
            key = f"book{number}"
            book_keys.append(key)
            out.append(
                f"@book{{{key},\n  author = {{{authors}}},\n  title = {{{_title(rng, 5)}}},\n"
                f"  publisher = {{{rng.choice(PUBLISHERS)}}},\n"
                f"  address = {{{rng.choice(PLACES)}}},\n  year = {{{year}}},\n"
                f"  edition = {{{rng.randint(1, 3)}}},\n  isbn = {{978-0-14-{number:06d}-1}},\n"
                f"  url = {{https://example.org/{key}}},\n"
                f"  urldate = {{2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}}},\n"
                f"  langid = {{english}},\n}}\n\n"
            )
        else:
            editors = " and ".join(_person(rng) for _ in range(2))
            out.append(
                f"@incollection{{chap{number},\n  author = {{{authors}}},\n"
                f"  editor = {{{editors}}},\n  title = {{{_title(rng, 6)}}},\n"
                f"  crossref = {{{rng.choice(book_keys)}}},\n"
                f"  pages = {{{rng.randint(1, 300)}--{rng.randint(301, 400)}}},\n"
                f"  note = {{Quoted in ``{_title(rng, 3)}''~--- see ch.~3}},\n}}\n\n"
            )
    return "".join(out)


_CHILD = """
import gc, sys, time
from pathlib import Path
t0 = time.perf_counter()
from citeman.bibtex import load_bib
from citeman.bibtex.splitter import split_blocks
t1 = time.perf_counter()
result = load_bib(Path(sys.argv[1]))
text = Path(sys.argv[1]).read_text()
gc.disable()  # as load_bib does while it reads
t2 = time.perf_counter()
split_blocks(text)
t3 = time.perf_counter()
gc.enable()
assert all(s.csl.get("type") for s in result.sources)
print(t2 - t1, t3 - t2, t1 - t0, len(result.sources), len(result.problems))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.bib"
        path.write_text(generate(args.entries), encoding="utf-8")
        size = path.stat().st_size
        loads, splits, imports = [], [], []
        for _ in range(args.runs):
            output = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            loads.append(float(output[0]))
            splits.append(float(output[1]))
            imports.append(float(output[2]))
            sources, problems = int(output[3]), int(output[4])
    load, split = statistics.median(loads), statistics.median(splits)
    print(f"{sources} sources, {problems} problems, {size / 1e6:.1f} MB")
    print(f"load_bib median over {args.runs} runs: {load:.2f} s")
    print(f"  block splitting alone:       {split:.2f} s")
    print(f"  the rest (ours):             {load - split:.2f} s")
    print(f"importing citeman.bibtex:      {statistics.median(imports):.2f} s (not included)")


if __name__ == "__main__":
    main()
