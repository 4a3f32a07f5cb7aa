"""Cite positions over the notes of a document: first, subsequent, ibid,
ibid-with-locator, near-note, and the first-reference-note-number.

Use cases::

    tracker = PositionTracker(near_note_distance=5)
    tracker.place([("kotkin", "519", "page")], note_index=1)   # → [CiteInfo(position=first)]
    tracker.place([("kotkin", "520", "page")], note_index=2)   # → ibid-with-locator
    tracker.place([("kotkin", None, None)], note_index=3)      # → subsequent ("Ibid." would
                                                               #   lose the locator)

Ibid needs the immediately preceding cite to be the same work, either earlier
in the same cluster or alone in the previous note (a note citing several works
makes no ibid for the next one), and no note skipped in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citeman.csl.context import (
    POSITION_FIRST,
    POSITION_IBID,
    POSITION_IBID_WITH_LOCATOR,
    POSITION_SUBSEQUENT,
    CiteInfo,
)


@dataclass
class _Placed:
    item_id: str
    locator: str | None
    label: str | None


@dataclass
class _Note:
    number: int
    cites: list[_Placed] = field(default_factory=list)


@dataclass
class PositionTracker:
    """Positions of cites over a document; clusters in text (note 0) and in notes are
    two separate streams for ibid, as in citeproc-js."""

    near_note_distance: int = 5
    first_note: dict[str, int] = field(default_factory=dict)
    last_note: dict[str, int] = field(default_factory=dict)
    last_group: dict[bool, _Note] = field(default_factory=dict)  # in a note? → last note
    cluster_count: int = 0

    def place(
        self, cites: list[tuple[str, str | None, str | None]], note_index: int | None
    ) -> list[CiteInfo]:
        """The CiteInfo of each cite of a cluster, in order; records the cluster."""
        self.cluster_count += 1
        note = note_index if note_index is not None else self.cluster_count
        in_note = note > 0
        previous_group = self.last_group.get(in_note)
        same_note = in_note and previous_group is not None and previous_group.number == note
        group = previous_group if same_note and previous_group else _Note(note)
        earlier_in_group = list(group.cites) if same_note else []
        infos: list[CiteInfo] = []
        for item_id, locator, label in cites:
            info = CiteInfo(locator=locator, label=label or "page", note_index=note)
            if item_id not in self.first_note:
                info.position = POSITION_FIRST
                info.first_note = note
            else:
                info.first_note = self.first_note[item_id]
                previous: _Placed | None = None
                if earlier_in_group:
                    previous = earlier_in_group[-1]
                elif (
                    previous_group is not None
                    and len(previous_group.cites) == 1
                    and (not in_note or note - previous_group.number <= 1)
                ):
                    previous = previous_group.cites[0]
                if previous is not None and previous.item_id == item_id:
                    info.position = _ibid_kind(previous, locator, label)
                else:
                    info.position = POSITION_SUBSEQUENT
                last = self.last_note.get(item_id)
                info.near_note = last is not None and 0 <= note - last <= self.near_note_distance
            infos.append(info)
            placed = _Placed(item_id, locator, label)
            earlier_in_group.append(placed)
            group.cites.append(placed)
            self.first_note.setdefault(item_id, note)
            self.last_note[item_id] = note
        self.last_group[in_note] = group
        return infos


def _ibid_kind(previous: _Placed, locator: str | None, label: str | None) -> int:
    if locator is None:
        return POSITION_SUBSEQUENT if previous.locator is not None else POSITION_IBID
    if previous.locator is None:
        return POSITION_IBID_WITH_LOCATOR
    if previous.locator == locator and (previous.label or "page") == (label or "page"):
        return POSITION_IBID
    return POSITION_IBID_WITH_LOCATOR
