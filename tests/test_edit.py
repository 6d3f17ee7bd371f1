"""Pure edits: exactly the intended lines change, every other byte stays."""

from __future__ import annotations

import difflib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netnotes.core.frontmatter import load_front_matter, split_front_matter
from netnotes.core.parse import parse_note
from netnotes.core.yamltext import yaml_scalar
from netnotes.store.edit import (
    EditRefused,
    add_log_entries,
    add_log_entry,
    add_to_list,
    check_off_task,
    set_key,
)
from tests.test_fuzz import notes as wild_notes

DAY = date(2026, 11, 21)


def changed_lines(old: str, new: str) -> list[str]:
    """The lines added or removed, ignoring the +++/--- headers."""
    diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True), n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# -- set_key -----------------------------------------------------------------------


def test_set_key_changes_one_line_and_keeps_its_comment():
    old = "---\nname: Raj  # the PR one\nsnooze: 2026-01-01   # leave\ntags: [a]\n---\nbody\n"
    new = set_key(old, "snooze", "2026-12-15")
    assert (
        new == "---\nname: Raj  # the PR one\nsnooze: 2026-12-15   # leave\ntags: [a]\n---\nbody\n"
    )


def test_set_key_adds_a_missing_key_at_the_end_of_the_front_matter():
    old = "\ufeff---\r\nname: Raj\r\n---\r\nbody"
    assert (
        set_key(old, "snooze", "2026-12-15")
        == "\ufeff---\r\nname: Raj\r\nsnooze: 2026-12-15\r\n---\r\nbody"
    )


def test_set_key_creates_a_front_matter_when_there_is_none():
    assert set_key("# Raj\n", "snooze", "2026-12-15") == "---\nsnooze: 2026-12-15\n---\n# Raj\n"


def test_set_key_none_removes_the_line():
    assert (
        set_key("---\na: 1\nsnooze: 2026-12-15\nb: 2\n---\n", "snooze", None)
        == "---\na: 1\nb: 2\n---\n"
    )


@pytest.mark.parametrize(
    ("front", "why"),
    [
        ("snooze:\n  - 2026-01-01\n", "its value spans several lines"),
        ("snooze: |\n  2026\n", "its value spans several lines"),
        ("snooze: >-\n", "its value is a block scalar"),
        ("snooze: [2026-01-01]\n", "its value is written in flow style"),
        ("snooze: *when\n", "it uses a YAML anchor or alias"),
    ],
)
def test_set_key_refuses_values_it_cannot_replace_line_by_line(front, why):
    with pytest.raises(EditRefused) as refused:
        set_key(f"---\nname: A\n{front}---\n", "snooze", "2026-12-15")
    assert why in str(refused.value)
    assert "line 3" in str(refused.value)


@pytest.mark.parametrize("value", ["no", "Yes", "1:30", "012345", "Acme: Inc", "a #b", "[x]", "",
                                   "José", "O'Brien", "true", "1.10", "- a", "x ", "#tag"])  # fmt: skip
def test_yaml_scalar_reads_back_as_the_same_text(value):
    loaded = load_front_matter(f"key: {yaml_scalar(value)}\n", 2)
    assert loaded["key"] == value


# -- add_log_entry ---------------------------------------------------------------------

NEWEST_FIRST = "---\nname: A\n---\n## Log\n- 2026-11-10 b\n- 2026-11-01 a\n\n## After\n"
OLDEST_FIRST = "---\nname: A\n---\n## Log\n- 2026-11-01 a\n- 2026-11-10 b\n\n## After\n"


def test_newest_first_logs_get_new_entries_on_top():
    new, line = add_log_entry(NEWEST_FIRST, DAY, "2026-11-21 call: new")
    assert (
        new
        == "---\nname: A\n---\n## Log\n- 2026-11-21 call: new\n- 2026-11-10 b\n- 2026-11-01 a\n\n## After\n"
    )
    assert line == 5


def test_oldest_first_logs_get_new_entries_at_the_bottom():
    new, line = add_log_entry(OLDEST_FIRST, DAY, "2026-11-21 call: new")
    assert (
        new
        == "---\nname: A\n---\n## Log\n- 2026-11-01 a\n- 2026-11-10 b\n- 2026-11-21 call: new\n\n## After\n"
    )
    assert line == 7


def test_a_backdated_entry_goes_where_its_date_belongs():
    new, _ = add_log_entry(NEWEST_FIRST, date(2026, 11, 5), "2026-11-05 x")
    assert changed_lines(NEWEST_FIRST, new) == ["+- 2026-11-05 x\n"]
    assert new.index("2026-11-10") < new.index("2026-11-05") < new.index("2026-11-01")
    new, _ = add_log_entry(OLDEST_FIRST, date(2026, 10, 5), "2026-10-05 x")
    assert new.index("2026-10-05") < new.index("2026-11-01")


def test_a_note_without_log_gets_a_section_at_its_end():
    new, line = add_log_entry("---\nname: A\n---\n# A\n\nNotes.\n", DAY, "2026-11-21 hi")
    assert new == "---\nname: A\n---\n# A\n\nNotes.\n\n## Log\n- 2026-11-21 hi\n"
    assert line == 9


