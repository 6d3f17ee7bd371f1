"""A digest kept current one note at a time: the watcher's. Pure.

The one-shot digest computes every note's part, then combines them: it sorts
every item, orders every reconnect candidate and folds every name for the
duplicate check. A watcher holding 50,000 notes would pay all of that at each
save. A LiveDigest keeps what combining needs in order as parts come and go
(the items in digest order, the reconnect candidates in rotation order, who
holds each name and e-mail), so a save costs in proportion to the note.
Tests hold it to `rules.combine` and `identity.duplicate_problems` over the
same parts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from datetime import date

from netnotes.core.identity import Identity, identity_keys, shared_key_problems
from netnotes.core.model import Item, Problem
from netnotes.core.rules import pick_from_rotation, rotation_key


@dataclass(frozen=True, slots=True)
class Part:
    """One note's part of the digest (see digest.py)."""

    items: tuple[Item, ...]
    reconnect: tuple[Item, ...]  # candidates: the rotation picks the week's few
    problems: tuple[Problem, ...]
    identity: Identity | None  # None for a note that is no contact


class _Sorted:
    """Items in the order of `key`, ties in the order they came (as a stable sort)."""

    def __init__(self, key) -> None:
        self.key = key
        self.keys: list = []
        self.items: list[Item] = []

    def add(self, item: Item) -> None:
        key = self.key(item)
        at = bisect_right(self.keys, key)
        self.keys.insert(at, key)
        self.items.insert(at, item)

    def remove(self, item: Item) -> None:
        key = self.key(item)
        at = bisect_left(self.keys, key)
        while self.items[at] is not item:  # equal keys: find this very item
            at += 1
        del self.keys[at]
        del self.items[at]


class LiveDigest:
    def __init__(self) -> None:
        self._parts: dict[str, Part] = {}
        self._items = _Sorted(Item.sort_key)
        self._candidates = _Sorted(rotation_key)
        self._troubled: dict[str, tuple[Problem, ...]] = {}
        self._keys: dict[str, tuple[tuple[str, str], ...]] = {}
        self._owners: dict[tuple[str, str], list[str]] = {}  # sorted paths
        self._shared: set[tuple[str, str]] = set()  # keys with two owners or more

    def __len__(self) -> int:
        return len(self._parts)

    def __contains__(self, path: str) -> bool:
        return path in self._parts

    def put(self, path: str, part: Part | None) -> None:
        """Set the part of the note at `path`; None: the note is gone."""
        old = self._parts.pop(path, None)
        if old is not None:
            self._take_out(path, old)
        if part is not None:
            self._parts[path] = part
            self._put_in(path, part)

    def items(self, today: date, reconnect_limit: int) -> list[Item]:
        """Every item in digest order, with the week's reconnect picks: `rules.combine`."""
        picks = pick_from_rotation(self._candidates.items, today, reconnect_limit)
        if not picks:
            return list(self._items.items)
        merged = _Sorted(Item.sort_key)
        merged.keys, merged.items = list(self._items.keys), list(self._items.items)
        for pick in picks:
            merged.add(pick)
        return merged.items

    def note_problems(self) -> list[Problem]:
        return [problem for problems in self._troubled.values() for problem in problems]

    def duplicate_problems(self) -> list[Problem]:
        """As `identity.duplicate_problems` finds them (in another order: callers sort)."""
        problems = []
        for what, key in self._shared:
            holders = [self._parts[path].identity for path in self._owners[(what, key)]]
            problems += shared_key_problems(what, key, holders)
        return problems

    def _put_in(self, path: str, part: Part) -> None:
        for item in part.items:
            self._items.add(item)
        for item in part.reconnect:
            self._candidates.add(item)
        if part.problems:
            self._troubled[path] = part.problems
        if part.identity is not None:
            keys = identity_keys(part.identity)
            self._keys[path] = keys
            for key in keys:
                owners = self._owners.setdefault(key, [])
                insort(owners, path)
                if len(owners) > 1:
                    self._shared.add(key)

    def _take_out(self, path: str, part: Part) -> None:
        for item in part.items:
            self._items.remove(item)
        for item in part.reconnect:
            self._candidates.remove(item)
        self._troubled.pop(path, None)
        for key in self._keys.pop(path, ()):
            owners = self._owners[key]
            owners.remove(path)
            if len(owners) < 2:
                self._shared.discard(key)
            if not owners:
                del self._owners[key]
