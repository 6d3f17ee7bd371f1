"""Nothing lost: concurrent writers, editors saving mid-write, untrusted notes, failed writes.

Each test here failed on the code before issue 9 (the commit says which
assertion); the end-to-end ones run the real command in subprocesses.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli
from netnotes.store import writer
from netnotes.store.writer import StaleNote, read_settled, update_file

TODAY = {"NETNOTES_TODAY": "2026-11-21"}
NOTE = "---\nname: Ann Lee\ncadence: 1 month\n---\n\n## Log\n- 2026-11-01 call\n"


def run(vault: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env={**TODAY, **(env or {})})


def netnotes(vault: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command in its own process, as a user's shell runs it."""
    return subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **TODAY},
    )  # fmt: skip


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def ann(vault: Path) -> Path:
    note = vault / "contacts" / "ann-lee.md"
    note.write_text(NOTE)
    return note


# -- 1. concurrent writes ---------------------------------------------------------------


@pytest.mark.parametrize("round_", range(2))
def test_twenty_concurrent_log_runs_keep_twenty_entries(ann, vault, round_):
    # Before: about 5 of 20 entries survived, and every run exited 0.
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda i: netnotes(vault, "log", "ann", f"entry {i}"), range(20)))
    assert [result.returncode for result in results] == [0] * 20, [r.stderr for r in results]
    text = ann.read_text()
    assert sorted(line for line in text.splitlines() if "entry" in line) == sorted(
        f"- 2026-11-21 entry {i}" for i in range(20)
    )
    assert text.startswith(NOTE.split("## Log")[0])


def test_writers_in_threads_take_turns(tmp_path):
    note = tmp_path / "a.md"
    note.write_text("---\nname: A\n---\n")
    locks = tmp_path / "locks"

    def append(i: int) -> None:
        update_file(note, lambda text: text + f"line {i}\n", lock_dir=locks)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(append, range(40)))
    assert sorted(note.read_text().splitlines()[3:]) == sorted(f"line {i}" for i in range(40))


# -- 2. an editor saving in place --------------------------------------------------------


def test_an_editor_saving_in_place_while_log_runs_never_loses_its_lines(ann, vault):
    """VS Code's save: truncate, then write, on the same open file. A `log` that read the
    empty moment used to replace the note with `## Log` and one entry; the editor's bytes
    then went to the replaced inode, and every line the person wrote was gone."""
    saved = ann.read_bytes() + b"\nA paragraph the person is typing.\n"
    stop = threading.Event()
    lost: list[bytes] = []

    def editor() -> None:
        while not stop.is_set():
            with open(ann, "r+b") as handle:
                handle.truncate(0)
                handle.flush()
                time.sleep(0.03)  # a slow disk: the empty moment lasts, as it can
                handle.write(saved)
            on_disk = ann.read_bytes()
            if any(line not in on_disk for line in saved.splitlines()):
                lost.append(on_disk)
            time.sleep(0.12)

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        outcomes = [netnotes(vault, "log", "ann", f"race {i}") for i in range(16)]
    finally:
        stop.set()
        thread.join()
    assert lost == []
    for outcome in outcomes:  # written, or refused in one line that says why; never a traceback
        assert outcome.returncode == 0 or (
            outcome.returncode == 1 and outcome.stderr.startswith("Error: ann-lee.md ")
        ), outcome.stderr


def test_a_note_read_empty_is_read_again_once_the_editor_has_written(tmp_path):
    note = tmp_path / "a.md"
    note.write_bytes(b"")
    timer = threading.Timer(0.2, lambda: note.write_text(NOTE))
    timer.start()
    assert read_settled(note) == NOTE.encode()
    timer.join()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("", "is empty"),
        ("---\nname: Ann\ncadence: 1 month\n", "has a front matter that opens with '---'"),
    ],
)
def test_a_note_that_stays_mid_save_is_refused_and_left_alone(tmp_path, monkeypatch, content, why):
    monkeypatch.setattr(writer, "READ_DEADLINE", 0.3)
    note = tmp_path / "a.md"
    note.write_text(content)
    with pytest.raises(StaleNote) as refused:
        update_file(note, lambda text: text + "## Log\n- 2026-11-21 x\n", lock_dir=tmp_path / "l")
    assert f"a.md {why}" in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert note.read_text() == content


