"""The follow-up rules, one behaviour per test, on notes written inline."""

from __future__ import annotations

from dataclasses import replace

from netnotes.core.config import Config
from netnotes.core.dates import Duration
from netnotes.core.rules import due_items, last_contact

from .conftest import contact_from, day

TODAY = day("2026-11-21")


def note(front: str, body: str = "", path: str = "contacts/a.md"):
    return contact_from(f"---\nname: Ana\n{front}\n---\n{body}", path)


def items(*contacts, today=TODAY, config=None):
    found = due_items(contacts, today, config or Config())
    return [(i.kind.value, i.status.value, i.due.isoformat(), i.line, i.text) for i in found]


def kinds(*contacts, **kwargs):
    return [(kind, status, due) for kind, status, due, _, _ in items(*contacts, **kwargs)]


# -- cadence -------------------------------------------------------------------


def test_cadence_due_is_last_contact_plus_cadence():
    ana = note("cadence: 3 months", "## Log\n- 2026-08-10 call: catch-up\n")
    assert items(ana) == [
        (
            "cadence",
            "overdue",
            "2026-11-10",
            3,
            "keep in touch every 3 months; last contact 2026-08-10",
        )
    ]


def test_cadence_never_logged_is_due_today():
    assert items(note("cadence: 2 weeks")) == [
        ("cadence", "today", "2026-11-21", 3, "keep in touch every 2 weeks; never logged")
    ]


def test_met_date_is_the_first_contact():
    ana = note("cadence: 1 month\nmet: 2026-10-25")
    assert kinds(ana) == [("cadence", "upcoming", "2026-11-25")]


def test_last_contact_key_and_log_the_later_one_counts():
    ana = note("cadence: 1 month\nlast_contact: 2026-10-30", "## Log\n- 2026-09-01 call\n")
    assert kinds(ana) == []  # due 2026-11-30, beyond the 7-day horizon
    bob = note("cadence: 1 month\nlast_contact: 2026-09-01", "## Log\n- 2026-10-24 call\n")
    assert kinds(bob) == [("cadence", "upcoming", "2026-11-24")]


def test_31_january_plus_one_month_is_due_on_28_february():
    ana = note("cadence: 1 month", "## Log\n- 2027-01-31 call\n")
    assert kinds(ana, today=day("2027-02-28")) == [("cadence", "today", "2027-02-28")]
    assert kinds(ana, today=day("2027-02-27")) == [("cadence", "upcoming", "2027-02-28")]


def test_own_cadence_beats_tag_cadence_and_the_shortest_tag_wins():
    config = Config(tag_cadences={"inner": Duration(months=1), "investor": Duration(days=14)})
    log = "## Log\n- 2026-10-01 call\n"
    tagged = note("tags: [Inner, investor]", log)
    assert items(tagged, config=config)[0][:4] == ("cadence", "overdue", "2026-10-15", 3)
    own = note("tags: [inner]\ncadence: 6 weeks", log)
    assert kinds(own, config=config) == [("cadence", "overdue", "2026-11-12")]
    opted_out = note("tags: [inner]\ncadence: none", log)
    assert kinds(opted_out, config=replace(config, reconnect_after=Duration(months=12))) == []


def test_default_cadence_applies_to_contacts_that_set_none():
    config = Config(default_cadence=Duration(months=6))
    assert kinds(note("company: X", "## Log\n- 2026-05-21 call\n"), config=config) == [
        ("cadence", "today", "2026-11-21")
    ]


def test_a_future_entry_is_a_planned_meeting_not_contact():
    ana = note("cadence: 1 month", "## Log\n- 2026-11-25 lunch: at noon\n- 2026-09-01 call\n")
    assert last_contact(ana, TODAY) == day("2026-09-01")
    assert items(ana) == [
        (
            "cadence",
            "overdue",
            "2026-10-01",
            3,
            "keep in touch every 1 month; last contact 2026-09-01",
        ),
        ("meeting", "upcoming", "2026-11-25", 6, "planned lunch: at noon"),
    ]


