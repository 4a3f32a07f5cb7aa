"""Cutting a quote file at its '---' lines: the one-search path (files whose lines
all end in "\\n") gives what the line-by-line path gives."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citeman.quotes
from citeman.errors import QuoteFileError
from citeman.quotes import MAX_FRONT_MATTER_CHARS, _split_document

_lines = st.sampled_from(
    ["---", "--- ", "---\t ", "----", " ---", "---x", "-- -", "a: b", "", "text", "# c"]
)


def _split(text: str, *, line_by_line: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if line_by_line:  # every text looks as if it had a CR: the general path
            patch.setattr(citeman.quotes, "_OTHER_BREAKS", re.compile(""))
        try:
            doc, front = _split_document(text, Path("q.md"))
        except QuoteFileError as exc:
            return ("error", exc.problem, exc.line)
        return (doc.head, front, doc.closing, doc.body, doc.newline)


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bom=st.sampled_from(["", "\ufeff"]),
    lines=st.lists(_lines, max_size=8),
    end=st.sampled_from(["", "\n"]),
)
def test_both_paths_cut_the_same(
    bom: str, lines: list[str], end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = bom + "\n".join(lines) + end
    fast = _split(text, line_by_line=False, monkeypatch=monkeypatch)
    assert fast == _split(text, line_by_line=True, monkeypatch=monkeypatch)


@pytest.mark.parametrize("extra", [0, 1, 2])
def test_the_closing_line_must_start_within_64_kib(
    extra: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The closing line starts MAX_FRONT_MATTER_CHARS - 1 + extra characters into the front matter.
    filler = "x" * (MAX_FRONT_MATTER_CHARS - 8 + extra) + "\n"
    text = f"---\nnote: {filler}---\nText.\n"
    fast = _split(text, line_by_line=False, monkeypatch=monkeypatch)
    assert fast == _split(text, line_by_line=True, monkeypatch=monkeypatch)
    assert (fast[0] == "error") == (extra == 2)
