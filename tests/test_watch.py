"""The watcher against real editors' ways of saving, with a real observer.

Every wait is for a condition, with a deadline; nothing sleeps and hopes.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from netnotes.app.watch import Watcher, is_noise, start_observer

DEADLINE = 15.0


def wait_until(condition, what: str, deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = condition()
        if result:
            return result
        time.sleep(0.01)  # polling interval of the wait, not a guess at timing
    pytest.fail(f"timed out after {deadline}s waiting for {what}")


class Clock:
    def __init__(self, moment: str) -> None:
        self.moment = datetime.fromisoformat(moment)

    def __call__(self) -> datetime:
        return self.moment


NOTE = "---\nname: {name}\ncadence: 1 week\n---\n## Log\n- 2026-11-01 call\n"


@pytest.fixture
def watched(vault):
    """A running watcher on a small vault: (watcher, vault, clock, log lines)."""
    (vault / "contacts" / "ann.md").write_text(NOTE.format(name="Ann"))
    (vault / "contacts" / "bob.md").write_text(NOTE.format(name="Bob"))
    clock = Clock("2026-11-21T10:00:00")
    lines: list[str] = []
    watcher = Watcher(
        vault, now=clock, quiet=0.1, max_delay=0.5, clock_interval=0.05, log=lines.append
    )
    watcher.start()
    observer = start_observer(watcher, poll=False, warn=lines.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    yield watcher, vault, clock, lines
    watcher.stop()
    thread.join(5)
    observer.stop()
    observer.join(5)
    assert not thread.is_alive()


def digest(vault: Path) -> str:
    try:
        return (vault / "DUE.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def shows(vault: Path, text: str):
    return lambda: text in digest(vault)


def lacks(vault: Path, text: str):
    return lambda: digest(vault) and text not in digest(vault)


def settled(watcher: Watcher, checks: int = 10):
    """Wait until the watcher has been idle through `checks` more clock checks."""
    target = watcher.clock_checks + checks
    wait_until(lambda: watcher.clock_checks >= target, f"{checks} idle clock checks")


def test_the_digest_is_written_at_start(watched):
    _, vault, _, lines = watched
    assert "[Ann](contacts/ann.md)" in digest(vault)
    assert lines[0].startswith("10:00:00 digest written: 2 items, 0 problems, ")


def test_a_vim_style_save(watched):
    watcher, vault, _, _ = watched
    note = vault / "contacts" / "ann.md"
    probe = vault / "contacts" / "4913"
    probe.write_text("")
    probe.unlink()
    note.rename(vault / "contacts" / "ann.md~")
    note.write_text(NOTE.format(name="Ann Vim"))
    (vault / "contacts" / "ann.md~").unlink()
    (vault / "contacts" / ".ann.md.swp").write_bytes(b"\0swap")
    wait_until(shows(vault, "[Ann Vim](contacts/ann.md)"), "the vim save in the digest")
    settled(watcher)
    assert "contacts/ann.md~" not in digest(vault)
    assert "problem" not in digest(vault)


def test_a_temporary_file_renamed_over_the_note(watched):
    _, vault, _, _ = watched
    contacts = vault / "contacts"
    (contacts / "bob.md___jb_tmp___").write_text(NOTE.format(name="Bob JetBrains"))
    (contacts / "bob.md").rename(contacts / "bob.md___jb_old___")
    (contacts / "bob.md___jb_tmp___").rename(contacts / "bob.md")
    (contacts / "bob.md___jb_old___").unlink()
    wait_until(shows(vault, "[Bob JetBrains](contacts/bob.md)"), "the renamed-over note")


def test_truncate_then_rewrite_in_place(watched):
    watcher, vault, _, _ = watched
    note = vault / "contacts" / "ann.md"
    with open(note, "r+", encoding="utf-8") as handle:
        handle.truncate(0)
        handle.flush()
        before = watcher.regenerations
        # Let the watcher see the empty file, as it can when VS Code saves.
        wait_until(lambda: watcher.regenerations > before, "a regeneration of the empty note")
        handle.write(NOTE.format(name="Ann Code"))
    wait_until(shows(vault, "[Ann Code](contacts/ann.md)"), "the rewritten note")
    settled(watcher)
    assert "empty file" not in digest(vault)


def test_a_note_read_empty_is_read_again_after_the_quiet_period(vault):
    """The save's second half brings no event of its own (coalesced, or lost): only the
    watcher's own second read can see it. No observer here, so events are ours to give."""
    note = vault / "contacts" / "ann.md"
    note.write_text(NOTE.format(name="Ann"))
    watcher = Watcher(vault, now=Clock("2026-11-21T10:00:00"), quiet=0.1, max_delay=0.5,
                      clock_interval=0.05, log=lambda line: None)  # fmt: skip
    watcher.start()
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        note.write_text("")
        watcher.notify(note)  # the truncation's event
        # An empty file is a warning: the digest counts it (`check` names it).
        wait_until(shows(vault, "- 1 warning: `netnotes check` lists them"), "the empty read")
        note.write_text(NOTE.format(name="Ann Saved"))  # and no event for this write
        wait_until(shows(vault, "[Ann Saved](contacts/ann.md)"), "the second read")
        assert "warning" not in digest(vault)
    finally:
        watcher.stop()
        thread.join(5)


