"""The low-severity edges of issue 20's third red-team pass, each as a user meets it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli

TODAY = {"NETNOTES_TODAY": "2026-11-21"}
ANN = "---\nname: Ann Lee\ncadence: 1 month\n---\n# Ann Lee\n\n## Log\n"


def run(vault: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env={**TODAY, **(env or {})})


def test_import_dry_run_creates_nothing_not_even_the_cache(vault):
    (vault / "c.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEND:VCARD\r\n")
    result = run(vault, "import", "--dry-run", str(vault / "c.vcf"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "dry run: 1 record: 1 created, 0 updated, 0 unchanged"
    assert sorted(p.name for p in vault.iterdir()) == ["c.vcf", "contacts", "netnotes.toml"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_init_makes_the_vault_it_is_told_to_not_the_current_folder(tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "network"
    if how == "option":
        result = CliRunner().invoke(cli, ["--vault", str(target), "init", "--no-git"])
    else:
        result = CliRunner().invoke(cli, ["init", "--no-git"], env={"NETNOTES_VAULT": str(target)})
    assert result.exit_code == 0, result.output
    assert (target / "netnotes.toml").is_file()
    assert not (tmp_path / "netnotes.toml").exists()


def test_a_horizon_of_a_hundred_years_in_days_is_accepted(vault):
    assert run(vault, "digest", "--horizon", "36500d").exit_code == 0
    result = run(vault, "digest", "--horizon", "36600d")
    assert result.exit_code == 2 and "is too long: at most 100 years" in result.output


def test_nicknames_export_as_one_value_each(vault):
    (vault / "contacts" / "sam.md").write_text(
        "---\nname: Samuel Ortiz\naliases: [Sam, Sammy]\n---\n"
    )
    result = run(vault, "export", "vcard")
    assert "NICKNAME:Sam\nNICKNAME:Sammy\n" in result.stdout.replace("\r\n", "\n")
    assert "\\," not in result.stdout


def test_a_name_that_would_close_a_wikilink_never_credits_someone_else(vault):
    (vault / "contacts" / "carol-jones.md").write_text("---\nname: Carol Jones\n---\n")
    (vault / "contacts" / "zed.md").write_text("---\nname: Zed]] [[carol-jones\n---\n")
    result = run(vault, "meet", "zed.md", "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    (note,) = (vault / "meetings").iterdir()
    assert "carol" not in note.read_text()
    assert 'attendees: ["[[zed]]"]' in note.read_text()
    shown = run(vault, "show", "carol", "--format", "json").stdout
    assert "2026-11-20" not in shown


def test_a_name_of_sixty_four_byte_letters_makes_a_note(vault):
    name = "𝔄" * 60
    result = run(vault, "add", name)
    assert result.exit_code == 0, result.output
    (note,) = (vault / "contacts").iterdir()
    assert len(note.name.encode()) <= 130
    assert run(vault, "log", str(note), "hello").exit_code == 0


def test_a_note_whose_name_is_near_the_limit_can_be_written(vault):
    stem = "a" * 250  # 253 bytes with `.md`: the temporary name must not be longer
    note = vault / "contacts" / f"{stem}.md"
    note.write_text(ANN)
    result = run(vault, "log", str(note), "hello")
    assert result.exit_code == 0, result.output
    assert "- 2026-11-21 hello" in note.read_text()


def test_temporaries_left_by_a_killed_write_are_cleaned_up_and_never_read(vault):
    note = vault / "contacts" / "ann.md"
    note.write_text(ANN)
    left = vault / "contacts" / ".ann.md.x7k2.tmp"
    left.write_text("---\nname: Ghost\n---\n")
    old = time.time() - 7200
    os.utime(left, (old, old))
    assert "Ghost" not in run(vault, "list").stdout
    assert run(vault, "log", "ann", "hello").exit_code == 0
    assert not left.exists()


def test_control_characters_in_imported_names_never_reach_a_note(vault):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\x1b[31m Lee\u202e\x00\r\nORG:Ac\x07me\r\nEND:VCARD\r\n"
    (vault / "c.vcf").write_text(card)
    assert run(vault, "import", str(vault / "c.vcf")).exit_code == 0
    (note,) = (vault / "contacts").iterdir()
    text = note.read_text()
    assert 'name: "Ann[31m Lee"\n' in text and "company: Acme\n" in text
    assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text


def test_two_imports_of_one_file_at_once_make_each_person_once(vault):
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@example.org\r\nEND:VCARD\r\n"
        for i in range(40)
    )
    (vault / "c.vcf").write_text(cards)
    command = [
        sys.executable,
        "-m",
        "netnotes",
        "--vault",
        str(vault),
        "import",
        str(vault / "c.vcf"),
    ]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(process.wait(60), process.stderr.read()) for process in runs]
    for returncode, stderr in outcomes:
        assert returncode == 0, stderr
    assert len(list((vault / "contacts").iterdir())) == 40


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_a_write_as_root_leaves_locks_the_owner_can_take(vault):
    for path in (vault, vault / "contacts", vault / "netnotes.toml"):
        os.chown(path, 1000, 1000)
    (vault / "contacts" / "ann.md").write_text(ANN)
    assert run(vault, "log", "ann", "as root").exit_code == 0
    for made in (vault / ".netnotes", vault / ".netnotes" / "locks",
                 *(vault / ".netnotes" / "locks").iterdir()):  # fmt: skip
        assert (made.stat().st_uid, made.stat().st_gid) == (1000, 1000), made


def test_prep_in_markdown_carries_no_html_no_script_link_and_no_remote_image(vault):
    (vault / "contacts" / "eve.md").write_text(
        "---\nname: Eve <script>alert(1)</script>\ncompany: '[x](javascript:alert(1))'\n---\n"
        "## Log\n- 2026-11-01 ![pixel](https://tracker.example/p.png) <img src=x>\n"
    )
    result = run(vault, "prep", "eve", "--format", "markdown")
    assert result.exit_code == 0, result.output
    out = result.stdout
    import re

    assert re.search(r"(?<!\\)<(?:script|img)", out) is None  # every < is escaped
    assert re.search(r"(?<!\\)\]\(", out) is None  # no link or image is live
    assert "Prep: Eve \\<script\\>alert(1)\\</script\\>" in out


def test_an_unreadable_contacts_folder_is_an_error_and_the_digest_file_is_kept(vault, monkeypatch):
    # Before: read as empty: "Nothing due", and --write emptied DUE.md.
    (vault / "contacts" / "ann.md").write_text(ANN)
    assert run(vault, "digest", "--write").exit_code == 0
    written = (vault / "DUE.md").read_text()
    real_scandir = os.scandir
    contacts = str(vault / "contacts")

    def refusing(folder):
        if os.fspath(folder) == contacts:
            raise PermissionError(13, "Permission denied")
        return real_scandir(folder)

    monkeypatch.setattr(os, "scandir", refusing)  # root reads any folder: chmod cannot show it
    for command in (["digest", "--write", "--no-cache"], ["check"]):
        result = CliRunner().invoke(cli, ["--vault", str(vault), "--no-cache", *command[:2]],
                                    env=TODAY)  # fmt: skip
        assert result.exit_code == 1, command
        assert result.stderr == (
            f"Error: {contacts}: cannot read this folder (Permission denied); nothing was written\n"
        )
    assert (vault / "DUE.md").read_text() == written


def test_only_a_real_name_that_is_not_utf8_is_reported_as_one(tmp_path):
    from netnotes.store.notefile import NAME_NOT_UTF8, NoteUnreadable, read_note_bytes

    (tmp_path / os.fsdecode(b"caf\xe9.md")).write_text("---\nname: Cafe\n---\n")
    with pytest.raises(NoteUnreadable, match=re.escape(NAME_NOT_UTF8)):
        read_note_bytes(tmp_path / "caf\\xe9.md")  # the spelling the listing gives it
    # A UTF-8 name that merely holds `\x` and is gone is a missing note, not a bad name.
    with pytest.raises(NoteUnreadable, match="cannot read: No such file or directory"):
        read_note_bytes(tmp_path / "b\\x41d.md")


def test_check_does_not_hang_on_a_gitattributes_that_is_a_fifo(vault):
    # Found in review: `check` read .gitattributes without the bounded reader.
    subprocess.run(["git", "init", "-q", str(vault)], check=True)
    os.mkfifo(vault / ".gitattributes")
    (vault / "contacts" / "ann.md").write_text("---\nname: Ann Lee\n---\n")
    done = subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), "check"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(".git/config: warning: this clone has no netnotes merge driver")
    assert done.stderr.endswith("1 notes checked: 0 errors, 1 warning\n"), done.stderr