def test_a_missing_final_newline_stays_missing():
    new, _ = add_log_entry("---\nname: A\n---\n## Log\n- 2026-11-01 a", DAY, "2026-11-21 b")
    assert new == "---\nname: A\n---\n## Log\n- 2026-11-21 b\n- 2026-11-01 a"
    new, _ = add_log_entry(
        "---\nname: A\n---\n## Log\n- 2026-11-01 a\n- 2026-11-02 b", DAY, "2026-11-21 c"
    )
    assert new == "---\nname: A\n---\n## Log\n- 2026-11-01 a\n- 2026-11-02 b\n- 2026-11-21 c"


def test_the_list_marker_of_the_log_is_reused_and_crlf_kept():
    old = "---\r\nname: A\r\n---\r\n## Log\r\n* 2026-11-01 a\r\n"
    new, _ = add_log_entry(old, DAY, "2026-11-21 b")
    assert new == "---\r\nname: A\r\n---\r\n## Log\r\n* 2026-11-21 b\r\n* 2026-11-01 a\r\n"


def test_entries_with_continuation_lines_are_not_split():
    old = "---\nname: A\n---\n## Log\n- 2026-11-01 a\n- 2026-11-02 b\n  more about b\n\nafter\n"
    new, line = add_log_entry(old, DAY, "2026-11-21 c")
    assert (
        new
        == "---\nname: A\n---\n## Log\n- 2026-11-01 a\n- 2026-11-02 b\n  more about b\n- 2026-11-21 c\n\nafter\n"
    )
    assert line == 8


def test_a_log_in_a_code_block_is_not_the_log():
    old = "---\nname: A\n---\n```\n## Log\n```\n"
    new, _ = add_log_entry(old, DAY, "2026-11-21 c")
    assert new == old + "\n## Log\n- 2026-11-21 c\n"


# -- check_off_task --------------------------------------------------------------------


def test_done_ticks_the_box_and_records_the_day():
    old = "---\nname: A\n---\n- [ ] send it 📅 2026-11-25  \r\n- [ ] other\n"
    assert (
        check_off_task(old, 4, DAY)
        == "---\nname: A\n---\n- [x] send it 📅 2026-11-25 ✅ 2026-11-21\r\n- [ ] other\n"
    )


def test_done_refuses_a_line_that_is_no_longer_an_open_task():
    with pytest.raises(EditRefused):
        check_off_task("---\nname: A\n---\n- [x] done\n", 4, DAY)


# -- properties ------------------------------------------------------------------------

_comment = st.sampled_from(["", "  # why", " #x"])
_key_line = st.builds(
    lambda key, quote, comment: f"{key}: {quote}v{quote}{comment}",
    st.sampled_from(["company", "role", "x_custom", "met_at", "location"]),
    st.sampled_from(["", "'", '"']),
    _comment,
)


@st.composite
def notes(draw):
    """Notes with random comments, key orders, quoting, blank lines, BOM, CRLF and endings."""
    keys = draw(st.lists(_key_line, max_size=5, unique_by=lambda line: line.split(":")[0]))
    extra = ["snooze: 2026-01-01  # back then"] if draw(st.booleans()) else []
    front = draw(st.permutations(["name: Ana", *keys, *extra, "# a comment"]))
    entries = [f"- 2026-0{m}-1{d} call: x" for m, d in draw(
        st.lists(st.tuples(st.integers(1, 9), st.integers(0, 8)), max_size=4, unique=True))]  # fmt: skip
    if draw(st.booleans()):
        entries.reverse()
    body = ["", "# Ana", "", draw(st.sampled_from(["", "Some notes.", "  indented"]))]
    if draw(st.booleans()) or entries:
        body += ["## Log", *sorted(entries, reverse=draw(st.booleans()))]
    body += draw(st.sampled_from([[], [""], ["", "## Later", "text"]]))
    body += ["- [ ] a task 📅 2026-12-01", "- [x] done"]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(["---", *front, "---", *body])
    if draw(st.booleans()):
        text += eol
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


