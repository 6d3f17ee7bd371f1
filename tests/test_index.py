"""The index cache: always equal to a fresh parse, and never a reason to fail."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from netnotes.cli import cli
from netnotes.core.names import fold
from netnotes.core.parse import parse_note
from netnotes.store import index
from netnotes.store.vault import contact_files, open_vault

from .conftest import make_vault

NOTE = "---\nname: {name}\ncadence: 1 week\n---\n## Log\n- 2026-11-{day:02} call: {text}\n"


def fresh_parse(vault):
    """What the vault holds, parsed from scratch, as comparable values."""
    result = []
    for path in contact_files(vault):
        relative = vault.relative(path)
        contact, problems = parse_note(relative, path.read_bytes())
        result.append((relative, contact, tuple(problems)))
    return result


def through_index(vault, **options):
    report = index.load(vault, **options)
    return [(r.path, r.contact, r.problems) for r in report.records], report


def age(path: Path, seconds: float = 10) -> None:
    """Move a file's mtime into the past, as if saved a while ago (so it can be cached)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - int(seconds * 1e9)))


def test_a_second_run_comes_from_the_cache_and_equals_a_fresh_parse(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)
    vault = open_vault(example_vault)
    first, report = through_index(vault)
    assert report.parsed == 15
    second, report = through_index(vault)
    assert report.parsed == 0 and report.cached
    assert first == second == fresh_parse(vault)


def test_a_first_fill_leaves_the_cache_in_wal_mode_and_the_collector_running(example_vault):
    """The first fill writes through a rollback journal without fsync (index._store);
    after it, the file is back in WAL (readers never wait for a writer), no journal is
    left behind, and the cycle collector paused for the parse runs again (the watcher)."""
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)
    vault = open_vault(example_vault)
    _, report = through_index(vault)
    assert report.parsed == 15
    connection = sqlite3.connect(index.index_path(vault))
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("SELECT count(*) FROM notes").fetchone() == (15,)
    connection.close()
    assert not Path(f"{index.index_path(vault)}-journal").exists()
    assert gc.isenabled()


def test_a_changed_note_is_parsed_again(example_vault):
    vault = open_vault(example_vault)
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)
    through_index(vault)
    note = example_vault / "contacts" / "jill-moreno.md"
    note.write_text(note.read_text().replace("cadence: 3 months", "cadence: 1 week"))
    records, report = through_index(vault)
    assert report.parsed == 1
    assert records == fresh_parse(vault)


def test_recently_modified_notes_are_not_cached_yet(vault):
    (vault / "contacts" / "a.md").write_text(NOTE.format(name="A", day=1, text="x"))
    loaded = open_vault(vault)
    through_index(loaded)
    _, report = through_index(loaded)
    assert report.parsed == 1  # too fresh to trust its timestamp: parsed again


def test_a_corrupt_cache_is_rebuilt_with_a_notice(example_vault, caplog):
    vault = open_vault(example_vault)
    through_index(vault)
    cache = index.index_path(vault)
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    cache.write_bytes(b"this is not a database" * 100)
    records, report = through_index(vault)
    assert records == fresh_parse(vault)
    assert report.notices and "was unreadable" in report.notices[0]
    assert "was unreadable" in caplog.text
    _, report = through_index(vault)
    assert report.notices == []


def test_a_corrupt_cache_is_a_notice_in_the_cli_never_an_error(example_vault):
    CliRunner().invoke(cli, ["--vault", str(example_vault), "digest", "--today", "2026-11-21"])
    cache = example_vault / ".netnotes" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    cache.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(
        cli, ["--vault", str(example_vault), "digest", "--today", "2026-11-21", "--format", "json"]
    )
    assert result.exit_code == 0
    assert "netnotes: the index cache" in result.stderr
    assert '"kind": "cadence"' in result.stdout


def test_a_bad_record_is_parsed_again(example_vault):
    vault = open_vault(example_vault)
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)
    through_index(vault)
    connection = sqlite3.connect(index.index_path(vault))
    connection.execute("UPDATE notes SET data = x'00ff' WHERE path = 'contacts/jill-moreno.md'")
    connection.commit()
    connection.close()
    records, _ = through_index(vault)
    assert records == fresh_parse(vault)  # the damaged record was read from the note instead


