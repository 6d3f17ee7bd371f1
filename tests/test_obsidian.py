"""Issue 12: people's notes read the way they already write them (Obsidian and friends).

Every test writes its note inline, in the shapes real vaults hold.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from netnotes.cli import cli
from netnotes.core.config import load_config
from netnotes.core.dates import Birthday, Duration, parse_duration
from netnotes.core.fields import profile
from netnotes.core.model import Direction, Severity, TaskState
from netnotes.core.parse import parse_note
from netnotes.core.reading import BUILT_IN_SYNONYMS

from .conftest import contact_from, dedent

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


def parse(text: str, path: str = "contacts/someone.md", reading=None):
    kwargs = {"reading": reading} if reading is not None else {}
    return parse_note(path, dedent(text).encode("utf-8"), **kwargs)


def said(problems) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.severity.value, p.message) for p in problems]


def run(vault, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def ok(vault, *args: str):
    """Run a command that must succeed; its output says why when it does not."""
    result = run(vault, *args)
    assert result.exit_code == 0, result.output
    return result


# -- 1. keys as people spell them -------------------------------------------------------


def test_keys_match_without_regard_to_case():
    contact = contact_from(
        """
        ---
        Name: Sam Ortiz
        Company: Flywheel
        Tags: [investor]
        Birthday: 1985-11-24
        Last_Contact: 2026-10-01
        ---
        """
    )
    assert (contact.name, contact.company, contact.tags) == ("Sam Ortiz", "Flywheel", ("investor",))
    assert contact.birthday == Birthday(11, 24, 1985)
    assert contact.last_contact == date(2026, 10, 1)
    assert contact.key_lines["birthday"] == 5  # problems and writes find the line


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [(spelling, key) for key, spellings in BUILT_IN_SYNONYMS.items() for spelling in spellings],
)
def test_every_built_in_spelling_is_read_as_its_key(spelling, canonical):
    values = {
        "name": ("Ana Lima", "Ana Lima"),
        "tags": ("founder", ("founder",)),
        "follow_up": ("2026-12-01", date(2026, 12, 1)),
        "birthday": ("11-24", Birthday(11, 24)),
        "emails": ("a@x.example", ("a@x.example",)),
        "phones": ("+1 555 0100", ("+1 555 0100",)),
        "company": ("Acme", "Acme"),
        "role": ("CTO", "CTO"),
        "aliases": ("Sammy", ("Sammy",)),
        "met": ("2019-05-02", date(2019, 5, 2)),
        "connected": ("2019-05-02", "2019-05-02"),
        "last_contact": ("2026-10-01", date(2026, 10, 1)),
        "cadence": ("3 months", Duration(months=3)),
    }
    written, expected = values[canonical]
    named = "" if canonical == "name" else "name: A\n"  # the spelling names the person
    contact, problems = parse(f"---\n{named}{spelling}: {written}\n---\n")
    # `connected` is kept as written (it is no date netnotes counts): shown by the profile.
    read = profile(contact)[canonical] if canonical == "connected" else getattr(contact, canonical)
    assert read == expected
    assert problems == []  # understood: no typo warning


def test_title_is_left_alone_it_is_often_the_page_title():
    contact, problems = parse("---\nname: A\ntitle: Notes on A\n---\n")
    assert contact.role is None and problems == []


def test_a_vault_maps_its_own_spellings_in_netnotes_toml():
    config, problems = load_config('[keys]\nbirthday = ["fødselsdag", "prm-birthday"]\n')
    assert problems == []
    contact, problems = parse("---\nname: A\nFødselsdag: 24 Nov\n---\n", reading=config.reading)
    assert contact.birthday == Birthday(11, 24) and problems == []
    contact, _ = parse("---\nname: A\nprm-birthday: 1990-01-02\n---\n", reading=config.reading)
    assert contact.birthday == Birthday(1, 2, 1990)


def test_a_vault_cannot_map_a_spelling_to_a_key_netnotes_does_not_read():
    from netnotes.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"keys.shoe_size: not a key netnotes reads"):
        load_config('[keys]\nshoe_size = ["shoe"]\n')


def test_a_key_held_twice_under_two_spellings_is_a_warning_and_the_first_counts():
    contact, problems = parse(
        """
        ---
        name: A
        company: First
        Organization: Second
        email: first@x.example
        E-mail: second@x.example
        ---
        """
    )
    assert contact.company == "First"
    assert said(problems) == [
        (
            4,
            "warning",
            "'Organization' and 'company' (line 3) are both the company: netnotes reads "
            "'company'; delete one",
        )
    ]
    # A list under two spellings is one list (`EMAIL[HOME]` and `EMAIL[WORK]` too).
    assert contact.emails == ("first@x.example", "second@x.example")


def test_typo_warnings_still_catch_real_typos_but_not_understood_spellings():
    _, problems = parse("---\nname: A\nbirthdat: 01-01\nDOB: 01-02\nfavourite: x\n---\n")
    assert said(problems) == [(3, "warning", "unknown key 'birthdat': did you mean 'birthday'?")]


def test_snooze_writes_the_key_the_note_already_has_in_its_spelling(vault):
    note = vault / "contacts" / "sam.md"
    note.write_text("---\nName: Sam\nSnooze: 2026-01-01\n---\n", encoding="utf-8")
    result = run(vault, "snooze", "Sam", "2026-12-24")
    assert result.exit_code == 0, result.output
    assert note.read_bytes() == b"---\nName: Sam\nSnooze: 2026-12-24\n---\n"


def test_log_next_writes_follow_up_in_the_notes_spelling_and_log_finds_its_log(vault):
    note = vault / "contacts" / "sam.md"
    note.write_text(
        "---\nname: Sam\nFollow_Up: 2026-01-01\n---\n## 📝 Interaction Log\n- 2026-11-01 call\n",
        encoding="utf-8",
    )
    result = run(vault, "log", "Sam", "coffee", "--date", "2026-11-20", "--next", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert note.read_text(encoding="utf-8") == (
        "---\nname: Sam\nFollow_Up: 2026-12-01\n---\n## 📝 Interaction Log\n"
        "- 2026-11-20 coffee\n- 2026-11-01 call\n"
    )


# -- 2. dates as people write them ------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ['"[[2026-11-19]]"', "[[2026-11-19]]", "2026-11-19T14:30", "2026-11-19 14:30",
     "2026/11/19", '"[[2026-11-19|Thursday]]"'],
)  # fmt: skip
def test_front_matter_dates_as_people_write_them(written):
    contact, problems = parse(f"---\nname: A\nlast_contact: {written}\n---\n")
    assert contact.last_contact == date(2026, 11, 19)
    assert problems == []


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("--1124", Birthday(11, 24)),
        ("--11-24", Birthday(11, 24)),
        ("19801124", Birthday(11, 24, 1980)),
        ("November 24", Birthday(11, 24)),
        ("24 Nov", Birthday(11, 24)),
        ("July 22nd", Birthday(7, 22)),
        ('"Nov 24, 1985"', Birthday(11, 24, 1985)),
        ("1604-11-24", Birthday(11, 24)),  # Apple's year for "no year"
        ("1990-11-25T00:00:00", Birthday(11, 25, 1990)),
        ("[[1985-11-24]]", Birthday(11, 24, 1985)),
    ],
)
def test_birthdays_as_phones_and_people_write_them(written, expected):
    contact, problems = parse(f"---\nname: A\nbirthday: {written}\n---\n")
    assert contact.birthday == expected
    assert problems == []


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("11/24/1985", "write 1985-11-24 (24 November)"),
        ("05/06/2020", "write 2020-05-06 (6 May) or 2020-06-05 (5 June)"),
    ],
)
def test_a_numeric_date_whose_order_is_ambiguous_is_a_problem_with_the_fix(written, fix):
    contact, problems = parse(f"---\nname: A\nbirthday: {written}\nmet: {written}\n---\n")
    assert contact.birthday is None and contact.met is None
    message = (
        f"'{written}': netnotes does not guess which number is the month "
        f"(the order differs by country): {fix}"
    )
    assert said(problems) == [
        (3, "error", f"birthday: {message}"),
        (4, "error", f"met: {message}"),
    ]


# -- 3. log lines as people write them ---------------------------------------------------


def test_log_lines_as_people_write_them():
    contact, problems = parse(
        """
        ---
        name: A
        ---
        ## Log
        - 2026-11-10: call: a colon after the date
        - [[2026-11-11]] a daily note's link
        - [[2026-11-12|Thursday]] a link with its own words
        - **2026-11-13** -> email: bold
        - 2026/11/14 slashes
        - 2026-11-15 14:30 coffee: with a time
        - [x] 2008-01-11: Phone.
        - [ ] 2026-11-16 an open task is a task, not contact
        """
    )
    assert problems == []
    assert [(str(e.on), e.direction, e.kind, e.text, e.line) for e in contact.interactions] == [
        ("2008-01-11", Direction.BOTH, None, "Phone.", 11),
        ("2026-11-10", Direction.BOTH, "call", "a colon after the date", 5),
        ("2026-11-11", Direction.BOTH, None, "a daily note's link", 6),
        ("2026-11-12", Direction.BOTH, None, "a link with its own words", 7),
        ("2026-11-13", Direction.OUT, "email", "bold", 8),
        ("2026-11-14", Direction.BOTH, None, "slashes", 9),
        ("2026-11-15", Direction.BOTH, "coffee", "14:30 with a time", 10),
    ]


@pytest.mark.parametrize(
    "heading",
    ["## 📝 Interaction Log", "### 1:1 Log", "## Meetings", "## Conversations", "## History",
     "## Contact log", "## Timeline", "## interactions:"],
)  # fmt: skip
def test_log_headings_as_people_title_them(heading):
    contact = contact_from(f"---\nname: A\n---\n{heading}\n- 2026-11-10 call\n")
    assert [str(e.on) for e in contact.interactions] == ["2026-11-10"]


def test_other_headings_are_no_log_and_a_vault_can_name_its_own():
    note = "---\nname: A\n---\n## Notes from calls\n- 2026-11-10 call\n"
    assert contact_from(note).interactions == ()
    config, _ = load_config('[log]\nheadings = ["notes from calls"]\n')
    contact, _ = parse(note, reading=config.reading)
    assert [str(e.on) for e in contact.interactions] == ["2026-11-10"]


def test_a_table_under_a_log_heading_is_read_row_by_row():
    contact, problems = parse(
        """
        ---
        name: A
        ---
        ## Interactions

        | Date | Type | Notes |
        |------|------|-------|
        | 2026-11-10 | -> email | sent the deck |
        | [[2026-11-12]] | coffee | talked hiring |
        |  | call | no date: not an interaction |
        | 2026-11-14 | | just a note |
        """
    )
    assert problems == []
    assert [(str(e.on), e.direction, e.kind, e.text, e.line) for e in contact.interactions] == [
        ("2026-11-10", Direction.OUT, "email", "sent the deck", 8),
        ("2026-11-12", Direction.BOTH, "coffee", "talked hiring", 9),
        ("2026-11-14", Direction.BOTH, None, "just a note", 11),
    ]


def test_a_dated_heading_in_a_biography_is_no_meeting_but_meeting_notes_style_still_is():
    contact, problems = parse(
        """
        ---
        name: Benny
        ---
        # Benny

        ### 2026-10-14 Blue Bottle

        ## Story
        ### 1985-03-02 Born
        ### 2001-09-01 Moved to Berlin
        ### 2019-05-02 Coffee at PyCon

        ## Log
        ### 2026-11-02 Lunch
        """
    )
    assert problems == []
    assert [(str(e.on), e.text) for e in contact.interactions] == [
        ("2019-05-02", "Coffee at PyCon"),  # names a meeting, whatever the section
        ("2026-10-14", "Blue Bottle"),  # directly under the note's title
        ("2026-11-02", "Lunch"),  # under a log heading
    ]


# -- 4. cadence as people write it ----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("biweekly", Duration(days=14)),
        ("Bi-Weekly", Duration(days=14)),
        ("fortnightly", Duration(days=14)),
        ("semiannually", Duration(months=6)),
        ("bi-annually", Duration(months=6)),
        ("twice a year", Duration(months=6)),
        ("every 2 weeks", Duration(days=14)),
        ("Every Month", Duration(months=1)),
        ("daily", Duration(days=1)),
        ("30", Duration(days=30)),
    ],
)
def test_cadence_as_people_write_it(written, expected):
    contact, problems = parse(f"---\nname: A\ncadence: {written}\n---\n")
    assert contact.cadence == expected and problems == []


def test_a_bare_number_is_days_only_as_a_cadence():
    with pytest.raises(ValueError):
        parse_duration("30")  # a horizon or --next of "30" stays an error: 30 what?


# -- 5. files in the people folder that are not people ------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "reason"),
    [
        ("contacts/_template.md", "---\nname: X\n---\n", "its name starts with '_'"),
        ("contacts/README.md", "# About this folder\n", "a folder's README file"),
        ("contacts/index.md", "# Index\n", "a folder's index file"),
        ("contacts/clients/Clients.md", "# All clients\n", "a folder note (named like its folder)"),
        ("contacts/acme.md", "---\ntype: Organization\n---\n",
         "its type is 'organization', not a person"),
        ("contacts/berlin.md", "---\nKind: place\n---\n", "its type is 'place', not a person"),
    ],
)  # fmt: skip
def test_files_that_are_not_people_are_left_out_with_the_reason(path, text, reason):
    contact, problems = parse(text, path=path)
    assert contact is None
    assert [(p.severity, p.message) for p in problems] == [
        (Severity.INFO, f"not read as a contact: {reason}")
    ]


def test_check_lists_what_it_left_out_once_and_the_digest_never(vault):
    (vault / "netnotes.toml").write_text('exclude = ["contacts/companies/*"]\n')
    contacts = vault / "contacts"
    (contacts / "companies").mkdir()
    (contacts / "companies" / "acme.md").write_text("---\nname: Acme\n---\n")
    (contacts / "Templates").mkdir()
    (contacts / "Templates" / "person.md").write_text("---\nname: {{title}}\n---\n")
    (contacts / "_draft.md").write_text("---\nname: Draft\n---\n")
    (contacts / "sam.md").write_text("---\nname: Sam\nmet: {{date}}\n---\n")
    checked = run(vault, "check")
    assert checked.exit_code == 0
    assert checked.stdout == (
        "contacts/_draft.md: info: not read as a contact: its name starts with '_'\n"
        "contacts/companies/acme.md: info: not read as a contact: an exclude pattern in "
        "netnotes.toml matches it\n"
    )
    assert checked.stderr == "3 notes checked: 0 errors, 0 warnings, 2 not read as contacts\n"
    listed = run(vault, "list", "--format", "paths")
    assert listed.stdout == "contacts/sam.md\n"
    digest = json.loads(run(vault, "digest", "--format", "json").stdout)
    assert digest["problems"] == []


def test_template_placeholders_are_no_value_and_no_error():
    contact, problems = parse(
        """
        ---
        name: Sam
        met: {{date}}
        birthday: <% tp.date.now() %>
        company: "{{company}}"
        ---
        # {{title}}
        """
    )
    assert (contact.met, contact.birthday, contact.company) == (None, None, None)
    assert problems == []


# -- 6. Obsidian Tasks and Dataview ------------------------------------------------------


def test_tasks_dates_statuses_and_priorities_as_the_tasks_plugin_reads_them():
    contact, problems = parse(
        """
        ---
        name: A
        ---
        - [ ] due 📅 2026-11-20
        - [ ] due calendar 📆 2026-11-21
        - [ ] due spiral 🗓️ 2026-11-22
        - [ ] scheduled only ⏳ 2026-11-23
        - [ ] not started 🛫 2026-12-01 📅 2026-11-24
        - [/] in progress [due:: 2026-11-25]
        - [?] unknown status (due:: 2026-11-26)
        - [ ] spaced [ due :: 2026-11-27 ]
        - [x] done ✅ 2026-11-01 📅 2026-11-01
        - [-] cancelled ❌ 2026-11-02 📅 2026-11-02
        - [ ] urgent ⏫ 📅 2026-11-20
        - [ ] water plants 🔁 every week 📅 2026-11-20
        """
    )
    assert problems == []
    assert [(t.text, t.state, t.due, t.scheduled, t.start, t.priority) for t in contact.tasks] == [
        ("due", TaskState.OPEN, date(2026, 11, 20), None, None, 3),
        ("due calendar", TaskState.OPEN, date(2026, 11, 21), None, None, 3),
        ("due spiral", TaskState.OPEN, date(2026, 11, 22), None, None, 3),
        ("scheduled only", TaskState.OPEN, None, date(2026, 11, 23), None, 3),
        ("not started", TaskState.OPEN, date(2026, 11, 24), None, date(2026, 12, 1), 3),
        ("in progress", TaskState.OPEN, date(2026, 11, 25), None, None, 3),
        ("unknown status", TaskState.OPEN, date(2026, 11, 26), None, None, 3),
        ("spaced", TaskState.OPEN, date(2026, 11, 27), None, None, 3),
        ("done", TaskState.DONE, date(2026, 11, 1), None, None, 3),
        ("cancelled", TaskState.CANCELLED, date(2026, 11, 2), None, None, 3),
        ("urgent", TaskState.OPEN, date(2026, 11, 20), None, None, 1),
        ("water plants", TaskState.OPEN, date(2026, 11, 20), None, None, 3),
    ]
    assert contact.tasks[-1].recurrence == "every week"


def test_the_digest_shows_tasks_by_due_or_scheduled_date_after_their_start_by_priority(vault):
    (vault / "contacts" / "a.md").write_text(
        dedent(
            """
            ---
            name: Ann
            ---
            - [ ] low one 🔽 📅 2026-11-21
            - [ ] plain one 📅 2026-11-21
            - [ ] top one 🔺 📅 2026-11-21
            - [ ] scheduled one ⏳ 2026-11-22
            - [ ] not yet 🛫 2026-11-25 📅 2026-11-22
            - [ ] started 🛫 2026-11-20 📅 2026-11-23
            """
        )
    )
    items = json.loads(run(vault, "digest", "--format", "json").stdout)["items"]
    assert [(item["due"], item["text"]) for item in items] == [
        ("2026-11-21", "task: top one"),
        ("2026-11-21", "task: plain one"),
        ("2026-11-21", "task: low one"),
        ("2026-11-22", "task: scheduled one"),
        ("2026-11-23", "task: started"),
    ]


def test_tasks_in_callouts_and_quotes_count_log_lines_in_them_do_not():
    contact = contact_from(
        """
        ---
        name: A
        ---
        ## Log
        > [!todo]
        > - [ ] in a callout 📅 2026-11-20
        > - 2026-11-01 quoted line

        > - [ ] in a quote 📅 2026-11-21
        """
    )
    assert [(t.text, t.line) for t in contact.tasks] == [("in a callout", 6), ("in a quote", 9)]
    assert contact.interactions == ()


# -- 7. YAML as Obsidian users write it ------------------------------------------------------


def test_an_unquoted_wikilink_is_read_as_the_link_it_is():
    contact, problems = parse("---\nname: A\ncompany: [[Flywheel]]\nmet: [[2026-11-19]]\n---\n")
    assert (contact.company, contact.met, problems) == ("Flywheel", date(2026, 11, 19), [])


def test_a_value_yaml_refuses_is_recovered_as_text_with_how_to_quote_it():
    contact, problems = parse("---\nname: A\nCompany: [[Flywheel]] [[Adbase]]\nrole: CTO\n---\n")
    assert (contact.company, contact.role) == ("Flywheel, Adbase", "CTO")
    assert said(problems) == [
        (
            3,
            "warning",
            "Company: YAML cannot read [[Flywheel]] [[Adbase]] as written, so netnotes read it "
            'as "[[Flywheel]] [[Adbase]]": write Company: "[[Flywheel]] [[Adbase]]" to say so',
        )
    ]


def test_a_tag_yaml_swallows_as_a_comment_is_named():
    contact, problems = parse("---\nname: A\ntags: #People\n---\n")
    assert contact.tags == ()
    assert said(problems) == [
        (
            3,
            "warning",
            "'#People' is a YAML comment here, so it is not read: write 'People' without "
            "the '#', or quote it: \"#People\"",
        )
    ]
    contact, problems = parse("---\nname: A\ntags:\n  - friend\n  - #person\n---\n")
    assert contact.tags == ("friend",)
    assert [p.line for p in problems] == [5]


def test_a_flow_list_of_hash_tags_is_read_as_tags_with_a_warning():
    contact, problems = parse("---\nname: A\ntags: [#person, #friend]\n---\n")
    assert contact.tags == ("person", "friend")
    assert said(problems) == [
        (
            3,
            "warning",
            "tags: YAML cannot read [#person, #friend] as written, so netnotes read it as "
            '["#person", "#friend"]: write tags: ["#person", "#friend"] to say so',
        )
    ]


def test_inline_tags_in_the_body_count_but_not_in_code_headings_links_or_tasks():
    contact = contact_from(
        """
        ---
        name: A
        tags: [friend]
        ---
        # A #notatag

        Works on #climate and #ml/vision, met via #Friend; not #123, not a#b.
        See [the page](https://x.example/#anchor) and [[Note#Heading]].
        Code: `#nocode`.

            #indented-code

        ```
        #fenced
        ```
        - [ ] #task call back
        """
    )
    assert contact.tags == ("friend", "climate", "ml/vision")


def test_what_an_obsidian_comment_hides_is_never_read():
    contact = contact_from(
        """
        ---
        name: A
        ---
        ## Log
        %%
        - 2026-11-01 hidden call
        - [ ] hidden task 📅 2026-11-02
        %%
        - 2026-11-03 shown %% with a hidden remark %%
        """
    )
    assert [(str(e.on), e.text) for e in contact.interactions] == [
        ("2026-11-03", "shown %% with a hidden remark %%")
    ]
    assert contact.tasks == ()


# -- the whole: an Obsidian-style vault, as its owner expects it read -------------------------


@pytest.fixture
def obsidian_vault(tmp_path):
    import shutil

    from .conftest import ROOT

    target = tmp_path / "vault"
    shutil.copytree(ROOT / "tests" / "golden" / "obsidian-vault", target)
    return target


def test_an_obsidian_vault_gives_exactly_the_items_its_owner_expects(obsidian_vault):
    """People folder `People`, capitalised and synonym keys, wikilinked and bold dates, an
    emoji log heading, a log table, Tasks emoji in a callout, a recovered YAML value, an
    organization note, a folder note, a template folder, and a biography's dated headings."""
    digest = json.loads(run(obsidian_vault, "digest", "--format", "json").stdout)
    sam, jill = "People/Sam Ortiz.md", "People/Jill Moreno.md"
    assert [
        (i["kind"], i["status"], i["due"], i["contact"], i["path"], i["line"], i["text"])
        for i in digest["items"]
    ] == [
        ("waiting", "overdue", "2026-10-09", "Sam Ortiz", sam, 20,
         "no reply to email sent 2026-10-02: sent the one-pager"),
        ("cadence", "overdue", "2026-11-02", "Sam Ortiz", sam, 7,
         "keep in touch every 1 month; last contact 2026-10-02"),
        # Her e-mail is the last word in her log table: an answer is owed.
        ("reply", "overdue", "2026-11-04", "Jill Moreno", jill, 14,
         "reply to their email of 2026-11-01: thanked me for the intro"),
        ("cadence", "overdue", "2026-11-15", "Jill Moreno", jill, 5,
         "keep in touch every 2 weeks; last contact 2026-11-01"),
        ("task", "overdue", "2026-11-20", "Sam Ortiz", sam, 16, "task: send him the pitch deck"),
        ("birthday", "upcoming", "2026-11-24", "Jill Moreno", jill, 3, "birthday on 24 November"),
        ("task", "upcoming", "2026-11-24", "Sam Ortiz", sam, 17,
         "task: ask about the fund's next close"),
    ]  # fmt: skip
    assert [(p["path"], p["line"], p["severity"]) for p in digest["problems"]] == [
        ("People/Benny.md", 3, "warning"),  # tags: #People, swallowed by YAML
        (sam, 4, "warning"),  # Company: [[Flywheel]] [[Adbase]], read as text
    ]
    checked = run(obsidian_vault, "check")
    assert [line.split(": ")[0:2] for line in checked.stdout.splitlines()] == [
        ["People/Acme Corp.md:2", "info"],
        ["People/Benny.md:3", "warning"],
        ["People/People.md", "info"],
        [f"{sam}:4", "warning"],
    ]
    assert checked.exit_code == 0
    listed = json.loads(run(obsidian_vault, "list", "--format", "json").stdout)
    assert [(row["name"], row["company"], row["tags"], row["last_contact"]) for row in listed] == [
        ("Benny", None, [], None),  # no false contact from "### 1985-03-02 Born"
        ("Jill Moreno", "Brightside PR", [], "2026-11-01"),
        ("Sam Ortiz", "Flywheel, Adbase", ["investor", "climate"], "2026-10-02"),
    ]


# -- writing into a log kept as a table -------------------------------------------------------


def test_log_adds_a_row_to_a_log_table_in_its_order_with_its_columns(vault):
    note = vault / "contacts" / "jill.md"
    note.write_text(
        dedent(
            """
            ---
            name: Jill
            ---
            ## Interactions

            | Date | Type | Notes |
            |------|------|-------|
            | 2026-10-20 | call | talked about the launch |
            | 2026-11-01 | <- email | thanked me |
            """
        ),
        encoding="utf-8",
    )
    ok(vault, "log", "Jill", "a | b", "--kind", "coffee", "--date", "2026-11-20")
    ok(vault, "log", "Jill", "notes", "--out", "--kind", "email", "--date", "2026-10-25")
    assert note.read_text(encoding="utf-8") == dedent(
        """
        ---
        name: Jill
        ---
        ## Interactions

        | Date | Type | Notes |
        |------|------|-------|
        | 2026-10-20 | call | talked about the launch |
        | 2026-10-25 | -> email | notes |
        | 2026-11-01 | <- email | thanked me |
        | 2026-11-20 | coffee | a \\| b |
        """
    )
    shown = json.loads(run(vault, "show", "Jill", "--format", "json").stdout)
    assert [(i["date"], i["kind"], i["text"]) for i in shown["recent"]][:2] == [
        ("2026-11-20", "coffee", "a | b"),
        ("2026-11-01", "email", "thanked me"),
    ]


def test_log_fills_an_empty_log_table_and_a_newest_first_one_at_the_top(vault):
    note = vault / "contacts" / "ann.md"
    note.write_text("---\nname: Ann\n---\n## Log\n| When | What |\n|---|---|\n", encoding="utf-8")
    ok(vault, "log", "Ann", "met", "--date", "2026-11-02")
    ok(vault, "log", "Ann", "call", "--date", "2026-11-05")
    ok(vault, "log", "Ann", "lunch", "--kind", "lunch", "--date", "2026-11-09")
    assert note.read_text(encoding="utf-8") == (
        "---\nname: Ann\n---\n## Log\n| When | What |\n|---|---|\n"
        "| 2026-11-02 | met |\n| 2026-11-05 | call |\n| 2026-11-09 | lunch: lunch |\n"
    )


# -- a recurring task's next occurrence, as the Tasks plugin writes it -----------------------


@pytest.mark.parametrize(
    ("rule", "reference", "done_on", "expected"),
    [  # the examples of the plugin's own docs (corpus/obsidian-tasks/docs/Recurring Tasks.md)
        ("every Sunday", "2021-04-25", "2021-04-24", "2021-05-02"),
        ("every week", "2021-02-06", "2022-02-13", "2021-02-13"),
        ("every week when done", "2021-02-06", "2022-02-13", "2022-02-20"),
        ("every month", "2021-10-31", "2021-10-31", "2021-11-30"),
        ("every month", "2022-01-30", "2022-01-30", "2022-02-28"),
        ("every month on the last", "2022-01-31", "2022-01-31", "2022-02-28"),
        ("every month on the 31st", "2022-01-31", "2022-01-31", "2022-03-31"),
        ("every 2 weeks", "2021-10-30", "2021-10-30", "2021-11-13"),
        ("every weekday", "2026-11-20", "2026-11-20", "2026-11-23"),
        ("every week on Tuesday, Friday", "2026-11-18", "2026-11-18", "2026-11-20"),
        ("every 3 days", "2026-01-01", "2026-01-01", "2026-01-04"),
        ("every year", "2024-02-29", "2024-02-29", "2025-02-28"),
    ],
)
def test_the_next_occurrence_of_the_rules_netnotes_computes(rule, reference, done_on, expected):
    from netnotes.core.recurrence import next_occurrence

    got = next_occurrence(rule, date.fromisoformat(reference), date.fromisoformat(done_on))
    assert got == date.fromisoformat(expected)


def test_done_on_a_recurring_task_writes_the_next_one_above_with_every_date_moved(vault):
    note = vault / "contacts" / "ann.md"
    note.write_text(
        "---\nname: Ann\n---\n- [ ] Mow the lawn 🔁 every 2 weeks ⏳ 2021-10-28 📅 2021-10-30\n",
        encoding="utf-8",
    )
    result = run(vault, "done", "Ann")
    assert result.exit_code == 0, result.output
    assert note.read_text(encoding="utf-8") == (
        "---\nname: Ann\n---\n"
        "- [ ] Mow the lawn 🔁 every 2 weeks ⏳ 2021-11-11 📅 2021-11-13\n"
        "- [x] Mow the lawn 🔁 every 2 weeks ⏳ 2021-10-28 📅 2021-10-30 ✅ 2026-11-21\n"
    )
    assert result.stdout.splitlines()[0] == ("contacts/ann.md:5: - [x] Mow the lawn ✅ 2026-11-21")


def test_done_on_an_in_progress_task_in_a_callout_with_a_dataview_rule(vault):
    note = vault / "contacts" / "ann.md"
    note.write_text(
        "---\nname: Ann\n---\n> [!todo]\n> - [/] call Ann [repeat:: every month] [due:: 2026-11-30]\n",
        encoding="utf-8",
    )
    ok(vault, "done", "Ann")
    assert note.read_text(encoding="utf-8") == (
        "---\nname: Ann\n---\n> [!todo]\n"
        "> - [ ] call Ann [repeat:: every month] [due:: 2026-12-30]\n"
        "> - [x] call Ann [repeat:: every month] [due:: 2026-11-30] ✅ 2026-11-21\n"
    )


def test_a_rule_netnotes_cannot_compute_changes_nothing_and_says_what_to_do(vault):
    note = vault / "contacts" / "ann.md"
    text = "---\nname: Ann\n---\n- [ ] pay 🔁 every month on the 2nd last Friday 📅 2026-11-20\n"
    note.write_text(text, encoding="utf-8")
    result = run(vault, "done", "Ann")
    assert result.exit_code == 1
    assert (
        "netnotes cannot work out the next occurrence of '🔁 every month on the 2nd last "
        "Friday'" in result.stderr
    )
    assert note.read_text(encoding="utf-8") == text


# -- round two of the vaults people keep (issue 25) ------------------------------------------


def test_a_markdown_crm_templates_keys_are_read():
    contact, problems = parse(
        """\
        ---
        FN: Ana Lima
        "EMAIL[HOME]": ana@home.example
        "EMAIL[WORK]": ana@lumen.example
        crm_tags: [founder]
        CATEGORIES: friends
        contact_cadence: 30
        next_contact_due: 2026-12-01
        ---
        """
    )
    assert (contact.name, contact.emails, contact.tags) == (
        "Ana Lima", ("ana@home.example", "ana@lumen.example"), ("founder", "friends"))  # fmt: skip
    assert (contact.cadence, contact.follow_up) == (Duration(days=30), date(2026, 12, 1))
    assert problems == []


def test_a_known_field_in_another_spelling_is_one_hint_not_silence():
    _, problems = parse(
        "---\nname: A\ncontact_email: a@x.example\ncompany_size: 40\nlast_name: L\n---\n"
    )
    assert [p.message for p in problems] == [
        "'contact_email' is not read; if it is the emails, say so in netnotes.toml: "
        '[keys] emails = ["contact_email"]'
    ]


def test_tags_on_a_line_of_their_own_at_the_top_of_the_body_are_read():
    contact, problems = parse("---\nname: A\n---\n#person #founder\n\nWorks at X. #mentor\n")
    assert (contact.tags, problems) == (("person", "founder", "mentor"), [])


@pytest.mark.parametrize("kind", ["org", "location", "group", "Org"])
def test_a_vcard_kind_that_is_no_person_is_not_a_contact(kind):
    contact, problems = parse(f"---\nKIND: {kind}\nFN: Acme\nbirthday: 2000-01-01\n---\n")
    assert contact is None
    assert [(p.severity.value, p.message) for p in problems] == [
        ("info", f"not read as a contact: its type is '{kind.lower()}', not a person")
    ]


def test_a_crm_templates_dated_headings_keep_their_direction_and_kind():
    """`### DATE — Email` with `**Direction:** Outbound`: an outreach, not a meeting."""
    contact, problems = parse(
        """\
        ---
        name: Dana
        ---
        ## Interactions

        ### 2026-11-02 — Email

        **Direction:** Outbound
        **Summary:** Asked about the data role

        ### 2026-10-20 — Meeting

        **Direction:** Both
        **Summary:** Coffee near her office
        """
    )
    assert problems == []
    assert [(str(i.on), i.direction.value, i.kind, i.text, i.is_meeting)
            for i in contact.interactions] == [
        ("2026-10-20", "both", "meeting", "Coffee near her office", True),
        ("2026-11-02", "out", "email", "Asked about the data role", False),
    ]  # fmt: skip
    from netnotes.core.config import Config
    from netnotes.core.rules import due_items

    found = [(i.kind.value, i.status.value, i.due.isoformat())
             for i in due_items([contact], date(2026, 11, 21), Config())]  # fmt: skip
    assert found == [("waiting", "overdue", "2026-11-09")]  # a nudge, no thank-you


# -- 8. interaction records in a person's folder ------------------------------------------


def test_interaction_notes_in_a_persons_folder_credit_the_person_and_are_no_contact(vault):
    """`contacts/alex-barnes/2026-11-10.md` with `people: [alex-barnes]`, `service: email`
    (a CRM's per-person interaction notes): contact for Alex, found by `slug:` or by file
    name, and never a contact of its own."""
    people = vault / "contacts"
    (people / "Alex Barnes.md").write_text(
        "---\nname: Alex Barnes\nslug: alex-barnes\ncadence: 30\n---\n\n## Log\n"
        "- 2026-06-01 coffee: the first one\n"
    )
    (people / "sam-ortiz.md").write_text("---\nname: Sam Ortiz\n---\n")
    (people / "alex-barnes").mkdir()
    (people / "alex-barnes" / "2026-11-10.md").write_text(
        "---\ndate: 2026-11-10\npeople: [alex-barnes]\nservice: email\n---\n\nAbout the role.\n"
    )
    (people / "sam-ortiz").mkdir()
    (people / "sam-ortiz" / "2026-11-19 Coffee.md").write_text(
        "---\npeople: [sam-ortiz]\ntype: coffee\n---\n"
    )
    (people / "sam-ortiz" / "2026-11-15 reading list.md").write_text(
        "# Reading list\n\n- Talked to [[Alex Barnes]] about books\n"
    )  # named by a day but listing nobody: a note of Sam's, and no contact for Alex
    (people / "call notes.md").write_text("---\ndate: 2026-11-12\nattendees: [sam-ortiz]\n---\n")

    listed = json.loads(ok(vault, "list", "--format", "json").stdout)
    assert [(row["name"], row["last_contact"]) for row in listed] == [
        ("Alex Barnes", "2026-11-10"),
        ("Reading list", None),
        ("Sam Ortiz", "2026-11-19"),
    ]
    digest = json.loads(ok(vault, "digest", "--format", "json").stdout)
    assert [(i["kind"], i["due"], i["contact"], i["text"]) for i in digest["items"]] == [
        (
            "thanks",
            "2026-11-20",
            "Sam Ortiz",
            "send a thank-you for the coffee on 2026-11-19: Coffee",
        ),
    ]  # Alex's e-mail of 2026-11-10 is his last contact: 30 days are not over
    assert [(p["path"], p["severity"], p["message"]) for p in digest["problems"]] == [
        ("contacts/call notes.md", "warning",
         "not read as a contact: a note with a date that lists people records an "
         "interaction; name it by its day (2002-06-10.md) so it counts as one"),
    ]  # fmt: skip
    checked = ok(vault, "check")
    assert (
        "contacts/alex-barnes/2026-11-10.md: info: not read as a contact: a dated note that "
        "lists people: read as an interaction with them" in checked.stdout
    )
    assert checked.stderr == "6 notes checked: 0 errors, 1 warning, 2 not read as contacts\n"


def test_an_interaction_record_added_to_a_folder_read_before_counts(vault):
    """The folders' dated names are cached with the folder's mtime: a new name is seen."""
    import os

    people = vault / "contacts"
    (people / "alex-barnes.md").write_text("---\nname: Alex Barnes\n---\n")
    folder = people / "alex-barnes"
    folder.mkdir()
    (folder / "2026-11-10.md").write_text("---\npeople: [alex-barnes]\n---\n")
    for path in (people, folder):  # saved a while ago: the cache may keep what they hold
        os.utime(path, (path.stat().st_atime - 60, path.stat().st_mtime - 60))
    listed = json.loads(ok(vault, "list", "--format", "json").stdout)
    assert [(row["name"], row["last_contact"]) for row in listed] == [("Alex Barnes", "2026-11-10")]
    (folder / "2026-11-20.md").write_text("---\npeople: [alex-barnes]\n---\n")
    listed = json.loads(ok(vault, "list", "--format", "json").stdout)
    assert [(row["name"], row["last_contact"]) for row in listed] == [("Alex Barnes", "2026-11-20")]
