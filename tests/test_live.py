"""The watcher's LiveDigest against the one-shot digest's own functions.

A LiveDigest keeps items, reconnect candidates and the duplicate check in
order as notes' parts come and go; after any sequence of puts and removals it
must give exactly what `rules.combine` and `identity.duplicate_problems` give
for the parts it holds, taken in path order as the one-shot digest takes them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from netnotes.core.config import Config
from netnotes.core.identity import Identity, duplicate_problems
from netnotes.core.live import LiveDigest, Part
from netnotes.core.model import Item, ItemKind, Problem, Severity, Status
from netnotes.core.rules import combine, make_context

TODAY = date(2026, 11, 21)
PATHS = [f"contacts/{name}.md" for name in ("ann", "bo", "cy", "di", "ed", "fay")]
NAMES = ["Ann", "ann", "Bo", "Ånn", "Cy"]  # folded alike: duplicates are common
EMAILS = ["a@x.example", "A@x.example ", "b@x.example"]


@st.composite
def parts(draw, path: str) -> Part:
    name = draw(st.sampled_from(NAMES))

    def item(kind: ItemKind) -> Item:
        return Item(
            kind,
            draw(st.sampled_from([Status.OVERDUE, Status.TODAY, Status.UPCOMING])),
            TODAY + timedelta(days=draw(st.integers(-3, 3))),
            name,
            path,
            draw(st.none() | st.integers(1, 3)),
            draw(st.sampled_from(["call", "write", ""])),
        )

    own = [kind for kind in ItemKind if kind is not ItemKind.RECONNECT]
    items = tuple(item(kind) for kind in draw(st.lists(st.sampled_from(own), max_size=4)))
    reconnect = tuple(
        replace(item(ItemKind.RECONNECT), status=Status.SUGGESTED)
        for _ in range(draw(st.integers(0, 2)))
    )
    problems = tuple(
        Problem(path, line, Severity.ERROR, "bad date")
        for line in draw(st.lists(st.integers(1, 4), max_size=2))
    )
    identity = draw(
        st.none()
        | st.builds(
            Identity,
            st.just(path),
            st.just(name),
            st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
            st.lists(st.sampled_from(EMAILS), max_size=2).map(tuple),
            st.none() | st.integers(1, 3),
            st.none() | st.integers(1, 3),
            # `not_same_as:` naming other notes: the pairs it tells apart are never reported
            st.lists(st.sampled_from(["ann", "bo", "cy", "di"]), max_size=2).map(tuple),
        )
    )
    return Part(items, reconnect, problems, identity)


@st.composite
def operations(draw) -> list[tuple[str, Part | None]]:
    steps = []
    for _ in range(draw(st.integers(1, 25))):
        path = draw(st.sampled_from(PATHS))
        steps.append((path, draw(st.none() | parts(path))))
    return steps


@settings(max_examples=300, deadline=None)
@given(operations(), st.integers(0, 3), st.integers(0, 60))
def test_a_live_digest_gives_what_the_one_shot_digest_gives(steps, limit, week):
    today = TODAY + timedelta(weeks=week)
    context = make_context(today, replace(Config(), reconnect_per_digest=limit))
    live = LiveDigest()
    held: dict[str, Part] = {}
    for path, part in steps:
        live.put(path, part)
        if part is None:
            held.pop(path, None)
        else:
            held[path] = part
        in_order = [held[path] for path in sorted(held)]
        expected = combine([(list(p.items), list(p.reconnect)) for p in in_order], context)
        assert live.items(today, limit) == expected
        identities = [p.identity for p in in_order if p.identity is not None]
        assert sorted(live.duplicate_problems(), key=Problem.sort_key) == sorted(
            duplicate_problems(identities), key=Problem.sort_key
        )
        own = [problem for p in in_order for problem in p.problems]
        assert sorted(live.note_problems(), key=Problem.sort_key) == sorted(
            own, key=Problem.sort_key
        )
        assert len(live) == len(held)
