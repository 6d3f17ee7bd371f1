"""The parser: front matter, log entries, dated headings, tasks, problems with lines."""

from datetime import date

import pytest

from netnotes.core.dates import Birthday, Duration
from netnotes.core.model import Direction, Severity, TaskState
from netnotes.core.parse import log_is_oldest_first, parse_note

from .conftest import MAPPING_VALUES_ERROR, contact_from, dedent

BRIEF_NOTE = dedent(
    """
    ---
    name: Jill Moreno
    company: Brightside PR
    role: CEO
    emails: [jill@brightside.example]
    tags: [pr, former-boss]
    interests: [marketing to women, advertising]
    cadence: 3 months
    birthday: 04-17
    met: 2019-05-02
    introduced_by: "[[Sam Ortiz]]"
    ---

    # Jill Moreno

    Former boss. Loves articles about advertising without stereotypes.

    ## Next
    - [ ] send the advertising article 📅 2026-11-25
    - [x] thank her for the intro ✅ 2026-10-03

    ## Log
    - 2026-10-02 coffee: 25 minutes; she offered an intro to [[Priya Shah]]
    - 2026-09-11 <- email: "Thanks for sending. Please keep in touch."
    - 2026-09-10 -> email: sent the article on brands marketing to women
    """
)


def parse(text: str, path: str = "contacts/x.md"):
    return parse_note(path, dedent(text).encode("utf-8"))


def messages(problems):
    return [(p.line, p.severity.value, p.message) for p in problems]


def test_the_brief_example_note_reads_completely():
    contact, problems = parse(BRIEF_NOTE, "contacts/jill-moreno.md")
    assert problems == []
    assert contact.name == "Jill Moreno"
    assert contact.emails == ("jill@brightside.example",)
    assert contact.tags == ("pr", "former-boss")
    assert contact.cadence == Duration(months=3)
    assert contact.birthday == Birthday(4, 17)
    assert contact.met == date(2019, 5, 2)
    assert contact.fields["introduced_by"] == "[[Sam Ortiz]]"
    assert contact.key_lines["cadence"] == 8
    assert [(e.on.isoformat(), e.direction, e.kind, e.line) for e in contact.interactions] == [
        ("2026-09-10", Direction.OUT, "email", 25),
        ("2026-09-11", Direction.IN, "email", 24),
        ("2026-10-02", Direction.BOTH, "coffee", 23),
    ]
    assert contact.interactions[1].text == '"Thanks for sending. Please keep in touch."'
    assert [(t.text, t.state, t.due, t.done_on, t.line) for t in contact.tasks] == [
        ("send the advertising article", TaskState.OPEN, date(2026, 11, 25), None, 19),
        ("thank her for the intro", TaskState.DONE, None, date(2026, 10, 3), 20),
    ]


def test_bom_and_crlf_read_exactly_like_plain_lf():
    plain, _ = parse_note("contacts/x.md", BRIEF_NOTE.encode())
    windows, problems = parse_note(
        "contacts/x.md", b"\xef\xbb\xbf" + BRIEF_NOTE.replace("\n", "\r\n").encode()
    )
    assert problems == []
    assert windows == plain
    assert [e.line for e in windows.interactions] == [25, 24, 23]


@pytest.mark.parametrize(
    ("value", "kept"),
    [("no", "no"), ("on", "on"), ("1:30", "1:30"), ("012345", "012345"), ("1.10", "1.10"),
     ("2026-02-30", "2026-02-30"), ("yes", "yes"), ("0o17", "0o17"), ("1e3", "1e3")],
)  # fmt: skip
def test_yaml_1_1_surprises_stay_text(value, kept):
    contact, _ = parse(f"---\nnickname: {value}\n---\n")
    assert contact.fields["nickname"] == kept


def test_true_false_null_and_plain_integers_still_resolve():
    contact, _ = parse("---\na: true\nb: null\nc: 42\nd: False\n---\n")
    assert contact.fields == {"a": True, "b": None, "c": 42, "d": False}


