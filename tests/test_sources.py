"""Issue 13: interactions recorded where people record them, in meeting and daily notes.

Every test writes its vault inline and reads the digest a user would read.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from netnotes.cli import cli
from netnotes.core.sources import Directory, credit, parse_source

from .conftest import dedent

TODAY = {"NETNOTES_TODAY": "2026-11-21"}
HORIZON = 'horizon = "60 days"\n'  # every keep-in-touch date of these tests is in sight

SAM = """\
---
name: Sam Ortiz
cadence: 1 month
---
# Sam Ortiz

## Log
- 2026-09-01 coffee: first met at the data meetup
"""
BENNY = """\
---
name: Benjamin Kim
aliases: [Benny]
cadence: 1 month
---
# Benjamin Kim
"""


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def items(vault: Path) -> list[dict]:
    result = run(vault, "digest", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["items"]


def write(vault: Path, relative: str, text: str) -> Path:
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")
    return path


def age(path: Path, seconds: float = 10) -> None:
    """A save a while ago: the index may cache it (see index.RACY_SECONDS)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - int(seconds * 1e9)))


@pytest.fixture
def people(vault: Path) -> Path:
    (vault / "netnotes.toml").write_text(HORIZON)
    write(vault, "contacts/sam-ortiz.md", SAM)
    write(vault, "contacts/benjamin-kim.md", BENNY)
    return vault


def cadence_of(vault: Path, contact: str) -> dict:
    (found,) = [i for i in items(vault) if i["contact"] == contact and i["kind"] == "cadence"]
    return found


# -- meeting notes ----------------------------------------------------------------------


def test_a_meeting_note_credits_each_attendee_once_on_its_date(people):
    write(
        people,
        "meetings/2026-11-19 Coffee with Sam.md",
        """\
        ---
        attendees: ["[[Sam Ortiz]]", "[[Benny]]"]
        ---
        # Coffee with Sam and Benny

        - [[Sam Ortiz]] will send the deck
        """,
    )
    thanks = [i for i in items(people) if i["kind"] == "thanks"]
    assert thanks == [
        {"kind": "thanks", "status": "overdue", "due": "2026-11-20", "contact": "Benjamin Kim",
         "path": "contacts/benjamin-kim.md", "line": None,
         "text": "send a thank-you for the meeting on 2026-11-19: Coffee with Sam and Benny",
         "source": {"path": "meetings/2026-11-19 Coffee with Sam.md", "line": 2}},
        {"kind": "thanks", "status": "overdue", "due": "2026-11-20", "contact": "Sam Ortiz",
         "path": "contacts/sam-ortiz.md", "line": None,
         "text": "send a thank-you for the meeting on 2026-11-19: Coffee with Sam and Benny",
         "source": {"path": "meetings/2026-11-19 Coffee with Sam.md", "line": 2}},
    ]  # fmt: skip
    # the body's link to Sam on the same day is the same meeting, not a second one
    show = run(people, "show", "Sam").stdout
    recent = [line for line in show.splitlines() if line.startswith("  2026-11-19 ")]
    assert recent == ["  2026-11-19 meeting: Coffee with Sam and Benny  "
                      "(meetings/2026-11-19 Coffee with Sam.md:2)"]  # fmt: skip


def test_the_meeting_kind_comes_from_the_note_type_and_its_date_from_front_matter(people):
    write(
        people,
        "notes/coffee-sam.md",
        """\
        ---
        date: "[[2026-11-18]]"
        type: lunch
        people:
          - [[Sam Ortiz]]
        ---
        """,
    )
    thanks = [i for i in items(people) if i["kind"] == "thanks"]
    assert [(t["contact"], t["text"]) for t in thanks] == [
        ("Sam Ortiz", "send a thank-you for the lunch on 2026-11-18: coffee-sam")
    ]