def test_a_meeting_beyond_the_horizon_is_not_listed():
    assert kinds(note("company: X", "## Log\n- 2026-12-25 dinner\n")) == []


def test_log_lines_out_of_date_order_still_find_the_newest():
    ana = note(
        "cadence: 1 month",
        "## Log\n- 2026-11-01 call: newest, out of order\n- 2026-06-01 a\n- 2026-08-01 b\n- 2026-07-01 c\n",
    )
    assert kinds(ana) == []  # due 2026-12-01: the newest line counts, wherever it stands
    assert kinds(ana, config=Config(horizon=Duration(days=14))) == [
        ("cadence", "upcoming", "2026-12-01")
    ]
    assert last_contact(ana, TODAY) == day("2026-11-01")


# -- follow_up -----------------------------------------------------------------


def test_follow_up_is_due_on_its_date():
    ana = note("follow_up: 2026-11-20", "## Log\n- 2026-08-20 call\n")
    assert items(ana) == [
        ("follow_up", "overdue", "2026-11-20", 3, "follow up as planned for 2026-11-20")
    ]


def test_follow_up_is_satisfied_by_a_later_interaction():
    pending = note("follow_up: 2026-11-15", "## Log\n- 2026-11-10 call\n")
    assert kinds(pending) == [("follow_up", "overdue", "2026-11-15")]
    done = note("follow_up: 2026-11-15", "## Log\n- 2026-11-18 -> email: checked back in\n")
    assert kinds(done) == []


def test_follow_up_is_not_satisfied_by_a_planned_meeting():
    ana = note("follow_up: 2026-11-20", "## Log\n- 2026-11-24 lunch\n")
    assert [kind for kind, _, _ in kinds(ana)] == ["follow_up", "meeting"]


# -- tasks ---------------------------------------------------------------------


def test_open_tasks_with_due_dates_are_items_done_and_cancelled_are_not():
    ana = note(
        "company: X",
        "- [ ] send the article 📅 2026-11-25\n- [x] done 📅 2026-11-01\n- [-] dropped 📅 2026-11-02\n"
        "- [ ] someday\n",
    )
    assert items(ana) == [("task", "upcoming", "2026-11-25", 5, "task: send the article")]


# -- birthdays -----------------------------------------------------------------


def test_birthday_within_the_horizon():
    assert items(note("birthday: 1986-11-24")) == [
        ("birthday", "upcoming", "2026-11-24", 3, "birthday on 24 November (turns 40)")
    ]
    assert items(note("birthday: --11-21")) == [
        ("birthday", "today", "2026-11-21", 3, "birthday on 21 November")
    ]
    assert items(note("birthday: 11-20")) == []  # passed yesterday: next one is a year away


def test_29_february_birthday_is_on_28_february_in_common_years():
    leapling = note("birthday: 2000-02-29")
    assert items(leapling, today=day("2027-02-25")) == [
        ("birthday", "upcoming", "2027-02-28", 3, "birthday on 28 February (turns 27)")
    ]
    assert kinds(leapling, today=day("2028-02-29")) == [("birthday", "today", "2028-02-29")]


def test_a_snoozed_contact_shows_only_its_birthday():
    ana = note(
        "cadence: 1 week\nbirthday: 11-23\nsnooze: 2026-12-15\nfollow_up: 2026-11-01",
        "- [ ] task 📅 2026-11-01\n## Log\n- 2026-10-01 -> email: hi\n",
    )
    assert kinds(ana) == [("birthday", "upcoming", "2026-11-23")]


def test_a_snooze_that_has_passed_hides_nothing():
    ana = note("cadence: 1 week\nsnooze: 2026-11-21", "## Log\n- 2026-11-01 call\n")
    assert kinds(ana) == [("cadence", "overdue", "2026-11-08")]


