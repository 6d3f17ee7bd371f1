"""`netnotes capture`: what mail and calendars show happened, written into the notes.

Messages come from the Maildir trees, mbox files and IMAP folders of `[mail]` in
netnotes.toml, or the paths named on the command line (store/mailboxes.py,
store/imap.py); their envelopes become one log line per conversation, contact, day and
direction (core/mail.py), written through the guarded note writer as `log` writes:
`- 2026-11-02 -> email: Could we talk about the data role?`. Calendars (`[calendars]`,
ICS files, vdir folders, CalDAV: store/calendars.py, store/caldav.py) give one line per
event occurrence and contact (core/events.py), written with them.

Safe to run again, on any clone: a line a note already holds is not written twice, and
every message a line was written for is remembered in the vault's
`netnotes-captured.txt` (a short hash of each Message-ID a line, synced with git and
merged by git's `union` driver), so a line the user deleted or rewrote never comes
back. docs/mail.md says all this for users.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from netnotes.core.config import CAPTURE_MEMORY
from netnotes.core.errors import NetnotesError
from netnotes.core.events import Owners, event_captures
from netnotes.core.mail import Capture, conversations, remembered
from netnotes.core.model import Contact, Direction
from netnotes.core.names import fold
from netnotes.core.sources import Directory
from netnotes.store.vault import Vault

_STATE_HEADER = (
    "# netnotes capture: one line per message already written into a note (a hash of its\n"
    "# Message-ID). Keep it in git; delete a line to let capture write that message again.\n"
)


@dataclass
class CaptureReport:
    messages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    written: list[tuple[str, str]] = field(default_factory=list)  # (note, its new line)
    already: int = 0  # lines the notes held already (written by hand, or on another clone)
    before: int = 0  # lines of messages captured by an earlier run: never written again
    strangers: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    calendars: int = 0  # calendar files read (None read: not said)
    events: int = 0  # their event occurrences in the window

    def summary(self) -> str:
        notes = len({path for path, _ in self.written})
        read = [f"{self.messages} message{'' if self.messages == 1 else 's'} read"] * bool(
            self.messages or not self.calendars
        )
        if self.calendars:
            read.append(
                f"{self.calendars} calendar file{'' if self.calendars == 1 else 's'} read "
                f"({self.events} event{'' if self.events == 1 else 's'})"
            )
        if self.skipped:
            read[-1] += f" ({len(self.skipped)} skipped)"
        parts = [
            *read,
            f"{len(self.written)} line{'' if len(self.written) == 1 else 's'} added to "
            f"{notes} note{'' if notes == 1 else 's'}",
        ]
        if self.already:
            parts.append(f"{self.already} already there")
        if self.before:
            parts.append(f"{self.before} captured before")
        return ", ".join(parts)


@dataclass
class Sources:
    maildirs: list[Path] = field(default_factory=list)
    mboxes: list[Path] = field(default_factory=list)
    imap: dict | None = None
    calendars: list[Path] = field(default_factory=list)  # ICS files and vdir folders
    caldav: dict | None = None


def _is_calendar(path: Path) -> bool:
    """An ICS file, or a vdir folder (`.ics` files, no Maildir's cur/ or new/)."""
    if not path.is_dir():
        return path.suffix.lower() in (".ics", ".ical", ".ifb")
    if (path / "cur").is_dir() or (path / "new").is_dir():
        return False
    return any(child.suffix.lower() == ".ics" for child in path.iterdir())


def sources(vault: Vault, paths: list[Path]) -> Sources:
    """What capture reads: the paths named (Maildir and vdir folders, mbox and ICS files),
    else what `[mail]` and `[calendars]` name."""
    if paths:
        calendars = [p for p in paths if _is_calendar(p)]
        rest = [p for p in paths if p not in calendars]
        return Sources([p for p in rest if p.is_dir()], [p for p in rest if not p.is_dir()],
                       None, calendars)  # fmt: skip

    def expanded(values) -> list[Path]:
        return [Path(os.path.expanduser(value)) for value in values]

    mail, calendars = vault.config.mail, vault.config.calendars
    found = Sources(expanded(mail.maildir), expanded(mail.mbox), mail.imap,
                    expanded(calendars.files), calendars.caldav)  # fmt: skip
    if not (found.maildirs or found.mboxes or found.imap or found.calendars or found.caldav):
        raise NetnotesError(
            "no mail or calendar to read: name Maildir folders, mbox or ICS files "
            "(netnotes capture ~/Mail), or say where they are in netnotes.toml "
            '([mail] maildir = ["~/Mail"], [calendars] files = ["~/cal/work.ics"]); '
            "docs/mail.md and docs/calendars.md show how"
        )
    return found


def capture_all(
    vault: Vault, paths: list[Path], *, today: date, since: date | None, dry_run: bool
) -> CaptureReport:
    """Read every source, and write (or with `dry_run`, say) the lines they give."""
    from netnotes.store.loading import load_summaries
    from netnotes.store.mailboxes import read_mail

    config = vault.config
    if not config.me:
        raise NetnotesError(
            "say which addresses are yours first, so netnotes can tell what you sent from "
            'what you received: me = ["you@example.org"] at the top of netnotes.toml'
        )
    found_in = sources(vault, paths)
    maildirs, mboxes, imap = found_in.maildirs, found_in.mboxes, found_in.imap
    remote = None
    if imap:
        from netnotes.store.imap import read_imap

        def remote(cache):
            return read_imap(imap, cache)

    report = CaptureReport()
    summaries, _, _ = load_summaries(vault, vault_wide=False)
    owners: dict[str, list[str]] = {}
    for summary in summaries:
        for email in summary.emails:
            owners.setdefault(email.strip().lower(), []).append(summary.path)

    def envelopes():
        """The usable envelopes, one at a time (100,000 messages are never all held)."""
        for message in read_mail(vault, maildirs, mboxes, remote):
            report.messages += 1
            if message.envelope is None:
                report.skipped.append((message.where, message.skipped))
            elif message.envelope.day > today.toordinal():
                report.skipped.append((message.where, "dated after today: its clock is wrong"))
            else:
                yield message.envelope

    found = conversations(
        envelopes(),
        owners,
        config.me,
        ignore=config.mail.ignore,
        max_recipients=config.mail.max_recipients,
        since=since.toordinal() if since else None,
    )
    report.strangers = sorted(found.strangers.items(), key=lambda item: (-item[1], item[0]))
    captures = found.captures
    if found_in.calendars or found_in.caldav:
        directory = Directory((s.path, s.name, s.aliases) for s in summaries)
        captures += _event_captures(
            vault, found_in, Owners(owners, directory), report, today, since
        )
    _write(vault, captures, report, dry_run)
    return report


# How far back a calendar is read unless --since says: a quarter of meetings gives each
# contact their last contact; a longer history is one `capture --since DATE` away.
CALENDAR_PAST = timedelta(days=92)


def _event_captures(vault, found_in: Sources, owners, report, today: date, since) -> list:
    """The lines the calendars give, for capture_all to write with the mail's."""
    from netnotes.store.calendars import read_calendars

    config = vault.config
    start = since or today - CALENDAR_PAST
    until = config.horizon.after(today)
    read = read_calendars(found_in.calendars, start, until + timedelta(days=1), config.me, vault)
    occurrences = read.occurrences
    if found_in.caldav:
        from netnotes.store.caldav import read_caldav

        remote = read_caldav(vault, found_in.caldav, start, until + timedelta(days=1), config.me)
        occurrences += remote.occurrences
        read.problems.extend(remote.problems)
    report.calendars += read.files
    report.events += len(occurrences)
    report.skipped += read.problems
    return event_captures(
        occurrences, owners, config.me, today=today.toordinal(), until=until.toordinal(),
        since=since.toordinal() if since else None,
        max_attendees=config.calendars.max_attendees,
    )  # fmt: skip


def _write(vault: Vault, captures: list[Capture], report: CaptureReport, dry_run: bool) -> None:
    from netnotes.store.memory_files import append_memory, read_memory
    from netnotes.store.writer import note_lock

    state = vault.root / CAPTURE_MEMORY
    with note_lock(vault.locks_dir, state):
        held, known = read_memory(state, "netnotes' capture memory")
        by_note: dict[str, list[Capture]] = {}
        for capture in captures:
            if all(remembered(m) in known for m in capture.message_ids):
                # Written by a run before (the note is not even opened): if the user has
                # deleted or rewritten the line since, that is their call.
                report.before += 1
            else:
                by_note.setdefault(capture.path, []).append(capture)
        for path in sorted(by_note):
            _write_note(vault, path, by_note[path], report, dry_run)
        ids = [remembered(m) for caps in by_note.values() for c in caps for m in c.message_ids]
        new = [line for line in dict.fromkeys(ids) if line not in known]
        if new and not dry_run:
            append_memory(vault, state, held, _STATE_HEADER, new)


def _write_note(
    vault: Vault, path: str, captures: list[Capture], report: CaptureReport, dry_run: bool
) -> None:
    from netnotes.store.edit import add_log_entries, format_entry
    from netnotes.store.notes import find_target, write_note

    target = find_target(vault, path)
    if dry_run:
        contact = target.contact
        for capture in captures:
            if contact is not None and _holds(contact, capture):
                report.already += 1
            else:
                report.written.append((path, "- " + _entry(capture, format_entry)))
        return
    added: list[str] = []
    held = [0]

    def edit(contact: Contact, text: str) -> str:
        added.clear()
        held[0] = 0
        entries = []
        for capture in captures:
            if _holds(contact, capture):
                held[0] += 1
                continue
            entries.append((date.fromordinal(capture.day), _entry(capture, format_entry)))
            added.append("- " + entries[-1][1])
        return add_log_entries(text, entries, reading=vault.config.reading)

    write_note(vault, target, edit)
    report.already += held[0]
    report.written += [(path, line) for line in added]


def _entry(capture: Capture, format_entry) -> str:
    direction = "" if capture.direction == "both" else capture.direction
    return format_entry(date.fromordinal(capture.day), capture.topic, capture.kind, direction)


def _holds(contact: Contact, capture: Capture) -> bool:
    """Whether the note already has this line (written by an earlier run, here or on
    another clone, or by hand): the same day, direction, kind and words."""
    direction = Direction(capture.direction)  # "out", "in", "both": the Direction's values
    topic = fold(capture.topic)
    return any(
        entry.on.toordinal() == capture.day
        and entry.direction is direction
        and (entry.kind or "").lower() == capture.kind
        and fold(entry.text) == topic
        for entry in contact.interactions
    )
