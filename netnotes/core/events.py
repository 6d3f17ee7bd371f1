"""Calendar events as evidence of contact: an occurrence → the log line capture writes.

`store/calendars.py` reads ICS files, vdir folders and CalDAV and expands recurring
events with recurring-ical-events; each occurrence arrives here as plain values. Pure.
docs/calendars.md says all this for users.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from netnotes.core.mail import Capture
from netnotes.core.sources import Directory


class Occurrence(NamedTuple):
    """One occurrence of an event, as capture needs it."""

    uid: str
    recurrence: str | None  # its RECURRENCE-ID (ISO), for an occurrence of a series
    day: int  # date ordinal of its start, in the user's time zone
    title: str
    people: tuple[tuple[str, str], ...]  # (address lower case, CN) of attendees and organizer
    mine: str | None  # my PARTSTAT on it (ACCEPTED, DECLINED...), when I am an attendee
    cancelled: bool  # STATUS:CANCELLED
    free: bool  # TRANSP:TRANSPARENT: a block that keeps no one from anything


# A title's word that names the kind of meeting (as `log --kind` would).
_KINDS = ("coffee", "lunch", "dinner", "breakfast", "drinks", "interview", "call")
_WORD = re.compile(r"[^\W\d_]+")
MAX_TITLE = 120
# The kind of an occurrence of a series: contact, but no meeting that asks for thanks.
SERIES = "recurring"


def kind_of(title: str, series: bool) -> str:
    if series:
        return SERIES
    words = {word.casefold() for word in _WORD.findall(title)}
    return next((kind for kind in _KINDS if kind in words), "meeting")


def occurrence_id(occurrence: Occurrence) -> str:
    """How the vault remembers an occurrence it wrote: its UID and RECURRENCE-ID."""
    return f"event:{occurrence.uid}\0{occurrence.recurrence or ''}"


class Owners(NamedTuple):
    """The contacts by address, and by name as meeting notes name them (`Directory`: file
    name, name, then alias; a name two contacts share names neither)."""

    by_address: dict[str, list[str]]
    directory: Directory


def event_captures(
    occurrences: list[Occurrence],
    owners: Owners,
    me: tuple[str, ...],
    *,
    today: int,
    until: int,
    since: int | None = None,
    max_attendees: int = 8,
) -> list[Capture]:
    """The lines a calendar's occurrences give: one per occurrence and contact among its
    attendees and organizer (matched by address, then by CN to a name or alias), dated
    on its start. Past ones (up to today) are two-way contact; later ones, up to
    `until`, planned meetings, and of a series only the next. Not contact: what I
    declined, what is cancelled, free blocks, events of more than `max_attendees`.
    """
    mine = set(me)
    found: list[Capture] = []
    next_of_series: dict[str, Occurrence] = {}
    for occurrence in sorted(occurrences, key=lambda o: (o.day, o.uid, o.recurrence or "")):
        if occurrence.cancelled or occurrence.free or occurrence.mine == "DECLINED":
            continue
        if since is not None and occurrence.day < since:
            continue
        if occurrence.day > until:
            continue
        if len(occurrence.people) > max_attendees:
            continue
        if occurrence.day > today and occurrence.recurrence is not None:
            if occurrence.uid in next_of_series:
                continue  # a series shows its next occurrence only
            next_of_series[occurrence.uid] = occurrence
        found += _lines(occurrence, owners, mine)
    return found


def _lines(occurrence: Occurrence, owners: Owners, mine: set[str]) -> list[Capture]:
    title = " ".join(occurrence.title.split()) or "(no title)"
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    kind = kind_of(title, occurrence.recurrence is not None)
    paths: list[str] = []
    for address, name in occurrence.people:
        if address in mine:
            continue
        matched = owners.by_address.get(address)
        if not matched and name:
            found = owners.directory.find(name)
            matched = [found] if found else []
        paths += [path for path in matched if path not in paths]
    return [
        Capture(path, occurrence.day, "both", title, (occurrence_id(occurrence),), kind)
        for path in paths
    ]
