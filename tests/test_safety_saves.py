"""An editor that saves in place and pauses half-way (issue 20): `log` and `merge` never
take the half-saved note for the note, and never write or delete through it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from netnotes.store.notes import find_target, write_note
from netnotes.store.vault import open_vault
from netnotes.store.writer import StaleNote

from .conftest import dedent

LONG_NOTE = dedent(
    """
    ---
    name: Ann Lee
    company: Acme
    cadence: 1 month
    ---
    # Ann Lee

    A paragraph the person wrote.

    ## Log
    """
) + "".join(f"- 2026-10-{day:02} talked about topic number {day}\n" for day in range(1, 29))


def netnotes(vault: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NETNOTES_TODAY": "2026-11-21"}
    return subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), *args],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def save_in_place_with_a_pause(path: Path, data: bytes, cut: int, pause: float) -> threading.Thread:
    """VS Code's save on a slow disk: truncate, write the first `cut` bytes, pause, write on."""

    def save() -> None:
        with open(path, "r+b") as handle:
            handle.truncate(0)
            handle.write(data[:cut])
            handle.flush()
            time.sleep(pause)
            handle.write(data[cut:])

    thread = threading.Thread(target=save)
    thread.start()
    return thread


@pytest.mark.parametrize("pause", [0.3, 0.9])
def test_log_during_a_paused_in_place_save_keeps_every_line(vault, pause):
    # Before: log read the 333 bytes written so far and wrote them back with its entry
    # (2,548 -> 333 bytes, in 6 of 9 trials), exit 0.
    note = vault / "contacts" / "ann.md"
    note.write_text(LONG_NOTE)
    os.utime(note, (time.time() - 60, time.time() - 60))
    saver = save_in_place_with_a_pause(note, LONG_NOTE.encode(), 333, pause)
    time.sleep(0.05)
    result = netnotes(vault, "log", "ann", "after the save")
    saver.join()
    text = note.read_text()
    assert result.returncode == 0, result.stderr
    for line in LONG_NOTE.splitlines():
        assert line in text.splitlines()
    assert "- 2026-11-21 after the save" in text.splitlines()


def test_a_note_shorter_than_the_commands_own_read_is_refused(vault):
    note = vault / "contacts" / "ann.md"
    note.write_text(LONG_NOTE)
    loaded = open_vault(vault)
    target = find_target(loaded, "ann")
    note.write_text(LONG_NOTE[:333])  # cut by an editor after the lookup read it whole
    os.utime(note, (time.time() - 60, time.time() - 60))  # and still for long enough
    with pytest.raises(StaleNote, match="is shorter than when netnotes read it a moment ago"):
        write_note(loaded, target, lambda contact, text: text + "- 2026-11-21 x\n")
    assert note.read_text() == LONG_NOTE[:333]


def test_a_note_that_lost_its_front_matter_since_the_read_is_refused(vault):
    note = vault / "contacts" / "ann.md"
    note.write_text(LONG_NOTE)
    loaded = open_vault(vault)
    target = find_target(loaded, "ann")
    cut = LONG_NOTE.split("---\n", 2)[2] + "more text so it is not shorter\n" * 10
    note.write_text(cut)
    os.utime(note, (time.time() - 60, time.time() - 60))
    with pytest.raises(StaleNote, match="has lost its front matter"):
        write_note(loaded, target, lambda contact, text: text + "- 2026-11-21 x\n")
    assert note.read_text() == cut


def test_merge_during_a_paused_save_of_remove_never_deletes_the_half_saved_note(vault):
    # Before: merge merged the truncated REMOVE and deleted it.
    keep = vault / "contacts" / "ann.md"
    keep.write_text("---\nname: Ann Lee\nemails: [ann@example.org]\n---\n# Ann Lee\n")
    remove = vault / "contacts" / "ann-2.md"
    text = LONG_NOTE.replace("name: Ann Lee", "name: Ann L.")
    remove.write_text(text)
    os.utime(remove, (time.time() - 60, time.time() - 60))
    saver = save_in_place_with_a_pause(remove, text.encode(), 120, 0.6)
    time.sleep(0.05)
    result = netnotes(vault, "merge", "--yes", "ann.md", "ann-2.md")
    saver.join()
    if remove.exists():  # refused: nothing lost, both notes there
        assert remove.read_text() == text
    else:  # merged: after the save was whole, with every entry of the log
        assert result.returncode == 0, result.stderr
        merged = keep.read_text()
        for day in range(1, 29):
            assert f"talked about topic number {day}\n" in merged


@pytest.mark.parametrize("maker", ["add", "import"])
def test_a_note_netnotes_just_made_is_edited_without_waiting_for_it_to_settle(
    vault, monkeypatch, maker
):
    # Before: a note made by add or import was not stamped as netnotes' own write, so the
    # next edit waited for it to be quiet for a second.
    from click.testing import CliRunner

    from netnotes.cli import cli
    from netnotes.store import writer

    def run(vault, *args):
        return CliRunner().invoke(cli, ["--vault", str(vault), *args],
                                  env={"NETNOTES_TODAY": "2026-11-21"})  # fmt: skip

    def waited(path):
        raise AssertionError(f"waited for {path.name} to settle, which netnotes just wrote")

    monkeypatch.setattr(writer, "_seconds_since_change", waited)
    if maker == "add":
        assert run(vault, "add", "Ann Lee").exit_code == 0
    else:
        (vault / "a.csv").write_text("First Name,Last Name,E-mail 1 - Value\nAnn,Lee,a@x.org\n")
        assert run(vault, "import", "--from", "google", str(vault / "a.csv")).exit_code == 0
    logged = run(vault, "log", "ann", "call")
    assert logged.exit_code == 0, logged.output
    assert "- 2026-11-21 call\n" in (vault / "contacts" / "ann-lee.md").read_text()