def test_a_future_meeting_note_is_a_planned_meeting(people):
    write(people, "meetings/2026-11-24 Call with Sam.md", "---\nwith: Sam Ortiz\n---\n")
    planned = [i for i in items(people) if i["kind"] == "meeting"]
    assert planned == [
        {"kind": "meeting", "status": "upcoming", "due": "2026-11-24", "contact": "Sam Ortiz",
         "path": "contacts/sam-ortiz.md", "line": None,
         "text": "planned meeting: Call with Sam",
         "source": {"path": "meetings/2026-11-24 Call with Sam.md", "line": 2}},
    ]  # fmt: skip
    # a planned meeting is no contact yet: the cadence still counts from September
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")


def test_an_outbound_line_in_a_meeting_note_waits_for_a_reply(people):
    write(people, "daily/2026-11-10.md", "- -> email: sent [[Sam Ortiz]] the deck\n")
    (waiting,) = [i for i in items(people) if i["kind"] == "waiting"]
    assert waiting["text"] == "no reply to email sent 2026-11-10: sent Sam Ortiz the deck"
    assert waiting["source"] == {"path": "daily/2026-11-10.md", "line": 1}


# -- daily notes --------------------------------------------------------------------------


def test_a_daily_note_credits_every_contact_it_links_with_the_line_as_text(people):
    write(
        people,
        "daily/2026-11-12.md",
        "# Thursday\n\n- Lunch with [[Benny]] and [[sam-ortiz|Sam]]\n",
    )
    result = run(people, "show", "Benjamin")
    assert "2026-11-12" in result.stdout and "Lunch with Benny and Sam" in result.stdout
    assert "daily/2026-11-12.md:3" in result.stdout
    assert cadence_of(people, "Sam Ortiz")["due"] == "2026-12-12"
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-12")


def test_a_markdown_link_to_the_note_counts(people):
    write(people, "journal/2026-11-13.md", "- Coffee with [Sam](../contacts/sam-ortiz.md)\n")
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-13")


def test_an_item_with_its_own_date_counts_in_any_note(people):
    write(
        people,
        "projects/hiring.md",
        "# Hiring\n\n- 2026-11-14 call with [[Sam Ortiz]]\n- [[Sam Ortiz]] knows a candidate\n",
    )
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-14")


def test_links_in_code_quotes_tasks_and_undated_notes_never_count(people):
    write(
        people,
        "daily/2026-11-15.md",
        """\
        > - [[Sam Ortiz]] said this in a quote
        > [!note]
        > - [[Sam Ortiz]] in a callout

        ```
        - [[Sam Ortiz]] in a fence
        ```

        - `[[Sam Ortiz]]` in a code span
        - [ ] ask [[Sam Ortiz]] about the role
        """,
    )
    write(people, "ideas/undated.md", "- [[Sam Ortiz]] would like this\n")
    write(
        people, "contacts/jill.md", "---\nname: Jill\n---\n## Log\n- 2026-11-16 met [[Sam Ortiz]]\n"
    )
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")


def test_the_digest_file_never_counts(people):
    write(people, "DUE.md", "- 2026-11-20 [[Sam Ortiz]] — keep in touch\n")
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")
    assert run(people, "digest", "--write").exit_code == 0  # the real one, linking everybody
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")


def test_a_link_that_names_nobody_is_ignored_and_check_links_lists_it(people):
    write(people, "daily/2026-11-12.md", "- Lunch at [[Blue Bottle]] with [[Benny]]\n")
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-12")
    result = run(people, "check", "--links")
    assert result.exit_code == 0, result.output
    assert "daily/2026-11-12.md:1: info: [[Blue Bottle]] names no contact" in result.stdout


# -- the settings ---------------------------------------------------------------------------


def test_sources_include_and_exclude_narrow_what_counts(people):
    write(people, "daily/2026-11-12.md", "- Lunch with [[Benny]]\n")
    write(people, "private/2026-11-13.md", "- Call with [[Sam Ortiz]]\n")
    (people / "netnotes.toml").write_text(HORIZON + '[sources]\nexclude = ["private"]\n')
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-12")
    (people / "netnotes.toml").write_text(HORIZON + "[sources]\ninclude = []\n")
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("never logged")


