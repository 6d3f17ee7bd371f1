"""Digest items as iCalendar to-dos (VTODO, RFC 5545), and to-dos read back. icalendar.

A to-do is one item: SUMMARY names the contact and what to do, DUE is the item's day,
a VALARM rings on the morning of that day (`[caldav] alarm`, local time), DESCRIPTION
carries the note's path and line and the item's context, CATEGORIES its kind. The
`X-NETNOTES-*` properties are netnotes' own bookkeeping (core/todos.py says which).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from netnotes.core.model import Item
from netnotes.core.todos import PhoneTodo, content_hash, todo_uid

PRODID = "-//netnotes//netnotes to-dos//EN"


def summary_of(item: Item) -> str:
    return f"{item.contact}: {item.text}"


def description_of(item: Item) -> str:
    where = item.where if item.line is None else f"{item.where}:{item.line}"
    return "\n".join(part for part in (where, item.context) if part)


def item_hash(item: Item) -> str:
    return content_hash(item, summary_of(item), description_of(item))


def todo_text(item: Item, alarm: time, stamp: datetime) -> bytes:
    """The whole VCALENDAR of one item's to-do, as netnotes sends it."""
    from icalendar import Alarm, Calendar, Todo

    todo = Todo()
    todo.add("uid", todo_uid(item))
    todo.add("dtstamp", stamp)
    todo.add("summary", summary_of(item))
    todo.add("description", description_of(item))
    todo.add("due", item.due)
    todo.add("categories", [item.kind.value])
    todo.add("status", "NEEDS-ACTION")
    todo.add("x-netnotes-due", item.due.isoformat())
    todo.add("x-netnotes-hash", item_hash(item))
    ring = Alarm()
    ring.add("action", "DISPLAY")
    ring.add("description", summary_of(item))
    # An absolute time (UTC), which every phone honours, for the alarm's local time.
    ring.add("trigger", datetime.combine(item.due, alarm).astimezone().astimezone(UTC))
    todo.add_component(ring)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(todo)
    return calendar.to_ical()


def read_todo(href: str, etag: str, data: str | bytes) -> PhoneTodo | None:
    """A to-do of netnotes' as the server holds it, or None for anything else (another
    program's to-do in the same collection, an event, what cannot be read)."""
    from icalendar import Calendar

    try:
        todo = next(iter(Calendar.from_ical(data).walk("VTODO")), None)
    except (ValueError, IndexError, KeyError):
        return None
    uid = str(todo.get("UID", "")) if todo is not None else ""
    if not uid.endswith("@netnotes"):
        return None
    status = str(todo.get("STATUS", "")).upper()
    completed = todo.get("COMPLETED")
    return PhoneTodo(
        uid=uid,
        href=href,
        etag=etag,
        completed=status == "COMPLETED" or completed is not None,
        completed_on=_day(completed.dt) if completed is not None else None,
        due=_day(todo["DUE"].dt) if todo.get("DUE") is not None else None,
        sent_due=_iso_day(str(todo.get("X-NETNOTES-DUE", ""))),
        state=str(todo.get("X-NETNOTES-STATE", "")).strip().lower(),
        content=str(todo.get("X-NETNOTES-HASH", "")),
    )


def marked(data: str | bytes, state: str, *, complete: bool | None = None,
           sent_due: date | None = None) -> bytes:  # fmt: skip
    """The to-do as the server holds it with netnotes' state set (`closed`, `handled`, or
    "" to clear it), completed or reopened, and the due date it has taken over; every
    other property as it was, the phone's included."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    todo = next(iter(calendar.walk("VTODO")))
    _set(todo, "x-netnotes-state", state or None)
    if complete is True:
        _set(todo, "status", "COMPLETED")
        if "COMPLETED" not in todo:
            todo.add("completed", datetime.now(UTC).replace(microsecond=0))
    elif complete is False:
        _set(todo, "status", "NEEDS-ACTION")
        _set(todo, "completed", None)
        _set(todo, "percent-complete", None)
    if sent_due is not None:
        _set(todo, "x-netnotes-due", sent_due.isoformat())
    return calendar.to_ical()


def _set(component, name: str, value) -> None:
    if name in component:
        del component[name]
    if value is not None:
        component.add(name, value)


def _day(when) -> date:
    """A to-do's day in the user's time zone (a floating time as written)."""
    if isinstance(when, datetime):
        return (when.astimezone() if when.tzinfo else when).date()
    return when


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
