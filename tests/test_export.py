"""Issue 14: every contact out as vCard, and what the digest knows as a calendar feed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli
from netnotes.store.loading import load_contacts
from netnotes.store.vault import open_vault

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def people(vault: Path) -> dict[str, tuple]:
    contacts, _ = load_contacts(open_vault(vault))
    return {
        c.name: (tuple(sorted(e.lower() for e in c.emails)), c.birthday, tuple(sorted(c.tags)))
        for c in contacts
    }


def test_export_vcard_then_import_gives_the_same_people(example_vault, tmp_path):
    exported = run(example_vault, "export", "vcard")
    assert exported.exit_code == 0, exported.output
    again = run(example_vault, "export", "vcard")
    assert again.stdout == exported.stdout  # stable UIDs, stable order: the same bytes
    cards = tmp_path / "all.vcf"
    cards.write_text(exported.stdout, encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert run(fresh, "--help").exit_code == 0
    assert CliRunner().invoke(cli, ["init", str(fresh), "--no-git"]).exit_code == 0
    imported = run(fresh, "import", str(cards))
    assert imported.exit_code == 0, imported.output
    assert imported.stderr.endswith("15 created, 0 updated, 0 unchanged\n")
    assert people(fresh) == people(example_vault)
    # and again: matched by UID, nothing changes
    assert run(fresh, "import", str(cards)).stderr.endswith("0 created, 0 updated, 15 unchanged\n")


def test_the_vcard_holds_what_the_note_says(vault):
    (vault / "contacts" / "ana.md").write_text(
        "---\nname: Ana Lima\naliases: [Nana]\nemails: [ana@x.example]\nphones: ['+1 555']\n"
        "company: Acme\nrole: CTO\nbirthday: --02-29\nanniversary: 2015-06-20\ntags: [pr]\n"
        "links: [https://example.net/ana]\nuid: card-1\n---\n",
        encoding="utf-8",
    )
    card = run(vault, "export", "vcard").stdout_bytes.decode("utf-8")
    assert card == (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:card-1\r\nANNIVERSARY:20150620\r\nBDAY:--0229\r\n"
        "CATEGORIES:pr\r\nEMAIL:ana@x.example\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nNICKNAME:Nana\r\n"
        "NOTE:netnotes: contacts/ana.md\r\nORG:Acme\r\nTEL:+1 555\r\nTITLE:CTO\r\n"
        "URL:https://example.net/ana\r\nEND:VCARD\r\n"
    )


def test_the_calendar_feed_has_one_event_per_item_with_stable_uids(example_vault):
    from icalendar import Calendar

    feed = run(example_vault, "export", "ics")
    assert feed.exit_code == 0, feed.output
    assert run(example_vault, "export", "ics").stdout_bytes == feed.stdout_bytes
    events = Calendar.from_ical(feed.stdout_bytes).walk("VEVENT")
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids))
    summaries = sorted(str(event["SUMMARY"]) for event in events)
    assert "Aisha Rahman's birthday" in summaries
    assert "Thank: Sam Ortiz" in summaries and "Meeting: Priya Shah" in summaries
    aisha = next(e for e in events if str(e["SUMMARY"]) == "Aisha Rahman's birthday")
    assert aisha["RRULE"]["FREQ"] == ["YEARLY"]
    # Items a year ahead, beyond the digest's week: the follow-up in February.
    sam = [e for e in events if str(e["SUMMARY"]) == "Follow up: Sam Ortiz"]
    assert [e.decoded("DTSTART").isoformat() for e in sam] == ["2027-02-19"]
    assert str(sam[0]["DESCRIPTION"]) == (
        "follow up as planned for 2027-02-19\ncontacts/sam-ortiz.md:9"
    )


def test_29_february_repeats_on_the_last_day_of_february(vault):
    from icalendar import Calendar

    (vault / "contacts" / "leap.md").write_text("---\nname: Leap\nbirthday: --02-29\n---\n")
    events = Calendar.from_ical(run(vault, "export", "ics").stdout_bytes).walk("VEVENT")
    (birthday,) = events
    # Before: DTSTART 2028-02-29, so the feed skipped 2027-02-28, which the digest shows.
    assert birthday.decoded("DTSTART").isoformat() == "2026-02-28"
    rule = birthday["RRULE"]
    assert (rule["FREQ"], rule["BYMONTH"], rule["BYMONTHDAY"]) == (["YEARLY"], [2], [-1])


def test_the_feed_holds_on_each_day_of_the_year_what_the_digest_says_of_it(example_vault):
    """Expanded by a real reader (recurring-ical-events), every day of the coming year: the
    feed's birthdays are the digest's birthdays due that day, and its dated events are the
    digest's dated items a year ahead."""
    from dataclasses import replace
    from datetime import date, timedelta

    import recurring_ical_events
    from icalendar import Calendar

    from netnotes.app.digest import build_digest
    from netnotes.core.dates import parse_duration
    from netnotes.core.model import ItemKind

    contacts = example_vault / "contacts"
    (contacts / "leap.md").write_text("---\nname: Leap Day\nbirthday: --02-29\n---\n")
    (contacts / "leap-92.md").write_text("---\nname: Leap Year\nbirthday: 1992-02-29\n---\n")
    (contacts / "new-year.md").write_text("---\nname: New Year\nbirthday: --01-01\n---\n")
    today = date(2026, 11, 21)
    feed = Calendar.from_ical(run(example_vault, "export", "ics").stdout_bytes)
    vault = open_vault(example_vault)
    year = [today + timedelta(days=n) for n in range(366)]
    for day in year:
        shown = recurring_ical_events.of(feed).at(day)
        in_feed = sorted(
            str(e["SUMMARY"]) for e in shown if str(e["SUMMARY"]).endswith("'s birthday")
        )
        digest = build_digest(vault, day)
        in_digest = sorted(f"{item.contact}'s birthday" for item in digest.items
                           if item.kind is ItemKind.BIRTHDAY and item.due == day)  # fmt: skip
        assert in_feed == in_digest, day
    ahead = build_digest(replace(vault, config=replace(vault.config, horizon=parse_duration(
        "1 year"))), today)  # fmt: skip
    dated = sorted((item.due.isoformat(), item.contact) for item in ahead.items
                   if item.kind not in (ItemKind.BIRTHDAY, ItemKind.RECONNECT))  # fmt: skip
    events = recurring_ical_events.of(feed).between(date(1900, 1, 1), date(2100, 1, 1))
    in_feed = sorted((e.decoded("DTSTART").isoformat(), str(e["SUMMARY"]).split(": ", 1)[1])
                     for e in events if not str(e["SUMMARY"]).endswith("'s birthday"))  # fmt: skip
    assert in_feed == dated
    assert ("2027-02-28", "Leap Day") in [
        (e.decoded("DTSTART").isoformat(), str(e["SUMMARY"]).removesuffix("'s birthday"))
        for e in recurring_ical_events.of(feed).at(date(2027, 2, 28))
    ]


