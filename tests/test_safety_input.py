"""Nothing crashes: hostile notes, quadratic patterns, special files, a damaged cache,
and output that a note cannot turn into links, scripts or terminal escapes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from netnotes.cli import cli
from netnotes.core.model import Item, ItemKind, Problem, Severity, Status
from netnotes.core.parse import parse_note
from netnotes.core.render import Digest, render_markdown, render_text

from .conftest import day

TODAY = {"NETNOTES_TODAY": "2026-11-21"}
GOOD = "---\nname: Ann Lee\ncadence: 1 week\n---\n\n## Log\n- 2026-11-01 call\n"


def netnotes(vault: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **TODAY},
    )  # fmt: skip


def problem_of(text: str | bytes) -> tuple[int | None, str]:
    data = text.encode() if isinstance(text, str) else text
    contact, problems = parse_note("contacts/x.md", data)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert errors, (contact, problems)
    return errors[0].line, errors[0].message


# -- 5. one note never crashes the vault --------------------------------------------------


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("birthday: !!timestamp 2026-02-30", 2, "birthday: '2026-02-30' is not a valid birthday"),
        ("cadence: !!float abc", 2, "cadence: 'abc' is not a duration"),
        ("x: !!int 12abc", 2, "front matter: '12abc' is not a whole number"),
        ("x: !!bool maybe", 2, "front matter: 'maybe' is not true or false"),
        ("x: !!set {a}", 2, "front matter: the tag tag:yaml.org,2002:set is not allowed"),
        ("cadence: 10000 years", 2, "cadence: '10000 years' is too long: at most 100 years"),
        ("x: " + "[" * 25000, 2, "front matter: nested deeper than 64 levels"),
        ("\n".join(" " * i + f"k{i}:" for i in range(200)), 66, "nested deeper than 64 levels"),
        ("x:\n" + "- " * 100 + "y", 3, "front matter: nested deeper than 64 levels"),
    ],
)
def test_hostile_front_matter_is_a_problem_with_its_line(front, line, message):
    found_line, found = problem_of(f"---\nname: A\n{front}\n---\n")
    assert found_line == line + 1
    assert message in found


def test_hostile_front_matter_messages_say_what_is_wrong():
    # Spot-check the wording as a user reads it, beyond the parametrized lines above.
    _, message = problem_of("---\nname: A\nx: " + "[" * 25000 + "\n---\n")
    assert (
        message == "front matter: nested deeper than 64 levels; this note is left out until fixed"
    )


def test_binary_and_float_tags_give_text_not_bytes():
    contact, problems = parse_note("c/x.md", b"---\nname: !!binary aGk=\nrole: !!float 1.5\n---\n")
    assert (contact.name, contact.role, problems) == ("aGk=", "1.5", [])


def test_dates_at_the_end_of_the_calendar_do_not_crash_the_rules(vault):
    far = "---\nname: Far\ncadence: 3 months\nlast_contact: 9999-12-01\nbirthday: 12-31\n---\n"
    (vault / "contacts" / "far.md").write_text(far)
    (vault / "contacts" / "ann.md").write_text(GOOD)
    for today in ("2026-11-21", "9999-12-31", "0001-01-01"):
        result = CliRunner().invoke(
            cli, ["--vault", str(vault), "digest", "--format", "json", "--today", today]
        )
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["--vault", str(vault), "digest", "--horizon", "10000y"])
    assert result.exit_code == 2
    assert "'10000y' is too long: at most 100 years" in result.stderr


def test_an_error_no_rule_foresaw_is_a_problem_of_that_note_only(vault, monkeypatch):
    (vault / "contacts" / "ann.md").write_text(GOOD)
    (vault / "contacts" / "crash.md").write_text(GOOD.replace("Ann Lee", "Crash"))
    import netnotes.app.digest as digest_module

    real = digest_module.contact_items

    def crashes_on_one(contact, context):
        if contact.name == "Crash":
            raise ZeroDivisionError("boom")
        return real(contact, context)

    monkeypatch.setattr(digest_module, "contact_items", crashes_on_one)
    result = CliRunner().invoke(
        cli, ["--vault", str(vault), "--no-cache", "digest", "--format", "json"], env=TODAY
    )
    document = json.loads(result.stdout)
    assert [item["contact"] for item in document["items"]] == ["Ann Lee"]
    assert document["problems"] == [
        {"path": "contacts/crash.md", "line": None, "severity": "error",
         "message": "netnotes could not compute this contact's items (ZeroDivisionError: boom)"},
    ]  # fmt: skip


# -- 6. patterns in linear time, 7. special files: one hostile vault, end to end ------------


def hostile_vault(vault: Path) -> dict[str, str]:
    """Write good and hostile notes; return {bad note: what its problem must say}."""
    contacts = vault / "contacts"
    (contacts / "ann.md").write_text(GOOD)
    (contacts / "cr-only.md").write_bytes(
        GOOD.replace("Ann Lee", "Cee").replace("\n", "\r").encode()
    )
    bad = {
        "tag-int.md": ("---\nname: T\nx: !!int 12abc\n---\n", "is not a whole number"),
        "long-cadence.md": ("---\nname: L\ncadence: 10000 years\n---\n", "too long"),
        "deep-flow.md": ("---\nname: D\nx: " + "[" * 25000 + "\n---\n", "nested deeper"),
        "due-brackets.md": (
            "---\nname: Q\n---\n- [ ] x " + "[due:: " * 40000 + "\n",
            "is not a date",
        ),
        "long-key.md": ("---\nname: K\nx" + " " * 60000 + "y: [\n---\n", "front matter"),
        "nul.md": ("---\nname: N\x00ul\n---\n", "front matter"),
        "conflict.md": ("---\nname: C\n---\n<<<<<<< ours\n=======\n>>>>>>> theirs\n", "conflict"),
    }
    for name, (text, _) in bad.items():
        (contacts / name).write_text(text)
    (contacts / "latin1.md").write_bytes(b"---\nname: Jos\xe9\n---\n")
    (contacts / "huge.md").write_bytes(b"---\nname: H\n---\n" + b"x" * (2 * 1024 * 1024))
    os.mkfifo(contacts / "fifo.md")
    (contacts / "zero.md").symlink_to("/dev/zero")
    (contacts / "dangling.md").symlink_to(contacts / "nowhere.md")
    (contacts / "loop.md").symlink_to(contacts / "loop.md")
    # "Regular" files whose read fails (EIO, EAGAIN): before, every command of the vault
    # failed with "Input/output error" and the watcher would not start.
    specials = {}
    for name, target in (("mem.md", "/proc/self/mem"), ("kmsg.md", "/proc/kmsg")):
        if os.path.exists(target):
            (contacts / name).symlink_to(target)
            specials[name] = "cannot read: "
    # A name that is not UTF-8: before, an internal error (UnicodeEncodeError) in ten commands.
    (contacts / os.fsdecode(b"caf\xe9.md")).write_text("---\nname: Cafe\n---\n")
    return {
        **specials,
        "caf\\xe9.md": "the file name is not UTF-8: rename it (netnotes cannot address it)",
        **{name: why for name, (_, why) in bad.items()},
        "latin1.md": "not UTF-8 text",
        "huge.md": "larger than 1024 KiB, too large for a note: skipped",
        "fifo.md": "a named pipe (FIFO), not a note: skipped",
        "zero.md": "a device, not a note: skipped",
        "dangling.md": "a symbolic link to",
        "loop.md": "a symbolic link that loops: skipped",
    }


def test_a_vault_full_of_hostile_notes_gives_every_good_note_and_a_problem_for_each_bad(vault):
    expected = hostile_vault(vault)
    started = time.monotonic()
    for _ in range(2):  # cold, then from the cache
        result = netnotes(vault, "digest", "--format", "json")
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        assert {(i["contact"], i["kind"]) for i in document["items"]} == {
            ("Ann Lee", "cadence"), ("Cee", "cadence"),
        }  # fmt: skip
        found = {p["path"].removeprefix("contacts/"): p["message"] for p in document["problems"]}
        for name, why in expected.items():
            assert why in found.get(name, ""), (name, found.get(name))
    assert time.monotonic() - started < 60  # bounded: before, this took minutes or hung
    for command in (["check"], ["list"], ["show", "ann"], ["find", "call"], ["index"],
                    ["export", "vcard"], ["export", "ics"], ["share", "call"], ["prep", "ann"],
                    ["dupes"], ["stats"], ["draft", "ann", "--for", "update"],
                    ["log", "ann", "met"]):  # fmt: skip
        result = netnotes(vault, *command)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, command


# -- 8. a damaged cache -------------------------------------------------------------------


def test_every_flipped_byte_of_the_cache_gives_the_same_digest(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        os.utime(path, (time.time() - 60, time.time() - 60))  # old enough to be cached
    args = ["--vault", str(example_vault), "digest", "--format", "json", "--today", "2026-11-21"]
    expected = CliRunner().invoke(cli, args).stdout
    cache = example_vault / ".netnotes" / "index.sqlite"
    assert not Path(f"{cache}-wal").exists() or Path(f"{cache}-wal").stat().st_size == 0
    pristine = cache.read_bytes()
    step = max(1, len(pristine) // 80)
    for position in range(0, len(pristine), step):
        damaged = bytearray(pristine)
        damaged[position] ^= 0x5A
        cache.write_bytes(bytes(damaged))
        for suffix in ("-wal", "-shm"):
            Path(f"{cache}{suffix}").unlink(missing_ok=True)
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.stdout) == (0, expected), (position, result.output)


def _silent_miss(cache: Path, phrase: str) -> tuple[int, bytes]:
    """A one-bit change to a block of the search table that SQLite reads without an
    error and that drops a note from the phrase's matches: (block id, changed block)."""
    memory = sqlite3.connect(":memory:")
    with sqlite3.connect(cache) as source:
        source.backup(memory)
    query = "SELECT path FROM search WHERE search MATCH ?"
    matches = set(memory.execute(query, (phrase,)))
    blocks = memory.execute("SELECT id, block FROM search_data WHERE id > 10").fetchall()
    for block_id, block in blocks:
        for position in range(len(block)):
            changed = bytearray(block)
            changed[position] ^= 0x01
            memory.execute("UPDATE search_data SET block = ? WHERE id = ?", (changed, block_id))
            try:
                if set(memory.execute(query, (phrase,))) < matches:
                    return block_id, bytes(changed)
            except sqlite3.DatabaseError:
                pass
            memory.execute("UPDATE search_data SET block = ? WHERE id = ?", (block, block_id))
    raise AssertionError("no silent change found")