def test_archived_contacts_produce_nothing_not_even_birthdays():
    ana = note("cadence: 1 week\nbirthday: 11-23\narchived: true", "## Log\n- 2020-01-01 call\n")
    assert kinds(ana) == []


# -- waiting ---------------------------------------------------------------------


def test_an_unanswered_outreach_becomes_a_nudge_after_seven_days():
    ana = note("company: X", "## Log\n- 2026-11-05 -> email: asked for 20 minutes\n")
    assert items(ana) == [
        (
            "waiting",
            "overdue",
            "2026-11-12",
            6,
            "no reply to email sent 2026-11-05: asked for 20 minutes",
        )
    ]


def test_no_nudge_before_nudge_after_has_passed():
    assert kinds(note("company: X", "## Log\n- 2026-11-15 -> email: hi\n")) == []


def test_nudges_stop_when_the_outbound_run_reaches_max_nudges():
    two = "## Log\n- 2026-11-01 -> email: second\n- 2026-10-01 -> email: first\n- 2026-09-01 call\n"
    assert items(note("company: X", two))[0][4] == (
        "no reply to email sent 2026-11-01: second (2 unanswered)"
    )
    three = "## Log\n- 2026-11-01 -> email: third\n- 2026-10-15 -> email: second\n" + two[8:]
    assert kinds(note("company: X", three)) == []
    assert kinds(note("company: X", three), config=Config(max_nudges=4))[0][0] == "waiting"


def test_a_reply_ends_the_wait_and_the_last_word_theirs_is_yours_to_answer():
    ana = note("company: X", "## Log\n- 2026-11-06 <- email: sure!\n- 2026-11-01 -> email: hi\n")
    assert items(ana) == [
        ("reply", "overdue", "2026-11-09", 6, "reply to their email of 2026-11-06: sure!")
    ]


# -- reply: they wrote, you have not answered ------------------------------------


def test_mail_from_them_asks_for_an_answer_after_reply_within():
    asked = "## Log\n- 2026-11-19 <- email: Question about your team\n- 2026-10-01 call\n"
    assert kinds(note("company: X", asked)) == []  # two days: not yet
    assert kinds(note("company: X", asked), today=day("2026-11-22")) == [
        ("reply", "today", "2026-11-22")
    ]


def test_no_reply_is_owed_once_you_wrote_talked_or_planned_to_meet():
    for later in ("- 2026-11-12 -> email: sure", "- 2026-11-12 call: talked", "- 2026-11-30 lunch"):
        ana = note("company: X", f"## Log\n{later}\n- 2026-11-10 <- email: lunch?\n")
        assert "reply" not in [kind for kind, *_ in kinds(ana)], later


def test_only_something_written_asks_for_a_reply_and_not_for_ever():
    assert kinds(note("company: X", "## Log\n- 2026-11-10 <- call: rang me\n")) == []
    old = note("company: X", "## Log\n- 2026-04-10 <- email: catching up?\n")
    assert "reply" not in [kind for kind, *_ in kinds(old)]  # past reconnect_after (6 months)


def test_two_entries_on_the_same_day_keep_the_order_they_were_written_in():
    # Newest-first log: the upper line of the same day is the newer one.
    replied = note(
        "company: X",
        "## Log\n- 2026-11-10 <- email: yes\n- 2026-11-10 -> email: q\n- 2026-11-01 call\n",
    )
    assert kinds(replied) == [("reply", "overdue", "2026-11-13")]  # their yes: the last word
    unanswered = note(
        "company: X",
        "## Log\n- 2026-11-10 -> email: q\n- 2026-11-10 <- email: hi\n- 2026-11-01 call\n",
    )
    assert kinds(unanswered) == [("waiting", "overdue", "2026-11-17")]
    # Oldest-first log: the lower line is the newer one.
    oldest_first = note(
        "company: X",
        "## Log\n- 2026-11-01 call\n- 2026-11-10 -> email: q\n- 2026-11-10 <- email: yes\n",
    )
    assert kinds(oldest_first) == [("reply", "overdue", "2026-11-13")]