def test_a_delete_and_a_rename(watched):
    _, vault, _, _ = watched
    (vault / "contacts" / "bob.md").unlink()
    wait_until(lacks(vault, "Bob"), "Bob gone")
    (vault / "contacts" / "ann.md").rename(vault / "contacts" / "ann-lee.md")
    wait_until(shows(vault, "[Ann](contacts/ann-lee.md)"), "the renamed note")
    assert "contacts/ann.md)" not in digest(vault)


def test_a_folder_moved_in(watched, tmp_path):
    _, vault, _, _ = watched
    outside = tmp_path / "import"
    outside.mkdir()
    (outside / "cy.md").write_text(NOTE.format(name="Cy"))
    outside.rename(vault / "contacts" / "imported")
    wait_until(shows(vault, "[Cy](contacts/imported/cy.md)"), "a note in a moved-in folder")


def test_a_burst_of_300_notes_gives_a_handful_of_regenerations(watched):
    watcher, vault, _, _ = watched
    before = watcher.regenerations
    for number in range(300):
        (vault / "contacts" / f"p{number:03}.md").write_text(NOTE.format(name=f"P{number:03}"))
    wait_until(shows(vault, "[P299]"), "all 300 notes")
    settled(watcher)
    assert digest(vault).count("keep in touch every 1 week") == 302
    assert watcher.regenerations - before <= 6


def test_a_config_change_is_picked_up(watched):
    _, vault, _, _ = watched
    (vault / "netnotes.toml").write_text('horizon = "3 weeks"\n[cadence]\ndefault = "1 month"\n')
    (vault / "contacts" / "cy.md").write_text("---\nname: Cy\n---\n## Log\n- 2026-11-01 call\n")
    wait_until(
        shows(vault, "[Cy](contacts/cy.md) — keep in touch every 1 month"), "the new default"
    )


def test_a_broken_config_keeps_the_old_one(watched):
    watcher, vault, _, lines = watched
    (vault / "netnotes.toml").write_text("horizon = \n")
    wait_until(lambda: any("not reloaded" in line for line in lines), "the reload warning")
    assert watcher.vault.config.horizon.days == 7


def test_a_broken_note_is_a_problem_and_the_watcher_carries_on(watched):
    _, vault, _, _ = watched
    (vault / "contacts" / "bad.md").write_text("---\nname: [unclosed\n---\n")
    wait_until(
        shows(vault, "[contacts/bad.md:3](contacts/bad.md): error: front matter"), "the problem"
    )
    (vault / "contacts" / "cy.md").write_text(NOTE.format(name="Cy"))
    wait_until(shows(vault, "[Cy](contacts/cy.md)"), "the next change")


def test_noise_and_an_idle_period_do_not_rewrite_the_digest(watched):
    watcher, vault, _, _ = watched
    settled(watcher, 3)
    before = (watcher.regenerations, (vault / "DUE.md").stat().st_mtime_ns)
    contacts = vault / "contacts"
    for name in (
        ".#ann.md",
        "#ann.md#",
        "ann.md~",
        "ann.md.swp",
        "4913",
        "x___jb_tmp___",
        "notes.txt",
    ):
        (contacts / name).write_text("junk")
    (vault / "DUE.md.tmp").write_text("x")
    (vault / ".DUE.md.abc.tmp").write_text("x")
    settled(watcher, 20)
    assert (watcher.regenerations, (vault / "DUE.md").stat().st_mtime_ns) == before


