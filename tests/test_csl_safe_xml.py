"""Hostile style files fail fast with a clear error, through the engine and the CLI."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from citeman.csl import Engine
from citeman.errors import InvalidInputError

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE style [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
 <info><title>&lol9;</title><id>x</id><updated>2020-01-01T00:00:00+00:00</updated></info>
 <citation><layout><text variable="title"/></layout></citation>
</style>
"""

EXTERNAL_ENTITY = BILLION_LAUGHS.split("<!DOCTYPE")[0] + """<!DOCTYPE style [
 <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
 <info><title>&secret;</title><id>x</id><updated>2020-01-01T00:00:00+00:00</updated></info>
 <citation><layout><text variable="title"/></layout></citation>
</style>
"""

DEEP = (
    '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
    + "<group>" * 5000 + "</group>" * 5000 + "</style>"
)


@pytest.mark.parametrize(
    ("name", "xml", "says"),
    [
        ("laughs", BILLION_LAUGHS, "DTD|entity amplification"),
        ("external", EXTERNAL_ENTITY, "DTD"),
        ("deep", DEEP, "nests deeper|[Ee]xcessive depth"),
        ("broken", "<style><citation>", "not well-formed"),
        ("not-csl", "<html><body/></html>", "not a CSL style"),
    ],
)
def test_hostile_style_files_fail_fast(tmp_path: Path, name: str, xml: str, says: str) -> None:
    path = tmp_path / f"{name}.csl"
    path.write_text(xml, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InvalidInputError, match=says):
        Engine(path, [{"id": "a", "type": "book", "title": "T"}])
    assert time.perf_counter() - started < 5  # fails fast; generous for a loaded CI machine


def test_cli_reports_a_hostile_style_in_one_line(cli: Any, tmp_path: Path) -> None:
    cli("add", "Words.", "--source", "kotkin2014paradoxes", "--id", "w")
    path = tmp_path / "laughs.csl"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = cli("render", "--style", str(path))
    assert result.exit_code == 4
    assert "laughs.csl" in result.stderr and "Traceback" not in result.output
    assert result.stderr.count("\n") == 2  # the error and its hint
