"""Calendars (ICS files, vdir folders) → event occurrences, expanded.

An ICS file holds a whole calendar; a vdir folder (as khal and vdirsyncer keep one)
holds one `.ics` per event. Each file is read through the bounded reader, parsed by
icalendar, and its events expanded by recurring-ical-events within the window capture
asks for (RRULE, RDATE, EXDATE, moved and cancelled occurrences by RECURRENCE-ID, time
zones with or without VTIMEZONE). A file that cannot be read is one problem, never an
error that stops the others.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from netnotes.core.events import Occurrence
from netnotes.store.notefile import NoteUnreadable, read_bounded

MAX_CALENDAR_BYTES = 256 * 1024 * 1024


class CalendarRead(NamedTuple):
    occurrences: list[Occurrence]
    problems: list[tuple[str, str]]  # (where, why)
    files: int


def calendar_files(paths: list[Path]) -> list[Path]:
    """The ICS files named, and the `.ics` files of the vdir folders named."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ics") if not p.name.startswith("."))
        else:
            found.append(path)
    return found


def read_calendars(paths: list[Path], start: date, end: date, me: tuple[str, ...]) -> CalendarRead:
    occurrences: list[Occurrence] = []
    problems: list[tuple[str, str]] = []
    files = calendar_files(paths)
    for path in files:
        try:
            data = read_bounded(path, MAX_CALENDAR_BYTES, what="a calendar")
            occurrences += calendar_occurrences(data, start, end, me)
        except NoteUnreadable as error:
            problems.append((str(path), str(error)))
        except Exception as error:  # icalendar or the expansion on a file no RFC foresaw
            reason = " ".join(str(error).split())[:160]
            problems.append(
                (str(path), f"not readable as iCalendar ({type(error).__name__}: {reason})")
            )
    return CalendarRead(occurrences, problems, len(files))


def calendar_occurrences(
    data: bytes, start: date, end: date, me: tuple[str, ...]
) -> list[Occurrence]:
    """Every occurrence of the calendar's events between `start` and `end`."""
    import warnings

    import icalendar
    import recurring_ical_events

    with warnings.catch_warnings():  # icalendar's guesses (a vendor TZID): a problem is said
        warnings.simplefilter("ignore")  # when a file cannot be read, never a traceback
        return _occurrences(icalendar, recurring_ical_events, data, start, end, me)


def _occurrences(icalendar, recurring_ical_events, data, start, end, me) -> list[Occurrence]:
    calendar = icalendar.Calendar.from_ical(data)
    series = {
        str(component.get("UID", ""))
        for component in calendar.walk("VEVENT")
        if any(key in component for key in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }
    found = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        if event.name != "VEVENT":
            continue
        found.append(_occurrence(event, series, set(me)))
    return found


def _occurrence(event, series: set[str], me: set[str]) -> Occurrence:
    uid = str(event.get("UID", "")) or f"{event.get('SUMMARY', '')}@{event.get('DTSTART').dt}"
    rid = event.get("RECURRENCE-ID")
    recurrence = _iso(rid.dt) if rid is not None and uid in series else None
    people = []
    mine = None
    for field in ("ORGANIZER", "ATTENDEE"):
        values = event.get(field, [])
        for value in values if isinstance(values, list) else [values]:
            address = str(value).strip()
            if address.lower().startswith("mailto:"):
                address = address[7:]
            address = address.strip().lower()
            name = str(getattr(value, "params", {}).get("CN", "")).strip()
            if address in me:
                status = str(getattr(value, "params", {}).get("PARTSTAT", "")).upper()
                mine = status or mine
                continue
            if address or name:
                people.append((address, name))
    return Occurrence(
        uid,
        recurrence,
        _day(event.get("DTSTART").dt).toordinal(),
        " ".join(str(event.get("SUMMARY", "")).split()),
        tuple(dict.fromkeys(people)),
        mine,
        str(event.get("STATUS", "")).upper() == "CANCELLED",
        str(event.get("TRANSP", "")).upper() == "TRANSPARENT",
    )


def _day(when) -> date:
    """The day an event starts, in the user's time zone (a floating time as written)."""
    if isinstance(when, datetime):
        return (when.astimezone() if when.tzinfo else when).date()
    return when


def _iso(when) -> str:
    return when.isoformat()