def test_a_vaults_own_contact_words_count_beside_the_built_in_ones(people):
    note = write(people, "daily/2026-11-12.md", "- Pinged [[Sam Ortiz]] about the deck\n")
    age(note)  # cached under the first settings: new settings must read it again
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")
    (people / "netnotes.toml").write_text(HORIZON + '[sources]\ncontact_words = ["Pinged"]\n')
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-12")
    write(people, "daily/2026-11-13.md", "- Called [[Benny]]\n")  # the built-in words still
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-13")


# -- the cache --------------------------------------------------------------------------------


def test_a_deleted_meeting_note_no_longer_counts(people):
    note = write(people, "meetings/2026-11-19 Coffee.md", "---\nattendees: [Sam Ortiz]\n---\n")
    for path in people.rglob("*.md"):
        age(path)
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-19")
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-19")  # cached
    note.unlink()
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")


def test_an_edited_meeting_note_is_read_again(people):
    note = write(people, "meetings/2026-11-19 Coffee.md", "---\nattendees: [Sam Ortiz]\n---\n")
    for path in people.rglob("*.md"):
        age(path)
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-19")
    note.write_text("---\nattendees: [Benny]\n---\n", encoding="utf-8")
    age(note, 5)
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-09-01")
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-19")


def test_renaming_a_contact_note_keeps_links_by_name_and_alias(people):
    write(people, "daily/2026-11-12.md", "- Lunch with [[Benny]] and [[Sam Ortiz]]\n")
    for path in people.rglob("*.md"):
        age(path)
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-12")
    (people / "contacts/sam-ortiz.md").rename(people / "contacts/samuel.md")
    (people / "contacts/benjamin-kim.md").rename(people / "contacts/bk.md")
    assert cadence_of(people, "Sam Ortiz")["text"].endswith("last contact 2026-11-12")
    assert cadence_of(people, "Benjamin Kim")["text"].endswith("last contact 2026-11-12")


# -- the reader on its own ---------------------------------------------------------------------


def test_links_resolve_by_file_name_path_name_then_alias_and_never_ambiguously():
    directory = Directory(
        [
            ("contacts/sam-ortiz.md", "Sam Ortiz", ("Sammy",)),
            ("contacts/work/jo.md", "Jo Park", ("JP",)),
            ("contacts/school/jo.md", "Jo Lee", ("JP",)),
        ]
    )
    assert directory.find("sam-ortiz") == "contacts/sam-ortiz.md"
    assert directory.find("SAM ORTIZ") == "contacts/sam-ortiz.md"
    assert directory.find("Sammy") == "contacts/sam-ortiz.md"
    assert directory.find("work/jo") == "contacts/work/jo.md"
    assert directory.find("contacts/school/jo") == "contacts/school/jo.md"
    assert directory.find("jo") is None  # two files are named jo
    assert directory.find("JP") is None  # an alias two people share names neither
    assert directory.find("Jo Lee") == "contacts/school/jo.md"


def test_one_note_credits_a_contact_once_a_day_but_each_dated_line_on_its_day():
    note = parse_source(
        "projects/x.md",
        dedent(
            """\
            - 2026-11-02 call with [[Sam]]
            - 2026-11-02 and again [[Sam]]
            - 2026-11-09 email [[Sam]]
            """
        ).encode(),
    )
    external, unmatched = credit([note], Directory([("contacts/sam.md", "Sam", ())]))
    assert [(e.on, e.text, e.line) for e in external["contacts/sam.md"]] == [
        (date(2026, 11, 2).toordinal(), "call with Sam", 1),
        (date(2026, 11, 9).toordinal(), "email Sam", 3),
    ]
    assert unmatched == []


# -- netnotes meet ------------------------------------------------------------------------------


