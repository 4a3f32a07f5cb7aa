"""Style resolution: aliases, ids, paths, and helpful errors for unknown names."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeman.csl.styles import list_styles, resolve_style, style_title
from citeman.errors import UnknownStyleError


@pytest.mark.parametrize(
    ("alias", "style_id"),
    [
        ("chicago", "chicago-notes-bibliography"),
        ("mla", "modern-language-association"),
        ("harvard", "harvard-cite-them-right"),
        ("mhra", "mhra-notes"),
        ("apa", "apa"),
        ("chicago-author-date", "chicago-author-date"),
    ],
)
def test_aliases_name_the_styles_historians_ask_for(alias: str, style_id: str) -> None:
    assert resolve_style(alias).stem == style_id


def test_a_path_to_a_style_file_is_used_as_is(tmp_path: Path) -> None:
    own = tmp_path / "mine.csl"
    own.write_text(resolve_style("apa").read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_style(str(own)) == own.resolve()


def test_unknown_style_suggests_the_closest_ids() -> None:
    with pytest.raises(UnknownStyleError) as raised:
        resolve_style("chicgo")
    assert "chicago" in raised.value.suggestions
    assert raised.value.exit_code == 3


def test_list_styles_gives_ids_and_titles() -> None:
    styles = dict(list_styles())
    assert len(styles) > 2000
    assert "Chicago" in styles["chicago-notes-bibliography"]
    assert style_title(resolve_style("apa")).startswith("APA Style")