def copy_of_the_package(tmp_path: Path) -> Path:
    """The netnotes package copied to `tmp_path/site` (a second install to change)."""
    site = tmp_path / "site"
    shutil.copytree(index.package_root(), site / "netnotes",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return site


def test_a_change_to_any_module_changes_the_cache_key(tmp_path, monkeypatch):
    # Before: a hand-kept list of 12 files; a change to core/identity.py kept the cache.
    import pkgutil

    import netnotes

    site = copy_of_the_package(tmp_path)
    monkeypatch.setattr(index, "package_root", lambda: site / "netnotes")
    index.code_signature.cache_clear()
    try:
        original = index.code_signature()
        modules = sorted((site / "netnotes").rglob("*.py"))
        walked = {m.name for m in pkgutil.walk_packages(netnotes.__path__, "netnotes.")}
        assert len(modules) == len(walked) + 1  # every module, and netnotes/__init__.py
        for module in modules:
            source = module.read_bytes()
            module.write_bytes(source[:-1] + (b" " if source[-1:] != b" " else b"\n"))
            index.code_signature.cache_clear()
            assert index.code_signature() != original, module
            module.write_bytes(source)
        index.code_signature.cache_clear()
        assert index.code_signature() == original
    finally:
        index.code_signature.cache_clear()


def test_an_upgraded_netnotes_never_serves_the_old_versions_answers(example_vault, tmp_path):
    site = copy_of_the_package(tmp_path)
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "netnotes", "--vault", str(example_vault), *args],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(site)},
            cwd=tmp_path, check=True,
        )  # fmt: skip
        return done.stdout

    assert "Grace Liu       2026-08-20    Talent Partners" in run("list")
    run("list")  # warm: answered from the cache
    # The next version reads a contact's company and role the other way round.
    identity = site / "netnotes" / "core" / "identity.py"
    source = identity.read_text()
    assert source.count("contact.company, contact.role,") == 1
    identity.write_text(source.replace("contact.company, contact.role,",
                                       "contact.role, contact.company,"))  # fmt: skip
    upgraded = run("list")
    assert "Grace Liu       2026-08-20    Recruiter" in upgraded
    assert upgraded == run("--no-cache", "list")


