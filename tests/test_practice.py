"""Issue 15: helpers for what the articles say good networkers do: prep, draft, stats, share.

The vault is tests/golden/practice-vault: Ann (four outreaches, two answered;
an interest in marketing to women), Bob (a lunch thanked the next day, an old
coffee never thanked), and a me.md with facts and a narrative.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from netnotes.cli import cli

from .conftest import ROOT

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(ROOT / "tests" / "golden" / "practice-vault", target)
    return target


def run(vault: Path, *args: str):
    result = CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)
    assert result.exit_code == 0, result.output
    return result


def test_prep_is_a_one_screen_card(practice):
    assert run(practice, "prep", "ann").stdout == (
        "Prep: Ann Lee\n"
        "contacts/ann-lee.md\n\n"
        "  who: CMO, Acme\n"
        "  met: 2024-03-01 at PyCon\n"
        "  introduced by: Bob Stone\n"
        "  interests: marketing to women, running\n"
        "  tags: pr\n\n"
        "The relationship\n"
        "  last contact: 2026-11-03\n"
        "  cadence: every 3 months; next by 2027-02-03\n"
        "  6 interactions in the past year; 2 of 4 outreaches answered, in 1.5 days (median)\n\n"
        "Last conversations\n"
        "  2026-11-03 <- email: loved the deck\n"
        "  2026-11-01 -> email: sent the deck\n"
        "  2026-10-01 -> email: asked about the conference\n\n"
        "What you owe them\n"
        "  [ ] send her the ads study (due 2026-11-28)\n"
        "  [ ] reply to their email of 2026-11-03: loved the deck (due 2026-11-06)\n\n"
        "What you want them to know about you\n"
        "  fifteen years in databases, now leadership coaching\n"
        "  looking for a team lead role in Berlin next year\n"
        "  narrative: I built databases for fifteen years, then moved to leadership. "
        "Now I help technologists who manage people.\n\n"
        "What you could offer them\n"
        "  an introduction, an idea, an article on marketing to women, running (an `## Offer` "
        "list in me.md says what you can give)\n\n"
        "25 minutes\n"
        "  2 min: thank them for the time; say how you came to meet\n"
        "  8 min: their story: what they do now, what they are working on, what is next\n"
        "  5 min: your facts and your short narrative (below)\n"
        "  7 min: where you could help each other: an introduction, an idea, an article\n"
        "  3 min: end on time; agree on when to talk again\n\n"
        "After\n"
        "  [ ] send a thank-you within a day, saying what you took from it\n"
        "  [ ] follow up on the action items you agreed\n"
        "  [ ] log the gist, with a follow-up in about three months: netnotes log ann-lee "
        '--kind coffee "..." --next 3m\n'
    )


def test_prep_json_and_the_reminder_to_write_me_md(practice):
    document = json.loads(run(practice, "prep", "ann", "--format", "json").stdout)
    assert document["interests"] == ["marketing to women", "running"]
    assert document["tasks"] == [
        {"text": "send her the ads study", "due": "2026-11-28", "line": 15}
    ]
    assert document["interactions"][0] == {
        "date": "2026-11-03", "direction": "in", "kind": "email", "text": "loved the deck",
        "path": "contacts/ann-lee.md", "line": 18,
    }  # fmt: skip
    assert document["me"]["facts"][1] == "looking for a team lead role in Berlin next year"
    (practice / "me.md").unlink()
    card = run(practice, "prep", "bob", "--format", "markdown").stdout
    assert card.startswith("# Prep: Bob Stone\ncontacts/bob-stone.md\n")
    assert "## What you want them to know about you\n- write me.md in the vault" in card


DAN = "---\nname: Dan Whitfield\ncompany: Globex\nmet_at: Acme\n---\n## Log\n" \
      "- 2024-01-18 dinner: farewell dinner when she left Acme\n"  # fmt: skip
KENJI = "---\nname: Kenji Watanabe\n---\n- [ ] congratulate him on the promotion to VP " \
        "Engineering\n\n## Log\n- 2026-11-18 -> email: saw the announcement\n"  # fmt: skip

# Each kind, as a reviewer would send it after filling only the brackets.
DRAFTS = {
    ("bob", "thanks"): (
        "Subject: Thank you, Bob\n\nHi Bob,\n\n"
        "Thank you again for lunch last week and for your thoughts on the data team reorg. "
        "[What came of it: whom you went to see, what you tried, what you decided.]\n\n"
        "[What you will do next, or how you can return the favour.]\n\n"
        "With thanks,\n[your name]\n"
    ),
    ("bob", "update"): (
        "Subject: A quick update, Bob\n\nHi Bob,\n\n"
        "When we spoke last week about the data team reorg, you suggested [their advice]. "
        "I wanted to let you know that I [what you did with it], and [how it turned out].\n\n"
        "[What is next for you, or a question for them.]\n\n"
        "Thanks again,\n[your name]\n"
    ),
    ("ann", "ask"): (
        "Subject: A quick question, Ann\n\nHi Ann,\n\n"
        "I hope all is well at Acme. I'm working on [what you are working on], and I'd value "
        "your help with [what you need, in one sentence] by [when, and why then].\n\n"
        "I thought of you because [why them: what they know, or whom they know].\n\n"
        "If it's not a good time, or not something you can help with, just say so: no "
        "problem at all. And if there is anything I can do for you, I'd be glad to.\n\n"
        "Thanks,\n[your name]\n"
    ),
    ("dan", "reconnect"): (
        "Subject: It's been a while, Dan\n\nHi Dan,\n\n"
        "We last spoke in 2024, and I was thinking of you, so I wanted to say hello. How are "
        "things at Globex?\n\n"
        "Here is what I'm doing now: [one or two sentences].\n\n"
        "Would you have 20 minutes for a call in the next few weeks? If now isn't a good "
        "time, no worries at all.\n\n"
        "Best,\n[your name]\n"
    ),
    ("kenji", "congrats"): (
        "Subject: Congratulations, Kenji!\n\nHi Kenji,\n\n"
        "Congratulations on your promotion to VP Engineering! [Why it matters to them, or a "
        "memory you share.]\n\n"
        "Best,\n[your name]\n"
    ),
}


@pytest.mark.parametrize(("who", "kind"), list(DRAFTS))
def test_each_draft_reads_as_a_message_a_person_would_send(practice, who, kind):
    (practice / "contacts" / "dan-whitfield.md").write_text(DAN)
    (practice / "contacts" / "kenji.md").write_text(KENJI)
    text = run(practice, "draft", who, "--for", kind).stdout
    assert text == DRAFTS[who, kind]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date in running text
    assert "since 2026" not in text


def test_a_draft_that_does_not_fit_is_refused_with_the_kinds_that_do(practice):
    (practice / "contacts" / "kenji.md").write_text(KENJI)
    refused = CliRunner().invoke(cli, ["--vault", str(practice), "draft", "kenji", "--for",
                                       "reconnect"], env=TODAY)  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: Kenji Watanabe: you were in touch on Wednesday (2026-11-18); a reconnect note "
        "is for after 6 months of silence; --for ask or --for update or --for congrats fits\n"
    )
    asked = CliRunner().invoke(cli, ["--vault", str(practice), "draft", "kenji"], env=TODAY)
    assert asked.exit_code == 2
    assert asked.stderr == (
        "what is the message for? For Kenji Watanabe today: --for ask, --for update, "
        "--for congrats\n"
    )


def test_a_vaults_own_template_is_filled_and_what_it_names_unknown_stays_visible(practice):
    (practice / "templates" / "messages").mkdir(parents=True)
    (practice / "templates/messages/ask.md").write_text(
        "Dear {first_name} of {company}, {role}? {x}\n"
    )
    assert run(practice, "draft", "ann", "--for", "ask").stdout == "Dear Ann of Acme, CMO? [x]\n"


def test_stats_counts_states_replies_and_thanks(practice):
    text = run(practice, "stats").stdout
    assert text.splitlines()[:12] == [
        "Your network on 2026-11-21: 2 contacts",
        "",
        "  on track          2",
        "  due soon          0",
        "  overdue           0",
        "  dormant           0",
        "  never logged      0",
        "  snoozed           0",
        "",
        "Outreach: 2 of 5 answered (40%), in 1.5 days (median)",
        "Thank-yous: 1 of 2 meetings (50%)",
        "Waiting for your answer: Ann Lee",
    ]
    pr = json.loads(run(practice, "stats", "--tag", "pr", "--format", "json").stdout)
    assert pr["contacts"] == 1
    assert pr["outreach"] == {
        "sent": 4,
        "answered": 2,
        "reply_rate": 0.5,
        "median_reply_days": 1.5,
    }  # the article's 50 %
    assert pr["thanks_rate"] is None
    assert pr["monthly"][-4:] == [
        {"month": "2026-08", "interactions": 1},
        {"month": "2026-09", "interactions": 2},
        {"month": "2026-10", "interactions": 1},
        {"month": "2026-11", "interactions": 2},
    ]
    assert len(pr["monthly"]) == 24


def test_share_ranks_the_contact_with_that_interest_first_with_the_reason(practice):
    result = run(practice, "share", "https://example.com/blog/why-marketing-to-women-works")
    assert result.stdout == "  8.3  Ann Lee  contacts/ann-lee.md  interests: marketing to women\n"
    hits = json.loads(
        run(practice, "share", "The data team hiring playbook", "--format", "json").stdout
    )
    assert hits == [
        {"contact": "Bob Stone", "path": "contacts/bob-stone.md", "score": 4.5,
         "reasons": ["tags: data", "note: data team"]},
        {"contact": "Ann Lee", "path": "contacts/ann-lee.md", "score": 0.6,
         "reasons": ["note: hiring"]},
    ]  # fmt: skip


def test_share_log_records_the_share_as_contact(practice):
    result = run(practice, "share", "the ads study", "--log", "bob")
    assert result.stdout == "contacts/bob-stone.md:9: - 2026-11-21 -> share: the ads study\n"
    note = (practice / "contacts" / "bob-stone.md").read_text(encoding="utf-8")
    assert "- 2026-11-21 -> share: the ads study\n" in note


# -- the HTML report --------------------------------------------------------------------------


def test_stats_html_is_one_self_contained_page(practice, tmp_path):
    import re

    page = tmp_path / "report.html"
    first = CliRunner().invoke(
        cli, ["--vault", str(practice), "stats", "--html", str(page)], env=TODAY
    )
    assert first.exit_code == 0, first.output
    assert first.stderr == f"{page}: written\n"
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and html.count("<path") > 30
    assert "<script" not in html and "@font-face" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    again = CliRunner().invoke(
        cli, ["--vault", str(practice), "stats", "--html", str(page)], env=TODAY
    )
    assert again.stderr == f"{page}: unchanged\n"  # the same data, the same bytes


def test_stats_html_without_matplotlib_says_how_to_get_it_and_writes_nothing(
    practice, tmp_path, monkeypatch
):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    page = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["--vault", str(practice), "stats", "--html", str(page)], env=TODAY
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: stats --html draws its charts with matplotlib, which is not installed: "
        "pip install 'netnotes[report]' (or pip install matplotlib) and run it again; "
        "stats without --html needs nothing more\n"
    )
    assert not page.exists()
    plain = CliRunner().invoke(cli, ["--vault", str(practice), "stats"], env=TODAY)
    assert plain.exit_code == 0 and "contacts" in plain.stdout


def test_stats_html_renders_every_chart_in_chromium_with_no_network_request(practice, tmp_path):
    import subprocess

    from PIL import Image

    from netnotes.app.stats import COLOURS

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    page, shot, log = tmp_path / "report.html", tmp_path / "shot.png", tmp_path / "net.json"
    run(practice, "stats", "--html", str(page))
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--log-net-log={log}",
         "--window-size=1000,2200", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    pixels = Image.open(shot).convert("RGB").get_flattened_data()
    for chart, colour in COLOURS.items():
        wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert sum(1 for pixel in pixels if pixel == wanted) > 500, f"{chart} chart not drawn"
    # The browser fetches things of its own; a request the page made has the page's origin.
    netlog = json.loads(log.read_text())
    kinds = {number: name for name, number in netlog["constants"]["logEventTypes"].items()}
    from_page = [
        event["params"].get("url")
        for event in netlog["events"]
        if kinds.get(event["type"]) == "URL_REQUEST_START_JOB"
        and event.get("params", {}).get("initiator") not in (None, "not an origin")
    ]
    assert from_page == []


# -- richer digest lines ----------------------------------------------------------------------


def test_keep_in_touch_and_reconnect_items_carry_what_makes_the_message_easy(practice):
    from netnotes.app.digest import build_digest
    from netnotes.core.render import render_text
    from netnotes.store.vault import open_vault

    items = json.loads(run(practice, "digest", "--horizon", "90d", "--format", "json").stdout)[
        "items"
    ]
    (ann,) = [item for item in items if item["kind"] == "cadence"]
    assert ann["text"] == "keep in touch every 3 months; last contact 2026-11-03"
    assert ann["context"] == "Acme · met at PyCon · last: loved the deck"
    markdown = run(practice, "digest", "--horizon", "90d").stdout
    assert (
        "[Ann Lee](contacts/ann-lee.md) — keep in touch every 3 months; last contact 2026-11-03 "
        "(Acme · met at PyCon · last: loved the deck)\n"
    ) in markdown
    # On a terminal, within its width: the context is shortened with the text.
    from datetime import date

    from netnotes.core.dates import Duration

    digest = build_digest(open_vault(practice), date(2026, 11, 21), Duration(days=90))
    lines = render_text(digest, width=80).splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any(
        "Ann Lee" in line and line.rstrip().endswith("contacts/ann-lee.md:10") for line in lines
    )


def test_prep_shows_the_thank_you_owed_what_is_planned_and_a_late_answer(practice):
    (practice / "contacts" / "priya-shah.md").write_text(
        "---\nname: Priya Shah\n---\n## Log\n"
        "- 2026-11-24 lunch: Tuesday at Café Central\n"
        "- 2026-11-20 coffee: the product role\n"
        "- 2026-10-20 <- email: sorry for the slow answer, yes\n"
        "- 2026-10-05 -> email: asked about the patient app\n"
    )
    card = run(practice, "prep", "priya").stdout
    assert (
        "  3 interactions in the past year; 1 of 1 outreach answered, in 15 days (median)\n\n"
        "Last conversations\n"
        "  2026-11-20 coffee: the product role\n"
        "  2026-10-20 <- email: sorry for the slow answer, yes\n"
        "  2026-10-05 -> email: asked about the patient app\n\n"
        "Planned\n"
        "  2026-11-24 lunch: Tuesday at Café Central\n\n"
        "What you owe them\n"
        "  [ ] send a thank-you for the coffee on 2026-11-20: the product role (due 2026-11-21)\n"
    ) in card
    document = json.loads(run(practice, "prep", "priya", "--format", "json").stdout)
    assert document["outreach"] == {"sent": 1, "answered": 1, "median_reply_days": 15}
    assert document["you_owe"] == [{"kind": "thanks", "due": "2026-11-21", "text":
                                    "send a thank-you for the coffee on 2026-11-20: the product role"}]  # fmt: skip
    assert document["they_owe"] == []


SHARE_VAULT = {
    "amira": "---\nname: Amira Haddad\n---\nWorked on refugee tech at a relief agency; "
    "humanitarian data standards.\n",
    "dana": "---\nname: Dana Kim\ncompany: DataCo\ntags: [data]\n---\n"
    "Runs the data platform. I read an article about it in 2026.\n",
    "eve": "---\nname: Eve Stone\nrole: Data Scientist\ntags: [data]\n---\nData, data, data.\n",
    "hal": "---\nname: Hal Brook\ncompany: Hallmark Logistics\nrole: Head of Operations\n---\n",
    "ann": "---\nname: Ann Lee\ninterests: [marketing to women]\n---\n",
    "bob": "---\nname: Bob Stone\ntags: [data]\n---\n## Log\n- 2026-11-10 lunch: the data team reorg\n",
    "chen": "---\nname: Chen Wu\ninterests: [climate]\n---\nSolar projects, climate finance.\n",
}


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("refugee tech and humanitarian data", "Amira Haddad"),
        ("https://example.com/blog/2026/12/an-article-about-supply-chain-logistics", "Hal Brook"),
        ("an article about marketing to women", "Ann Lee"),
        ("climate finance for solar startups", "Chen Wu"),
        ("The data team hiring playbook", "Bob Stone"),
    ],
)
def test_share_ranks_first_the_person_a_human_would_pick(tmp_path, query, first):
    vault = tmp_path / "vault"
    (vault / "contacts").mkdir(parents=True)
    (vault / "netnotes.toml").write_text("")
    for stem, text in SHARE_VAULT.items():
        (vault / "contacts" / f"{stem}.md").write_text(text)
    hits = json.loads(run(vault, "share", query, "--format", "json").stdout)
    assert hits[0]["contact"] == first, hits
    matched = {
        word
        for hit in hits
        for reason in hit["reasons"]
        for word in reason.partition(": ")[2].replace(",", " ").split()
    }  # every word a reason names, a note's or a field's
    assert matched.isdisjoint({"article", "about", "2026", "12", "blog", "example"}), hits


def test_share_never_counts_stop_words_or_numbers(tmp_path):
    vault = tmp_path / "vault"
    (vault / "contacts").mkdir(parents=True)
    (vault / "netnotes.toml").write_text("")
    for stem, text in SHARE_VAULT.items():
        (vault / "contacts" / f"{stem}.md").write_text(text)
    assert run(vault, "share", "an article about 2026 and 12 more").stdout == ""


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("2026-11-21", "today"), ("2026-11-20", "yesterday"), ("2026-11-16", "on Monday"),
        ("2026-11-10", "last week"), ("2026-11-03", "earlier this month"),
        ("2026-10-20", "in October"), ("2026-03-02", "in March"),
        ("2025-11-02", "in November 2025"), ("2024-01-18", "in 2024"),
    ],
)  # fmt: skip
def test_dates_are_said_as_people_say_them(day, said):
    from datetime import date

    from netnotes.core.wording import said_when

    assert said_when(date.fromisoformat(day), date(2026, 11, 21)) == said


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        ("the data team reorg", "the data team reorg"),
        ("talked about hiring", "hiring"),
        ("Discussed the move to Lisbon", "the move to Lisbon"),
        ("loved the deck", None),  # a reaction, not a topic
        ("25 minutes at Blue Bottle; he is hiring a data lead in Q1", None),
        ("Coffee with Jill", None),  # a calendar's title
        ("at Acme, 2018", None),
    ],
)
def test_a_log_line_becomes_a_topic_only_when_it_reads_as_one(line, topic):
    from netnotes.core.wording import topic_of

    assert topic_of(line) == topic


@pytest.mark.parametrize(
    ("company", "place"),
    [("Globex", "Globex"), ("Former colleague (Acme)", None), ("Freelance", None), (None, None)],
)
def test_a_company_is_asked_about_only_when_it_is_a_place(company, place):
    from netnotes.core.wording import workplace

    assert workplace(company) == place


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.sampled_from(["out", "in", "both"]),
                  st.sampled_from([None, "coffee", "email"])),
        max_size=12,
    ),
    st.integers(1, 20),
)  # fmt: skip
def test_the_tally_in_one_pass_is_the_tally_of_every_pair(entries, days):
    """practice._tally finds each entry's first closing one from the end, once; the
    oracle asks, for each, whether any later entry closes it in time."""
    from datetime import date, timedelta

    from netnotes.core.dates import Duration
    from netnotes.core.model import Contact, Direction, Interaction
    from netnotes.core.practice import thanks

    start = date(2026, 9, 1)
    interactions = tuple(sorted(
        (Interaction(start + timedelta(days=offset), Direction(way), kind, "", 1, number)
         for number, (offset, way, kind) in enumerate(entries)),
        key=lambda entry: (entry.on, entry.sequence),
    ))  # fmt: skip
    contact = Contact(path="contacts/a.md", name="A", interactions=interactions)
    today, window = date(2026, 10, 15), Duration(days=days)
    past = [entry for entry in interactions if entry.on <= today]
    expected_done = [
        entry for index, entry in enumerate(past) if entry.is_meeting and any(
            later.direction is Direction.OUT and later.on <= window.after(entry.on)
            for later in past[index + 1 :])
    ]  # fmt: skip
    assert thanks(contact, window, today).done == expected_done
