"""Disambiguation of cites that would read the same, in CSL's order: add names,
add given names (or initials), the ``disambiguate="true"`` condition, then
year suffixes.

Use cases::

    d = Disambiguator(engine, cited_ids)
    d.state("doe2000a")     # Disambiguation(year_suffix="a")
    d.state("doe2000b")     # Disambiguation(year_suffix="b")

    givenname-disambiguation-rule="all-names": "J. Doe" and "A. Doe" everywhere,
    not only in the cites that clash.

The cite compared is the one a reader sees most (the first-cite form of an
author-date style, the short form of a note style), without locator, prefix
or suffix, as plain text. The result is computed once for the whole set of
works, so a cite never changes after it was rendered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from citeman.csl.context import (
    POSITION_FIRST,
    POSITION_SUBSEQUENT,
    CiteInfo,
    Disambiguation,
)
from citeman.csl.data import NAME_VARIABLES
from citeman.csl.names import ParsedName, initialize, parse_name
from citeman.csl.richtext import plain_text

if TYPE_CHECKING:
    from citeman.csl.engine import Engine

MAX_EXTRA_NAMES = 50


def year_suffix(index: int) -> str:
    """a, b, …, z, aa, ab, …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


class Disambiguator:
    def __init__(self, engine: Engine, ids: list[str]) -> None:
        self.engine = engine
        self.ids = list(dict.fromkeys(ids))
        self.states: dict[str, Disambiguation] = {}
        self._running = False
        self._done = False

    def state(self, item_id: str) -> Disambiguation:
        if self._running:
            return self.states.get(item_id) or Disambiguation()
        if not self._done:
            self._running = True
            try:
                self._run()
            finally:
                self._running = False
                self._done = True
        return self.states.get(item_id) or Disambiguation()

    # ---- steps ---------------------------------------------------------------------

    def _key(self, item_id: str) -> str:
        position = POSITION_SUBSEQUENT if self.engine.is_note_style else POSITION_FIRST
        node = self.engine.render_cite(
            item_id, CiteInfo(position=position, compared=True), disambiguation=self.states[item_id]
        ).node
        return plain_text(node)

    def _clashes(self, ids: list[str]) -> list[list[str]]:
        by_key: dict[str, list[str]] = defaultdict(list)
        for item_id in ids:
            by_key[self._key(item_id)].append(item_id)
        return [group for group in by_key.values() if len(group) > 1]

    def _run(self) -> None:
        citation = self.engine.style.citation
        if citation is None or len(self.ids) < 1:
            return
        options = citation.attrs
        add_names = options.get("disambiguate-add-names") == "true"
        add_given = options.get("disambiguate-add-givenname") == "true"
        add_suffix = options.get("disambiguate-add-year-suffix") == "true"
        rule = options.get("givenname-disambiguation-rule", "by-cite")
        self.states = {item_id: Disambiguation() for item_id in self.ids}
        if not (add_names or add_given or add_suffix or self.engine.style.disambiguate_tests):
            return
        if add_given and rule != "by-cite":
            self._global_given_names(rule)
        for group in self._clashes(self.ids):
            remaining = group
            if add_names:
                remaining = self._try_add_names(remaining)
            if add_given and len(remaining) > 1:
                remaining = self._try_given_names(remaining, rule, add_names)
            if len(remaining) > 1:
                self._turn_on_conditions(remaining)
        if add_suffix:
            self._year_suffixes()

    def _turn_on_conditions(self, group: list[str]) -> None:
        """Make one more disambiguate test true at a time, while cites still clash."""
        remaining = group
        for count in range(1, self.engine.style.disambiguate_tests + 1):
            for item_id in remaining:
                self.states[item_id].conditions = count
            remaining = [i for g in self._clashes(remaining) for i in g]
            if len(remaining) <= 1:
                break

    def _try_add_names(self, group: list[str]) -> list[str]:
        """Show more names (past et-al) while that separates cites; keep the count at
        which each cite last became less ambiguous."""
        remaining = list(group)
        clash_size = {item_id: len(group) for item_id in group}
        best = {item_id: 0 for item_id in group}
        for _ in range(MAX_EXTRA_NAMES):
            growing = [i for i in remaining if self.states[i].add_names < self._name_count(i)]
            if not growing:
                break
            for item_id in growing:
                self.states[item_id].add_names += 1
            clashes = self._clashes(remaining)
            size = {i: len(g) for g in clashes for i in g}
            for item_id in remaining:
                now = size.get(item_id, 1)
                if now < clash_size[item_id]:
                    best[item_id] = self.states[item_id].add_names
                    clash_size[item_id] = now
            remaining = [i for i in remaining if i in size]
            if len(remaining) <= 1:
                break
        for item_id in group:
            self.states[item_id].add_names = best[item_id]
        return [i for g in self._clashes(group) for i in g]

    def _try_given_names(self, group: list[str], rule: str, add_names: bool) -> list[str]:
        """Show initials, then full given names, of the names that differ only there;
        with add-names also past et-al, one more name at a time. Each cite keeps the
        setting at which it last became less ambiguous."""
        levels = (1,) if rule.endswith("with-initials") else (1, 2)
        primary_only = rule.startswith("primary-name")
        best = {i: self._copy(i) for i in group}
        best_size = {i: len(group) for i in group}
        start = max(self.states[i].add_names for i in group)
        most = max(self._name_count(i) for i in group) if add_names else start
        remaining = list(group)
        for extra in range(start, max(most, start) + 1):
            for item_id in remaining:
                self.states[item_id] = replace(
                    best[item_id],
                    add_names=max(best[item_id].add_names, extra),
                    name_levels=dict(best[item_id].name_levels),
                )
            for level in levels:
                self._expand_shadowed_names(remaining, group, level, primary_only)
                sizes = {i: len(g) for g in self._clashes(group) for i in g}
                for item_id in remaining:
                    size = sizes.get(item_id, 1)
                    if size < best_size[item_id]:
                        best[item_id], best_size[item_id] = self._copy(item_id), size
                remaining = [i for i in remaining if sizes.get(i, 1) > 1]
                if len(remaining) <= 1:
                    break
            if len(remaining) <= 1:
                break
        for item_id in group:
            self.states[item_id] = best[item_id]
        return [i for g in self._clashes(group) for i in g]

    def _copy(self, item_id: str) -> Disambiguation:
        state = self.states[item_id]
        return replace(state, name_levels=dict(state.name_levels))

    def _expand_shadowed_names(
        self, ids: list[str], group: list[str], level: int, primary_only: bool
    ) -> None:
        """Expand, in ``ids``, the names that a cite of ``group`` gives another given name."""
        given_by_family: dict[str, set[str]] = defaultdict(set)
        for item_id in group:
            for index, name in self._names(item_id):
                if not primary_only or index == 0:
                    given_by_family[name.family].add(name.given)
        for item_id in ids:
            state = self.states[item_id]
            levels = dict(state.name_levels)
            for index, name in self._names(item_id):
                if (not primary_only or index == 0) and len(given_by_family[name.family]) > 1:
                    levels[(name.family, name.given)] = max(
                        level, levels.get((name.family, name.given), 0)
                    )
            state.name_levels = levels
            state.primary_only = primary_only

    def _names(self, item_id: str) -> list[tuple[int, ParsedName]]:
        item = self.engine.items[item_id]
        found: list[tuple[int, ParsedName]] = []
        for variable in sorted(NAME_VARIABLES):
            names = item.get(variable)
            if isinstance(names, list):
                found.extend((index, parse_name(raw)) for index, raw in enumerate(names))
        return [(index, name) for index, name in found if name.family and not name.literal]

    def _name_count(self, item_id: str) -> int:
        item = self.engine.items[item_id]
        return max(
            (len(item[v]) for v in NAME_VARIABLES if isinstance(item.get(v), list)), default=0
        )

    def _global_given_names(self, rule: str) -> None:
        """all-names / primary-name rules: expand every name that another name shadows."""
        # people by family name; a person is a given name up to spacing and full stops
        people: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
        for item_id in self.ids:
            item = self.engine.items[item_id]
            for variable in sorted(NAME_VARIABLES):
                names = item.get(variable)
                if not isinstance(names, list):
                    continue
                for index, raw in enumerate(names):
                    if rule.startswith("primary-name") and index > 0:
                        continue
                    name = parse_name(raw)
                    if name.literal or not name.family:
                        continue
                    person = re.sub(r"[\s.]", "", name.given)
                    people[f"{name.non_dropping} {name.family}"][person].add(
                        (name.family, name.given)
                    )
        levels: dict[tuple[str, str], int] = {}
        for persons in people.values():
            if len(persons) < 2:
                continue
            initials = {
                person: initialize(next(iter(spellings))[1], ".")
                for person, spellings in persons.items()
            }
            for person, spellings in persons.items():
                unique_initials = list(initials.values()).count(initials[person]) == 1
                if rule.endswith("with-initials"):
                    level = 1 if unique_initials else 0
                else:
                    level = 1 if unique_initials else 2
                for spelling in spellings:
                    levels[spelling] = level
        if not levels:
            return
        for item_id in self.ids:
            state = self.states[item_id]
            state.name_levels = levels
            state.primary_only = rule.startswith("primary-name")

    def _year_suffixes(self) -> None:
        clashes = self._clashes(self.ids)
        if not clashes:
            return
        order = self.engine.bibliography_order(self.ids)
        rank = {item_id: index for index, item_id in enumerate(order)}
        for group in clashes:
            for index, item_id in enumerate(sorted(group, key=lambda i: rank.get(i, 0))):
                self.states[item_id].year_suffix = year_suffix(index)
