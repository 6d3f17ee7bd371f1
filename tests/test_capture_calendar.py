"""`netnotes capture` from calendars (issue 24): ICS files, vdir folders, and CalDAV
served by a real Radicale on loopback; the real calendars of ../shared/corpus."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .test_capture import make_vault, run

CALENDAR = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//netnotes tests//EN
BEGIN:VEVENT
UID:coffee-raj
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/Berlin:20261119T090000
DTEND;TZID=Europe/Berlin:20261119T093000
SUMMARY:Coffee with Raj
ORGANIZER;CN=Me:mailto:me@example.org
ATTENDEE;CN=Raj Patel;PARTSTAT=ACCEPTED:mailto:raj@globex.example
ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@example.org
END:VEVENT
BEGIN:VEVENT
UID:one-on-one
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/Berlin:20261005T100000
DTEND;TZID=Europe/Berlin:20261005T103000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Berlin:20261109T100000
SUMMARY:1:1 Dana / me
ORGANIZER;CN=Me:mailto:me@example.org
ATTENDEE;CN=Dana Kim:mailto:dana@initech.example
END:VEVENT
BEGIN:VEVENT
UID:one-on-one
DTSTAMP:20261101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261116T100000
DTSTART;TZID=Europe/Berlin:20261118T150000
DTEND;TZID=Europe/Berlin:20261118T153000
SUMMARY:1:1 Dana / me
ORGANIZER;CN=Me:mailto:me@example.org
ATTENDEE;CN=Dana Kim:mailto:dana@initech.example
END:VEVENT
BEGIN:VEVENT
UID:declined
DTSTAMP:20261101T000000Z
DTSTART:20261117T120000Z
SUMMARY:Pitch from Ana
ORGANIZER;CN=Ana Lima:mailto:ana@lumen.example
ATTENDEE;CN=Me;PARTSTAT=DECLINED:mailto:me@example.org
END:VEVENT
BEGIN:VEVENT
UID:cancelled
DTSTAMP:20261101T000000Z
DTSTART:20261116T120000Z
STATUS:CANCELLED
SUMMARY:Drinks with Ana
ATTENDEE;CN=Ana Lima:mailto:ana@lumen.example
END:VEVENT
BEGIN:VEVENT
UID:all-hands
DTSTAMP:20261101T000000Z
DTSTART:20261113T150000Z
SUMMARY:All hands
ATTENDEE;CN=Ana Lima:mailto:ana@lumen.example
{crowd}END:VEVENT
BEGIN:VEVENT
UID:holiday
DTSTAMP:20261101T000000Z
DTSTART;VALUE=DATE:20261103
SUMMARY:Holiday
END:VEVENT
BEGIN:VEVENT
UID:lunch-ana
DTSTAMP:20261101T000000Z
DTSTART:20261125T113000Z
SUMMARY:Lunch with Ana
ATTENDEE;CN=Ana Lima:mailto:ana@lumen.example
ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@example.org
END:VEVENT
END:VCALENDAR
""".format(crowd="".join(f"ATTENDEE:mailto:p{n}@corp.example\n" for n in range(29)))

DANA_WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]
THE_LINES = (
    "added contacts/ana.md: - 2026-11-25 lunch: Lunch with Ana\n"
    + "".join(f"added contacts/dana.md: - {day} recurring: 1:1 Dana / me\n" for day in DANA_WEEKS)
    + "added contacts/dana.md: - 2026-11-18 recurring: 1:1 Dana / me\n"
    "added contacts/dana.md: - 2026-11-23 recurring: 1:1 Dana / me\n"
    "added contacts/raj.md: - 2026-11-19 coffee: Coffee with Raj\n"
)


@pytest.fixture
def berlin():
    """The user's time zone is Berlin's for the test (events are dated in it), and the
    process's own again after it."""
    import os

    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def digest_of(vault: Path) -> list[tuple]:
    items = json.loads(run(vault, "digest", "--format", "json").stdout)["items"]
    return [(i["kind"], i["contact"], i["due"], i["text"]) for i in items]


def expect_the_calendar_read_right(vault: Path, result) -> None:
    assert result.exit_code == 0, result.output
    assert result.stdout == THE_LINES
    assert digest_of(vault) == [
        ("thanks", "Raj Patel", "2026-11-20",
         "send a thank-you for the coffee on 2026-11-19: Coffee with Raj"),
        ("meeting", "Dana Kim", "2026-11-23", "planned recurring: 1:1 Dana / me"),
        ("meeting", "Ana Lima", "2026-11-25", "planned lunch: Lunch with Ana"),
    ]  # fmt: skip
    # The moved occurrence is Dana's last contact: the weekly 1:1 asks for no thank-you.
    assert "last contact: 2026-11-18" in run(vault, "show", "dana").stdout


def test_a_calendar_file_gives_meetings_contact_and_plans(tmp_path, berlin):
    vault = make_vault(tmp_path / "vault")
    calendar = tmp_path / "work.ics"
    calendar.write_text(CALENDAR)
    result = run(vault, "capture", str(calendar))
    expect_the_calendar_read_right(vault, result)
    assert result.stderr == "1 calendar file read (13 events), 9 lines added to 3 notes\n"
    again = run(vault, "capture", str(calendar))
    assert (again.stdout, again.stderr) == (
        "",
        "1 calendar file read (13 events), 0 lines added to 0 notes, 9 captured before\n",
    )


