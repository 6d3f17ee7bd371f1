"""The calendar feed: what the digest knows, as iCalendar (RFC 5545), for a phone to show.

Built with the icalendar library. Birthdays and anniversaries are yearly
all-day events; 29 February repeats on the last day of February, so it
falls on 28 February in common years as the brief says (an RRULE on the
29th would skip them). Keep-in-touch dates, follow-ups, waiting nudges,
thank-yous, planned meetings and dated tasks are all-day events on their
day. Every UID is derived from the note and the item, and DTSTAMP from the
day the feed is for: the same vault on the same day gives the same bytes,
and a subscribed calendar updates its events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from netnotes.core.model import Contact, ItemKind

PRODID = "-//netnotes//netnotes calendar//EN"
# What the feed holds of the digest: everything dated but the birthdays (yearly
# events of their own) and the reconnect suggestions (no date of their own).
_FROM_ITEMS = {
    ItemKind.CADENCE: "Keep in touch",
    ItemKind.FOLLOW_UP: "Follow up",
    ItemKind.WAITING: "Nudge",
    ItemKind.REPLY: "Reply",
    ItemKind.THANKS: "Thank",
    ItemKind.MEETING: "Meeting",
    ItemKind.TASK: "Task",
}


def assemble_feed(parts) -> bytes:
    """The VCALENDAR around each contact's events, in the order given."""
    from icalendar import Calendar

    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("x-wr-calname", "netnotes")
    head, end = feed.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(parts) + b"END:VCALENDAR" + end


def contact_events(contact: Contact, items, today: date) -> bytes:
    """One contact's part of the feed: its birthday and anniversary (yearly), then its
    items in the order given. The watcher keeps these per contact and makes again only
    those of the notes that changed (app/watch.py)."""
    from icalendar import Event, vRecur

    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)

    def event(uid: str, day: date, summary: str, description: str, yearly=None) -> bytes:
        """`yearly`: the birthday-like day (month, day, maybe year) the event repeats."""
        entry = Event()
        entry.add("uid", f"{hashlib.sha1(uid.encode()).hexdigest()[:24]}@netnotes")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", day)
        entry.add("dtend", day + timedelta(days=1))
        entry.add("summary", summary)
        entry.add("description", description)
        entry.add("transp", "TRANSPARENT")
        if yearly:
            if (yearly.month, yearly.day) == (2, 29):
                entry.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 2, "BYMONTHDAY": -1}))
            else:
                entry.add("rrule", vRecur({"FREQ": "YEARLY"}))
        return entry.to_ical()

    events: list[bytes] = []
    if contact.archived:
        return b""
    for what, day in (("birthday", contact.birthday), ("anniversary", _anniversary(contact))):
        if day:
            events.append(event(f"{contact.path}#{what}", _first_day(day, today),
                                f"{contact.name}'s {what}", contact.path, day))  # fmt: skip
    for item in items:
        heading = _FROM_ITEMS.get(item.kind)
        if heading is None:
            continue
        where = item.where if item.line is None else f"{item.where}:{item.line}"
        events.append(event(
            f"{item.path}#{item.kind.value}#{item.where}#{item.line}#{item.text}",
            item.due,
            f"{heading}: {item.contact}",
            f"{item.text}\n{where}",
        ))  # fmt: skip
    return b"".join(events)


def _first_day(day, today: date) -> date:
    """Where a yearly event starts: the day itself when its year is known, else the day the
    digest gives it this year (`Birthday.in_year`: 28 February for 29 February in a
    common year). The rule then repeats it as the digest does."""
    if day.year:
        return date(day.year, day.month, day.day)
    return day.in_year(today.year)


def _anniversary(contact: Contact):
    """The `anniversary:` key as a Birthday-like day (month, day, maybe year), or None."""
    from netnotes.core.dates import parse_birthday
    from netnotes.core.fields import field_text

    value = field_text(contact, "anniversary")
    try:
        return parse_birthday(str(value)) if value is not None else None
    except ValueError:
        return None