def test_a_changed_byte_in_the_search_table_never_hides_a_match(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        os.utime(path, (time.time() - 60, time.time() - 60))
    args = ["--vault", str(example_vault), "find", "coffee"]
    expected = CliRunner().invoke(cli, args).stdout
    assert "contacts/sam-ortiz.md:18:" in expected and "contacts/omar-haddad.md:13:" in expected
    cache = example_vault / ".netnotes" / "index.sqlite"
    block_id, changed = _silent_miss(cache, '"coffee"')
    with sqlite3.connect(cache) as connection:
        connection.execute("UPDATE search_data SET block = ? WHERE id = ?", (changed, block_id))
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stdout) == (0, expected)
    assert result.stderr.count("netnotes: the index cache") == 1
    assert "(the search table does not match its seal); rebuilt it" in result.stderr
    again = CliRunner().invoke(cli, args)
    assert (again.exit_code, again.stdout, again.stderr) == (0, expected, "")


@contextlib.contextmanager
def another_run_holding(cache: Path, *statements: str):
    """Another netnotes holding the cache's lock while the test runs a command."""
    holder = sqlite3.connect(cache, isolation_level=None)
    for statement in statements:
        holder.execute(statement)
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_busy_search_table_is_skipped_not_thrown_away(example_vault):
    args = ["--vault", str(example_vault), "find", "coffee"]
    expected = CliRunner().invoke(cli, args).stdout
    cache = example_vault / ".netnotes" / "index.sqlite"
    inode = cache.stat().st_ino
    (example_vault / "contacts" / "new.md").write_text("---\nname: New Coffee Friend\n---\n")
    with another_run_holding(cache, "BEGIN IMMEDIATE"):  # writing the cache
        result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr) == (0, "")
    found = "contacts/new.md:2: New Coffee Friend: New Coffee Friend\n"
    assert sorted(result.stdout.splitlines(True)) == sorted([found, *expected.splitlines(True)])
    assert cache.stat().st_ino == inode


