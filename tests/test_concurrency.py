"""Concurrency and crash safety of writes, through the installed ``cite`` processes.

* 50 ``cite add`` processes started at once: 50 valid quote files, none lost,
  library.bib untouched.
* ``cite add`` and ``cite source add`` killed with SIGKILL at random moments,
  many times: afterwards the library always parses, no half-written file is
  visible, and leftover temporary files are cleaned (or ignored) by the next run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from citeman.bibtex import load_bib
from citeman.quotes import QuoteStore
from citeman.storage.atomic import TEMP_MARKER
from tests.conftest import installed_cite

CRASH_RUNS = int(os.environ.get("CITEMAN_CRASH_RUNS", "200"))


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "CITEMAN_LIBRARY"}


@pytest.mark.slow
def test_fifty_concurrent_adds(library_dir: Path) -> None:
    bib_before = (library_dir / "library.bib").read_bytes()
    cite = installed_cite()
    procs = [
        subprocess.Popen(
            [
                cite,
                "--library",
                str(library_dir),
                "add",
                f"Concurrent quote number {n}: the words differ.",
                "--source",
                "kotkin2017waiting",
                "--page",
                str(n + 1),
                "--tag",
                "stress",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for n in range(50)
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [0] * 50, [err for _, err in outputs if err]
    ids = [out.strip() for out, _ in outputs]
    assert len(set(ids)) == 50

    quotes, problems = QuoteStore(library_dir / "quotes").load_all()
    assert problems == []
    assert sorted(q.id for q in quotes) == sorted(ids)
    assert {q.text for q in quotes} == {
        f"Concurrent quote number {n}: the words differ." for n in range(50)
    }
    assert (library_dir / "library.bib").read_bytes() == bib_before


def _kill_at_random(args: list[str], stdin: str | None, rng: random.Random) -> None:
    proc = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
    )
    if stdin is not None and proc.stdin is not None:
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except BrokenPipeError:
            pass
    time.sleep(rng.uniform(0.0, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(library_dir: Path) -> None:
    rng = random.Random(20261123)
    cite = installed_cite()
    bib = library_dir / "library.bib"
    keys_written: set[str] = set()
    landed = cut_off = 0
    for run in range(CRASH_RUNS):
        if run % 2:
            key = f"crash{run}"
            entry = (
                f"@book{{{key},\n  author = {{Crash, Test}},\n"
                f"  title = {{Run {run}}},\n  year = {{2001}},\n}}\n"
            )
            _kill_at_random([cite, "--library", str(library_dir), "source", "add", "-"], entry, rng)
            keys_written.add(key)
        else:
            _kill_at_random(
                [
                    cite,
                    "--library",
                    str(library_dir),
                    "add",
                    f"Crash quote {run}.",
                    "--source",
                    "kotkin2014paradoxes",
                    "--id",
                    f"crash-{run}",
                ],
                None,
                rng,
            )

        # After every kill the library must read cleanly: whole files only.
        loaded = load_bib(bib)
        assert loaded.problems == [], (run, loaded.problems[:3])
        quotes, problems = QuoteStore(library_dir / "quotes").load_all()
        assert problems == [], (run, problems[:3])
        written = (
            f"crash{run}" in {s.key for s in loaded.sources}
            if run % 2
            else f"crash-{run}" in {q.id for q in quotes}
        )
        landed, cut_off = landed + written, cut_off + (not written)

    print(f"\n{CRASH_RUNS} SIGKILL runs: {landed} writes completed, {cut_off} cut off, 0 damaged")
    # Kills must have landed both before and after the commit point to prove anything.
    assert landed and cut_off
    sources = {s.key for s in load_bib(bib).sources}
    assert {"kotkin2014paradoxes", "kotkin2017waiting", "ahmann2007germany"} <= sources
    assert (
        sources - {"kotkin2014paradoxes", "kotkin2017waiting", "ahmann2007germany"} <= keys_written
    )

    # The next successful write clears the temporary files killed writers left.
    done = subprocess.run(
        [
            cite,
            "--library",
            str(library_dir),
            "add",
            "After the storm.",
            "--source",
            "kotkin2014paradoxes",
            "--id",
            "after",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    leftovers = [
        p.name
        for p in [*library_dir.iterdir(), *(library_dir / "quotes").iterdir()]
        if TEMP_MARKER in p.name
    ]
    assert leftovers == []
