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


def test_macros_called_from_many_places_are_looked_into_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finding whether a citation prints citation-number walked every call path: a chain of
    macros each calling the next twice made 2**depth walks (20 s for Chicago)."""
    from citeman.csl import style as style_module

    depth = 30
    macros = "".join(
        f'<macro name="m{i}"><group><text macro="m{i + 1}"/><text macro="m{i + 1}"/></group>'
        "</macro>"
        for i in range(depth)
    ) + f'<macro name="m{depth}"><text variable="title"/></macro>'
    xml = (
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">'
        "<info><title>Deep</title><id>deep</id><updated>2026-01-01T00:00:00+00:00</updated>"
        f"</info>{macros}<citation><layout><text macro=\"m0\"/></layout></citation></style>"
    ).encode()
    calls = 0
    real_local_name = style_module.local_name

    def counting_local_name(node: object) -> str:
        nonlocal calls
        calls += 1
        if calls > 10_000:
            raise AssertionError("the macro graph is walked once per call path")
        return real_local_name(node)

    monkeypatch.setattr(style_module, "local_name", counting_local_name)
    compiled = style_module.compile_style(xml, None)
    assert compiled.numbers_citations is False
