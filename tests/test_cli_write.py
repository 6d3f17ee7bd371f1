"""The writing and reading commands run as a user would, on a copy of the example vault."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli, editor_command
from netnotes.writer import StaleNote, update_file

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


def run(vault: Path, *args: str, stdin: str | None = None, env: dict | None = None):
    result = CliRunner().invoke(
        cli, ["--vault", str(vault), *args], input=stdin, env={**TODAY, **(env or {})},
        catch_exceptions=False,
    )  # fmt: skip
    return result


def snapshot(vault: Path) -> dict[str, bytes]:
    """Every file of the vault but the disposable index cache."""
    return {
        str(p.relative_to(vault)): p.read_bytes()
        for p in sorted(vault.rglob("*"))
        if p.is_file() and ".netnotes" not in p.parts
    }


# -- init -------------------------------------------------------------------------------


def test_init_creates_a_vault_and_running_it_again_changes_nothing(tmp_path):
    target = tmp_path / "network"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        ".gitignore", "contacts", "netnotes.toml", "templates", "templates/contact.md",
    ]  # fmt: skip
    assert (target / ".gitignore").read_text() == "/.netnotes/\n/DUE.md\n"
    assert "reconnect_per_digest = 3" in (target / "netnotes.toml").read_text()
    (target / "netnotes.toml").write_text("# mine\n")
    before = snapshot(target)
    again = CliRunner().invoke(cli, ["init", str(target)])
    assert again.exit_code == 0
    assert "nothing to add" in again.stdout
    assert snapshot(target) == before


def test_init_adds_missing_lines_to_an_existing_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("*.tmp")
    CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert (tmp_path / ".gitignore").read_text() == "*.tmp\n/.netnotes/\n/DUE.md\n"


# -- add ---------------------------------------------------------------------------------


def test_add_writes_a_note_from_the_template(vault):
    result = run(vault, "add", "José Núñez", "--email", "jose@x.example", "--company", "Acme: Inc",
                 "--tag", "pr", "--tag", "data", "--cadence", "3 months", "--birthday", "04-17",
                 "--met", "2026-11-20")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "created contacts/jose-nunez.md\n"
    assert (vault / "contacts" / "jose-nunez.md").read_text() == (
        '---\nname: José Núñez\ncompany: "Acme: Inc"\nrole:\nemails: [jose@x.example]\n'
        "tags: [pr, data]\ncadence: 3 months\nbirthday: 04-17\nmet: 2026-11-20\n---\n\n"
        "# José Núñez\n\n## Next\n\n## Log\n"
    )
    digest = json.loads(run(vault, "digest", "--format", "json").stdout)
    assert digest["problems"] == []


def test_add_uses_the_vault_template(vault):
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md").write_text(
        "---\nname: {name}\nsource: import\n---\nAdded {today}.\n"
    )
    run(vault, "add", "Lee", "--role", "CTO")
    assert (
        vault / "contacts" / "lee.md"
    ).read_text() == "---\nname: Lee\nsource: import\nrole: CTO\n---\nAdded 2026-11-21.\n"


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b", "..", "/abs"])
def test_add_never_writes_outside_contacts(vault, name):
    result = run(vault, "add", name)
    assert result.exit_code == 0
    created = [p for p in vault.rglob("*.md")]
    assert len(created) == 1 and created[0].parent == vault / "contacts"


def test_add_makes_unique_file_names(vault):
    (vault / "contacts" / "lee.md").write_text("---\nname: Somebody Else\n---\n")
    assert run(vault, "add", "Lee").stdout == "created contacts/lee-2.md\n"


def test_add_refuses_a_name_or_email_in_use_and_writes_nothing(example_vault):
    before = snapshot(example_vault)
    result = run(example_vault, "add", "jill moreno")
    assert result.exit_code == 1
    assert "contacts/jill-moreno.md already has a contact named 'Jill Moreno'" in result.stderr
    result = run(example_vault, "add", "Someone", "--email", "JILL@brightside.example")
    assert result.exit_code == 1
    assert "contacts/jill-moreno.md already has the email" in result.stderr
    result = run(example_vault, "add", "Someone", "--cadence", "sometimes")
    assert result.exit_code == 1
    assert snapshot(example_vault) == before


# -- log ------------------------------------------------------------------------------------


def test_log_inserts_one_line_in_the_log_and_nothing_else_changes(example_vault):
    note = example_vault / "contacts" / "jill-moreno.md"
    old = note.read_text()
    result = run(example_vault, "log", "jill", "talked about Berlin", "--kind", "coffee")
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/jill-moreno.md:23: - 2026-11-21 coffee: talked about Berlin\n"
    assert note.read_text() == old.replace(
        "## Log\n", "## Log\n- 2026-11-21 coffee: talked about Berlin\n"
    )


def test_log_out_in_date_and_next(example_vault):
    note = example_vault / "contacts" / "nora-quinn.md"
    old = note.read_text()
    result = run(example_vault, "log", "nora", "asked about the board role", "--out",
                 "--date", "2026-11-20", "--kind", "email", "--next", "2 weeks")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert note.read_text() == old.replace(
        "tags: [mentor]\n", "tags: [mentor]\nfollow_up: 2026-12-05\n"
    ) + ("\n## Log\n- 2026-11-20 -> email: asked about the board role\n")
    run(example_vault, "log", "nora", "yes!", "--in")
    assert note.read_text().endswith(
        "## Log\n- 2026-11-21 <- yes!\n- 2026-11-20 -> email: asked about the board role\n"
    )


def test_log_reads_text_from_stdin(example_vault):
    result = run(example_vault, "log", "omar", "-", stdin="long\nnote from a pipe\n")
    assert result.exit_code == 0
    assert (
        "- 2026-11-21 long note from a pipe"
        in (example_vault / "contacts" / "omar-haddad.md").read_text()
    )


def test_log_keeps_crlf_and_bom(example_vault):
    note = example_vault / "contacts" / "priya-shah.md"
    note.write_bytes(b"\xef\xbb\xbf" + note.read_bytes().replace(b"\n", b"\r\n"))
    old = note.read_bytes()
    run(example_vault, "log", "priya", "she replied", "--in")
    assert note.read_bytes() == old.replace(
        b"## Log\r\n", b"## Log\r\n- 2026-11-21 <- she replied\r\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("log", "jill", "x", "--date", "2026-02-30"), 2, "'2026-02-30' is not a valid date"),
        (("log", "jill"), 1, "say what happened: give TEXT or --kind"),
        (("log", "jill", "x", "--kind", "two words"), 1, "--kind must be one word"),
        (("log", "jill", "x", "--next", "someday"), 1, "'someday' is neither a date"),
        (("log", "nobody-like-this", "x"), 1, "no contact matches 'nobody-like-this'"),
        (("log", "jillian", "x"), 1, "did you mean 'Jill Moreno'?"),
        (("snooze", "raj"), 2, "give WHEN, or --clear"),
    ],
)
def test_refusals_exit_non_zero_and_change_nothing(example_vault, args, code, message):
    before = snapshot(example_vault)
    result = run(example_vault, *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert snapshot(example_vault) == before


def test_an_ambiguous_name_lists_the_candidates_and_exits_2(example_vault):
    before = snapshot(example_vault)
    result = run(example_vault, "log", "r", "hi")  # Raj Patel, Aisha Rahman
    assert result.exit_code == 2
    assert "'r' matches 2 contacts" in result.stderr
    assert "Aisha Rahman  (contacts/aisha-rahman.md)" in result.stderr
    assert "Raj Patel  (contacts/raj-patel.md)" in result.stderr
    assert snapshot(example_vault) == before


@pytest.mark.parametrize(
    "query", ["jill", "JILL MORENO", "moreno", "jill-moreno", "Mor", "jill mo"]
)
def test_name_matching_ignores_case_and_takes_a_unique_word_prefix(example_vault, query):
    result = run(example_vault, "show", query, "--format", "json")
    assert json.loads(result.stdout)["name"] == "Jill Moreno"


def test_name_matching_ignores_accents_and_uses_aliases(example_vault):
    (example_vault / "contacts" / "zoe.md").write_text(
        "---\nname: Zoë Ångström\naliases: [Zed]\n---\n"
    )
    assert (
        json.loads(run(example_vault, "show", "zoe angstrom", "--format", "json").stdout)["name"]
        == "Zoë Ångström"
    )
    assert (
        json.loads(run(example_vault, "show", "zed", "--format", "json").stdout)["name"]
        == "Zoë Ångström"
    )
    assert (
        json.loads(run(example_vault, "show", "danny", "--format", "json").stdout)["name"]
        == "Dan Whitfield"
    )


# -- done, snooze ----------------------------------------------------------------------------


def test_done_checks_off_the_matching_task(example_vault):
    note = example_vault / "contacts" / "kenji-watanabe.md"
    old = note.read_text()
    result = run(example_vault, "done", "kenji", "promotion")
    assert result.exit_code == 0
    assert result.stdout.startswith("contacts/kenji-watanabe.md:13: - [x] congratulate him")
    assert note.read_text() == old.replace(
        "- [ ] congratulate him on the promotion to VP Engineering 📅 2026-11-21\n",
        "- [x] congratulate him on the promotion to VP Engineering 📅 2026-11-21 ✅ 2026-11-21\n",
    )


def test_done_with_several_open_tasks_asks_which(example_vault):
    before = snapshot(example_vault)
    result = run(example_vault, "done", "kenji")
    assert result.exit_code == 2
    assert "2 open tasks match; say which:" in result.stderr
    assert "contacts/kenji-watanabe.md:14: send the article on platform teams" in result.stderr
    assert snapshot(example_vault) == before
    result = run(example_vault, "done", "kenji", "nothing like it")
    assert result.exit_code == 1
    assert "Kenji Watanabe has no open task matching 'nothing like it'" in result.stderr


def test_done_with_the_only_open_task(example_vault):
    assert run(example_vault, "done", "jill").exit_code == 0
    assert (
        "- [x] send the piece on ads without stereotypes 📅 2026-11-25 ✅ 2026-11-21\n"
        in (example_vault / "contacts" / "jill-moreno.md").read_text()
    )


def test_snooze_sets_changes_and_clears_one_line(example_vault):
    note = example_vault / "contacts" / "raj-patel.md"
    old = note.read_text()
    assert (
        run(example_vault, "snooze", "raj", "3 weeks").stdout
        == "contacts/raj-patel.md: snooze: 2026-12-12\n"
    )
    assert note.read_text() == old.replace("snooze: 2026-12-15", "snooze: 2026-12-12")
    assert run(example_vault, "snooze", "raj", "--clear").exit_code == 0
    assert note.read_text() == old.replace("snooze: 2026-12-15\n", "")
    run(example_vault, "snooze", "jill", "2027-01-05")
    assert (
        "cadence: 3 months\nbirthday: 04-17\nmet: 2019-05-02\nsnooze: 2027-01-05\n---"
        in (example_vault / "contacts" / "jill-moreno.md").read_text()
    )


def test_snooze_refuses_a_flow_style_value_and_changes_nothing(example_vault):
    note = example_vault / "contacts" / "raj-patel.md"
    note.write_text(note.read_text().replace("snooze: 2026-12-15", "snooze: [2026-12-15]"))
    before = note.read_bytes()
    result = run(example_vault, "snooze", "raj", "2027-01-01")
    assert result.exit_code == 1
    assert "will not rewrite 'snooze' because its value is written in flow style" in result.stderr
    assert note.read_bytes() == before


def test_writes_keep_the_file_mode(example_vault):
    note = example_vault / "contacts" / "jill-moreno.md"
    note.chmod(0o600)
    run(example_vault, "log", "jill", "hi")
    assert stat.S_IMODE(note.stat().st_mode) == 0o600


def test_a_symlink_out_of_the_vault_is_not_written_through(example_vault, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("---\nname: Outsider\n---\n")
    (example_vault / "contacts" / "outsider.md").symlink_to(outside)
    result = run(example_vault, "log", "outsider", "hi")
    assert result.exit_code == 1
    assert "links outside the vault" in result.stderr
    assert outside.read_text() == "---\nname: Outsider\n---\n"


# -- an edit made on disk while netnotes works is not lost --------------------------------


def test_an_edit_saved_between_read_and_write_is_kept(tmp_path):
    note = tmp_path / "a.md"
    note.write_text("---\nname: A\n---\n## Log\n- 2026-11-01 a\n")
    saves = iter(["---\nname: A\ncompany: saved meanwhile\n---\n## Log\n- 2026-11-01 a\n"])

    def someone_saves():
        text = next(saves, None)
        if text:
            note.write_text(text)

    from netnotes.edit import add_log_entry
    from tests.conftest import day

    update_file(
        note,
        lambda t: add_log_entry(t, day("2026-11-21"), "2026-11-21 b")[0],
        on_read=someone_saves,
    )
    assert (
        note.read_text()
        == "---\nname: A\ncompany: saved meanwhile\n---\n## Log\n- 2026-11-21 b\n- 2026-11-01 a\n"
    )


def test_a_note_that_keeps_changing_is_refused_untouched(tmp_path):
    note = tmp_path / "a.md"
    note.write_text("v0")
    counter = iter(range(1, 100))

    def keeps_saving():
        note.write_text(f"v{next(counter)}")

    with pytest.raises(StaleNote):
        update_file(note, lambda t: t + " edited", on_read=keeps_saving)
    assert "edited" not in note.read_text()


# -- show, list, find, edit ----------------------------------------------------------------


def test_show_prints_a_card(example_vault):
    result = run(example_vault, "show", "priya")
    assert result.exit_code == 0
    assert result.stdout == (
        "Priya Shah — Product Director, Lumen Health\ncontacts/priya-shah.md\n\n"
        "emails: priya@lumen.example\ntags: product\nlast contact: 2026-11-05 (16 days ago)\n"
        "cadence: none\n\nDue\n  overdue 2026-11-12  no reply to email sent 2026-11-05: asked for "
        "20 minutes about the product role before my interview\n\nRecent\n"
        "  2026-11-05 -> email: asked for 20 minutes about the product role before my interview\n"
        "  2026-10-22 meetup: talked about patient-facing apps\n"
    )


def test_show_json(example_vault):
    document = json.loads(run(example_vault, "show", "kenji", "--format", "json").stdout)
    assert document["last_contact"] == "2026-11-18"
    assert [t["line"] for t in document["open_tasks"]] == [13, 14]
    assert document["due"][0]["kind"] == "task"


def test_list_filters_and_formats(example_vault):
    paths = run(example_vault, "list", "--tag", "PR", "--format", "paths").stdout
    assert paths == "contacts/jill-moreno.md\ncontacts/raj-patel.md\n"
    rows = json.loads(
        run(example_vault, "list", "--company", "brightside", "--format", "json").stdout
    )
    assert [row["name"] for row in rows] == ["Jill Moreno", "Raj Patel"]
    due = run(example_vault, "list", "--due", "--format", "paths").stdout.splitlines()
    assert "contacts/sam-ortiz.md" in due and "contacts/old-vendor.md" not in due
    table = run(example_vault, "list").stdout.splitlines()
    assert table[0].startswith("Aisha Rahman")
    assert len(table) == 15


def test_find_searches_fields_and_note_text(example_vault):
    result = run(example_vault, "find", "cafe central")
    assert (
        result.stdout
        == "contacts/lena-fischer.md:12: Lena Fischer: - 2026-11-26 lunch: at Café Central, bring the supply-chain report\n"
    )
    assert run(example_vault, "find", "greenfield").stdout.startswith(
        "contacts/aisha-rahman.md:2: Aisha Rahman"
    )
    missing = run(example_vault, "find", "zanzibar")
    assert missing.exit_code == 1
    assert "nothing matches 'zanzibar'" in missing.stderr


def test_edit_opens_the_editor_at_the_log_line(example_vault, tmp_path):
    recorder = tmp_path / "editor.py"
    record = tmp_path / "argv.json"
    recorder.write_text(f"import json, sys\njson.dump(sys.argv[1:], open({str(record)!r}, 'w'))\n")
    fake_vim = tmp_path / "vim"
    fake_vim.write_text(f"#!{sys.executable}\n" + recorder.read_text())
    fake_vim.chmod(0o755)
    result = run(example_vault, "edit", "jill", env={"EDITOR": str(fake_vim), "VISUAL": ""})
    assert result.exit_code == 0, result.output
    assert json.loads(record.read_text()) == [
        "+22",
        str(example_vault / "contacts" / "jill-moreno.md"),
    ]


def test_editor_command_forms():
    path = Path("/v/a.md")
    assert editor_command("code --wait", path, 5) == ["code", "--wait", "-g", "/v/a.md:5"]
    assert editor_command("subl", path, 5) == ["subl", "/v/a.md"]
    assert editor_command("nvim", path, None) == ["nvim", "/v/a.md"]


def test_edit_without_an_editor_says_what_to_set(example_vault):
    result = run(example_vault, "edit", "jill", env={"EDITOR": "", "VISUAL": ""})
    assert result.exit_code == 1
    assert "set $EDITOR" in result.stderr
