"""The command line as a new user meets it: one error boundary, usage errors that name the
option, notes addressable even when broken, safe names, and the small things users trip on."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli
from netnotes.core.model import Item, ItemKind, Status
from netnotes.core.render import Digest, render_text

from .conftest import day

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


def run(vault: Path, *args: str, env: dict | None = None, before: bool = True):
    where = ["--vault", str(vault)]
    argv = [*where, *args] if before else [*args, *where]
    return CliRunner().invoke(cli, argv, env={**TODAY, **(env or {})})


def fake_editor(tmp_path: Path) -> tuple[str, Path]:
    record = tmp_path / "argv.json"
    editor = tmp_path / "myeditor"
    editor.write_text(
        f"#!{sys.executable}\nimport json, sys\njson.dump(sys.argv[1:], open({str(record)!r}, 'w'))\n"
    )
    editor.chmod(0o755)
    return str(editor), record


# -- 12. one error boundary; contradictions and bad values are usage errors ------------------


@pytest.mark.parametrize(
    ("editor", "message"),
    [
        ("/nonexistent", "Error: cannot run the editor '/nonexistent' (No such file or directory): "
                         "set $EDITOR to your editor\n"),
        ("vim '", "Error: $EDITOR is not a command netnotes can run (\"vim '\": No closing "
                  "quotation)\n"),
    ],
)  # fmt: skip
def test_a_broken_editor_setting_is_one_line(example_vault, editor, message):
    result = run(example_vault, "edit", "jill", env={"EDITOR": editor, "VISUAL": ""})
    assert (result.exit_code, result.stderr) == (1, message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("log", "jill", "x", "--out", "--in"), "--out and --in contradict each other: give one"),
        (("digest", "--write", "--format", "json"), "--write writes the Markdown digest file"),
        (("snooze", "raj", "2026-12-15", "--clear"), "give WHEN or --clear, not both"),
        (("snooze", "raj"), "give WHEN, or --clear"),
        (("digest", "--today", "bad"), "Invalid value for '--today': 'bad' is not a date"),
        (("digest", "--horizon", "soon"), "Invalid value for '--horizon': 'soon' is not a duration"),
        (("log", "jill", "x", "--date", "2026-02-30"), "Invalid value for '--date': '2026-02-30'"),
        (("log", "jill", "x", "--next", "someday"), "Invalid value for '--next': 'someday'"),
        (("log", "jill", "x", "--kind", "two words"), "Invalid value for '--kind': must be one"),
        (("snooze", "raj", "someday"), "Invalid value for '[WHEN]': 'someday' is neither a date"),
        (("add", "Lee", "--met", "never"), "Invalid value for '--met': 'never' is not a date"),
        (("add", "Lee", "--birthday", "13-40"), "Invalid value for '--birthday': '13-40'"),
        (("add", "Lee", "--cadence", "0 days"), "Invalid value for '--cadence': '0 days' is zero: "
                                                "write 'none' for no cadence"),
    ],
)  # fmt: skip
def test_contradictions_and_bad_values_are_usage_errors(example_vault, args, message):
    before = sorted(p.read_bytes() for p in example_vault.rglob("*.md"))
    result = run(example_vault, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert sorted(p.read_bytes() for p in example_vault.rglob("*.md")) == before


def test_a_bad_pinned_date_is_a_usage_error(example_vault):
    result = run(example_vault, "digest", env={"NETNOTES_TODAY": "bad"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: $NETNOTES_TODAY: 'bad' is not a date: write YYYY-MM-DD")


def test_a_horizon_of_zero_days_means_today_only(example_vault):
    result = run(example_vault, "digest", "--format", "json", "--horizon", "0d")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["horizon_days"] == 0
    assert {item["status"] for item in document["items"]} == {"overdue", "today", "suggested"}


def test_an_unexpected_error_is_one_line_and_a_traceback_with_debug(example_vault, monkeypatch):
    import netnotes.app.digest

    def broken(*_args, **_kwargs):
        raise RuntimeError("something no test foresaw")

    monkeypatch.setattr(netnotes.app.digest, "build_digest", broken)
    result = run(example_vault, "digest")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: internal error (RuntimeError: something no test foresaw); run again with --debug "
        "for the traceback, and please report it\n",
    )
    debug = CliRunner().invoke(cli, ["--debug", "--vault", str(example_vault), "digest"])
    assert isinstance(debug.exception, RuntimeError)


# -- 13. a note that cannot be parsed can still be addressed ---------------------------------

BROKEN = "---\nname: Bad Note\ncompany: [unclosed\n---\n\n## Log\n- 2026-11-01 call\n"


@pytest.fixture
def broken(example_vault: Path) -> Path:
    note = example_vault / "contacts" / "bad-note.md"
    note.write_text(BROKEN)
    return note


@pytest.mark.parametrize("name", ["bad-note", "bad", "contacts/bad-note.md", "bad-note.md"])
def test_edit_opens_a_broken_note_by_its_file_name(example_vault, broken, tmp_path, name):
    editor, record = fake_editor(tmp_path)
    result = run(example_vault, "edit", name, env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    assert json.loads(record.read_text()) == [str(broken.resolve())]


def test_edit_opens_a_broken_note_given_as_an_absolute_path(example_vault, broken, tmp_path):
    editor, record = fake_editor(tmp_path)
    assert run(example_vault, "edit", str(broken), env={"EDITOR": editor}).exit_code == 0
    assert json.loads(record.read_text()) == [str(broken.resolve())]


@pytest.mark.parametrize("command", [("log", "bad-note", "hi"), ("show", "bad-note"),
                                     ("snooze", "bad-note", "friday"), ("done", "bad-note")])  # fmt: skip
def test_other_commands_refuse_a_broken_note_with_its_problem(example_vault, broken, command):
    result = run(example_vault, *command)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: contacts/bad-note.md:4: error: front matter: ")
    assert "netnotes edit bad-note" in result.stderr
    assert broken.read_text() == BROKEN


# -- 14. names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (
            ("add", "Eve\n## Log\n- 2026-01-01 forged"),
            "the name holds a control character (U+000A)",
        ),
        (
            ("add", "Eve", "--company", "Acme\x1b[2J"),
            "--company holds a control character (U+001B)",
        ),
        (("log", "jill", "hi\x1b]0;x\x07"), "TEXT holds a control character (U+001B)"),
    ],
)
def test_control_characters_in_names_and_fields_are_refused(example_vault, args, what):
    before = sorted(p.name for p in (example_vault / "contacts").iterdir())
    result = run(example_vault, *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {what}; nothing was written\n")
    assert sorted(p.name for p in (example_vault / "contacts").iterdir()) == before


def test_a_non_latin_name_gets_a_readable_file_name(vault):
    assert run(vault, "add", "李小龍").stdout == "created contacts/李小龍.md\n"
    # Case folding, as names are compared: a final sigma folds to σ.
    assert run(vault, "add", "Σωκράτης Παππάς").stdout == "created contacts/σωκρατησ-παππασ.md\n"


def test_a_tag_option_with_commas_is_several_tags(vault):
    run(vault, "add", "Lee", "--tag", "a, b", "--tag", "#c")
    assert "tags: [a, b, c]\n" in (vault / "contacts" / "lee.md").read_text()


# -- 15. small things users trip on ---------------------------------------------------------


def test_show_has_snooze_follow_up_and_keeps_planned_entries_apart(example_vault):
    note = example_vault / "contacts" / "lena-fischer.md"
    note.write_text(
        note.read_text().replace(
            "cadence: quarterly\n", "cadence: quarterly\nfollow_up: 2026-12-01\n"
        )
    )
    card = run(example_vault, "show", "lena").stdout
    assert "follow up: 2026-12-01\n" in card
    assert card.endswith(
        'Recent\n  2026-11-10 <- email: "Happy to meet. Lunch on the 26th?"\n'
        "  2026-11-09 -> email: asked to meet about the logistics study\n\n"
        "Planned\n  2026-11-26 lunch: at Café Central, bring the supply-chain report\n"
    )
    assert "snoozed until: 2026-12-15\n" in run(example_vault, "show", "raj").stdout


def test_show_all_gives_the_whole_timeline(vault):
    entries = "".join(f"- 2026-0{month}-01 call {month}\n" for month in range(1, 8))
    (vault / "contacts" / "ann.md").write_text(
        f"---\nname: Ann\n---\n## Log\n- 2026-12-01 lunch: planned\n{entries}"
    )
    short = json.loads(run(vault, "show", "ann", "--format", "json").stdout)
    full = json.loads(run(vault, "show", "ann", "--format", "json", "--all").stdout)
    assert [e["text"] for e in short["recent"]] == [f"call {m}" for m in (7, 6, 5, 4, 3)]
    assert [e["text"] for e in full["recent"]] == [f"call {m}" for m in range(7, 0, -1)]
    assert [e["text"] for e in full["planned"]] == ["planned"]


def test_the_text_digest_fits_the_terminal_width():
    text = "no reply to email sent 2026-11-05: asked for 20 minutes about the product role"
    item = Item(ItemKind.WAITING, Status.OVERDUE, day("2026-11-12"), "Priya Shah",
                "contacts/priya-shah.md", 9, text)  # fmt: skip
    lines = render_text(Digest(day("2026-11-21"), 7, [item], []), width=90).splitlines()
    assert lines[-1] == (
        "  Thu 2026-11-12 (9 days late)  Priya Shah  no reply to email s…  contacts/priya-shah.md:9"
    )
    assert len(lines[-1]) == 90
    wide = render_text(Digest(day("2026-11-21"), 7, [item], []), width=200).splitlines()
    assert text in wide[-1]


def test_vault_works_after_the_subcommand(example_vault):
    result = run(example_vault, "show", "jill", "--format", "json", before=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == "Jill Moreno"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("log", "omar", "x", "--date", "yesterday"), "- 2026-11-20 x"),
        (("log", "omar", "x", "--date", "thursday"), "- 2026-11-19 x"),
        (("log", "omar", "x", "--date", "2 days ago"), "- 2026-11-19 x"),
    ],
)
def test_dates_as_people_say_them(example_vault, args, line):
    assert run(example_vault, *args).exit_code == 0
    assert line + "\n" in (example_vault / "contacts" / "omar-haddad.md").read_text()


def test_a_day_to_come_back_to_is_in_the_future(example_vault):
    assert run(example_vault, "snooze", "raj", "friday").stdout == (
        "contacts/raj-patel.md: snooze: 2026-11-27\n"
    )
    run(example_vault, "log", "omar", "x", "--next", "in 2 weeks")
    assert "follow_up: 2026-12-05\n" in (example_vault / "contacts" / "omar-haddad.md").read_text()
    assert run(example_vault, "digest", "--format", "json", "--today", "tomorrow").exit_code == 0


def complete(vault: Path, words: str) -> list[str]:
    env = {"_NETNOTES_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
           "NETNOTES_VAULT": str(vault)}  # fmt: skip
    result = CliRunner().invoke(cli, [], env=env, prog_name="netnotes")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]


def test_shell_completion_offers_contact_names_and_tags(example_vault):
    assert complete(example_vault, "netnotes log ji") == ["Jill Moreno", "jill-moreno"]
    assert complete(example_vault, "netnotes list --tag in") == ["inner", "investor"]
    assert complete(Path("/nonexistent"), "netnotes log ji") == []


def test_completion_honours_the_vault_given_after_the_command(example_vault):
    # Before: `netnotes show --vault X ji` completed from $NETNOTES_VAULT, not from X.
    words = f"netnotes show --vault {example_vault} ji"
    assert complete(Path("/nonexistent"), words) == ["Jill Moreno", "jill-moreno"]
    words = f"netnotes list --vault {example_vault} --tag in"
    assert complete(Path("/nonexistent"), words) == ["inner", "investor"]


def test_index_rebuild_in_a_read_only_vault_says_nothing_was_stored(example_vault):
    (example_vault / ".netnotes").write_text("not a folder: the cache cannot be made here")
    result = run(example_vault, "index", "--rebuild")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("15 notes parsed; nothing was stored: the cache folder ")


def test_readme_says_how_to_turn_on_completion():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert 'eval "$(_NETNOTES_COMPLETE=bash_source netnotes)"' in readme
    assert os.path.exists(Path(__file__).resolve().parent.parent / "docs" / "safety.md")
