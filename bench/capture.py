"""What `netnotes capture` costs on a mailbox, first pass and after, in one run.

    python -m bench.capture [--messages 20000 100000] [--contacts 2000] [--runs 3]

For each size it writes a seeded Maildir (an INBOX and a Sent folder, messages of
about 3 KB with a body, as mbsync leaves them: a third to or from contacts, the rest
strangers, lists and newsletters) and a vault of `--contacts` notes with e-mails, then
times, as separate processes (peak memory the maximum):

- the first pass (no cache: every header block read and parsed), once per run, each
  on a fresh copy of the vault, as messages a second;
- a pass with nothing new (the median of `--runs`);
- a pass after 100 new messages arrived (the median of `--runs`).

mu indexes about 1,000 messages a second (issue 23's yardstick). The mailboxes and
vaults live in temporary folders and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bench.run import NETNOTES, timed

BODY = ("Thanks for the note. " * 8 + "\n") * 25  # ~4 KB that capture never reads


def write_vault(root: Path, contacts: int) -> list[str]:
    (root / "contacts").mkdir(parents=True)
    (root / "netnotes.toml").write_text('me = ["me@example.org"]\n')
    addresses = []
    for number in range(contacts):
        address = f"person{number}@example{number % 50}.org"
        addresses.append(address)
        (root / "contacts" / f"person-{number}.md").write_text(
            f"---\nname: Person {number}\nemails: [{address}]\n---\n\n## Log\n"
            f"- 2025-01-0{1 + number % 9} call: hello\n"
        )
    return addresses


def write_message(folder: Path, number: int, rng: random.Random, people: list[str]) -> None:
    when = datetime(2026, 11, 20, tzinfo=UTC) - timedelta(minutes=37 * number)
    shape = rng.random()
    extra = ""
    if shape < 0.17:
        sender, to = "me@example.org", rng.choice(people)
    elif shape < 0.34:
        sender, to = rng.choice(people), "me@example.org"
    elif shape < 0.5:
        sender, to = f"list{number % 7}@lists.example", "me@example.org"
        extra = f"List-Id: <dev{number % 7}.lists.example>\nList-Unsubscribe: <mailto:x>\n"
    else:
        sender, to = f"stranger{rng.randrange(5000)}@else.example", "me@example.org"
    subject = f"Re: Topic {rng.randrange(2000)} and what comes next"
    text = (
        f"Return-Path: <{sender}>\nReceived: from mx.example.org by mail.example.org\n"
        f"From: Somebody <{sender}>\nTo: <{to}>\nSubject: {subject}\n"
        f"Date: {format_datetime(when)}\nMessage-ID: <{number}.{rng.random()}@bench>\n"
        f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n{extra}\n{BODY}"
    )
    (folder / f"{1700000000 + number}.{number}_0.bench:2,S").write_text(text)


def write_maildir(root: Path, count: int, people: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    for box in ("INBOX", "Sent"):
        for sub in ("cur", "new", "tmp"):
            (root / box / sub).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        box = "Sent" if number % 3 == 0 else "INBOX"
        write_message(root / box / "cur", number, rng, people)


def old_vault(base: Path, contacts: int) -> tuple[Path, list[str]]:
    """A generated vault whose notes were saved a while ago (as in a vault kept for
    years: no note is fresh enough for the writer to wait for it), and its addresses."""
    vault = base / "vault"
    people = write_vault(vault, contacts)
    stamp = time.time() - 60
    for note in (vault / "contacts").iterdir():
        os.utime(note, (stamp, stamp))
    return vault, people


def first_and_again(base: Path, vault: Path, source: Path, runs: int):
    """`runs` first captures of `source`, each on a fresh copy of `vault` (copytree keeps
    the old mtimes), then `runs` captures with nothing new on the last copy: (the first
    passes, those again, the command of the last copy for the runs that follow)."""
    first = []
    for run in range(runs):
        fresh = base / f"vault-{run}"
        shutil.copytree(vault, fresh)
        command = [*NETNOTES, "--vault", str(fresh), "capture", str(source)]
        first.append(timed(command))
    return first, [timed(command) for _ in range(runs)], command


def row(label: str, results: list) -> tuple[str, float, int]:
    return label, statistics.median(t for t, _ in results), max(m for _, m in results)


def bench(messages: int, contacts: int, runs: int) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        vault, people = old_vault(base, contacts)
        mail = base / "Mail"
        write_maildir(mail, messages, people)
        first, again, command = first_and_again(base, vault, mail, runs)
        rng = random.Random(99)
        newer = []
        for run in range(runs):
            for number in range(100):  # 100 new messages arrive between runs
                write_message(mail / "INBOX" / "new", messages + run * 100 + number, rng, people)
            newer.append(timed(command))
        seconds = statistics.median(t for t, _ in first)
        return [
            row(f"first pass ({messages / seconds:,.0f} messages/s)", first),
            row("nothing new", again),
            row("100 new messages", newer),
        ]


def write_calendar(path: Path, count: int, people: list[str], seed: int = 7) -> None:
    """`count` events over three years to 2026-11-20, one in ten a weekly series for all
    of them (a 1:1), most with a contact among two to five attendees."""
    rng = random.Random(seed)
    start = datetime(2023, 11, 20, 9, tzinfo=UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//netnotes bench//EN"]
    for number in range(count):
        weekly = number % 10 == 0
        when = start + timedelta(days=0 if weekly else rng.randrange(3 * 365), hours=number % 8)
        lines += [
            "BEGIN:VEVENT", f"UID:event-{number}@bench",
            f"DTSTAMP:{when:%Y%m%dT%H%M%SZ}", f"DTSTART:{when:%Y%m%dT%H%M%SZ}",
            f"DTEND:{when + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{'1:1' if weekly else rng.choice(['Coffee', 'Review', 'Lunch'])} {number}",
            "ORGANIZER:mailto:me@example.org",
            *(f"ATTENDEE;CN=Person:mailto:{rng.choice(people)}"
              for _ in range(rng.randrange(1, 5))),
            *(["RRULE:FREQ=WEEKLY;COUNT=156"] if weekly else []),
            "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n")


def bench_calendar(events: int, contacts: int, runs: int) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        vault, people = old_vault(base, contacts)
        calendar = base / "work.ics"
        write_calendar(calendar, events, people)
        first, again, _ = first_and_again(base, vault, calendar, runs)
        return [row("first pass", first), row("nothing new", again)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="*", default=[20000])
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, nargs="*", default=[10000])
    options = parser.parse_args()
    print(f"netnotes capture, {options.contacts} contacts; medians of {options.runs} runs")
    for count in options.messages:
        for label, seconds, peak in bench(count, options.contacts, options.runs):
            print(f"  {count:>7} messages  {label:<36} {seconds:7.2f} s  {peak:5} MB")
    for count in options.events:
        for label, seconds, peak in bench_calendar(count, options.contacts, options.runs):
            print(f"  {count:>7} events    {label:<36} {seconds:7.2f} s  {peak:5} MB")


if __name__ == "__main__":
    main()