def test_a_cache_another_run_holds_is_gone_without_not_thrown_away(example_vault):
    # Before: a busy cache (SQLITE_BUSY) was taken for a damaged one and deleted.
    args = ["--vault", str(example_vault), "digest", "--format", "json", "--today", "2026-11-21"]
    expected = CliRunner().invoke(cli, args).stdout
    cache = example_vault / ".netnotes" / "index.sqlite"
    inode = cache.stat().st_ino
    # No other connection may even read.
    with another_run_holding(cache, "PRAGMA locking_mode=EXCLUSIVE", "BEGIN EXCLUSIVE"):
        result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert cache.stat().st_ino == inode


def test_every_flipped_byte_of_the_cache_gives_the_same_find(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        os.utime(path, (time.time() - 60, time.time() - 60))
    args = ["--vault", str(example_vault), "find", "coffee"]
    expected = CliRunner().invoke(cli, args).stdout
    cache = example_vault / ".netnotes" / "index.sqlite"
    pristine = cache.read_bytes()
    step = max(1, len(pristine) // 120)
    for position in range(0, len(pristine), step):
        for flip in (0x01, 0x5A, 0xFF):  # one bit, four bits, a whole byte
            damaged = bytearray(pristine)
            damaged[position] ^= flip
            cache.write_bytes(bytes(damaged))
            for suffix in ("-wal", "-shm"):
                Path(f"{cache}{suffix}").unlink(missing_ok=True)
            result = CliRunner().invoke(cli, args)
            assert (result.exit_code, result.stdout) == (0, expected), (position, result.output)


def test_a_damaged_record_that_still_decodes_is_caught_by_its_seal(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        os.utime(path, (time.time() - 60, time.time() - 60))
    args = ["--vault", str(example_vault), "show", "jill", "--format", "json"]
    expected = CliRunner().invoke(cli, args, env=TODAY).stdout
    connection = sqlite3.connect(example_vault / ".netnotes" / "index.sqlite")
    (data,) = connection.execute(
        "SELECT data FROM notes WHERE path = 'contacts/jill-moreno.md'"
    ).fetchone()
    tampered = data.replace(b"Brightside", b"Brightsidf")  # still valid marshal
    connection.execute(
        "UPDATE notes SET data = ? WHERE path = 'contacts/jill-moreno.md'", (tampered,)
    )
    connection.commit()
    connection.close()
    assert CliRunner().invoke(cli, args, env=TODAY).stdout == expected


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_killing_a_cold_digest_leaves_no_worker_running(vault):
    body = "---\nname: P{0}\ncadence: 1 month\n---\n## Log\n" + "- 2026-10-{1:02d} call\n" * 1
    for i in range(6000):
        (vault / "contacts" / f"p{i}.md").write_text(body.format(i, i % 28 + 1))
    process = subprocess.Popen(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), "--no-cache", "digest"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    children_file = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    workers: list[str] = []
    deadline = time.monotonic() + 30
    while not workers and process.poll() is None and time.monotonic() < deadline:
        workers = children_file.read_text().split() if children_file.exists() else []
    if not workers:
        pytest.skip("the digest finished before its workers could be seen")
    process.send_signal(signal.SIGKILL)
    process.wait()

    def running(pid: str) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state != "Z"

    deadline = time.monotonic() + 15
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for a condition, with a deadline
    assert not any(map(running, workers))


# -- 10. what a note says cannot act on the reader ---------------------------------------

EVIL_NAME = "<script>alert(1)</script>\x1b]0;pwned\x07"
EVIL_TEXT = "[click](javascript:alert(1)) ![](http://tracker.example/p.gif) <img src=x onerror=alert(1)>\x1b[2J"


def evil_digest() -> Digest:
    item = Item(ItemKind.CADENCE, Status.OVERDUE, day("2026-11-10"), EVIL_NAME,
                "contacts/evil.md", 3, EVIL_TEXT)  # fmt: skip
    problem = Problem("contacts/x\n.md", 2, Severity.ERROR, "bad <b>date</b>\x1b[31m")
    return Digest(day("2026-11-21"), 7, [item], [problem])


def test_the_markdown_digest_has_no_html_and_links_only_to_notes():
    markdown = render_markdown(evil_digest())
    html = MarkdownIt("commonmark").render(markdown)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert hrefs == ["contacts/x%0A.md", "contacts/evil.md"]
    assert "\x1b" not in markdown
    assert (
        "- **Tue 2026-11-10 (11 days late)** · [\\<script\\>alert(1)\\</script\\>\\]0;pwned]"
        "(contacts/evil.md) — \\[click\\](javascript:alert(1)) !\\[\\](http://tracker.example/p.gif)"
        " \\<img src=x onerror=alert(1)\\>\\[2J"
    ) in markdown.splitlines()


def test_terminal_output_carries_no_escape_sequence_and_no_forged_line():
    text = render_text(evil_digest())
    assert "\x1b" not in text and "\x07" not in text
    assert "  contacts/x\\n.md:2: error: bad <b>date</b>[31m" in text.splitlines()


def test_check_prints_one_line_per_problem_whatever_the_file_name(vault):
    (vault / "contacts" / "evil\ncontacts\x1b[2J.md").write_text("---\nname: [\n---\n")
    result = CliRunner().invoke(cli, ["--vault", str(vault), "check"])
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("contacts/evil\\ncontacts\\x1b[2J.md:3: error: front matter")


@pytest.mark.parametrize("command", [["list"], ["show", "evil"], ["find", "alert"]])
def test_reading_commands_strip_control_characters(vault, command):
    (vault / "contacts" / "evil.md").write_text(
        '---\nname: "Evil <script>\\e]0;pwned\\a"\ncompany: "\\e[2J"\n---\n'
        f"## Log\n- 2026-11-01 {EVIL_TEXT}\n"
    )
    result = CliRunner().invoke(cli, ["--vault", str(vault), *command], env=TODAY)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Evil" in result.stdout


def test_a_byte_flipped_cache_is_rebuilt_by_the_real_command(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        os.utime(path, (time.time() - 60, time.time() - 60))
    args = ("digest", "--format", "json", "--today", "2026-11-21")
    expected = netnotes(example_vault, *args).stdout
    cache = example_vault / ".netnotes" / "index.sqlite"
    pristine = cache.read_bytes()
    for position in (0, 20, len(pristine) // 3, len(pristine) // 2, len(pristine) - 10):
        damaged = bytearray(pristine)
        damaged[position] ^= 0xFF
        cache.write_bytes(bytes(damaged))
        result = netnotes(example_vault, *args)
        assert (result.returncode, result.stdout) == (0, expected), (position, result.stderr)
        assert "Traceback" not in result.stderr


def test_the_real_command_prints_no_escape_sequence_and_one_line_errors(vault):
    (vault / "contacts" / "evil.md").write_text(
        '---\nname: "Evil \\e]0;pwned\\a<script>"\ncadence: 1 week\n---\n'
        "- [ ] read [x](javascript:alert(1)) 📅 2026-11-25\n## Log\n- 2026-11-01 \x1b[2Jcall\n"
    )
    for args in (["digest", "--format", "text"], ["digest", "--format", "markdown"], ["list"],
                 ["show", "evil"], ["check"]):  # fmt: skip
        result = netnotes(vault, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, args
    markdown = netnotes(vault, "digest", "--format", "markdown").stdout
    assert "[Evil \\]0;pwned\\<script\\>](contacts/evil.md)" in markdown
    assert "— task: read \\[x\\](javascript:alert(1))\n" in markdown
    broken = subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), "edit", "evil"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "EDITOR": "/nonexistent"},
    )  # fmt: skip
    assert (broken.returncode, broken.stderr) == (
        1,
        "Error: cannot run the editor '/nonexistent' (No such file or directory): "
        "set $EDITOR to your editor\n",
    )


def test_printable_removes_exactly_the_control_characters_on_every_code_point():
    from netnotes.core.safetext import _BLANKS, is_control, printable

    def one_at_a_time(text: str, keep: bool) -> str:  # the definition, character by character
        kept = (c if c == "\n" and keep else " " if c in _BLANKS else c for c in text)
        return "".join(c for c in kept if c in " \n" or not is_control(c))

    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF)
    for keep in (False, True):
        assert printable(every, keep_newlines=keep) == one_at_a_time(every, keep)


def test_folding_a_long_text_equals_folding_it_a_character_at_a_time():
    import unicodedata

    from netnotes.core.names import fold

    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF)
    decomposed = unicodedata.normalize("NFKD", every)
    slow = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold(every) == " ".join(slow.casefold().split())
