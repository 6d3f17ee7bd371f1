"""`netnotes digest` and `netnotes check` as a user runs them: output, exit code, files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from netnotes.cli import cli

from .conftest import MAPPING_VALUES_ERROR, ROOT, dedent

GOLDEN = ROOT / "tests" / "golden"


def run(*args: str, env: dict | None = None, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(previous)


def write(vault: Path, relative: str, text: str) -> Path:
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")
    return path


# -- golden: the example vault at its fixed date ------------------------------


@pytest.mark.parametrize(("fmt", "golden"), [("markdown", "digest.md"), ("json", "digest.json")])
def test_example_vault_digest_matches_the_golden_file(example_vault, fmt, golden):
    result = run("--vault", str(example_vault), "digest", "--today", "2026-11-21", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


def test_every_rule_fires_in_the_example_vault(example_vault):
    result = run(
        "--vault", str(example_vault), "digest", "--today", "2026-11-21", "--format", "json"
    )
    document = json.loads(result.stdout)
    assert {item["kind"] for item in document["items"]} == {
        "cadence", "follow_up", "task", "birthday", "waiting", "thanks", "meeting", "reconnect",
    }  # fmt: skip
    assert document["problems"] == []


def test_the_same_vault_and_day_give_byte_identical_output(example_vault):
    args = ("--vault", str(example_vault), "digest", "--today", "2026-11-21", "--format")
    for fmt in ("markdown", "json", "text"):
        assert run(*args, fmt).stdout_bytes == run(*args, fmt).stdout_bytes


# -- a broken note never stops the digest ---------------------------------------


def test_a_broken_note_is_a_problem_and_every_other_contact_still_counts(vault):
    write(vault, "contacts/good.md", "---\nname: Good\ncadence: 1 week\n---\n")
    write(vault, "contacts/bad.md", "---\nname: Bad\ncompany: Acme: Inc\ncadence: 1 day\n---\n")
    result = run("--vault", str(vault), "digest", "--today", "2026-11-21", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [(i["contact"], i["kind"]) for i in document["items"]] == [("Good", "cadence")]
    assert document["problems"] == [
        {
            "path": "contacts/bad.md",
            "line": 3,
            "severity": "error",
            "message": f"{MAPPING_VALUES_ERROR}; this note is left out until fixed",
        }
    ]
    markdown = run("--vault", str(vault), "digest", "--today", "2026-11-21", "--format", "markdown")
    assert (
        f"- [contacts/bad.md:3](contacts/bad.md): error: {MAPPING_VALUES_ERROR}; "
        "this note is left out until fixed"
    ) in markdown.stdout.splitlines()
    assert markdown.stdout.index("## Problems") < markdown.stdout.index("## Today")


def test_an_unreadable_note_is_a_problem_not_a_crash(vault):
    write(vault, "contacts/good.md", "---\nname: Good\ncadence: 1 week\n---\n")
    (vault / "contacts" / "binary.md").write_bytes(b"---\nname: \xff\xfe\n---\n")
    document = json.loads(run("--vault", str(vault), "digest", "--format", "json").stdout)
    assert [i["contact"] for i in document["items"]] == ["Good"]
    assert document["problems"][0]["path"] == "contacts/binary.md"
    assert document["problems"][0]["line"] == 2


# -- digest options and the digest file ------------------------------------------


def test_write_creates_the_digest_file_once_and_leaves_it_alone_when_unchanged(example_vault):
    args = ("--vault", str(example_vault), "digest", "--today", "2026-11-21", "--write")
    first = run(*args)
    assert first.exit_code == 0
    assert first.stdout == ""
    assert first.stderr.startswith("DUE.md: written (")
    digest_file = example_vault / "DUE.md"
    assert digest_file.read_text(encoding="utf-8") == (GOLDEN / "digest.md").read_text(
        encoding="utf-8"
    )
    before = digest_file.stat().st_mtime_ns
    second = run(*args)
    assert second.stderr.startswith("DUE.md: unchanged (")
    assert digest_file.stat().st_mtime_ns == before


def test_digest_links_are_relative_to_where_the_digest_file_lives(vault):
    (vault / "netnotes.toml").write_text('digest = "notes/due/DUE.md"\n')
    write(vault, "contacts/team/jo ann.md", "---\nname: Jo Ann\ncadence: 1 week\n---\n")
    run("--vault", str(vault), "digest", "--today", "2026-11-21", "--write")
    text = (vault / "notes" / "due" / "DUE.md").read_text(encoding="utf-8")
    assert "[Jo Ann](../../contacts/team/jo%20ann.md)" in text


def test_horizon_option_widens_upcoming(vault):
    write(vault, "contacts/a.md", "---\nname: A\nbirthday: 12-01\n---\n")
    args = ("--vault", str(vault), "digest", "--today", "2026-11-21", "--format", "json")
    assert json.loads(run(*args).stdout)["items"] == []
    wide = json.loads(run(*args, "--horizon", "2 weeks").stdout)
    assert wide["horizon_days"] == 14
    assert [i["kind"] for i in wide["items"]] == ["birthday"]


def test_bad_today_and_horizon_values_are_usage_errors(vault):
    result = run("--vault", str(vault), "digest", "--today", "2026-02-30")
    assert result.exit_code == 2
    assert "'2026-02-30' is not a valid date" in result.stderr
    result = run("--vault", str(vault), "digest", "--horizon", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a duration" in result.stderr


def test_text_format_has_no_colour_when_not_a_terminal(example_vault):
    result = run(
        "--vault", str(example_vault), "digest", "--today", "2026-11-21", "--format", "text"
    )
    assert "\x1b[" not in result.stdout
    assert result.stdout.startswith(
        "Due on 2026-11-21 — 3 overdue · 3 today · 6 upcoming · 3 to reconnect\n"
    )


def test_empty_vault_says_nothing_is_due(vault):
    result = run("--vault", str(vault), "digest", "--today", "2026-11-21", "--format", "markdown")
    assert "Nothing due. Your network is in good shape." in result.stdout


# -- finding the vault -----------------------------------------------------------


def test_vault_from_environment_and_from_an_ancestor_folder(example_vault, tmp_path):
    env_result = run("digest", "--format", "json", env={"NETNOTES_VAULT": str(example_vault)})
    assert env_result.exit_code == 0
    nested = example_vault / "contacts" / "school"
    ancestor = run("digest", "--today", "2026-11-21", "--format", "json", cwd=nested)
    assert ancestor.exit_code == 0
    assert len(json.loads(ancestor.stdout)["items"]) == 15


def test_no_vault_is_a_clear_error_that_says_how_to_make_one(tmp_path):
    result = run("digest", cwd=tmp_path, env={"NETNOTES_VAULT": ""})
    assert result.exit_code == 1
    assert "No netnotes vault here" in result.stderr
    assert "netnotes init DIR" in result.stderr
    result = run("--vault", str(tmp_path), "digest")
    assert result.exit_code == 1
    assert "is not a netnotes vault: it has no netnotes.toml" in result.stderr


def test_a_broken_config_names_the_file_and_the_setting(vault):
    (vault / "netnotes.toml").write_text('[rules]\nnudge_after = "a while"\n')
    result = run("--vault", str(vault), "digest")
    assert result.exit_code == 1
    assert "netnotes.toml: rules.nudge_after: 'a while' is not a duration" in result.stderr
    (vault / "netnotes.toml").write_text("horizon = \n")
    result = run("--vault", str(vault), "digest")
    assert result.exit_code == 1
    assert "netnotes.toml: not valid TOML" in result.stderr
    assert "line 1" in result.stderr


def test_hidden_template_and_cache_folders_are_not_contacts(vault):
    for relative in ("contacts/.hidden.md", "contacts/.obsidian/x.md", "contacts/templates/t.md",
                     "contacts/.netnotes/c.md", "contacts/.git/g.md", "templates/contact.md"):  # fmt: skip
        write(vault, relative, "---\nname: Ghost\ncadence: 1 day\n---\n")
    write(vault, "contacts/deep/er/real.md", "---\nname: Real\ncadence: 1 day\n---\n")
    items = json.loads(run("--vault", str(vault), "digest", "--format", "json").stdout)["items"]
    assert [(i["contact"], i["path"]) for i in items] == [("Real", "contacts/deep/er/real.md")]


# -- check -------------------------------------------------------------------------


def test_check_lists_problems_as_path_line_and_exits_1_on_errors(vault):
    write(
        vault, "contacts/a.md", "---\nname: Ann\nemails: [ann@x.example]\ncadance: 1 month\n---\n"
    )
    write(
        vault,
        "contacts/b.md",
        "---\nname: Bea\nemails: [ANN@x.example]\n---\n## Log\n- 2026-02-30 call\n",
    )
    write(vault, "contacts/c.md", "---\nname: ann\ncadence: sometimes\n---\n")
    result = run("--vault", str(vault), "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "contacts/a.md:4: warning: unknown key 'cadance': did you mean 'cadence'?",
        "contacts/b.md:3: warning: same email as contacts/a.md ('ann@x.example'): one person in two files?",
        "contacts/b.md:6: error: log entry: '2026-02-30' is not a valid date "
        "(day is out of range for month); entry skipped",
        "contacts/c.md:2: warning: same name as contacts/a.md ('ann'): one person in two files?",
        "contacts/c.md:3: error: cadence: 'sometimes' is not a duration: write e.g. '2 weeks', "
        "'3 months', '1 year', '90d', '6w', '3mo', '1y', 'monthly', 'quarterly' or 'none'",
    ]
    assert result.stderr == "3 notes checked: 2 errors, 3 warnings\n"


def test_check_on_a_clean_vault_exits_0(example_vault):
    result = run("--vault", str(example_vault), "check")
    assert result.exit_code == 0
    assert result.stdout == ""
    # 15 contacts, 2 meeting notes and a daily note
    assert result.stderr == "18 notes checked: 0 errors, 0 warnings\n"


def test_check_with_only_warnings_exits_0(vault):
    write(vault, "contacts/a.md", "---\nname: A\nbirthdat: 01-01\n---\n")
    result = run("--vault", str(vault), "check")
    assert result.exit_code == 0
    assert (
        result.stdout
        == "contacts/a.md:3: warning: unknown key 'birthdat': did you mean 'birthday'?\n"
    )


def test_debug_shows_the_traceback(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--debug", "--vault", str(tmp_path), "digest"])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "VaultNotFound"


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    import sys

    from netnotes import cli as cli_module

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli_module._colour_wanted() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli_module._colour_wanted() is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert cli_module._colour_wanted() is False


def test_text_rendering_with_colour_styles_the_groups(example_vault):
    import click

    from netnotes.app.digest import build_digest
    from netnotes.core.render import render_text
    from netnotes.store.vault import open_vault

    from .conftest import day

    digest = build_digest(open_vault(example_vault), day("2026-11-21"))
    coloured = render_text(digest, click.style)
    assert "\x1b[31m\x1b[1mOverdue\x1b[0m" in coloured
    assert click.unstyle(coloured) == render_text(digest)


def test_digest_takes_today_from_netnotes_today_like_every_dated_command(example_vault):
    pinned = run("--vault", str(example_vault), "digest", "--format", "json",
                 env={"NETNOTES_TODAY": "2026-11-21"})  # fmt: skip
    assert pinned.stdout == (GOLDEN / "digest.json").read_text(encoding="utf-8")


# -- homonyms: two people of one name (issue 22) -------------------------------------------


def test_notes_marked_as_different_people_are_no_duplicates(vault):
    contacts = vault / "contacts"
    (contacts / "anna-ali.md").write_text("---\nname: Anna Ali\ncompany: Acme\n---\n")
    (contacts / "anna-ali-2.md").write_text(
        "---\nname: Anna Ali\ncompany: Globex\nnot_same_as: [[anna-ali]]\n---\n"
    )
    (contacts / "bo.md").write_text("---\nname: Bo Ek\n---\n")
    (contacts / "bo-2.md").write_text("---\nname: Bo Ek\n---\n")
    check = run("--vault", str(vault), "check")
    assert check.stdout == (
        "contacts/bo.md:2: warning: same name as contacts/bo-2.md ('bo ek'): one person in two files?\n"
    )
    assert (
        run("--vault", str(vault), "dupes").stdout
        == "contacts/bo-2.md  contacts/bo.md  same name: bo ek\n"
    )
    (contacts / "bo.md").write_text("---\nname: Bo Ek\nnot_same_as: contacts/bo-2.md\n---\n")
    assert run("--vault", str(vault), "check").stdout == ""
    assert run("--vault", str(vault), "dupes").stdout == ""
    assert (
        json.loads(run("--vault", str(vault), "digest", "--format", "json").stdout)["problems"]
        == []
    )


# -- warnings that do not drown the digest (issue 22) -----------------------------------------


def test_notes_not_about_people_and_stub_contacts_raise_no_problem(vault):
    reading = vault / "reading"
    reading.mkdir()
    for n in range(100):  # Readwise exports: YAML only Obsidian accepts, no date, no people
        (reading / f"book-{n}.md").write_text(
            f"---\ntitle: Book {n}\nauthor: @someone on Twitter\n---\n\n- a [[highlight {n}]]\n"
        )
    for n in range(40):  # stubs: a contact with no front matter
        (vault / "contacts" / f"stub-{n}.md").write_text(f"# Stub Person {n}\n\nMet at PyCon.\n")
    digest = json.loads(run("--vault", str(vault), "digest", "--format", "json").stdout)
    assert digest["problems"] == []
    assert run("--vault", str(vault), "check").stdout == ""
    listed = run("--vault", str(vault), "list", "--format", "json").stdout
    assert len(json.loads(listed)) == 40


def test_a_meeting_note_whose_yaml_fails_is_still_reported(vault):
    meetings = vault / "meetings"
    meetings.mkdir()
    (meetings / "2026-11-20 Coffee.md").write_text("---\nattendees: @ann\n---\n")
    (vault / "reading.md").write_text("---\nauthor: @someone\n---\n")
    result = run("--vault", str(vault), "check")
    assert result.stdout == (
        "meetings/2026-11-20 Coffee.md:2: warning: front matter: found character that cannot "
        "start any token; its date and attendees are not read\n"
    )


def test_the_digest_counts_warnings_and_check_groups_them(vault):
    for n in range(6):
        (vault / "contacts" / f"p{n}.md").write_text(
            f"---\nname: P{n}\nbrithday: 1990-01-0{n + 1}\n---\n"
        )
    (vault / "contacts" / "bad.md").write_text("---\nname: [Bad\n---\n")
    (vault / "contacts" / "q.md").write_text("---\nname: P0\n---\n")
    env = {"NETNOTES_TODAY": "2026-11-21"}
    text = run("--vault", str(vault), "digest", "--format", "markdown", env=env).stdout
    problems = text.split("## Problems\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert problems[1:] == [
        "- 6 warnings: `netnotes check` lists them",
        "- 1 note shares a name or e-mail with another: `netnotes dupes` lists them "
        "(`not_same_as:` tells two people apart)",
    ]
    assert problems[0].startswith("- [contacts/bad.md:3](contacts/bad.md): error: front matter")
    check = run("--vault", str(vault), "check").stdout.splitlines()
    assert check[1:4] == [
        "contacts/p0.md:3: warning: unknown key 'brithday': did you mean 'birthday'?",
        "contacts/p1.md:3: warning: unknown key 'brithday': did you mean 'birthday'?",
        "contacts/p2.md:3: warning: unknown key 'brithday': did you mean 'birthday'?",
    ]
    assert check[4] == "... and 3 more like it: unknown key …: did you mean …? (--all lists them)"
    assert len(run("--vault", str(vault), "check", "--all").stdout.splitlines()) == 8


# -- find's shortcuts, held to the plain fold they stand in for -------------------------------

_LINES = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from(["Call Jill", "CAFÉ central", "tea\tcup",
                                                     "  call  ", "Ǆ", "ﬁle", "x\u0301y"])),
    max_size=6,
)  # fmt: skip


def _plain_find_hits(query, people, texts):
    """find_hits as it was before its shortcuts: every field and line folded alone."""
    from netnotes.app.views import Hit
    from netnotes.core.names import fold

    wanted = fold(query)
    hits = []
    for person in people:
        if any(wanted in fold(value) for value in person.searchable()):
            hits.append(Hit(person, person.name_line, person.name))
            continue
        text = texts.get(person.path, "")
        for number, line in enumerate(text.splitlines(), start=1):
            if wanted in fold(line):
                hits.append(Hit(person, number, line.strip()))
                break
    return hits


@settings(max_examples=400, deadline=None)
@example("lee acme", ["Lee", "Acme Corp"], [])  # two fields side by side: no match
@example("call", [], ["tea", "  CALL  me", "call"])  # the first line that holds it
@given(
    st.one_of(st.text(min_size=1, max_size=6),
              st.sampled_from(["call", "café", "a b", "ǆ", "fi", "lee acme", "corp"])),
    st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["Lee", "Acme Corp", "Café "])),
             max_size=4), _LINES,
)  # fmt: skip
def test_find_hits_are_those_of_folding_every_field_and_line(query, fields, lines):
    from netnotes.app.views import find_hits
    from netnotes.core.identity import Summary
    from netnotes.core.names import fold

    if not fold(query):
        return
    person = Summary("contacts/a.md", "Ann", tuple(fields), (), (), None, None, (), None, None,
                     (), 2, None)  # fmt: skip
    texts = {"contacts/a.md": "\n".join(lines)}
    assert find_hits(query, [person], texts) == _plain_find_hits(query, [person], texts)


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=201, max_size=400))
def test_folding_a_long_text_removes_exactly_the_combining_marks(text):
    import unicodedata

    from netnotes.core.names import fold

    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    assert fold(text) == " ".join(bare.casefold().split())