def test_an_unchanged_digest_is_not_rewritten(watched):
    watcher, vault, _, lines = watched
    mtime = (vault / "DUE.md").stat().st_mtime_ns
    before = watcher.regenerations
    note = vault / "contacts" / "ann.md"
    note.write_text(note.read_text() + "\nMore notes that change nothing due.\n")
    wait_until(lambda: watcher.regenerations > before, "the regeneration")
    assert (vault / "DUE.md").stat().st_mtime_ns == mtime
    assert "digest unchanged" in lines[-1]


def test_the_date_rolls_over_at_midnight(watched):
    _, vault, clock, _ = watched
    assert digest(vault).startswith("# Due on 2026-11-21")
    clock.moment = datetime.fromisoformat("2026-11-22T00:00:01")
    wait_until(lambda: digest(vault).startswith("# Due on 2026-11-22"), "the new day's digest")
    # After a long sleep the next check catches up too.
    clock.moment = datetime.fromisoformat("2026-12-03T08:00:00")
    wait_until(lambda: digest(vault).startswith("# Due on 2026-12-03"), "the digest after sleep")


def test_the_wait_is_until_just_after_midnight(vault):
    clock = Clock("2026-11-21T23:59:58")
    watcher = Watcher(vault, now=clock, clock_interval=30.0, log=lambda line: None)
    assert 2.0 <= watcher._timeout() <= 3.0
    clock.moment = datetime.fromisoformat("2026-11-21T10:00:00")
    assert watcher._timeout() == 30.0


@pytest.mark.parametrize(
    ("name", "noise"),
    [(".#jill.md", True), ("#jill.md#", True), ("jill.md~", True), ("jill.md.swp", True),
     (".jill.md.swx", True), ("4913", True), ("jill.md___jb_tmp___", True),
     ("jill.md___jb_old___", True), (".DUE.md.x1.tmp", True), ("jill.md", False),
     ("2026-review.md", False)],
)  # fmt: skip
def test_editor_scratch_names_are_noise(name, noise):
    assert is_noise(name) is noise