# -- thanks ----------------------------------------------------------------------


def test_a_recent_meeting_asks_for_a_thank_you_the_next_day():
    ana = note("company: X", "## Log\n- 2026-11-19 coffee: 25 minutes\n")
    assert items(ana) == [
        (
            "thanks",
            "overdue",
            "2026-11-20",
            6,
            "send a thank-you for the coffee on 2026-11-19: 25 minutes",
        )
    ]
    today = note("company: X", "## Log\n- 2026-11-21 lunch: with the team\n")
    assert kinds(today) == [("thanks", "upcoming", "2026-11-22")]


def test_a_dated_heading_is_a_meeting_that_asks_for_thanks():
    ana = note("company: X", "### 2026-11-20 Coffee at Blue Bottle\n")
    assert items(ana) == [
        (
            "thanks",
            "today",
            "2026-11-21",
            5,
            "send a thank-you for the meeting on 2026-11-20: Coffee at Blue Bottle",
        )
    ]


def test_no_thanks_after_thank_within_or_once_something_followed():
    old = note("company: X", "## Log\n- 2026-11-13 coffee\n")
    assert kinds(old) == []
    sent = note("company: X", "## Log\n- 2026-11-20 -> email: thank you!\n- 2026-11-19 coffee\n")
    assert kinds(sent) == []
    a_call = note("company: X", "## Log\n- 2026-11-19 call: not a meeting kind\n")
    assert kinds(a_call) == []


# -- reconnect -------------------------------------------------------------------


def silent(name: str, last: str):
    return contact_from(f"---\nname: {name}\nlast_contact: {last}\n---\n", f"contacts/{name}.md")


def test_reconnect_suggests_silent_contacts_without_cadence():
    assert items(silent("old", "2026-05-21")) == [
        ("reconnect", "suggested", "2026-11-21", None, "reconnect: last contact 2026-05-21")
    ]
    assert kinds(silent("recent", "2026-05-22")) == []
    assert kinds(note("cadence: 5 years\nlast_contact: 2022-01-01")) == []
    assert kinds(note("company: never logged")) == []


def test_reconnect_shows_at_most_n_and_rotates_by_iso_week():
    people = [silent(f"p{i}", "2020-01-01") for i in range(7)]

    def picked(today):
        return {i.path for i in due_items(people, day(today), Config()) if i.kind == "reconnect"}

    monday, sunday, next_monday = picked("2026-11-16"), picked("2026-11-22"), picked("2026-11-23")
    assert len(monday) == 3
    assert monday == sunday  # the same all ISO week
    assert next_monday and next_monday != monday
    seen = set().union(*(picked(f"2026-{m:02d}-01") for m in range(1, 13)))
    assert len(seen) == 7  # over time everybody comes up
    assert picked("2026-11-16") == monday  # deterministic


def test_reconnect_per_digest_zero_turns_suggestions_off():
    assert kinds(silent("old", "2020-01-01"), config=Config(reconnect_per_digest=0)) == []


def test_items_are_sorted_by_due_date_then_name():
    a = contact_from("---\nname: Zoe\ncadence: 1 week\n---\n", "contacts/z.md")
    b = contact_from("---\nname: adam\ncadence: 1 week\n---\n", "contacts/a.md")
    c = contact_from(
        "---\nname: Bea\nbirthday: 11-20\nfollow_up: 2026-11-01\n---\n", "contacts/b.md"
    )
    assert [(i.contact, i.kind.value) for i in due_items([a, b, c], TODAY, Config())] == [
        ("Bea", "follow_up"),
        ("adam", "cadence"),
        ("Zoe", "cadence"),
    ]


def test_horizon_override_reaches_further():
    ana = note("birthday: 12-01")
    assert kinds(ana) == []
    assert kinds(ana, config=Config(horizon=Duration(days=14))) == [
        ("birthday", "upcoming", "2026-12-01")
    ]
