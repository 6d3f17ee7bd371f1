"""NAME resolved from the index (issue 11, item 1): the same answer as a full read of the
vault, while reading only the note it names."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from netnotes.cli import cli
from netnotes.core.errors import NetnotesError
from netnotes.core.lookup import find_note
from netnotes.store import notes as actions
from netnotes.store.loading import load_notes
from netnotes.store.vault import open_vault

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


def age_all(root: Path, seconds: float = 60) -> None:
    """Old enough for the index to cache (notes saved in the last 2 s are not)."""
    stamp = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (stamp, stamp))


def forbid_full_reads(monkeypatch) -> None:
    """From here on, reading the whole vault to find a note fails the test."""

    def no_full_read(*_args, **_kwargs):
        raise AssertionError("the whole vault was read")

    monkeypatch.setattr(actions, "load_notes", no_full_read)


def test_log_reads_only_the_note_it_names_once_the_index_is_warm(example_vault, monkeypatch):
    age_all(example_vault / "contacts")
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])  # warms the index

    forbid_full_reads(monkeypatch)
    result = CliRunner().invoke(
        cli, ["--vault", str(example_vault), "log", "jill", "coffee"], env=TODAY
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/jill-moreno.md:23: - 2026-11-21 coffee\n"
    second = CliRunner().invoke(cli, ["--vault", str(example_vault), "show", "jill"], env=TODAY)
    assert second.exit_code == 0, second.output  # our own write did not make the index doubt


def test_right_after_add_and_merge_names_are_looked_up_without_reading_the_vault(
    example_vault, monkeypatch
):
    """netnotes' own new and removed notes keep the name index vouching (issue 28: `log`
    right after an `add` read 100,000 notes)."""
    age_all(example_vault / "contacts")
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])  # warms the index
    added = CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "Zoe Park"], env=TODAY)
    assert added.exit_code == 0, added.output
    merged = CliRunner().invoke(
        cli, ["--vault", str(example_vault), "merge", "jill", "sam", "--yes"], env=TODAY
    )
    assert merged.exit_code == 0, merged.output

    forbid_full_reads(monkeypatch)
    result = CliRunner().invoke(
        cli, ["--vault", str(example_vault), "log", "zoe", "coffee"], env=TODAY
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/zoe-park.md:10: - 2026-11-21 coffee\n"
    # The merged note's name is an alias of the kept one now: found there, still no read.
    alias = CliRunner().invoke(cli, ["--vault", str(example_vault), "log", "sam ortiz", "x"],
                               env=TODAY)  # fmt: skip
    assert alias.exit_code == 0, alias.output
    assert alias.stdout.startswith("contacts/jill-moreno.md:")


def test_a_note_saved_a_moment_ago_does_not_stop_the_index_vouching(example_vault, monkeypatch):
    """Issue 28: a full read while a note was under 2 s old vouched for nothing, so a
    second `add` right after the first left the next lookup to read the whole vault."""
    age_all(example_vault / "contacts")
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])  # warms the index
    first = CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "Zoe Park"])
    assert first.exit_code == 0, first.output
    # A moment later, as a person or a script would type it: the folder's last change is
    # past the clock's tick; Zoe's note is still too fresh to cache.
    stamp = time.time() - 1
    os.utime(example_vault / "contacts", (stamp, stamp))
    second = CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "Yuri Tan"])
    assert second.exit_code == 0, second.output

    forbid_full_reads(monkeypatch)
    for name, path in (("zoe", "contacts/zoe-park.md"), ("yuri", "contacts/yuri-tan.md")):
        result = CliRunner().invoke(
            cli, ["--vault", str(example_vault), "log", name, "coffee"], env=TODAY
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"{path}:")


def test_the_names_of_a_note_deleted_before_it_was_cached_are_forgotten(example_vault):
    from netnotes.store import index

    age_all(example_vault / "contacts")
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])
    assert (
        CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "Zoe Park"]).exit_code == 0
    )
    (example_vault / "contacts" / "zoe-park.md").unlink()  # before any run could cache it
    stamp = time.time() - 1
    os.utime(example_vault / "contacts", (stamp, stamp))
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])
    names = index.all_names(open_vault(example_vault))
    assert names is not None  # vouched for: the listing is settled
    assert "Zoe Park" not in {name for _, name, _ in names}
    assert len(names) == len(list((example_vault / "contacts").rglob("*.md")))


def test_add_checks_the_new_name_against_the_index_not_every_note(example_vault, monkeypatch):
    """Issue 28: `add` read every note's summary to refuse a name in use (1.6 s at 100,000
    notes); with the index vouching, it asks the names table, and still refuses."""
    from netnotes.app import actions as commands

    age_all(example_vault / "contacts")
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])  # warms the index

    def no_summaries(*_args, **_kwargs):
        raise AssertionError("every note's summary was read")

    monkeypatch.setattr(commands, "load_summaries", no_summaries)
    taken = CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "jill MORENO"])
    assert taken.exit_code == 1
    assert taken.stderr == (
        "Error: contacts/jill-moreno.md already has a contact named 'Jill Moreno'\n"
    )
    added = CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "Jill Moreau"])
    assert added.exit_code == 0, added.output
    assert (example_vault / "contacts" / "jill-moreau.md").exists()
    again = CliRunner().invoke(cli, ["--vault", str(example_vault), "add", "Jill Moreau"])
    assert again.stderr == (
        "Error: contacts/jill-moreau.md already has a contact named 'Jill Moreau'\n"
    )


def test_a_note_added_since_makes_the_lookup_read_the_vault_and_see_the_ambiguity(example_vault):
    age_all(example_vault / "contacts")
    CliRunner().invoke(cli, ["--vault", str(example_vault), "list"])
    (example_vault / "contacts" / "jill-2.md").write_text("---\nname: Jill Smith\n---\n")
    result = CliRunner().invoke(cli, ["--vault", str(example_vault), "log", "jill", "hi"])
    assert result.exit_code == 2
    assert "'jill' matches 2 contacts; be more precise:" in result.stderr


NAMES = ["Ann Lee", "Ann Li", "Bob Stone", "Bo", "Lee"]
QUERIES = ["ann", "ann lee", "bo", "bob", "lee", "li", "stone", "ann-lee", "nobody"]


def outcome(vault, query: str, through_index: bool) -> str:
    try:
        if through_index:
            return actions.find_target(vault, query).relative
        return find_note(query, load_notes(vault)).path
    except NetnotesError as error:
        return type(error).__name__


class LookupAgainstAFullRead(RuleBasedStateMachine):
    """Notes created, renamed, deleted and renamed in place behind the index's back."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="netnotes-lookup-"))
        (self.root / "netnotes.toml").write_text("")
        (self.root / "contacts" / "team").mkdir(parents=True)
        self.counter = 0

    def notes(self) -> list[Path]:
        return sorted((self.root / "contacts").rglob("*.md"))

    def write(self, path: Path, name: str, alias: str | None, old: bool) -> None:
        aliases = f"aliases: [{alias}]\n" if alias else ""
        self.counter += 1
        extra = ("company: Acme\ntags: [pr]\nemails: [a@x.example]\n", "",
                 "last_contact: 2026-10-01\n")[self.counter % 3]  # fmt: skip
        log = f"## Log\n- 2026-0{self.counter % 9 + 1}-01 call\n- 2027-01-01 planned\n"
        path.write_text(f"---\nname: {name}\n{aliases}{extra}---\n{log}")
        if old:
            stamp = time.time() - 60
            os.utime(path, (stamp, stamp))

    @rule(name=st.sampled_from(NAMES), alias=st.sampled_from([None, "Annie", "Bobby"]),
          folder=st.sampled_from(["", "team"]), old=st.booleans())  # fmt: skip
    def create(self, name, alias, folder, old):
        self.counter += 1
        self.write(self.root / "contacts" / folder / f"n{self.counter}.md", name, alias, old)

    @rule(data=st.data())
    def delete(self, data):
        if self.notes():
            data.draw(st.sampled_from(self.notes())).unlink()

    @rule(data=st.data(), folder=st.sampled_from(["", "team"]))
    def rename(self, data, folder):
        if self.notes():
            self.counter += 1
            source = data.draw(st.sampled_from(self.notes()))
            source.rename(self.root / "contacts" / folder / f"r{self.counter}.md")

    @rule(data=st.data(), name=st.sampled_from(NAMES), old=st.booleans())
    def rename_in_place(self, data, name, old):
        """An editor saving in place (the folder's mtime stays): the note's own name changes."""
        if self.notes():
            path = data.draw(st.sampled_from(self.notes()))
            folder_times = os.stat(path.parent)
            self.write(path, name, None, old)
            os.utime(path.parent, ns=(folder_times.st_atime_ns, folder_times.st_mtime_ns))

    @rule(data=st.data(), old=st.booleans())
    def break_one(self, data, old):
        if self.notes():
            path = data.draw(st.sampled_from(self.notes()))
            path.write_text("---\nname: [unclosed\n---\n- 2026-02-30 bad\n")
            if old:
                stamp = time.time() - 60
                os.utime(path, (stamp, stamp))

    @rule()
    def a_full_read(self):
        """Any command that reads the vault (digest, list, check) brings the index up to date."""
        load_notes(open_vault(self.root))

    @invariant()
    def the_index_gives_the_answer_a_full_read_gives(self):
        vault = open_vault(self.root)
        # Paths too: a note's path is read alone (`_find_by_path`), as capture names notes.
        paths = [p.relative_to(self.root).as_posix() for p in self.notes()[:4]]
        for query in [*QUERIES, *paths, "contacts/none.md", "contacts/a/none.md"]:
            fast = outcome(vault, query, through_index=True)
            full = outcome(vault, query, through_index=False)
            assert fast == full, (query, fast, full)

    @invariant()
    def list_and_check_from_summaries_match_a_full_read(self):
        from dataclasses import replace

        from netnotes.app.views import contact_rows, summary_rows
        from netnotes.core.identity import summary_of
        from netnotes.store.loading import load_summaries, read_vault

        today = date(2026, 11, 21)
        vault = open_vault(self.root)
        summaries, summary_problems, count = load_summaries(vault)
        contacts, problems, full_count = read_vault(replace(vault, use_cache=False))
        assert count == full_count
        assert summary_problems == problems
        # The summaries find, list and check read are what the contacts would give.
        assert summaries == [summary_of(contact) for contact in contacts]
        from netnotes.app.queries import find

        for query in ("ann", "acme", "call", "x.example", "planned", "li"):
            found = [(hit.contact.path, hit.line, hit.text) for hit in find(vault, query)]
            scanned = find(replace(vault, use_cache=False), query, use_search=False)
            assert found == [(hit.contact.path, hit.line, hit.text) for hit in scanned], query
        from netnotes.app.digest import build_digest

        owing = {item.path for item in build_digest(vault, today).items}
        for tag in (None, "pr"):
            assert summary_rows(summaries, today, tag=tag) == contact_rows(
                contacts, today, vault.config, tag=tag
            )
            # list --due: the cached digest's paths, as the rules give them from the contacts
            assert summary_rows(summaries, today, tag=tag, only=owing) == contact_rows(
                contacts, today, vault.config, tag=tag, due=True
            )

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