def test_the_calendar_setting_makes_digest_write_keep_it_current(example_vault):
    config = example_vault / "netnotes.toml"
    config.write_text('calendar = "due.ics"\n' + config.read_text())  # before any [table]
    first = run(example_vault, "digest", "--write")
    assert first.exit_code == 0, first.output
    assert "due.ics: written\n" in first.stderr
    assert (example_vault / "due.ics").read_bytes() == run(
        example_vault, "export", "ics"
    ).stdout_bytes
    assert "due.ics: unchanged\n" in run(example_vault, "digest", "--write").stderr


def test_export_to_a_file(example_vault, tmp_path):
    target = tmp_path / "out.vcf"
    result = run(example_vault, "export", "vcard", "-o", str(target))
    assert result.exit_code == 0
    assert result.stderr == f"{target}: written\n"
    assert target.read_text(encoding="utf-8").count("BEGIN:VCARD") == 15


def test_the_watcher_keeps_the_calendar_file_current(example_vault):
    from datetime import datetime

    from netnotes.app.watch import Watcher

    config = example_vault / "netnotes.toml"
    config.write_text('calendar = "due.ics"\n' + config.read_text())
    watcher = Watcher(example_vault, now=lambda: datetime(2026, 11, 21, 9), log=lambda _: None)
    watcher.start()
    assert (example_vault / "due.ics").read_bytes() == run(
        example_vault, "export", "ics"
    ).stdout_bytes
    # Note by note (each contact's events kept, only the changed ones made again), the
    # file stays the bytes a full export gives: a note edited, one deleted, a meeting note.
    jill = example_vault / "contacts" / "jill-moreno.md"
    jill.write_text(jill.read_text().replace("## Log\n", "## Log\n- 2026-11-21 lunch: new\n"))
    (example_vault / "contacts" / "raj-patel.md").unlink()
    meeting = example_vault / "meetings" / "2026-11-28 Call with Omar.md"
    meeting.write_text('---\nattendees: ["[[Omar Haddad]]"]\n---\n')
    watcher.state.refresh([jill, example_vault / "contacts" / "raj-patel.md"])
    watcher.regenerate({"contacts/jill-moreno.md", "contacts/raj-patel.md"},
                       watcher.sources.refresh([meeting]))  # fmt: skip
    feed = (example_vault / "due.ics").read_bytes()
    assert feed == run(example_vault, "export", "ics").stdout_bytes
    assert b"Call with Omar" in feed and b"Raj Patel" not in feed


# -- real programs read the exports ----------------------------------------------------------


def _program(name: str) -> str:
    import shutil
    import sys

    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install {name}: the [test] extra has it)")
    return found


