"""Git sync with real repositories: a bare remote, two clones, the merge driver."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from netnotes.cli import cli
from netnotes.core.parse import parse_note
from netnotes.sync.gitmerge import MergeResult, merge_notes, run_driver

from .conftest import EXAMPLE_VAULT

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="git is not installed",
)

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": "",
}  # fmt: skip


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd.parent)}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=check)  # fmt: skip


def netnotes(vault: Path, *args: str):
    return CliRunner().invoke(
        cli, ["--vault", str(vault), *args], env={"NETNOTES_TODAY": "2026-11-21"}
    )


@pytest.fixture
def clones(tmp_path):
    """A vault pushed to a bare remote, and two clones of it set up with `netnotes init`."""
    import shutil

    origin = tmp_path / "origin"
    shutil.copytree(EXAMPLE_VAULT, origin, ignore=shutil.ignore_patterns("DUE.md", ".netnotes"))
    assert CliRunner().invoke(cli, ["init", str(origin)]).exit_code == 0
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "vault")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(origin), str(remote))
    laptop, phone = tmp_path / "laptop", tmp_path / "phone"
    for clone in (laptop, phone):
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        git(clone, "config", "pull.rebase", "false")
        result = CliRunner().invoke(cli, ["init", str(clone)])
        assert "registered the netnotes merge driver" in result.stdout
    return laptop, phone


def commit_all(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", message)


JILL = "contacts/jill-moreno.md"


def test_a_fresh_clone_is_set_up_by_init_without_touching_its_files(clones):
    laptop, _ = clones
    assert git(laptop, "status", "--porcelain").stdout == ""
    driver = git(laptop, "config", "merge.netnotes.driver").stdout.strip()
    assert driver.endswith("-m netnotes merge-driver %O %A %B %P")
    assert git(laptop, "check-attr", "merge", "--", JILL).stdout.strip().endswith("merge: netnotes")
    assert netnotes(laptop, "check").exit_code == 0


def test_both_clones_log_the_same_contact_and_pull_cleanly(clones):
    laptop, phone = clones
    assert (
        netnotes(laptop, "log", "jill", "call from the laptop", "--date", "2026-11-20").exit_code
        == 0
    )
    commit_all(laptop, "laptop log")
    git(laptop, "push", "-q")
    assert (
        netnotes(phone, "log", "jill", "coffee from the phone", "--kind", "coffee").exit_code == 0
    )
    commit_all(phone, "phone log")
    pulled = git(phone, "pull", "-q", check=False)
    assert pulled.returncode == 0, pulled.stderr
    text = (phone / JILL).read_text()
    assert (
        "- 2026-11-21 coffee: coffee from the phone\n- 2026-11-20 call from the laptop\n- 2026-08-10 lunch"
        in text
    )
    assert "<<<<<<<" not in text
    git(phone, "push", "-q")
    git(laptop, "pull", "-q")
    assert (laptop / JILL).read_text() == text


def test_plain_git_conflicts_on_the_same_edits(clones):
    """The control: the same two appends without the driver conflict."""
    laptop, phone = clones
    git(phone, "config", "--remove-section", "merge.netnotes")
    netnotes(laptop, "log", "jill", "call from the laptop", "--date", "2026-11-20")
    commit_all(laptop, "laptop log")
    git(laptop, "push", "-q")
    netnotes(phone, "log", "jill", "coffee from the phone", "--kind", "coffee")
    commit_all(phone, "phone log")
    assert git(phone, "pull", "-q", check=False).returncode != 0
    assert "<<<<<<<" in (phone / JILL).read_text()
    result = netnotes(phone, "check")
    assert result.exit_code == 1
    assert f"{JILL}:" in result.stdout and "unresolved git conflict" in result.stdout
    assert ".gitattributes:2: warning: this clone has no netnotes merge driver" in result.stdout


def test_different_keys_edited_on_each_side_merge_cleanly(clones):
    laptop, phone = clones
    netnotes(laptop, "snooze", "jill", "2026-12-24")
    commit_all(laptop, "snooze")
    git(laptop, "push", "-q")
    note = phone / JILL
    note.write_text(note.read_text().replace("role: CEO", "role: Chair"))
    commit_all(phone, "role")
    assert git(phone, "pull", "-q", check=False).returncode == 0
    text = note.read_text()
    assert "role: Chair\n" in text and "snooze: 2026-12-24\n" in text


def test_the_same_key_changed_two_ways_conflicts_on_that_key_only(clones):
    laptop, phone = clones
    for clone, cadence, entry in ((laptop, "1 month", "laptop"), (phone, "2 months", "phone")):
        note = clone / JILL
        note.write_text(note.read_text().replace("cadence: 3 months", f"cadence: {cadence}"))
        netnotes(clone, "log", "jill", f"from the {entry}")
        commit_all(clone, entry)
        if clone == laptop:
            git(laptop, "push", "-q")
    assert git(phone, "pull", "-q", check=False).returncode != 0
    text = (phone / JILL).read_text()
    assert text.count("<<<<<<<") == 1
    assert "<<<<<<< ours\ncadence: 2 months\n=======\ncadence: 1 month\n>>>>>>> theirs\n" in text
    assert "- 2026-11-21 from the phone\n" in text and "- 2026-11-21 from the laptop\n" in text
    result = netnotes(phone, "check")
    assert result.exit_code == 1
    assert f"{JILL}:8: error: unresolved git conflict" in result.stdout


def test_pull_with_rebase_goes_through_the_driver(clones):
    laptop, phone = clones
    netnotes(laptop, "log", "jill", "from the laptop", "--date", "2026-11-19")
    commit_all(laptop, "laptop")
    git(laptop, "push", "-q")
    netnotes(phone, "log", "jill", "from the phone", "--date", "2026-11-20")
    commit_all(phone, "phone")
    pulled = git(phone, "pull", "--rebase", "-q", check=False)
    assert pulled.returncode == 0, pulled.stderr
    text = (phone / JILL).read_text()
    assert "- 2026-11-20 from the phone\n- 2026-11-19 from the laptop\n" in text


def test_a_task_checked_on_one_side_stays_checked(clones):
    laptop, phone = clones
    netnotes(laptop, "done", "jill")
    commit_all(laptop, "done")
    git(laptop, "push", "-q")
    note = phone / JILL
    note.write_text(note.read_text().replace("📅 2026-11-25", "📅 2026-11-30"))  # postponed
    commit_all(phone, "postpone")
    assert git(phone, "pull", "-q", check=False).returncode == 0
    text = note.read_text()
    assert "- [x] send the article on ads without stereotypes 📅 2026-11-25 ✅ 2026-11-21\n" in text
    assert "- [ ]" not in text


def test_a_task_checked_on_both_sides_on_different_days_merges_cleanly():
    base = "---\nname: A\n---\n- [ ] call back\n"
    ours = "---\nname: A\n---\n- [x] call back ✅ 2026-11-20\n"
    theirs = "---\nname: A\n---\n- [x] call back ✅ 2026-11-21\n"
    assert merge_notes(base, ours, theirs).text == ours


def test_a_clone_without_init_merges_with_plain_git_and_check_warns(clones, tmp_path):
    plain = tmp_path / "plain"
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", str(remote), str(plain))
    result = netnotes(plain, "check")
    assert result.exit_code == 0
    assert result.stdout == (
        ".gitattributes:2: warning: this clone has no netnotes merge driver, so two devices "
        "that log the same contact will conflict: run `netnotes init` here to set it up\n"
    )
    assert CliRunner().invoke(cli, ["init", str(plain)]).exit_code == 0
    assert netnotes(plain, "check").stdout == ""


# -- the merge function -----------------------------------------------------------------------

NOTE = "---\nname: Ana\ntags: [a]\ncadence: 1 month\n---\n# Ana\n\n## Log\n- 2026-01-03 c\n- 2026-01-01 a\n\n## Notes\nText.\n"


def test_tags_added_on_both_sides_are_united():
    ours = NOTE.replace("tags: [a]", "tags: [a, b]")
    theirs = NOTE.replace("tags: [a]", "tags: [a, c]")
    result = merge_notes(NOTE, ours, theirs)
    assert result.conflicts == 0
    assert "tags: [a, b, c]\n" in result.text


def test_bom_and_crlf_follow_our_side():
    ours = "\ufeff" + NOTE.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n").replace(
        "\n", "\r\n"
    )
    theirs = NOTE.replace("- 2026-01-03 c\n", "- 2026-01-05 e\n- 2026-01-03 c\n")
    result = merge_notes(NOTE, ours, theirs)
    assert result.conflicts == 0
    assert result.text.startswith("\ufeff---\r\n")
    assert "\r\n- 2026-01-05 e\r\n- 2026-01-04 d\r\n- 2026-01-03 c\r\n" in result.text
    assert "\n" not in result.text.replace("\r\n", "")


def test_an_entry_deleted_on_one_side_stays_deleted():
    ours = NOTE.replace("- 2026-01-01 a\n", "")
    theirs = NOTE.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n")
    result = merge_notes(NOTE, ours, theirs)
    assert "- 2026-01-04 d\n- 2026-01-03 c\n\n## Notes" in result.text
    assert "2026-01-01 a" not in result.text


def test_a_file_that_is_not_a_note_falls_back_to_the_line_merge():
    base = "---\nname: [unclosed\nno end\n"
    result = merge_notes(base, base + "ours\n", base)
    assert result == merge_notes(base, base + "ours\n", base)
    assert result.text == base + "ours\n" and result.conflicts == 0


_entries = st.lists(
    st.builds(lambda d, t: f"- 2026-0{d // 28 + 1}-{d % 28 + 1:02} {t}", st.integers(0, 200),
              st.sampled_from(["call", "email: hi", "-> email: sent", "<- thanks", "coffee: x"])),
    max_size=6, unique=True,
)  # fmt: skip


def note_with(entries: list[str], tags: str = "a", extra: str = "") -> str:
    ordered = sorted(entries, reverse=True)
    return (
        f"---\nname: Ana\ntags: [{tags}]\n---\n# Ana\n{extra}\n## Log\n"
        + "".join(f"{entry}\n" for entry in ordered)
        + "\n## Notes\nText.\n"
    )


@settings(max_examples=60, deadline=None)
@given(_entries, _entries, _entries, st.sampled_from(["", "More notes.\n"]))
def test_no_entry_of_either_side_is_lost(base_entries, our_new, their_new, extra):
    base = note_with(base_entries)
    ours = note_with(base_entries + our_new, extra=extra)
    theirs = note_with(base_entries + their_new)
    result = merge_notes(base, ours, theirs)
    assert result.conflicts == 0
    contact, _ = parse_note("contacts/ana.md", result.text.encode())
    merged = {(e.on.isoformat(), e.text) for e in contact.interactions}
    for entry in {*base_entries, *our_new, *their_new}:
        parsed, _ = parse_note("contacts/x.md", note_with([entry]).encode())
        (interaction,) = parsed.interactions
        assert (interaction.on.isoformat(), interaction.text) in merged


@settings(max_examples=40, deadline=None)
@given(_entries, st.sampled_from(["a", "a, b"]), st.booleans(), st.booleans())
def test_merging_a_note_with_itself_gives_the_note(entries, tags, crlf, bom):
    text = note_with(entries, tags)
    if crlf:
        text = text.replace("\n", "\r\n")
    if bom:
        text = "\ufeff" + text
    assert merge_notes(text, text, text).text == text
    assert merge_notes(text, text, text).conflicts == 0


def test_a_vault_inside_another_projects_repository_gets_no_driver_warning(tmp_path):
    import shutil

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    shutil.copytree(EXAMPLE_VAULT, project / "vault", ignore=shutil.ignore_patterns(".netnotes"))
    assert netnotes(project / "vault", "check").stdout == ""
    git(project / "vault", "init", "-q")  # now a repository of its own, without the driver
    assert netnotes(project / "vault", "check").stdout.startswith(
        ".git/config: warning: this clone has no netnotes merge driver"
    )


def test_a_body_that_starts_with_a_rule_merges_its_log():
    base = "---\nname: A\n---\n---\n## Log\n- 2026-01-01 a\n"
    ours = base.replace("- 2026-01-01 a\n", "- 2026-01-02 b\n- 2026-01-01 a\n")
    theirs = base.replace("- 2026-01-01 a\n", "- 2026-01-03 c\n- 2026-01-01 a\n")
    result = merge_notes(base, ours, theirs)
    assert result == merge_notes(base, ours, theirs)
    assert result.text.endswith("## Log\n- 2026-01-03 c\n- 2026-01-02 b\n- 2026-01-01 a\n")
    assert result.conflicts == 0


# -- issue 9, item 11: what the driver must never do --------------------------------------


def test_two_identical_entries_written_on_purpose_stay_two():
    # Before: the two voicemails of the same day collapsed into one.
    twice = "- 2026-01-04 -> call: voicemail\n- 2026-01-04 -> call: voicemail\n"
    ours = NOTE.replace("- 2026-01-03 c\n", twice + "- 2026-01-03 c\n")
    theirs = NOTE.replace("- 2026-01-03 c\n", "- 2026-01-05 e\n- 2026-01-03 c\n")
    result = merge_notes(NOTE, ours, theirs)
    assert result.conflicts == 0
    assert "## Log\n- 2026-01-05 e\n" + twice + "- 2026-01-03 c\n- 2026-01-01 a\n" in result.text


def test_entries_written_twice_in_the_base_are_kept():
    # Before: an entry duplicated in the base was lost from the merge.
    base = NOTE.replace("- 2026-01-01 a\n", "- 2026-01-01 a\n- 2026-01-01 a\n")
    ours = base.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n")
    result = merge_notes(base, ours, base)
    assert result.text == ours and result.conflicts == 0


def test_the_same_entry_added_on_both_sides_is_one_entry():
    ours = NOTE.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n")
    assert merge_notes(NOTE, ours, ours).text == ours


def test_front_matter_removed_on_one_side_and_changed_on_the_other_still_closes():
    # Before: the result opened with '---' and never closed it.
    body = NOTE.split("---\n", 2)[2]
    theirs = NOTE.replace("cadence: 1 month", "cadence: 2 months")
    result = merge_notes(NOTE, body, theirs)
    _, problems = parse_note("contacts/ana.md", result.text.encode())
    assert [p for p in problems if p.severity == "error"] == []
    assert result.text.startswith("---\n") and "\n---\n# Ana\n" in result.text


def test_front_matter_removed_on_one_side_and_untouched_on_the_other_is_removed():
    body = NOTE.split("---\n", 2)[2]
    theirs = NOTE.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n")
    result = merge_notes(NOTE, body, theirs)
    assert result.text == body.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n")


def test_additions_to_a_quoted_key_with_a_colon_keep_the_key_whole():
    # Before: `"a:` was cut at the key's own colon and the front matter broke.
    base = NOTE.replace("tags: [a]", '"see: also": [x]')
    ours = base.replace("[x]", "[x, p]")
    theirs = base.replace("[x]", "[x, q]")
    result = merge_notes(base, ours, theirs)
    assert '"see: also": [x, p, q]\n' in result.text
    contact, _ = parse_note("contacts/ana.md", result.text.encode())
    assert contact.fields["see: also"] == ["x", "p", "q"]


def test_a_nul_byte_keeps_ours_and_reports_a_conflict(tmp_path):
    # Before: a traceback from git merge-file's binary refusal.
    ours = NOTE + "\0"
    assert merge_notes(NOTE, ours, NOTE.replace("c\n", "cc\n")) == MergeResult(ours, 1)
    paths = []
    for name, text in (("base", NOTE), ("ours", ours), ("theirs", NOTE + "x\n")):
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    assert run_driver(*paths) == 1
    assert (tmp_path / "ours").read_text() == ours


def test_a_duplicate_key_does_not_stop_the_log_from_merging_entry_by_entry():
    # Before: the whole note fell back to a line merge, which conflicts on two appends.
    base = NOTE.replace("cadence: 1 month\n", "cadence: 1 month\ntags: [b]\n")
    ours = base.replace("- 2026-01-03 c\n", "- 2026-01-04 d\n- 2026-01-03 c\n")
    theirs = base.replace("- 2026-01-03 c\n", "- 2026-01-05 e\n- 2026-01-03 c\n")
    result = merge_notes(base, ours, theirs)
    assert result.conflicts == 0
    assert result.text == base.replace(
        "- 2026-01-03 c\n", "- 2026-01-05 e\n- 2026-01-04 d\n- 2026-01-03 c\n"
    )


_front_changes = st.sampled_from([
    lambda t: t,
    lambda t: t.replace("cadence: 1 month", "cadence: 2 months"),
    lambda t: t.replace("cadence: 1 month", "cadence: 3 weeks"),
    lambda t: t.replace("tags: [a]", "tags: [a, b]"),
    lambda t: t.replace("tags: [a]", "tags: [a, c]"),
    lambda t: t.replace("name: Ana\n", "name: Ana\nsnooze: 2026-12-01\n"),
    lambda t: t.replace("name: Ana\n", "name: Ana\ncompany: \"X: Y\"\n"),
    lambda t: t.replace("cadence: 1 month\n", "cadence: 1 month\ntags: [d]\n"),
    lambda t: t.split("---\n", 2)[2],
])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_front_changes, _front_changes, _entries, _entries)
def test_a_merge_reported_clean_always_parses_without_an_error(
    our_change, their_change, mine, other
):
    base = note_with([], tags="a").replace("tags: [a]\n", "tags: [a]\ncadence: 1 month\n")
    ours = our_change(note_with(mine).replace("tags: [a]\n", "tags: [a]\ncadence: 1 month\n"))
    theirs = their_change(note_with(other).replace("tags: [a]\n", "tags: [a]\ncadence: 1 month\n"))
    for side in (ours, theirs):  # the promise is for sides that parse without an error
        _, problems = parse_note("contacts/ana.md", side.encode())
        assume(all(p.severity != "error" for p in problems))
    result = merge_notes(base, ours, theirs)
    if result.conflicts == 0:
        _, problems = parse_note("contacts/ana.md", result.text.encode())
        assert [p.message for p in problems if p.severity == "error"] == [], result.text


def test_two_clones_that_capture_the_same_mail_merge_without_a_duplicate_line(clones, tmp_path):
    """Laptop and phone both run `capture` on the same mail (each has its own copy),
    then sync: the note holds each line once and the capture memory merges by union."""
    import mailbox
    from email.message import EmailMessage

    def mail(sender: str, to: str, subject: str, date: str, mid: str) -> EmailMessage:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message["Date"], message["Message-ID"] = date, mid
        return message

    laptop, phone = clones
    maildir = tmp_path / "Mail"
    maildir.mkdir()
    sent = mailbox.Maildir(maildir / "Sent", create=True)
    sent.add(mail("me@example.org", "priya@lumen.example", "The Q1 plan",
                  "Mon, 16 Nov 2026 09:00:00 +0000", "<q1@example.org>"))  # fmt: skip
    for clone in (laptop, phone):
        assert netnotes(clone, "capture", str(maildir)).exit_code == 0
        git(clone, "add", "-A")
        git(clone, "commit", "-qm", "capture")
    git(laptop, "push", "-q")
    inbox = mailbox.Maildir(maildir / "INBOX", create=True)  # the phone sees one more
    inbox.add(mail("priya@lumen.example", "me@example.org", "Re: The Q1 plan",
                   "Tue, 17 Nov 2026 09:00:00 +0000", "<re-q1@example.org>"))  # fmt: skip
    assert netnotes(phone, "capture", str(maildir)).exit_code == 0
    git(phone, "add", "-A")
    git(phone, "commit", "-qm", "capture again")
    pulled = git(phone, "pull", "-q", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    note = (phone / "contacts" / "priya-shah.md").read_text(encoding="utf-8")
    assert note.count("-> email: The Q1 plan") == 1
    assert note.count("<- email: The Q1 plan") == 1
    memory = (phone / "netnotes-captured.txt").read_text(encoding="utf-8")
    assert "<<<<<<<" not in memory
    assert len({line for line in memory.splitlines() if not line.startswith("#")}) == 2
    assert netnotes(phone, "capture", str(maildir)).stdout == ""  # nothing new, nothing again