def test_meet_writes_a_dated_meeting_note_that_counts_for_each_attendee(people):
    result = run(people, "meet", "sam", "benny", "--date", "2026-11-24", "--title", "Data lunch")
    assert result.exit_code == 0, result.output
    assert result.stdout == "created meetings/2026-11-24 Data lunch.md\n"
    note = people / "meetings" / "2026-11-24 Data lunch.md"
    assert note.read_text(encoding="utf-8") == (
        "---\n"
        "date: 2026-11-24\n"
        "type: meeting\n"
        'attendees: ["[[sam-ortiz|Sam Ortiz]]", "[[benjamin-kim|Benjamin Kim]]"]\n'
        "---\n\n"
        "# Data lunch\n\n"
        "With [[sam-ortiz|Sam Ortiz]], [[benjamin-kim|Benjamin Kim]].\n\n"
        "## Notes\n\n-\n\n## Follow-ups\n\n"
    )
    planned = [(i["contact"], i["text"]) for i in items(people) if i["kind"] == "meeting"]
    assert planned == [("Benjamin Kim", "planned meeting: Data lunch"),
                       ("Sam Ortiz", "planned meeting: Data lunch")]  # fmt: skip
    again = run(people, "meet", "sam", "--date", "2026-11-24", "--title", "Data lunch")
    assert again.stdout == "created meetings/2026-11-24 Data lunch 2.md\n"
    assert note.read_text(encoding="utf-8").startswith("---\ndate: 2026-11-24\n")  # untouched


def test_meet_uses_the_vaults_template_and_refuses_an_unknown_name(people):
    write(people, "templates/meeting.md", "---\ndate: {date}\nwith: {attendees}\n---\n{title}\n")
    result = run(people, "meet", "sam")
    assert result.stdout == "created meetings/2026-11-21 Meeting with Sam Ortiz.md\n"
    text = (people / "meetings/2026-11-21 Meeting with Sam Ortiz.md").read_text(encoding="utf-8")
    assert (
        text
        == '---\ndate: 2026-11-21\nwith: ["[[sam-ortiz|Sam Ortiz]]"]\n---\nMeeting with Sam Ortiz\n'
    )
    unknown = run(people, "meet", "nobody")
    assert unknown.exit_code == 1
    assert "nobody" in unknown.output


def test_find_finds_words_written_in_a_daily_note_with_the_note_and_line(people):
    write(people, "daily/2026-11-12.md", "# Thursday\n\n- Lunch at Blue Bottle with [[Benny]]\n")
    result = run(people, "find", "blue bottle")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "daily/2026-11-12.md:3: Benjamin Kim: Lunch at Blue Bottle with Benny\n"
    )


def test_the_fast_scanner_and_markdown_it_read_the_same_mentions(monkeypatch, tmp_path):
    """Plain bodies skip markdown-it (core/blocks.py); both readings must agree."""
    import random

    from bench.generate import generate_dated

    from .conftest import EXAMPLE_VAULT

    names = ["Sam Ortiz", "Benjamin Kim", "Jill Moreno", "Ana Shah"]
    generate_dated(tmp_path, names, 60, random.Random(3))
    notes = sorted(tmp_path.rglob("*.md")) + sorted(EXAMPLE_VAULT.rglob("*.md"))
    notes_data = [(path.name, path.read_bytes()) for path in notes]
    notes_data.append(("2026-11-12.md", b"- a [[x]]\n  continued [[y]]\n\n- 2026-11-01 b [[z]]\n"))
    fast = [parse_source(name, data) for name, data in notes_data]
    monkeypatch.setattr("netnotes.core.blocks.fast_blocks", lambda lines: None)
    slow = [parse_source(name, data) for name, data in notes_data]
    assert fast == slow
    assert sum(len(note.mentions) for note in fast) > 60


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=400)
    | st.text(alphabet="-[]|#>`%*0123456789 \n:\tabc", max_size=300).map(str.encode)
)
def test_reading_a_source_note_never_raises_and_every_mention_is_named(data):
    note = parse_source("daily/2026-11-12.md", b"---\ndate: 2026-11-12\n---\n" + data)
    assert all(mention.target for mention in note.mentions)
    assert all(problem.path == "daily/2026-11-12.md" for problem in note.problems)