def test_anchors_and_aliases_are_refused_with_their_line():
    contact, problems = parse("---\nname: A\nbase: &b {x: 1}\nother: *b\n---\n")
    assert contact is None
    assert messages(problems) == [
        (3, "error", "front matter: anchors and aliases (&name, *name) are not allowed; "
         "this note is left out until fixed"),
    ]  # fmt: skip


def test_a_huge_front_matter_is_refused():
    big = "---\n" + "".join(f"key{i}: {'x' * 60}\n" for i in range(2000)) + "---\n"
    contact, problems = parse_note("contacts/big.md", big.encode())
    assert contact is None
    assert problems[0].message.startswith("front matter is larger than 64 KiB")


def test_yaml_syntax_error_points_at_the_line_in_the_file():
    contact, problems = parse("---\nname: Jo\ncompany: Acme: Inc\n---\n# Jo\n")
    assert contact is None
    assert messages(problems) == [
        (3, "error", f"{MAPPING_VALUES_ERROR}; this note is left out until fixed"),
    ]  # fmt: skip


def test_front_matter_that_is_not_a_mapping_is_an_error():
    contact, problems = parse("---\n- a\n- b\n---\n")
    assert contact is None
    assert messages(problems) == [
        (2, "error", "front matter must be a mapping of keys to values, not a list; "
         "this note is left out until fixed"),
    ]  # fmt: skip


def test_unclosed_front_matter_is_an_error_on_line_one():
    contact, problems = parse("---\nname: Jo\n\n# Jo\n")
    assert contact is None
    assert problems[0].line == 1
    assert "never closed" in problems[0].message


def test_not_utf8_names_the_line():
    contact, problems = parse_note(
        "contacts/latin1.md", "---\nname: Jo\n---\ncaf\xe9\n".encode("latin-1")
    )
    assert contact is None
    assert messages(problems) == [(4, "error", "not UTF-8 text: save the file as UTF-8")]


def test_empty_file_is_a_warning_not_a_contact():
    contact, problems = parse_note("contacts/new.md", b"  \n")
    assert contact is None
    assert messages(problems) == [(None, "warning", "empty file: not a contact yet")]


def test_no_front_matter_is_a_contact_named_by_its_heading_and_no_warning():
    contact, problems = parse("# Ana Lima\n\n## Log\n- 2026-01-05 call: hello\n", "contacts/al.md")
    assert contact.name == "Ana Lima"
    assert len(contact.interactions) == 1
    assert messages(problems) == []
    stub, problems = parse("Met at PyCon, works on compilers.\n", "contacts/lee-park.md")
    assert (stub.name, messages(problems)) == ("lee-park", [])


def test_name_comes_from_key_then_first_h1_then_file_name():
    assert contact_from("---\nname: Key Name\n---\n# Heading\n").name == "Key Name"
    assert contact_from("---\ncompany: X\n---\n## Sub\n# Heading Name\n").name == "Heading Name"
    assert contact_from("---\ncompany: X\n---\nbody\n", "contacts/lee-park.md").name == "lee-park"


def test_arrows_kinds_and_two_way_entries():
    contact = contact_from(
        """
        ---
        name: A
        ---
        ## Interactions
        - 2026-01-01 -> email: out ascii
        - 2026-01-02 → out arrow, no kind
        - 2026-01-03 <- Email: in ascii
        - 2026-01-04 ← in arrow
        - 2026-01-05 coffee: two way
        - 2026-01-06 just talked
        - 2026-01-07 10:30 call with no kind word
        """
    )
    assert [(e.direction.value, e.kind, e.text) for e in contact.interactions] == [
        ("out", "email", "out ascii"),
        ("out", None, "out arrow, no kind"),
        ("in", "email", "in ascii"),
        ("in", None, "in arrow"),
        ("both", "coffee", "two way"),
        ("both", None, "just talked"),
        ("both", None, "10:30 call with no kind word"),
    ]