def _assert_only(old: str, new: str, expected_added: list[str], expected_removed: int = 0):
    """Every old line is kept byte for byte except `expected_removed`; only the expected lines are new."""
    old_lines, new_lines = old.splitlines(True), new.splitlines(True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    added = [line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace")
             for line in new_lines[j1:j2]]  # fmt: skip
    removed = [line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("delete", "replace")
               for line in old_lines[i1:i2]]  # fmt: skip
    stripped = [line.rstrip("\r\n").lstrip("\ufeff") for line in added]
    # A last line that had no ending may gain one: that is the only change allowed to it.
    gained_ending = [line for line in removed if line == old_lines[-1] and not line.endswith("\n")]
    assert len(removed) - len(gained_ending) == expected_removed, (removed, added)
    for line in gained_ending:
        stripped.remove(line.lstrip("\ufeff"))
    assert sorted(stripped) == sorted(expected_added), (added, removed)
    assert new.startswith("\ufeff") == old.startswith("\ufeff")
    assert ("\r\n" in new) == ("\r\n" in old)
    assert new.endswith("\n") == old.endswith("\n")


@settings(max_examples=150, deadline=None)
@given(notes())
def test_log_adds_exactly_one_line(old):
    new, line = add_log_entry(old, DAY, "2026-11-21 coffee: new")
    has_log = "## Log" in old
    expected = ["- 2026-11-21 coffee: new"] + ([] if has_log else ["## Log"])
    if not has_log and old.rstrip("\r\n").splitlines()[-1].strip():
        expected.append("")
    _assert_only(old, new, expected)
    assert (
        new.lstrip("\ufeff").replace("\r\n", "\n").split("\n")[line - 1]
        == "- 2026-11-21 coffee: new"
    )
    contact, _ = parse_note("contacts/a.md", new.encode())
    assert contact.interactions[-1].text == "new"


_new_entries = st.lists(
    st.builds(
        lambda day, words: (day, f"{day.isoformat()} call: {words}"),
        st.dates(date(2020, 1, 1), date(2027, 12, 31)),
        st.sampled_from(["a", "b", "the same day"]),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(notes(), wild_notes().map(lambda data: data.decode("utf-8"))), _new_entries)
def test_many_log_entries_at_once_are_the_bytes_of_one_at_a_time(old, entries):
    """Capture's batch insert (one read of the note) against the one-entry edit it
    stands in for, on tidy and on wild notes, in any order of dates."""
    try:
        expected = old
        for on, entry in entries:
            expected, _ = add_log_entry(expected, on, entry)
    except EditRefused:
        with pytest.raises(EditRefused):
            add_log_entries(old, entries)
        return
    assert add_log_entries(old, entries) == expected


@settings(max_examples=150, deadline=None)
@given(notes())
def test_done_changes_exactly_the_task_line(old):
    contact, _ = parse_note("contacts/a.md", old.encode())
    task = next(t for t in contact.tasks if t.state.value == "open")
    new = check_off_task(old, task.line, DAY)
    _assert_only(old, new, ["- [x] a task 📅 2026-12-01 ✅ 2026-11-21"], expected_removed=1)


@settings(max_examples=150, deadline=None)
@given(notes())
def test_snooze_changes_or_adds_exactly_one_line(old):
    new = set_key(old, "snooze", "2026-12-15")
    if "snooze:" in old:
        _assert_only(old, new, ["snooze: 2026-12-15  # back then"], expected_removed=1)
    else:
        _assert_only(old, new, ["snooze: 2026-12-15"])
    split = split_front_matter(new.lstrip("\ufeff").replace("\r\n", "\n"))
    assert load_front_matter(split.yaml_text, 2)["snooze"] == "2026-12-15"


def test_log_refuses_a_note_whose_front_matter_is_never_closed():
    with pytest.raises(EditRefused) as refused:
        add_log_entry("---\nname: A\n## Log\n", DAY, "2026-11-21 x")
    assert "never closed" in str(refused.value)


def test_set_key_refuses_a_note_whose_front_matter_is_never_closed():
    with pytest.raises(EditRefused):
        set_key("---\nname: A\n", "snooze", "2026-12-01")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('snooze: "2026 #1"  # why', "snooze: 2026-12-15  # why"),
        ("snooze: '2026 #1'", "snooze: 2026-12-15"),
        ("snooze: 'it''s #2' # c", "snooze: 2026-12-15 # c"),
        ('snooze: "a \\" #b"', "snooze: 2026-12-15"),
        ("snooze: a#b", "snooze: 2026-12-15"),
    ],
)
def test_a_hash_inside_a_quoted_value_is_not_taken_for_a_comment(line, expected):
    assert set_key(f"---\n{line}\n---\n", "snooze", "2026-12-15") == f"---\n{expected}\n---\n"


@pytest.mark.parametrize("null", ["NULL", "~ # nothing yet", "null"])
def test_a_key_is_never_added_after_a_front_matter_that_is_null(null):
    # Found by tests/test_fuzz.py: `---\nNULL\n---` then `snooze: ...` did not parse.
    text = f"---\n{null}\n---\n## Log\n"
    with pytest.raises(EditRefused, match=f"line 2: the front matter is '{null}', not keys"):
        set_key(text, "snooze", "2026-12-01")
    with pytest.raises(EditRefused, match="not keys"):
        add_to_list(text, "tags", ["a"])


def test_a_key_is_never_added_to_a_front_matter_written_as_a_flow_mapping():
    # Found by tests/test_fuzz_inputs.py: a template `---\n{0}\n---` then `name: ...`.
    with pytest.raises(EditRefused, match="line 3: 'snooze:' cannot be added to this front"):
        set_key("---\n{a: 1}\n---\n## Log\n", "snooze", "2026-12-01")
    # Obsidian's shapes that only the lenient reader reads still take a new key.
    assert set_key("---\nmet: {{date}}\n---\n", "snooze", "2026-12-01") == (
        "---\nmet: {{date}}\nsnooze: 2026-12-01\n---\n"
    )