def test_khard_reads_every_exported_card(example_vault, tmp_path):
    import subprocess

    khard = _program("khard")
    book = tmp_path / "book"
    book.mkdir()
    exported = run(example_vault, "export", "vcard").stdout_bytes.decode("utf-8")
    for number, card in enumerate(exported.split("BEGIN:VCARD")[1:]):
        (book / f"{number}.vcf").write_text("BEGIN:VCARD" + card, encoding="utf-8")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[netnotes]]\npath = {book}\n")
    listed = subprocess.run([khard, "-c", str(config), "list", "--parsable"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    names = sorted(line.split("\t")[1] for line in listed.splitlines())
    contacts, _ = load_contacts(open_vault(example_vault))
    assert names == sorted(contact.name for contact in contacts)


def test_khal_imports_the_feed_and_shows_its_events_on_their_days(example_vault, tmp_path):
    import subprocess

    khal = _program("khal")
    calendar = tmp_path / "calendar"
    calendar.mkdir()
    feed = tmp_path / "due.ics"
    feed.write_bytes(run(example_vault, "export", "ics").stdout_bytes)
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[netnotes]]\npath = {calendar}\n[locale]\ntimeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
    )
    subprocess.run([khal, "-c", str(config), "import", "--batch", "-a", "netnotes", str(feed)],
                   capture_output=True, text=True, check=True)  # fmt: skip
    shown = subprocess.run([khal, "-c", str(config), "list", "2026-11-24", "1d"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Aisha Rahman's birthday" in shown
    assert "Meeting: Priya Shah :: planned meeting: Call with Priya" in shown
    next_year = subprocess.run([khal, "-c", str(config), "list", "2027-11-24", "1d"],
                               capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Aisha Rahman's birthday" in next_year  # yearly


# -- delivery --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "target"), [("github", ".github/workflows/netnotes.yml"), ("gitlab", ".gitlab-ci.yml")]
)
def test_init_ci_writes_a_job_that_publishes_the_digest_and_the_feed(tmp_path, host, target):
    import yaml

    vault = tmp_path / "vault"
    result = CliRunner().invoke(cli, ["init", str(vault), "--no-git", "--ci", host])
    assert result.exit_code == 0, result.output
    assert f"created {target}\n" in result.stdout
    job = yaml.safe_load((vault / target).read_text(encoding="utf-8"))
    commands = "\n".join(
        str(step.get("run", "")) for step in job["jobs"]["digest"]["steps"]
    ) if host == "github" else "\n".join(job["pages"]["script"])  # fmt: skip
    assert "netnotes digest --write" in commands
    assert "netnotes export ics -o public/due.ics" in commands
    # No public index has netnotes: without NETNOTES_PACKAGE the job stops and says why.
    if host == "github":
        install = next(
            step["run"] for step in job["jobs"]["digest"]["steps"]
            if "NETNOTES_PACKAGE" in str(step.get("run", ""))
        )  # fmt: skip
    else:
        install = next(line for line in job["pages"]["script"] if "NETNOTES_PACKAGE" in line)
    ran = subprocess.run(["bash", "-c", install], capture_output=True, text=True, env={})
    assert ran.returncode == 1
    assert "Set the " in ran.stderr and "variable NETNOTES_PACKAGE to where netnotes" in ran.stderr
    (vault / target).write_text("# mine\n")
    again = CliRunner().invoke(cli, ["init", str(vault), "--no-git", "--ci", host])
    assert again.exit_code == 0
    assert (vault / target).read_text() == "# mine\n"  # never overwritten


def test_an_unchanged_vault_writes_the_calendar_from_its_memo(example_vault, monkeypatch):
    import os
    import time

    import netnotes.app.exporting as exporting

    config = example_vault / "netnotes.toml"
    config.write_text('calendar = "due.ics"\n' + config.read_text())
    for path in example_vault.rglob("*.md"):  # saved a while ago: the memo may trust them
        stamp = time.time() - 60
        os.utime(path, (stamp, stamp))
    made = []
    real = exporting.export_calendar
    monkeypatch.setattr(
        exporting, "export_calendar", lambda *a, **k: made.append(1) or real(*a, **k)
    )
    run(example_vault, "digest", "--write")
    first = (example_vault / "due.ics").read_bytes()
    assert "due.ics: unchanged\n" in run(example_vault, "digest", "--write").stderr
    assert len(made) == 1  # the second run read the memo
    note = example_vault / "contacts" / "raj-patel.md"
    note.write_text(note.read_text().replace("birthday:", "birthday: 1990-11-27\nold_birthday:"))
    stamp = time.time() - 60
    os.utime(note, (stamp, stamp))
    assert "due.ics: written\n" in run(example_vault, "digest", "--write").stderr
    assert len(made) == 2 and (example_vault / "due.ics").read_bytes() != first