@pytest.mark.parametrize(
    "heading", ["## Log", "# LOG", "### history", "#### Timeline", "## Interactions:"]
)
def test_every_log_heading_name_at_any_level_and_case(heading):
    contact = contact_from(f"---\nname: A\n---\n{heading}\n- 2026-01-05 call: x\n")
    assert [e.line for e in contact.interactions] == [5]


def test_a_log_section_ends_at_the_next_heading_of_the_same_or_higher_level():
    contact = contact_from(
        """
        ---
        name: A
        ---
        ## Log
        - 2026-01-01 counted
        ### Details
        - 2026-01-02 still in the log (lower level heading)
        ## Ideas
        - 2026-01-03 not an interaction
        """
    )
    assert [e.text for e in contact.interactions] == [
        "counted",
        "still in the log (lower level heading)",
    ]


def test_dated_list_items_outside_a_log_section_do_not_count():
    contact = contact_from("---\nname: A\n---\n## Notes\n- 2026-01-01 not a log entry\n")
    assert contact.interactions == ()


def test_dated_headings_anywhere_are_meetings():
    contact = contact_from(
        """
        ---
        name: A
        ---
        # A
        ### 2026-10-01 Coffee at Blue Bottle
        notes
        ## 2026-10-08
        """
    )
    assert [
        (e.on.isoformat(), e.kind, e.text, e.line, e.is_meeting) for e in contact.interactions
    ] == [
        ("2026-10-01", "meeting", "Coffee at Blue Bottle", 5, True),
        ("2026-10-08", "meeting", "", 7, True),
    ]


def test_code_blocks_html_blocks_and_quotes_hold_no_entries_and_only_quotes_hold_tasks():
    # Issue 12: a task in a quote or callout counts, as the Tasks plugin reads it; a log
    # line in a quote is still a quote of something, not contact.
    contact = contact_from(
        """
        ---
        name: A
        ---
        ## Log
        ```
        - 2026-01-01 in a fence
        - [ ] fenced task 📅 2026-01-01
        ```

            - 2026-01-02 indented code

        <div>
        - 2026-01-03 in html
        </div>

        > - 2026-01-04 quoted
        > - [ ] quoted task 📅 2026-01-04
        > ### 2026-01-05 quoted heading

        - 2026-01-06 the only real one
        """
    )
    assert [e.text for e in contact.interactions] == ["the only real one"]
    assert [(t.text, t.due, t.line) for t in contact.tasks] == [
        ("quoted task", date(2026, 1, 4), 17)
    ]


def test_task_states_and_every_due_date_syntax():
    contact = contact_from(
        """
        ---
        name: A
        ---
        - [ ] obsidian 📅 2026-11-25
        - [ ] todo.txt due:2026-11-26 style
        - [ ] dataview [due:: 2026-11-27]
        - [x] done ✅ 2026-11-01
        - [X] done upper
        - [-] cancelled 📅 2026-11-01
        - [ ] no due date
        1. [ ] ordered 📅 2026-11-28
        - [  ] not a task
        - [x]not a task either
        """
    )
    assert [
        (t.text, t.state.value, t.due and t.due.isoformat(), t.line) for t in contact.tasks
    ] == [
        ("obsidian", "open", "2026-11-25", 4),
        ("todo.txt style", "open", "2026-11-26", 5),
        ("dataview", "open", "2026-11-27", 6),
        ("done", "done", None, 7),
        ("done upper", "done", None, 8),
        ("cancelled", "cancelled", "2026-11-01", 9),
        ("no due date", "open", None, 10),
        ("ordered", "open", "2026-11-28", 11),
    ]


