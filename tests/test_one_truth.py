"""One truth about each person (issue 21): on generated vaults (keys spelled any way a
vault spells them, logs, meeting and daily notes that link people, tasks), `list`,
`show`, `prep`, `digest` and `export` say the same of every contact (last contact,
company, role, birthday, tags, what is due), with and without the cache, and after an
edit."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.cli import cli

TODAY = "2026-11-21"
EXAMPLES = max(20, int(os.environ.get("NETNOTES_FUZZ_EXAMPLES", "300")) // 6)

_COMPANY_KEYS = ["company", "Company", "ORG", "employer", "Organization"]
_ROLE_KEYS = ["role", "Role", "position", "job_title"]
_BIRTHDAY_KEYS = ["birthday", "Birthday", "dob", "bday"]
_TAGS_KEYS = ["tags", "Tags"]
_DAYS = st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 12, 31))


@st.composite
def person(draw, stem: str, name: str) -> str:
    lines = ["---", f"{draw(st.sampled_from(['name', 'Name']))}: {name}"]
    if draw(st.booleans()):
        company = draw(st.sampled_from(["Acme", "Initech", "Blue Bottle"]))
        shown = f'"[[{company}]]"' if draw(st.booleans()) else company
        lines.append(f"{draw(st.sampled_from(_COMPANY_KEYS))}: {shown}")
    if draw(st.booleans()):
        lines.append(
            f"{draw(st.sampled_from(_ROLE_KEYS))}: {draw(st.sampled_from(['CTO', 'Lead']))}"
        )
    if draw(st.booleans()):
        birthday = draw(st.sampled_from(["1990-11-25", "--02-29", "--11-23", "1988-12-01"]))
        lines.append(f"{draw(st.sampled_from(_BIRTHDAY_KEYS))}: {birthday}")
    if draw(st.booleans()):
        tags = draw(st.lists(st.sampled_from(["friend", "work", "pr"]), unique=True, max_size=2))
        lines.append(f"{draw(st.sampled_from(_TAGS_KEYS))}: [{', '.join(tags)}]")
    if draw(st.booleans()):
        lines.append(f"cadence: {draw(st.sampled_from(['2 weeks', '1 month', '3 months']))}")
    state = draw(st.sampled_from(["", "", "", "snooze: 2026-12-20", "snooze: 2026-11-01",
                                  "archived: true"]))  # fmt: skip
    if state:
        lines.append(state)
    lines += ["---", f"# {name}", ""]
    for _ in range(draw(st.integers(0, 2))):
        lines.append(f"- [ ] task {draw(st.integers(1, 9))} 📅 {draw(_DAYS).isoformat()}")
    lines += ["", "## Log"]
    for day in sorted(draw(st.lists(_DAYS, max_size=3))):
        lines.append(f"- {day.isoformat()} {draw(st.sampled_from(['call', 'coffee: catch up']))}")
    return "\n".join(lines) + "\n"


@st.composite
def vaults(draw) -> dict[str, str]:
    names = draw(st.lists(st.sampled_from(["Ana Lima", "Ben Okoro", "Cy Dunn", "Dee Ek"]),
                          min_size=1, max_size=4, unique=True))  # fmt: skip
    files = {}
    stems = []
    for name in names:
        stem = name.lower().replace(" ", "-")
        stems.append(stem)
        files[f"contacts/{stem}.md"] = draw(person(stem, name))
    for number in range(draw(st.integers(0, 3))):
        day = draw(_DAYS)
        people = draw(st.lists(st.sampled_from(stems), min_size=1, unique=True))
        links = ", ".join(f'"[[{stem}]]"' for stem in people)
        if draw(st.booleans()):
            files[f"meetings/{day.isoformat()} Sync {number}.md"] = (
                f"---\ndate: {day.isoformat()}\nattendees: [{links}]\n---\n# Sync\n"
            )
        else:
            files[f"daily/{day.isoformat()}.md"] = "# Day\n\n- saw " + " and ".join(
                f"[[{stem}]]" for stem in people) + "\n"  # fmt: skip
    return files


def run(vault: Path, *args: str, cache: bool = True) -> str:
    options = [] if cache else ["--no-cache"]
    result = CliRunner().invoke(cli, ["--vault", str(vault), *options, *args],
                                env={"NETNOTES_TODAY": TODAY})  # fmt: skip
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def what_each_command_says(vault: Path, cache: bool = True) -> dict:
    """{path: {command: (last contact, company, role, birthday, tags, due)}}."""
    listed = {row["path"]: row for row in json.loads(run(vault, "list", "--format", "json",
                                                         cache=cache))}  # fmt: skip
    digest = json.loads(run(vault, "digest", "--format", "json", "--today", TODAY, cache=cache))
    said = {}
    for path, row in listed.items():
        shown = json.loads(run(vault, "show", path, "--format", "json", cache=cache))
        prepared = json.loads(run(vault, "prep", path, "--format", "json", cache=cache))
        due = sorted((item["kind"], item["due"]) for item in digest["items"]
                     if item["path"] == path and item["kind"] != "reconnect")  # fmt: skip
        cadence_status = [item["status"] for item in digest["items"]
                          if item["path"] == path and item["kind"] == "cadence"]  # fmt: skip
        said[path] = {
            "list": (row["last_contact"], row["company"], sorted(row["tags"])),
            "show": (shown["last_contact"], shown["company"], sorted(shown["tags"])),
            "prep": (prepared["last_contact"], prepared["company"], sorted(prepared["tags"])),
            "role": {shown["role"], prepared["role"]},
            "due": {
                "digest": due,
                "show": sorted(
                    (d["kind"], d["due"]) for d in shown["due"] if d["kind"] != "reconnect"
                ),
            },
            "birthday": shown["birthday"],
            "name": shown["name"],
            "archived": shown["front_matter"].get("archived") is True,
            "snoozed": bool(shown["snooze"]) and shown["snooze"] > TODAY,
            "overdue": cadence_status == ["overdue"],
            "prep_cadence": prepared["cadence"],
        }
    return said


def _cards_by_name(cards: str) -> dict[str, dict]:
    """What `export vcard` says of each person, read by vobject as an address book would."""
    import vobject

    found = {}
    for card in vobject.readComponents(cards):

        def value(name, card=card):
            line = card.contents.get(name)
            if not line:
                return None
            value = line[0].value
            return ";".join(value) if isinstance(value, list) else value

        categories = card.contents.get("categories")
        found[card.fn.value] = {
            "org": value("org"), "title": value("title"),
            "categories": sorted(categories[0].value) if categories else [],
        }  # fmt: skip
    return found


def assert_agreement(said: dict, vault: Path) -> None:
    from icalendar import Calendar

    feed = Calendar.from_ical(run(vault, "export", "ics", "--today", TODAY).encode())
    birthdays = {str(event["DESCRIPTION"]) for event in feed.walk("VEVENT")
                 if str(event["SUMMARY"]).endswith("'s birthday")}  # fmt: skip
    cards = run(vault, "export", "vcard")
    card_of = _cards_by_name(cards)
    stats = json.loads(run(vault, "stats", "--format", "json"))
    # stats counts what the digest shows: not archived, snoozed apart, overdue as its items.
    counted = {path: views for path, views in said.items() if not views["archived"]}
    assert stats["contacts"] == len(counted)
    snoozed = [path for path, views in counted.items() if views["snoozed"]]
    assert stats["states"]["snoozed"] == len(snoozed)
    awake = {path: views for path, views in counted.items() if not views["snoozed"]}
    never = [path for path, views in awake.items() if views["list"][0] is None]
    assert stats["states"]["never_logged"] == len(never)
    assert stats["states"]["overdue"] == sum(views["overdue"] for views in awake.values())
    for path in snoozed:
        assert "snoozed until" in said[path]["prep_cadence"] or (
            said[path]["prep_cadence"] == "no keep-in-touch cadence"), path  # fmt: skip
    for tag in {tag for views in counted.values() for tag in views["list"][2]}:
        tagged = sum(tag in views["list"][2] for views in counted.values())
        assert sum(stats["tags"][tag].values()) == tagged, tag
    for path, views in said.items():
        card = card_of[views["name"]]
        company, tags = views["list"][1], views["list"][2]
        assert card["org"] == company and card["categories"] == tags, (path, card, views)
        assert card["title"] == next(iter(views["role"])), (path, card)
        assert views["list"] == views["show"] == views["prep"], (path, views)
        assert len(views["role"]) == 1, (path, views["role"])
        digest_due = [entry for entry in views["due"]["digest"] if entry[0] != "birthday"]
        show_due = [entry for entry in views["due"]["show"] if entry[0] != "birthday"]
        assert digest_due == show_due, (path, views["due"])
        # The feed, like the digest, asks nothing of an archived contact.
        in_feed = views["birthday"] is not None and not views["archived"]
        assert in_feed == (path in birthdays), path
        if views["birthday"]:
            bday = views["birthday"].replace("-", "") if views["birthday"][0] != "-" else (
                "--" + views["birthday"][2:].replace("-", ""))  # fmt: skip
            assert f"BDAY:{bday}" in cards or f"BDAY;VALUE=date:{bday}" in cards, (path, bday)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=vaults())
def test_every_command_says_the_same_of_each_person(tmp_path_factory, files):
    vault = tmp_path_factory.mktemp("v")
    (vault / "netnotes.toml").write_text("")
    for relative, text in files.items():
        (vault / relative).parent.mkdir(parents=True, exist_ok=True)
        (vault / relative).write_text(text, encoding="utf-8")
        os.utime(vault / relative, (time.time() - 60, time.time() - 60))  # cacheable
    cold = what_each_command_says(vault)
    assert_agreement(cold, vault)
    assert what_each_command_says(vault) == cold  # warm: from the cache
    assert what_each_command_says(vault, cache=False) == cold
    first = sorted(cold)[0]
    run(vault, "log", first, "call about the move")
    after = what_each_command_says(vault)
    assert_agreement(after, vault)
    assert after[first]["list"][0] == TODAY
    assert what_each_command_says(vault, cache=False) == after


def test_list_counts_a_meeting_note_as_show_does(vault):
    # Before: `list` said "never" for a contact whose only contact is a meeting note.
    (vault / "contacts" / "raj.md").write_text("---\nname: Raj Patel\n---\n")
    (vault / "daily").mkdir()
    (vault / "daily" / "2026-11-20.md").write_text("# Friday\n\n- lunch with [[raj]]\n")
    listed = run(vault, "list")
    assert listed.splitlines()[1].split()[:3] == ["Raj", "Patel", "2026-11-20"]
    assert "last contact: 2026-11-20 (1 day ago)" in run(vault, "show", "raj")
    (vault / "daily" / "2026-11-20.md").unlink()
    assert run(vault, "list").splitlines()[1].split()[:3] == ["Raj", "Patel", "never"]


def test_show_says_every_field_by_its_meaning_whatever_its_spelling(vault):
    (vault / "contacts" / "ana.md").write_text(
        '---\nName: Ana Lima\nCompany: "[[Acme Corp]]"\nPosition: Head of Data\n'
        "Birthday: --11-25\nmet_date: 2024-03-01\nTags: [friend]\n---\n"
    )
    assert run(vault, "show", "ana") == (
        "Ana Lima — Head of Data, Acme Corp\ncontacts/ana.md\n\ntags: friend\n"
        "birthday: --11-25\nmet: 2024-03-01\nlast contact: 2024-03-01 (995 days ago)\n"
        "cadence: none\n\nDue\n  upcoming 2026-11-25  birthday on 25 November\n"
    )
    shown = json.loads(run(vault, "show", "ana", "--format", "json"))
    assert (shown["company"], shown["role"], shown["birthday"], shown["met"], shown["tags"]) == (
        "Acme Corp", "Head of Data", "--11-25", "2024-03-01", ["friend"])  # fmt: skip
    assert shown["front_matter"]["Company"] == "[[Acme Corp]]"
    prepared = json.loads(run(vault, "prep", "ana", "--format", "json"))
    assert (prepared["company"], prepared["role"], prepared["met"]) == (
        "Acme Corp", "Head of Data", "2024-03-01")  # fmt: skip


def test_a_snoozed_contact_is_snoozed_everywhere_not_overdue(vault):
    # Before: the digest asked nothing of Sam (snoozed), but stats counted him overdue and
    # prep said "overdue since 2026-10-01".
    (vault / "contacts" / "sam.md").write_text(
        "---\nname: Sam Ortiz\ncadence: 1 month\nsnooze: 2026-12-20\n---\n"
        "## Log\n- 2026-09-01 call\n"
    )
    assert json.loads(run(vault, "digest", "--format", "json"))["items"] == []
    states = json.loads(run(vault, "stats", "--format", "json"))["states"]
    assert (states["overdue"], states["snoozed"]) == (0, 1)
    prepared = json.loads(run(vault, "prep", "sam", "--format", "json"))
    assert prepared["cadence"] == "every 1 month; snoozed until 2026-12-20"


def _aged(vault: Path) -> None:
    """Every note saved a minute ago: old enough for the index to keep what it made."""
    stamp = time.time() - 60
    for path in vault.rglob("*.md"):
        os.utime(path, (stamp, stamp))


def said(vault: Path, *args: str) -> bytes:
    """What the command writes to stdout, byte for byte (a card's CRLF kept)."""
    result = CliRunner().invoke(cli, ["--vault", str(vault), *args],
                                env={"NETNOTES_TODAY": TODAY})  # fmt: skip
    assert result.exit_code == 0, (args, result.output)
    return result.stdout_bytes


KEPT = {
    "vcard": ("export", "vcard"),
    "ics": ("export", "ics"),
    "stats": ("stats", "--format", "json"),
    "dupes": ("dupes",),
    "share": ("share", "--format", "json", "climate tech and quantum hiring"),
}


def test_what_the_index_keeps_per_note_follows_each_edit_as_a_run_without_the_cache(
    example_vault,
):
    """Issue 28: each note's card, events, part of the stats and duplicate keys are kept
    in the index; after an edit, a new note, a deleted one and a meeting note that
    credits a contact, each command says byte for byte what a run that reads every note
    without the cache says."""
    for command in KEPT.values():
        said(example_vault, *command)
    _aged(example_vault)
    first = {kind: said(example_vault, *command) for kind, command in KEPT.items()}
    contacts = example_vault / "contacts"
    sam = contacts / "sam-ortiz.md"
    sam.write_text(sam.read_text().replace("name: Sam Ortiz", "name: Samuel Ortiz"))
    (contacts / "new-person.md").write_text(
        "---\nname: New Person\nemails: [new@x.example, Grace@TalentPartners.example]\n"
        "birthday: --12-24\ninterests: [climate tech]\n---\n"
    )
    (contacts / "raj-patel.md").unlink()
    _aged(example_vault)
    before_lunch = json.loads(run(example_vault, "stats", "--format", "json"))
    (example_vault / "meetings").mkdir(exist_ok=True)
    (example_vault / "meetings" / "2026-11-20 Quantum lunch.md").write_text(
        "---\ndate: 2026-11-20\nattendees: ['[[Aisha Rahman]]']\n---\n\n# Quantum lunch\n"
    )
    _aged(example_vault)
    for kind, command in KEPT.items():
        kept = said(example_vault, *command)
        assert kept == said(example_vault, "--no-cache", *command), kind
        assert kept != first[kind], kind
    cards = said(example_vault, "export", "vcard").decode("utf-8")
    assert "FN:Samuel Ortiz\r\n" in cards and "FN:Sam Ortiz\r\n" not in cards
    assert "EMAIL:new@x.example\r\n" in cards and "contacts/raj-patel.md" not in cards
    feed = said(example_vault, "export", "ics").decode("utf-8")
    assert "SUMMARY:New Person's birthday\r\n" in feed and "Samuel Ortiz" in feed
    assert "Thank: Aisha Rahman" in feed  # the lunch the meeting note credits her with
    assert said(example_vault, "dupes") == (
        b"contacts/grace-liu.md  contacts/new-person.md  "
        b"same e-mail: grace@talentpartners.example\n"
    )
    hits = json.loads(said(example_vault, *KEPT["share"]))
    assert (hits[0]["contact"], hits[0]["reasons"]) == ("New Person", ["interests: climate tech"])
    aisha = next(hit for hit in hits if hit["contact"] == "Aisha Rahman")
    assert aisha["reasons"][0] == "note: climate, quantum"  # quantum: the meeting note's
    stats = json.loads(run(example_vault, "stats", "--format", "json"))
    assert stats["contacts"] == json.loads(first["stats"])["contacts"]  # one in, one out
    november = stats["monthly"][-1]  # the lunch, the month's one more interaction
    assert november["interactions"] == before_lunch["monthly"][-1]["interactions"] + 1