@contextlib.contextmanager
def watch_command(vault: Path):
    """`netnotes watch` in its own process: (the process, its stderr lines as they come)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), "watch"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        yield process, lines, reader
    finally:
        process.kill()


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_the_command_exits_0_on_sigterm_and_ctrl_c(vault, signal_number):
    (vault / "contacts" / "ann.md").write_text(NOTE.format(name="Ann"))
    with watch_command(vault) as (process, lines, reader):
        wait_until(lambda: any(line.startswith("watching") for line in lines), "the ready line")
        assert (vault / "DUE.md").exists()
        process.send_signal(signal_number)
        assert process.wait(timeout=DEADLINE) == 0
        reader.join(DEADLINE)
        assert lines[-1] == "stopped\n"


def test_the_watchers_digest_is_the_same_as_digest_write(example_vault):
    from .conftest import ROOT

    watcher = Watcher(example_vault, now=Clock("2026-11-21T09:00:00"), log=lambda line: None)
    watcher.start()
    golden = (ROOT / "tests" / "golden" / "digest.md").read_text(encoding="utf-8")
    assert (example_vault / "DUE.md").read_text(encoding="utf-8") == golden


# -- issue 9, item 9: the watcher reports, keeps running, and recovers --------------------


@pytest.fixture
def observed(vault, request):
    """A running watcher whose observer is restarted on request, as the command's is."""
    from netnotes.app.watch import Observing

    (vault / "contacts" / "ann.md").write_text(NOTE.format(name="Ann"))
    lines: list[str] = []
    watcher = Watcher(vault, now=Clock("2026-11-21T10:00:00"), quiet=0.1, max_delay=0.5,
                      clock_interval=0.05, log=lines.append)  # fmt: skip
    watcher.retry_interval = 0.1
    watcher.start()
    observing = Observing(watcher, poll=getattr(request, "param", False), warn=lines.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    yield watcher, vault, lines
    watcher.stop()
    thread.join(5)
    observing.stop()
    assert not thread.is_alive()


def test_a_digest_that_cannot_be_written_is_reported_and_written_once_it_can(observed):
    # Before: the watcher exited on the first failed write.
    _, vault, lines = observed
    (vault / "DUE.md").unlink()
    (vault / "DUE.md").mkdir()
    (vault / "contacts" / "cy.md").write_text(NOTE.format(name="Cy"))
    wait_until(
        lambda: (
            (
                "cannot write DUE.md: a folder, not a regular file: not writing to it; "
                "still watching, will try again"
            )
            in lines
        ),
        "the failure reported",
    )
    (vault / "DUE.md").rmdir()
    wait_until(shows(vault, "[Cy](contacts/cy.md)"), "the digest written once it can be")
    # The log line follows the write: wait for it too rather than race it.
    wait_until(lambda: "DUE.md can be written again" in lines, "the recovery reported")


@pytest.mark.parametrize("observed", [False, True], indirect=True, ids=["native", "poll"])
def test_a_contacts_folder_deleted_and_made_again_is_watched_again(observed):
    # Before: after the folder came back, no note saved in it was ever seen again.
    import shutil

    _, vault, _ = observed
    shutil.rmtree(vault / "contacts")
    wait_until(lacks(vault, "[Ann]"), "the digest without the deleted folder's notes")
    (vault / "contacts").mkdir()
    (vault / "contacts" / "dee.md").write_text(NOTE.format(name="Dee"))
    wait_until(shows(vault, "[Dee](contacts/dee.md)"), "a note in the re-created folder")
    (vault / "contacts" / "eve.md").write_text(NOTE.format(name="Eve"))
    wait_until(shows(vault, "[Eve](contacts/eve.md)"), "a later note in it too")


def test_a_note_that_crashes_the_rules_is_a_problem_and_the_watcher_goes_on(observed, monkeypatch):
    import netnotes.app.digest

    real = netnotes.app.digest.contact_items

    def crashes_on_one(contact, context):
        if contact.name == "Crash":
            raise ZeroDivisionError("boom")
        return real(contact, context)

    monkeypatch.setattr(netnotes.app.digest, "contact_items", crashes_on_one)
    _, vault, _ = observed
    (vault / "contacts" / "crash.md").write_text(NOTE.format(name="Crash"))
    wait_until(shows(vault, "could not compute this contact's items (ZeroDivisionError: boom)"),
               "the problem in the digest")  # fmt: skip
    (vault / "contacts" / "fay.md").write_text(NOTE.format(name="Fay"))
    wait_until(shows(vault, "[Fay](contacts/fay.md)"), "the next save still handled")


def test_the_real_command_survives_an_unwritable_digest_and_a_recreated_folder(vault):
    import shutil

    (vault / "contacts" / "ann.md").write_text(NOTE.format(name="Ann"))
    (vault / "DUE.md").mkdir()
    with watch_command(vault) as (process, lines, _):
        wait_until(lambda: any("cannot write DUE.md: a folder, not a regular file" in x for x in lines),
                   "the failure reported")  # fmt: skip
        assert process.poll() is None  # still running
        (vault / "DUE.md").rmdir()
        wait_until(shows(vault, "[Ann](contacts/ann.md)"), "the digest once it can be written")
        shutil.rmtree(vault / "contacts")
        wait_until(lacks(vault, "[Ann]"), "the digest without the deleted folder")
        (vault / "contacts").mkdir()
        (vault / "contacts" / "bea.md").write_text(NOTE.format(name="Bea"))
        wait_until(shows(vault, "[Bea](contacts/bea.md)"), "a note in the re-created folder")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE) == 0


# -- issue 11, item 4: a save costs what the note costs, and changes nothing else --------


def test_each_save_gives_the_digest_a_fresh_read_gives(example_vault):
    """The watcher keeps the digest note by note (core/live.py); after every kind of change
    (a duplicate name made and undone, a note deleted, added, renamed, broken) its
    DUE.md is byte for byte the file a fresh one-shot read of the vault gives."""
    from dataclasses import replace

    from netnotes.app.digest import build_digest, digest_markdown_for_file
    from netnotes.store.vault import open_vault

    today = datetime(2026, 11, 21, 9, 0)
    watcher = Watcher(example_vault, now=Clock(today.isoformat()), quiet=0.05,
                      max_delay=0.2, clock_interval=0.05, log=lambda line: None)  # fmt: skip
    watcher.start()
    observer = start_observer(watcher, poll=False, warn=print)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    contacts = example_vault / "contacts"
    sam = contacts / "sam-ortiz.md"
    sam_text = sam.read_text(encoding="utf-8")
    steps = [
        lambda: sam.write_text(sam_text.replace("name: Sam Ortiz", "name: Jill Moreno")),
        lambda: sam.write_text(sam_text),
        lambda: (contacts / "raj-patel.md").unlink(),
        lambda: (contacts / "zoe.md").write_text(NOTE.format(name="Zoe")),
        lambda: (contacts / "zoe.md").rename(contacts / "aaron.md"),
        lambda: (contacts / "aaron.md").write_text("---\nname: [unclosed\n---\n"),
    ]
    try:
        for number, step in enumerate(steps):
            step()
            vault = replace(open_vault(example_vault), use_cache=False)
            expected = digest_markdown_for_file(vault, build_digest(vault, today.date()))
            wait_until(lambda expected=expected: digest(example_vault) == expected,
                       f"step {number}'s digest")  # fmt: skip
    finally:
        watcher.stop()
        thread.join(5)
        observer.stop()
        observer.join(5)