def test_bad_log_lines_are_reported_and_skipped_the_rest_counts():
    contact, problems = parse(
        """
        ---
        name: A
        ---
        ## Log
        - 2026-02-30 impossible
        - 2026-2-3 malformed
        - 2026-01-10 fine
        - [ ] task 📅 2026-13-01
        """
    )
    assert [e.text for e in contact.interactions] == ["fine"]
    assert messages(problems) == [
        (5, "error", "log entry: '2026-02-30' is not a valid date (day is out of range for month); entry skipped"),
        (6, "error", "log entry: '2026-2-3' is not a date: write YYYY-MM-DD"),
        (8, "error", "task due date: '2026-13-01' is not a valid date (month must be in 1..12)"),
    ]  # fmt: skip
    assert contact.tasks[0].due is None


def test_bad_dates_and_cadences_in_keys_are_errors_on_their_line_and_ignored():
    contact, problems = parse(
        """
        ---
        name: A
        cadence: every so often
        birthday: 02-30
        follow_up: 2026-11-31
        snooze: tomorrow
        last_contact: 2026-1-1
        met: at PyCon 2019
        archived: maybe
        ---
        """
    )
    assert (contact.cadence, contact.birthday, contact.follow_up, contact.snooze) == (None,) * 4
    assert contact.met is None and contact.fields["met"] == "at PyCon 2019"
    assert [(line, severity) for line, severity, _ in messages(problems)] == [
        (3, "error"), (4, "error"), (5, "error"), (6, "error"), (7, "error"), (9, "error"),
    ]  # fmt: skip
    assert problems[0].message.startswith("cadence: 'every so often' is not a duration")


def test_typos_of_known_keys_are_warnings():
    _, problems = parse(
        "---\nname: A\ncadance: 1 month\nbirthdate: 01-02\nfavourite_food: x\n---\n"
    )
    assert messages(problems) == [
        (3, "warning", "unknown key 'cadance': did you mean 'cadence'?"),
    ]  # issue 12: `birthdate` is one of birthday's spellings now, and read as it


def test_git_conflict_markers_are_errors_at_their_line():
    contact, problems = parse(
        """
        ---
        name: A
        ---
        ## Log
        <<<<<<< HEAD
        - 2026-01-02 mine
        =======
        - 2026-01-03 theirs
        >>>>>>> origin/main
        """
    )
    assert contact is not None
    assert messages(problems)[0][:2] == (5, "error")
    assert "unresolved git conflict" in problems[0].message


def test_a_conflict_in_the_front_matter_is_reported_once_as_a_conflict():
    contact, problems = parse("---\n<<<<<<< HEAD\nname: A\n=======\nname: B\n>>>>>>> x\n---\n")
    assert contact is None
    assert [p.line for p in problems] == [2]


def test_list_keys_accept_one_string_and_tags_split_on_commas():
    contact = contact_from("---\nname: A\ntags: 'pr, #former-boss'\nemails: a@x.example\n---\n")
    assert contact.tags == ("pr", "former-boss")
    assert contact.emails == ("a@x.example",)


def test_archived_accepts_yes_and_true():
    assert contact_from("---\narchived: yes\n---\n").archived is True
    assert contact_from("---\narchived: true\n---\n").archived is True
    assert contact_from("---\narchived: no\n---\n").archived is False


def test_log_order_detection_by_majority():
    days = [date(2026, 1, d) for d in (5, 4, 3)]
    assert not log_is_oldest_first(days)
    assert log_is_oldest_first(days[::-1])
    assert log_is_oldest_first(
        [date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 3), date(2026, 1, 9)]
    )
    assert not log_is_oldest_first([date(2026, 1, 1)])


def test_severity_values_match_the_json_contract():
    # `info` (a file left out on purpose) is said by `check` and never reaches the digest,
    # whose JSON contract knows error and warning (tests/test_obsidian.py holds that).
    assert [s.value for s in Severity] == ["error", "warning", "info"]


def test_the_c_yaml_parser_is_used_when_pyyaml_has_it():
    import yaml

    from netnotes.core import frontmatter

    assert yaml.__with_libyaml__ == frontmatter._PARSER_IS_C