def test_log_into_an_empty_note_says_why_and_writes_nothing(vault, monkeypatch):
    monkeypatch.setattr(writer, "READ_DEADLINE", 0.3)
    (vault / "contacts" / "ann.md").write_text("")
    result = run(vault, "log", "contacts/ann.md", "hi")
    assert result.exit_code == 1
    assert "ann.md is empty: an editor may be saving it" in result.stderr
    assert (vault / "contacts" / "ann.md").read_text() == ""


# -- 3. notes that cannot be trusted -------------------------------------------------------

CONFLICTED = (
    "---\nname: Ann Lee\n---\n\n## Log\n<<<<<<< ours\n- 2026-11-02 mine\n=======\n"
    "- 2026-11-03 theirs\n>>>>>>> theirs\n- 2026-11-01 call\n"
)


def test_log_refuses_a_note_with_an_unresolved_conflict(ann, vault):
    # Before: the entry went between ======= and >>>>>>>, exit 0.
    ann.write_text(CONFLICTED)
    result = run(vault, "log", "ann", "hi")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: contacts/ann-lee.md:6: error: unresolved git conflict (<<<<<<<): keep the right"
    )
    assert "fix this one first (netnotes edit ann-lee)" in result.stderr
    assert ann.read_text() == CONFLICTED


def test_a_duplicate_key_is_an_error_and_the_note_is_not_written(ann, vault):
    # Before: a warning at most; snooze changed the first line while YAML obeyed the second.
    text = "---\nname: Ann Lee\nsnooze: 2026-12-01\ncadence: 1 month\nsnooze: 2027-01-01\n---\n"
    ann.write_text(text)
    checked = run(vault, "check")
    assert checked.exit_code == 1
    assert (
        "contacts/ann-lee.md:5: error: front matter: the key 'snooze' is written twice "
        "(lines 3 and 5): delete one; this note is left out until fixed\n"
    ) in checked.stdout
    result = run(vault, "snooze", "contacts/ann-lee.md", "2027-02-01")
    assert result.exit_code == 1
    assert "contacts/ann-lee.md:5: error: front matter: the key 'snooze' is written twice" in (
        result.stderr
    )
    assert ann.read_text() == text


def test_a_cr_only_note_keeps_its_line_endings_and_its_front_matter(ann, vault):
    # Before: log crashed, and snooze added a second front matter (name and cadence lost).
    old = NOTE.replace("\n", "\r").encode()
    ann.write_bytes(old)
    assert run(vault, "log", "ann", "hi").exit_code == 0
    assert run(vault, "snooze", "ann", "2026-12-24").exit_code == 0
    assert ann.read_bytes() == (
        b"---\rname: Ann Lee\rcadence: 1 month\rsnooze: 2026-12-24\r---\r\r## Log\r"
        b"- 2026-11-21 hi\r- 2026-11-01 call\r"
    )


# -- 4. failed writes -----------------------------------------------------------------------


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_add_on_a_full_disk_leaves_no_note_and_says_so(vault, monkeypatch):
    # Before: a traceback, and an empty contacts/lee.md.
    monkeypatch.setattr(os, "fsync", _disk_full)
    result = run(vault, "add", "Lee")
    assert result.exit_code == 1
    assert result.stderr == "Error: contacts/lee.md: No space left on device\n"
    assert list((vault / "contacts").iterdir()) == []


def test_log_on_a_full_disk_leaves_the_note_and_no_temporary_file(ann, vault, monkeypatch):
    monkeypatch.setattr(os, "fsync", _disk_full)
    result = run(vault, "log", "ann", "hi")
    assert result.exit_code == 1
    assert result.stderr == "Error: contacts/ann-lee.md: No space left on device\n"
    assert ann.read_text() == NOTE
    assert leftovers(vault / "contacts") == []


def test_a_folder_that_refuses_the_replace_is_one_line(ann, vault, monkeypatch):
    def refuse(*_args):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", refuse)
    result = run(vault, "log", "ann", "hi")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: contacts/ann-lee.md: Permission denied\n",
    )
    assert leftovers(vault / "contacts") == []


def test_a_digest_file_that_is_a_folder_is_one_line(ann, vault):
    (vault / "DUE.md").mkdir()
    result = run(vault, "digest", "--write")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: DUE.md: a folder, not a regular file: not writing to it\n",
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_writing_as_root_keeps_the_notes_owner(ann, vault):
    os.chown(ann, 1234, 1234)
    assert run(vault, "log", "ann", "hi").exit_code == 0
    assert (ann.stat().st_uid, ann.stat().st_gid) == (1234, 1234)