# -- issue 13: meeting and daily notes -----------------------------------------------------


def test_a_meeting_note_saved_changes_the_digest_and_deleting_it_undoes_that(observed):
    _, vault, _ = observed
    (vault / "meetings").mkdir()  # a folder made while watching: the observer takes it on
    meeting = vault / "meetings" / "2026-11-20 Coffee with Ann.md"
    meeting.write_text("---\nattendees: ['[[Ann]]']\n---\n")
    wait_until(shows(vault, "send a thank-you for the meeting on 2026-11-20"), "the thank-you")
    assert "last contact 2026-11-01" not in digest(vault)
    meeting.unlink()
    wait_until(lacks(vault, "thank-you"), "the thank-you gone with the note")
    wait_until(shows(vault, "last contact 2026-11-01"), "the cadence from the log again")


def test_a_daily_note_in_a_folder_that_existed_at_start_is_seen(vault):
    (vault / "contacts" / "ann.md").write_text(NOTE.format(name="Ann"))
    (vault / "daily").mkdir()
    watcher = Watcher(vault, now=Clock("2026-11-21T10:00:00"), quiet=0.1, max_delay=0.5,
                      clock_interval=0.05, log=lambda line: None)  # fmt: skip
    watcher.start()
    observer = start_observer(watcher, poll=False, warn=lambda line: None)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert "last contact 2026-11-01" in digest(vault)
        (vault / "daily" / "2026-11-19.md").write_text("- Lunch with [[Ann]]\n")
        wait_until(shows(vault, "last contact 2026-11-19"), "the daily note's lunch")
    finally:
        watcher.stop()
        thread.join(5)
        observer.stop()
        observer.join(5)


def test_a_calendar_that_cannot_be_written_is_named_and_the_digest_still_is(vault):
    # Before: the watcher said "cannot write DUE.md" when it was due.ics that failed.
    (vault / "netnotes.toml").write_text('calendar = "due.ics"\n')
    (vault / "due.ics").mkdir()
    (vault / "contacts" / "ann.md").write_text(NOTE.format(name="Ann"))
    lines: list[str] = []
    watcher = Watcher(vault, now=Clock("2026-11-21T10:00:00"), log=lines.append)
    watcher.start()
    assert (
        "cannot write due.ics: a folder, not a regular file: not writing to it; "
        "still watching, will try again"
    ) in lines
    assert not any("cannot write DUE.md" in line for line in lines)
    assert "[Ann](contacts/ann.md)" in (vault / "DUE.md").read_text()


@pytest.mark.parametrize("poll", [False, True], ids=["native", "poll"])
def test_a_contacts_folder_that_is_a_symlink_is_watched(tmp_path, poll):
    # Before: inotify does not follow a symlinked folder, so the native watcher never
    # saw a save in a `contacts` that links elsewhere (a synced drive, say).
    real = tmp_path / "synced"
    real.mkdir()
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "netnotes.toml").write_text("")
    (vault / "contacts").symlink_to(real)
    (real / "ann.md").write_text(NOTE.format(name="Ann"))
    watcher = Watcher(vault, now=Clock("2026-11-21T10:00:00"), quiet=0.1, max_delay=0.5,
                      clock_interval=0.05, log=lambda line: None)  # fmt: skip
    watcher.start()
    observer = start_observer(watcher, poll=poll, warn=pytest.fail)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        (vault / "contacts" / "bob.md").write_text(NOTE.format(name="Bob"))
        wait_until(shows(vault, "[Bob](contacts/bob.md)"), "a note saved through the link")
        (real / "cy.md").write_text(NOTE.format(name="Cy"))
        wait_until(shows(vault, "[Cy](contacts/cy.md)"), "a note saved in the linked folder")
        (real / "ann.md").unlink()
        wait_until(lacks(vault, "[Ann]"), "a deleted note gone from the digest")
    finally:
        watcher.stop()
        thread.join(5)
        observer.stop()
        observer.join(5)