def test_a_vdir_folder_reads_as_the_file_does(tmp_path, berlin):
    """khal and vdirsyncer keep one event a file: the same calendar, split."""
    import icalendar

    folder = tmp_path / "cal"
    folder.mkdir()
    whole = icalendar.Calendar.from_ical(CALENDAR)
    for number, uid in enumerate(dict.fromkeys(str(e["UID"]) for e in whole.walk("VEVENT"))):
        part = icalendar.Calendar()
        part.add("prodid", "-//netnotes tests//EN")
        part.add("version", "2.0")
        for event in whole.walk("VEVENT"):
            if str(event["UID"]) == uid:
                part.add_component(event)
        (folder / f"{number}.ics").write_bytes(part.to_ical())
    vault = make_vault(tmp_path / "vault")
    expect_the_calendar_read_right(vault, run(vault, "capture", str(folder)))


def test_every_file_of_the_calendar_corpus_reads_or_gives_one_problem(tmp_path, corpus):
    from datetime import date

    from netnotes.store.calendars import read_calendars

    folders = [corpus / "calendars" / "icalendar", corpus / "calendars" / "recurring"]
    read = read_calendars(folders, date(2000, 1, 1), date(2030, 1, 1), ("me@example.org",))
    assert read.files == 211
    assert len({where for where, _ in read.problems}) == len(read.problems)  # one each
    assert all(why.startswith(("not readable as iCalendar (", "larger than")) for _, why in
               read.problems)  # fmt: skip
    assert len(read.occurrences) > 1000


# -- CalDAV: Radicale, from the package registry, on loopback -----------------------------


def test_the_same_calendar_over_caldav_gives_the_same_lines(tmp_path, radicale, berlin):
    import caldav

    client = caldav.DAVClient(url=radicale, username="me", password="secret")
    calendar = client.principal().make_calendar(name="work", cal_id="work")
    for event in CALENDAR.split("BEGIN:VEVENT")[1:]:
        body = "BEGIN:VEVENT" + event.split("END:VCALENDAR")[0]
        calendar.save_event(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//netnotes tests//EN\n" + body
            + "END:VCALENDAR\n"
        ) if "RECURRENCE-ID" not in body else None  # fmt: skip
    # The moved occurrence goes with its series: one object, as a CalDAV client stores it.
    series = [e for e in CALENDAR.split("BEGIN:VEVENT")[1:] if "UID:one-on-one" in e]
    calendar.save_event(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//netnotes tests//EN\n"
        + "".join("BEGIN:VEVENT" + e.split("END:VCALENDAR")[0] for e in series)
        + "END:VCALENDAR\n"
    )
    client.close()  # and its HTTP session's threads: a test leaves none behind
    vault = make_vault(tmp_path / "vault")
    config = vault / "netnotes.toml"
    config.write_text(
        config.read_text() + f'[calendars]\ncaldav = {{ url = "{radicale}/me/work/", '
        'user = "me", password_cmd = "echo secret" }\n'
    )
    result = run(vault, "capture")
    expect_the_calendar_read_right(vault, result)
    from netnotes.store.caldav import _held
    from netnotes.store.vault import open_vault

    kept = _held(open_vault(vault), f"{radicale}/me/work/")
    assert kept["token"] and len(kept["objects"]) == 7  # the sync token and the objects
    again = run(vault, "capture")  # incremental: the sync token kept from the first run
    assert again.stdout == ""
    # A meeting added on the server since comes with the changes the token asks for.
    added = caldav.DAVClient(url=radicale, username="me", password="secret")
    added.calendar(url=f"{radicale}/me/work/").save_event(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//netnotes tests//EN\nBEGIN:VEVENT\n"
        "UID:breakfast-raj\nDTSTAMP:20261101T000000Z\nDTSTART:20261120T070000Z\n"
        "SUMMARY:Breakfast with Raj\nATTENDEE:mailto:raj@globex.example\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    added.close()
    third = run(vault, "capture")
    assert third.stdout == "added contacts/raj.md: - 2026-11-20 breakfast: Breakfast with Raj\n"
    assert _held(open_vault(vault), f"{radicale}/me/work/")["token"] != kept["token"]


def test_an_attendee_without_a_known_address_is_found_by_name_as_notes_find_names():
    """The CN goes through the vault's one name resolver (`core.sources.Directory`): a
    name, then an alias; a name two contacts share names neither."""
    from netnotes.core.events import Occurrence, Owners, event_captures
    from netnotes.core.sources import Directory

    people = [("contacts/raj.md", "Raj Patel", ()), ("contacts/sam-1.md", "Sam Lee", ()),
              ("contacts/sam-2.md", "Sam Lee", ()), ("contacts/ana.md", "Ana Lima", ("Ani",))]  # fmt: skip
    meeting = Occurrence("u1", None, 739900, "Coffee", (("raj@home.example", "Raj Patel"),
                         ("", "Sam Lee"), ("", "Ani")), None, False, False)  # fmt: skip
    found = event_captures([meeting], Owners({}, Directory(people)), ("me@example.org",),
                           today=739950, until=739957)  # fmt: skip
    assert [(c.path, c.kind, c.topic) for c in found] == [
        ("contacts/raj.md", "coffee", "Coffee"),
        ("contacts/ana.md", "coffee", "Coffee"),
    ]
