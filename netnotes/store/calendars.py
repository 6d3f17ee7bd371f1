"""Calendars (ICS files, vdir folders) → event occurrences, expanded.

An ICS file holds a whole calendar; a vdir folder (as khal and vdirsyncer keep one)
holds one `.ics` per event. Each file is read through the bounded reader, parsed by
icalendar, and its events expanded by recurring-ical-events within the window capture
asks for (RRULE, RDATE, EXDATE, moved and cancelled occurrences by RECURRENCE-ID, time
zones with or without VTIMEZONE). A file that cannot be read is one problem, never an
error that stops the others.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from netnotes.core.events import Occurrence
from netnotes.store import index
from netnotes.store.notefile import NoteUnreadable, read_bounded
from netnotes.store.vault import Vault

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


# A file's occurrences are cached for a window this much wider than asked, so the runs
# of the weeks that follow find them without parsing or expanding the file again.
MARGIN = timedelta(days=28)

TABLES = """
CREATE TABLE IF NOT EXISTS calendars (
    path TEXT PRIMARY KEY, stamp TEXT NOT NULL, start TEXT NOT NULL, end_ TEXT NOT NULL,
    data TEXT NOT NULL
);
"""


def read_calendars(
    paths: list[Path], start: date, end: date, me: tuple[str, ...], vault: Vault | None = None
) -> CalendarRead:
    """Every occurrence between `start` and `end` of the calendars at `paths`; with a
    `vault`, from its index when the file is unchanged and the window was covered."""
    connection = index.open_cache(vault, TABLES) if vault and vault.use_cache else None
    occurrences: list[Occurrence] = []
    problems: list[tuple[str, str]] = []
    files = calendar_files(paths)
    fresh = []
    first, last = start.toordinal(), end.toordinal()
    for path in files:
        try:
            info = path.stat()
            stamp = f"{info.st_size}:{info.st_mtime_ns}:{','.join(me)}"
            cached = _cached(connection, path, stamp, start, end)
            if cached is None:
                data = read_bounded(path, MAX_CALENDAR_BYTES, what="a calendar")
                cached = calendar_occurrences(data, start - MARGIN, end + MARGIN, me)
                fresh.append((str(path.resolve()), stamp, start - MARGIN, end + MARGIN, cached))
            occurrences += [o for o in cached if first <= o.day < last]
        except NoteUnreadable as error:
            problems.append((str(path), str(error)))
        except OSError as error:
            problems.append((str(path), f"cannot read: {error.strerror or error}"))
        except Exception as error:  # icalendar or the expansion on a file no RFC foresaw
            reason = " ".join(str(error).split())[:160]
            problems.append(
                (str(path), f"not readable as iCalendar ({type(error).__name__}: {reason})")
            )
    _store(connection, fresh)
    return CalendarRead(occurrences, problems, len(files))


def _cached(connection, path: Path, stamp: str, start: date, end: date):
    if connection is None:
        return None
    try:
        row = connection.execute(
            "SELECT stamp, start, end_, data FROM calendars WHERE path = ?", (str(path.resolve()),)
        ).fetchone()
        if row is None or row[0] != stamp:
            return None
        if not (row[1] <= start.isoformat() and end.isoformat() <= row[2]):
            return None
        return [Occurrence(o[0], o[1], o[2], o[3], tuple(map(tuple, o[4])), *o[5:])
                for o in json.loads(row[3])]  # fmt: skip
    except (*index.CACHE_ERRORS, ValueError, TypeError):
        return None


def _store(connection, fresh) -> None:
    """Keep the files read (best effort: the next run reads a file not kept again)."""
    if connection is None:
        return
    rows = [(p, s, a.isoformat(), b.isoformat(), json.dumps(o)) for p, s, a, b, o in fresh]
    if rows:
        index.store_rows(
            connection, ("INSERT OR REPLACE INTO calendars VALUES (?, ?, ?, ?, ?)", rows)
        )
    connection.close()


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