def test_a_read_only_vault_works_without_a_cache(example_vault):
    for path in [example_vault, *example_vault.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        if os.access(example_vault, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        vault = open_vault(example_vault)
        records, report = through_index(vault)
        assert records == fresh_parse(vault)
        assert not report.cached
        assert not (example_vault / ".netnotes").exists()
    finally:
        for path in [example_vault, *example_vault.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_a_read_only_file_system_works_without_a_cache(example_vault, monkeypatch):
    """As root, chmod cannot make a folder read-only; simulate what a read-only mount says."""

    def refuse(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    vault = open_vault(example_vault)
    records, report = through_index(vault)
    assert records == fresh_parse(vault)
    assert not report.cached and report.notices == []
    assert not (example_vault / ".netnotes").exists()


def test_an_existing_cache_in_a_folder_now_read_only_is_left_alone(example_vault, monkeypatch):
    vault = open_vault(example_vault)
    through_index(vault)
    before = index.index_path(vault).read_bytes()
    monkeypatch.setattr(index.os, "access", lambda path, mode: False)
    records, report = through_index(vault)
    assert records == fresh_parse(vault)
    assert not report.cached
    assert index.index_path(vault).read_bytes() == before


def test_a_cache_folder_that_cannot_be_written_is_skipped(example_vault):
    (example_vault / ".netnotes").write_text("a file where the folder should be")
    vault = open_vault(example_vault)
    records, report = through_index(vault)
    assert records == fresh_parse(vault)
    assert not report.cached


def test_no_cache_neither_reads_nor_writes_it(example_vault):
    result = CliRunner().invoke(cli, ["--vault", str(example_vault), "--no-cache", "digest"])
    assert result.exit_code == 0
    assert not (example_vault / ".netnotes").exists()


def test_many_notes_are_parsed_in_a_pool_and_equal_a_serial_parse(vault, monkeypatch):
    for number in range(60):
        (vault / "contacts" / f"n{number:02}.md").write_text(
            NOTE.format(name=f"N{number}", day=1, text="x")
        )
    (vault / "contacts" / "broken.md").write_text("---\nname: [x\n---\n")
    loaded = open_vault(vault)
    monkeypatch.setattr(index, "PARALLEL_FROM", 10)
    progress = []
    records, report = through_index(
        loaded, use_cache=False, progress=lambda done, total: progress.append((done, total))
    )
    assert report.parsed == 61
    assert records == fresh_parse(loaded)
    assert progress[-1] == (61, 61)


def test_index_command_stats_and_rebuild(example_vault):
    result = CliRunner().invoke(
        cli, ["--vault", str(example_vault), "index", "--rebuild", "--stats"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("index rebuilt: 15 notes parsed\n")
    assert '"notes_on_disk": 15' in result.stdout
    assert '"fingerprint_matches": true' in result.stdout


def test_two_runs_at_once_stay_correct(example_vault):
    """Readers and a writer race; nobody fails and the end state equals a fresh parse."""
    vault = open_vault(example_vault)
    notes = sorted((example_vault / "contacts").rglob("*.md"))
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                records, _ = through_index(vault)
                assert len(records) >= 15
        except BaseException as error:  # collected for the main thread
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for round_number in range(30):
        note = notes[round_number % len(notes)]
        note.write_text(note.read_text() + f"\nedit {round_number}\n")
        age(note, 5 + round_number)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert through_index(vault)[0] == fresh_parse(vault)


def digest_json(vault, today: str, use_cache: bool) -> str:
    from dataclasses import replace

    from netnotes.app.digest import build_digest
    from netnotes.core.render import digest_document, render_json
    from tests.conftest import day

    return render_json(
        digest_document(build_digest(replace(vault, use_cache=use_cache), day(today)))
    )


@pytest.mark.parametrize("today", ["2026-11-21", "2026-11-22", "2026-12-30", "2026-11-21"])
def test_the_digest_from_cached_rows_equals_one_computed_afresh(example_vault, today):
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)
    vault = open_vault(example_vault)
    first = digest_json(vault, today, True)
    second = digest_json(vault, today, True)  # now from the digest rows
    assert first == second == digest_json(vault, today, False)


def test_digest_rows_follow_settings_and_edits(example_vault):
    for path in (example_vault / "contacts").rglob("*.md"):
        age(path)
    vault = open_vault(example_vault)
    digest_json(vault, "2026-11-21", True)
    (example_vault / "netnotes.toml").write_text('[cadence]\ndefault = "1 month"\n')
    vault = open_vault(example_vault)
    assert digest_json(vault, "2026-11-21", True) == digest_json(vault, "2026-11-21", False)
    note = example_vault / "contacts" / "jill-moreno.md"
    note.write_text(note.read_text().replace("cadence: 3 months", "cadence: 1 week"))
    age(note)
    assert digest_json(vault, "2026-11-21", True) == digest_json(vault, "2026-11-21", False)


class IndexMachine(RuleBasedStateMachine):
    """Random creates, edits, deletes, renames and touches; the cache must equal a fresh parse."""

    def __init__(self):
        super().__init__()
        import tempfile

        self.folder = tempfile.TemporaryDirectory()
        self.root = Path(self.folder.name)
        (self.root / "netnotes.toml").write_text("")
        (self.root / "contacts" / "sub").mkdir(parents=True)
        self.vault = open_vault(self.root)
        self.clock = 1_700_000_000_000_000_000  # fixed mtimes, old enough to be cached

    names = st.sampled_from(["a.md", "b.md", "sub/c.md", "sub/d.md", "e.md"])

    def existing(self):
        return sorted((self.root / "contacts").rglob("*.md"))

    def stamp(self, path: Path, same_time: bool = False) -> None:
        if not same_time:
            self.clock += 1_000_000_000
        os.utime(path, ns=(self.clock, self.clock))

    @initialize()
    def start(self):
        through_index(self.vault)

    @rule(name=names, day=st.integers(1, 28), text=st.text("abc xyz", max_size=8))
    def write(self, name, day, text):
        path = self.root / "contacts" / name
        path.write_text(NOTE.format(name=name, day=day, text=text))
        self.stamp(path)

    @rule(name=names)
    def delete(self, name):
        (self.root / "contacts" / name).unlink(missing_ok=True)

    @rule(source=names, destination=names)
    def rename(self, source, destination):
        source_path = self.root / "contacts" / source
        if source_path.exists():
            source_path.rename(self.root / "contacts" / destination)

    @rule(name=names)
    def touch_without_change(self, name):
        path = self.root / "contacts" / name
        if path.exists():
            self.stamp(path)

    @rule(name=names)
    def break_it(self, name):
        path = self.root / "contacts" / name
        path.write_text("---\nname: [unclosed\n---\n")
        self.stamp(path)

    @invariant()
    def cache_equals_fresh_parse(self):
        assert through_index(self.vault)[0] == fresh_parse(self.vault)
        cached = digest_json(self.vault, "2026-11-21", True)
        assert cached == digest_json(self.vault, "2026-11-21", False)

    def teardown(self):
        self.folder.cleanup()


TestIndexMachine = IndexMachine.TestCase
TestIndexMachine.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)


def test_a_digest_parsed_in_a_pool_equals_one_computed_in_process(example_vault, monkeypatch):
    from netnotes.app.digest import digest_of
    from netnotes.core.render import digest_document, render_json
    from netnotes.store.loading import contacts_with_sources, load_contacts

    from .conftest import day

    vault = open_vault(example_vault)
    pools = []
    in_pool = index._parse_in_pool
    monkeypatch.setattr(index, "_parse_in_pool", lambda *a: pools.append(1) or in_pool(*a))
    for today in ("2026-11-21", "2026-12-01"):
        # The whole vault read in this process, by the rules over every contact (meeting
        # and daily notes merged in), without any cached row.
        contacts, problems = load_contacts(replace_cache(vault, False))
        contacts = contacts_with_sources(replace_cache(vault, False), contacts)
        expected = render_json(
            digest_document(digest_of(contacts, problems, day(today), vault.config))
        )
        monkeypatch.setattr(index, "PARALLEL_FROM", 5)
        assert digest_json(vault, today, False) == expected  # pool, no cache
        shutil_rmtree(example_vault / ".netnotes")
        assert digest_json(vault, today, True) == expected  # pool, rows stored
        assert digest_json(vault, today, True) == expected  # rows from the cache
        monkeypatch.setattr(index, "PARALLEL_FROM", 400)
    assert len(pools) >= 4  # the pool really parsed


def replace_cache(vault, use_cache):
    from dataclasses import replace

    return replace(vault, use_cache=use_cache)


def shutil_rmtree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("command", [["digest"], ["list"], ["show", "raj"], ["find", "coffee"],
                                     ["log", "raj", "hello", "--date", "2026-11-20"]])  # fmt: skip
def test_a_command_opens_the_cache_once_and_leaves_no_log_behind(example_vault, monkeypatch,
                                                                  command):  # fmt: skip
    # Before: up to seven connections a command (about 0.5 ms each).
    CliRunner().invoke(cli, ["--vault", str(example_vault), "digest"])  # the cache exists
    opened = []
    real = sqlite3.connect

    def counting(*args, **options):
        opened.append(args[0])
        return real(*args, **options)

    monkeypatch.setattr(sqlite3, "connect", counting)
    result = CliRunner().invoke(cli, ["--vault", str(example_vault), *command],
                                env={"NETNOTES_TODAY": "2026-11-21"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(opened) == 1, opened
    # Closed at the end of the command: the write-ahead log is back in the file.
    assert not (example_vault / ".netnotes" / "index.sqlite-wal").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.tuples(st.sampled_from(["write", "delete"]), st.integers(0, 5),
                  st.sampled_from(["coffee at noon", "tea", "Café Central", "coffee"])),
        min_size=1, max_size=12,
    )
)  # fmt: skip
def test_the_search_table_kept_up_to_date_answers_as_a_scan_does(tmp_path_factory, steps):
    """Notes written, rewritten and deleted between finds: the table's answer (rows
    replaced and dropped by row id) is the scan's, every time."""
    from netnotes.store.search import matching_paths

    vault_dir = make_vault(tmp_path_factory.mktemp("vault"))
    vault = open_vault(vault_dir)
    for action, number, words in steps:
        note = vault_dir / "contacts" / f"n{number}.md"
        if action == "write":
            note.write_text(f"---\nname: Person {number}\n---\n## Log\n- 2026-11-01 {words}\n")
            old = note.stat().st_mtime_ns - 10**10 - len(words)  # distinct, and not racy
            os.utime(note, ns=(old, old))
        elif note.exists():
            note.unlink()
        records = index.load(vault).records
        for query in ("coffee", "café", "tea"):
            expected = {
                r.path for r in records
                if fold(query) in fold((vault_dir / r.path).read_text())
            }  # fmt: skip
            assert matching_paths(vault, records, query) == expected