# -- a mention is not a meeting (issue 25) -------------------------------------------------


def test_a_link_in_a_daily_note_is_contact_only_where_the_line_says_so():
    note = dedent(
        """\
        # 2026-11-12

        - Read an essay by [[Lily Scott]]
        - [ ] Check in with [[Sarah Chen]]
        - [x] Dinner w/ [[Marcus]] ✅ 2026-11-13
        - Had coffee with [[Ana Lima]]
        - Ran into [[Dan]] at the meetup
        - ![[Ben Okoro]]
        - 2026-11-10 -> email: [[Priya]] about the deck
        """
    )
    found = parse_source("daily/2026-11-12.md", note.encode())
    assert [
        (m.target, date.fromordinal(m.on).isoformat(), m.direction) for m in found.mentions
    ] == [
        ("Marcus", "2026-11-13", "both"),  # a done task: on the day it was done
        ("Ana Lima", "2026-11-12", "both"),
        ("Dan", "2026-11-12", "both"),
        ("Priya", "2026-11-10", "out"),  # a log line: its own date and way
    ]
    assert found.problems == ()


def test_a_daily_note_named_by_a_spoken_date_with_links_in_prose_is_read():
    note = dedent(
        """\
        ---
        aliases: [2022-07-10]
        ---
        Talked to [[Sam Ortiz]] about the move. Read a book by [[Ana Lima]].

        - Lunch with [[Jill]]
        """
    )
    found = parse_source("daily/July 10th, 2022, Sunday.md", note.encode())
    assert [(m.target, date.fromordinal(m.on).isoformat()) for m in found.mentions] == [
        ("Sam Ortiz", "2022-07-10"),
        ("Jill", "2022-07-10"),
    ]
    # Without the alias, the name says the date.
    bare = parse_source("daily/July 11th, 2022, Monday.md", b"Met [[Sam Ortiz]] for coffee.\n")
    assert [(m.target, date.fromordinal(m.on).isoformat()) for m in bare.mentions] == [
        ("Sam Ortiz", "2022-07-11")
    ]


def test_meeting_shapes_without_front_matter_credit_who_took_part():
    note = dedent(
        """\
        # Team sync

        **Attendees:** [[Ana Lima]], [[Ben Okoro]]

        ### 1:1 with [[Sarah Chen]]

        - notes

        ### Ideas from [[Lily Scott]]
        """
    )
    found = parse_source("meetings/2026-11-12 Team sync.md", note.encode())
    assert [(m.target, date.fromordinal(m.on).isoformat(), m.kind, m.text, m.line)
            for m in found.mentions] == [
        ("Ana Lima", "2026-11-12", "meeting", "Team sync", 3),
        ("Ben Okoro", "2026-11-12", "meeting", "Team sync", 3),
        ("Sarah Chen", "2026-11-12", None, "1:1 with Sarah Chen", 5),
    ]  # fmt: skip


def test_check_links_offers_the_alias_that_joins_a_full_name_to_a_shorter_note(tmp_path):
    vault = tmp_path
    write(vault, "netnotes.toml", "")
    write(vault, "contacts/Ryan S.md", "# Ryan\n")
    write(vault, "daily/2026-11-12.md", "- Lunch with [[Ryan Schubert]] and [[Blue Bottle]]\n")
    checked = run(vault, "check", "--links")
    assert checked.stdout.splitlines() == [
        "daily/2026-11-12.md:1: info: [[Blue Bottle]] names no contact",
        "daily/2026-11-12.md:1: info: [[Ryan Schubert]] names no contact; if it is "
        "contacts/Ryan S.md, add to its aliases: Ryan Schubert",
    ]


def test_a_done_task_dated_as_dataview_writes_it_is_contact_on_that_day():
    note = b"- [x] Dinner w/ [[Marcus]] [completion:: 2026-11-13]\n"
    (mention,) = parse_source("daily/2026-11-12.md", note).mentions
    assert (mention.target, date.fromordinal(mention.on).isoformat()) == ("Marcus", "2026-11-13")