LookupAgainstAFullRead.TestCase.settings = settings(
    max_examples=40, stateful_step_count=12, deadline=None
)
# About a minute: marked slow like the fuzz runs (CI runs it too; `-m "not slow"` skips it).
test_the_index_lookup_matches_a_full_read = pytest.mark.slow(LookupAgainstAFullRead.TestCase)


@pytest.mark.parametrize("query", ["contacts/jill-moreno.md", "jill-moreno.md"])
def test_a_path_is_looked_up_in_the_listing(example_vault, query):
    vault = open_vault(example_vault)
    load_notes(vault)  # a warm index, whose names could otherwise answer
    assert actions._find_through_index(vault, query) is None
    result = CliRunner().invoke(cli, ["--vault", str(example_vault), "show", query], env=TODAY)
    assert result.exit_code == 0 and result.stdout.startswith("Jill Moreno")


def test_a_folder_is_vouched_for_only_once_its_clock_has_ticked_past_its_last_change():
    """A change made in the same tick as the folder's last one could keep its mtime: the
    index vouches for a folder only when its mtime is older than the tick, 50 ms where
    times have digits below the millisecond, 2 s where they are whole seconds."""
    from netnotes.store import index

    fine = 1_764_000_000_123_456_789  # ext4, btrfs, APFS: nanoseconds
    coarse = 1_764_000_000_000_000_000  # FAT, HFS+, some shares: whole seconds
    ms = 1_000_000
    assert not index._settled(fine, fine + 10 * ms)
    assert index._settled(fine, fine + 60 * ms)
    assert not index._settled(coarse, coarse + 1_000 * ms)
    assert index._settled(coarse, coarse + 2_100 * ms)
    assert not index._settled(-1, fine)  # not a folder's time
