"""Issue 14: contacts brought in from vCard, LinkedIn and Google files, safely and again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.app.importing import apply_import, new_note, plan_import
from netnotes.cli import cli
from netnotes.core.fields import link_text, profile
from netnotes.core.parse import parse_note
from netnotes.formats.csvfiles import read_google, read_linkedin
from netnotes.formats.people import Person, Skip
from netnotes.formats.vcard import read_vcards
from netnotes.store.vault import open_vault

from .conftest import dedent, make_vault

TODAY = {"NETNOTES_TODAY": "2026-11-21"}


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def imports_twice_the_second_changing_nothing(
    vault: Path, paths: list[Path], *, records: int, people: int
) -> None:
    """Import LinkedIn and Google exports (one row of each a member who left) twice: the
    first makes `people` notes, the second changes no byte."""
    files = [str(p) for p in paths]
    first = run(vault, "import", *files)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[-1] == (
        f"{records} records: {people} created, 0 updated, 0 unchanged, "
        "1 skipped: no name or e-mail (a member who left or hid)"
    )
    written = snapshot(vault)
    again = run(vault, "import", *files)
    assert again.stderr.splitlines()[-1] == (
        f"{records} records: 0 created, 0 updated, {people} unchanged, "
        "1 skipped: no name or e-mail (a member who left or hid)"
    )
    assert snapshot(vault) == written


def read(path: Path):
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if path.suffix == ".vcf":
        return read_vcards(text, path.name)
    return (read_linkedin if "linkedin" in path.name else read_google)(text, path.name)


# -- our own small exports (tests/fixtures/imports): the same behaviours without the corpus --

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def test_every_fixture_file_reads_to_people_or_reported_skips():
    skips, names = {}, []
    for path in sorted(FIXTURES.iterdir()):
        for record in read(path):
            if isinstance(record, Skip):
                skips[record.origin] = record.reason
            else:
                names.append(record.name)
    assert skips == {
        "cards.vcf, card 2": "not a person: the card is org (KIND)",
        "cards.vcf, card 3": "not a person: the card is location (KIND)",
        "cards.vcf, card 4": "no name or e-mail",
        "cards.vcf, card 5": "the card is never closed (no END:VCARD)",
        "linkedin-2025.csv:6": "no name or e-mail (a member who left or hid)",
    }
    assert len(names) == 19 and all(name.strip() for name in names)


def test_fixture_birthdays_read_as_nextcloud_reads_them():
    cards = read(FIXTURES / "birthdays.vcf")
    assert [(card.birthday, card.anniversary) for card in cards] == [
        (None, None),  # 1. no BDAY
        (None, None),  # 2. empty
        (None, None),  # 3. someday
        ("1900-01-01", None),  # 4. the basic form
        (None, None),  # 5. a death date is no birthday
        (None, "1900-12-31"),  # 6. an anniversary
        ("--12-31", None),  # 7. --MMDD: no year, and it stays so
        ("--12-31", None),  # 8. Apple's 1604 means no year
        (None, None),  # 9. malformed
        ("2003-12-31", None),  # 10. no FN: N names her
        ("0900-12-31", None),  # 11. year 900
        ("--02-29", None),  # 12. 1902 had no 29 February: the day without a year
    ]
    assert cards[9].name == "Nia Nofn"
    assert cards[2].warnings == ("birthday: 'someday' is not a date: left out",)
    assert cards[8].warnings == ("birthday: '2003-13-45' is not a date: left out",)
    assert cards[11].warnings == ("birthday: 1902 had no 29 February: kept the day only",)


def test_every_nickname_of_a_card_is_an_alias():
    # Before: vobject's text behaviour kept only the first (`NICKNAME:Ro,Rosie` gave Ro).
    rosa = read(FIXTURES / "cards.vcf")[0]
    assert (rosa.aliases, rosa.company, rosa.role, rosa.tags) == (
        ("Ro", "Rosie"), "Hooli", "SRE", ("work", "oncall"))  # fmt: skip


def test_fixture_linkedin_layouts_keep_the_profile_and_when_the_tie_began():
    tomas, _, keiko = read(FIXTURES / "linkedin-2025.csv")
    assert (tomas.name, tomas.company, tomas.role, tomas.emails, tomas.links, tomas.connected) == (
        "Tomas Berg", "Umbrella, Ltd.", "Data Lead", ("tomas@example.com",),
        ("https://www.linkedin.com/in/tomasberg",), "2026-11-03",
    )  # fmt: skip
    assert (keiko.emails, keiko.connected) == ((), "2025-02-17")
    assert [(p.name, p.connected, p.links) for p in read(FIXTURES / "linkedin-2018.csv")] == [
        ("Nadia Fofana", "2018-03-02", ()),
        ("Pavel Novak", "2017-12-30", ()),
    ]


def test_fixture_google_labels_events_and_multi_values():
    olu, mia = read(FIXTURES / "google.csv")
    assert olu == Person(
        name="Olu Adeyemi", origin="google.csv:2",
        emails=("olu@stark.example", "olu@example.net"), phones=("+44 20 7946 0000",),
        company="Stark Labs", role="Researcher", birthday="--03-14",
        anniversary="2019-09-09", aliases=("Ollie",), tags=("Robotics",),
        note="Met at the robotics fair", links=("https://example.net/olu",),
    )  # fmt: skip
    assert (mia.name, mia.birthday) == ("Mia van Rooij", "1996-02-29")


def test_importing_the_fixture_exports_twice_changes_no_byte(vault):
    imports_twice_the_second_changing_nothing(
        vault, sorted(FIXTURES.glob("*.csv")), records=7, people=6
    )
    assert (vault / "contacts" / "tomas-berg.md").read_text(encoding="utf-8") == dedent(
        """\
        ---
        name: Tomas Berg
        company: "Umbrella, Ltd."
        role: Data Lead
        emails: [tomas@example.com]
        connected: 2026-11-03
        links: ["https://www.linkedin.com/in/tomasberg"]
        ---

        # Tomas Berg

        ## Next

        ## Log
        """
    )
    assert run(vault, "check").exit_code == 0


def test_a_dry_run_of_a_fixture_says_what_would_happen_and_writes_nothing(vault):
    before = snapshot(vault)
    result = run(vault, "import", "--dry-run", str(FIXTURES / "linkedin-2018.csv"))
    assert result.exit_code == 0
    assert result.stdout == (
        "would create contacts/nadia-fofana.md: Nadia Fofana (linkedin-2018.csv:2)\n"
        "would create contacts/pavel-novak.md: Pavel Novak (linkedin-2018.csv:3)\n"
    )
    assert result.stderr == "dry run: 2 records: 2 created, 0 updated, 0 unchanged\n"
    assert snapshot(vault) == before


# -- every file of the corpus ---------------------------------------------------------------


def test_every_corpus_file_reads_to_people_or_reported_skips(corpus):
    files = sorted((corpus / "vcards").glob("*.vcf"))
    files += sorted((corpus / "vcards-birthdays").rglob("*.vcf"))
    files += sorted((corpus / "exports").glob("*.csv"))
    skips = {}
    for path in files:
        for record in read(path):
            assert isinstance(record, (Person, Skip))
            if isinstance(record, Skip):
                skips[record.origin] = record.reason
            else:
                assert record.name.strip(), record
    assert skips == {
        "unparsable.vcf, card 1": "the card is never closed (no END:VCARD)",
        "contacts.vcf, card 15": "the card is never closed (no END:VCARD)",
        "contacts.vcf, card 16": "not a person: the card is org (KIND)",
        "contacts.vcf, card 17": "not a person: the card is org (KIND)",
        "contacts.vcf, card 18": "not a person: the card is location (KIND)",
        "hasMultipleCards.vcf, card 1": "no name or e-mail",
        "organization.vcf, card 1": "not a person: the card is org (KIND)",
        "organizationNoFN.vcf, card 1": "not a person: the card is org (KIND)",
        "org.vcf, card 1": "not a person: the card is org (KIND)",
        "linkedin-connections-2025.csv:7": "no name or e-mail (a member who left or hid)",
    }


def test_birthdays_read_as_nextcloud_reads_them(corpus):
    cards = read(corpus / "vcards-birthdays" / "BirthdayServiceTest-cards.vcf")
    assert [(card.birthday, card.anniversary) for card in cards] == [
        (None, None),  # 1. no BDAY
        (None, None),  # 2. empty
        (None, None),  # 3. someday
        ("1900-01-01", None),  # 4.
        (None, None),  # 5. a death date is no birthday
        (None, "1900-12-31"),  # 6. an anniversary
        ("--12-31", None),  # 7. --MMDD: no year, and it stays so
        ("--12-31", None),  # 8. Apple's 1604 means no year
        (None, None),  # 9. malformed
        ("2003-12-31", None),  # 10. no FN: Nextcloud skips the card; netnotes reads N
        ("0900-12-31", None),  # 11. year 900
        ("1900-01-01", None),  # 12. excluded from Nextcloud's calendar only: kept
        ("--02-29", None),  # 13. 1902 had no 29 February: the day without a year
    ]
    assert cards[2].warnings == ("birthday: 'someday' is not a date: left out",)
    assert cards[12].warnings == ("birthday: 1902 had no 29 February: kept the day only",)


def test_linkedin_layouts_keep_the_profile_and_when_the_tie_began(corpus):
    new = read(corpus / "exports" / "linkedin-connections-2025.csv")
    old = read(corpus / "exports" / "linkedin-connections-2018.csv")
    mateo = new[1]
    assert (mateo.name, mateo.company, mateo.role, mateo.emails, mateo.links, mateo.connected) == (
        "Mateo Silva", "Fabrikam, Inc.", "Staff Engineer", ("mateo.silva@example.com",),
        ("https://www.linkedin.com/in/mateosilva",), "2026-10-02",
    )  # fmt: skip
    assert [(p.name, p.connected, p.links) for p in old] == [
        ("Amara Nwosu", "2018-01-08", ()),
        ("Lukas Becker", "2017-11-23", ()),
    ]


def test_linkedin_with_a_bom_german_headers_padding_and_member_ids():
    text = (
        "\ufeffVorname,Nachname,URL,E-Mail-Adresse,Unternehmen,Position,Verbunden am\n"
        "  Jürgen ,Schmidt ,https://www.linkedin.com/in/js,urn:li:member:123,ACME,CTO,03 Mar 2025\n"
    )
    (person,) = read_linkedin(text, "c.csv")
    assert (person.name, person.emails, person.company, person.connected, person.origin) == (
        "Jürgen Schmidt",
        (),
        "ACME",
        "2025-03-03",
        "c.csv:2",
    )


def test_google_contacts_labels_events_and_multi_values(corpus):
    dana, pieter = read(corpus / "exports" / "google-contacts.csv")
    assert dana == Person(
        name="Dana Ochoa", origin="google-contacts.csv:2",
        emails=("dana@initech.example", "dana.o@example.net"), phones=("+1 555-555-0100",),
        company="Initech", role="Software Engineer", birthday="--08-04",
        anniversary="2015-06-20", aliases=("Dee",), tags=("Meetup",),
        note="Met at the data meetup", links=("https://example.net/dana",),
    )  # fmt: skip
    assert (pieter.name, pieter.birthday) == ("Pieter van Dijk", "--02-29")
    older = "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value\n"
    older += "Ana Lima,Ana,Lima,* myContacts ::: Work ::: * starred,* Home,ana@x.example ::: a@y.example\n"
    (ana,) = read_google(older, "old.csv")
    assert (ana.name, ana.tags, ana.emails) == (
        "Ana Lima",
        ("Work",),
        ("ana@x.example", "a@y.example"),
    )


# -- importing ----------------------------------------------------------------------------


def test_import_creates_notes_and_a_second_run_changes_no_byte(vault, corpus):
    imports_twice_the_second_changing_nothing(
        vault, sorted((corpus / "exports").glob("*.csv")), records=9, people=8
    )
    assert (vault / "contacts" / "mateo-silva.md").read_text(encoding="utf-8") == dedent(
        """\
        ---
        name: Mateo Silva
        company: "Fabrikam, Inc."
        role: Staff Engineer
        emails: [mateo.silva@example.com]
        connected: 2026-10-02
        links: ["https://www.linkedin.com/in/mateosilva"]
        ---

        # Mateo Silva

        ## Next

        ## Log
        """
    )
    assert run(vault, "check").exit_code == 0


def test_a_matched_note_gains_only_what_it_lacks_and_keeps_every_line_written(vault):
    note = vault / "contacts" / "dana.md"
    original = (
        "---\r\n"
        "# people I met at meetups\r\n"
        "Name: Dana Ochoa   # her full name\r\n"
        "company: ACME Robotics\r\n"
        "email: dana@initech.example\r\n"
        "tags:\r\n"
        "  - meetup\r\n"
        "---\r\n"
        "\r\n"
        "## Log\r\n"
        "- 2026-11-02 coffee: robots\r\n"
    )
    note.write_bytes(original.encode("utf-8"))
    export = vault / "g.csv"
    export.write_text(
        "First Name,Last Name,Organization Name,Organization Title,Labels,E-mail 1 - Value,"
        "E-mail 2 - Value\nDana,Ochoa,Acme,CTO,* myContacts ::: Friends,dana@initech.example,"
        "dana.o@example.net\n",
        encoding="utf-8",
    )
    result = run(vault, "import", str(export))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "update contacts/dana.md: role: CTO; + email: dana.o@example.net; + tags: Friends (g.csv:2)\n"
        "note contacts/dana.md: kept company: ACME Robotics (the import says Acme)\n"
    )
    after = note.read_bytes().decode("utf-8")
    assert after == (
        "---\r\n"
        "# people I met at meetups\r\n"
        "Name: Dana Ochoa   # her full name\r\n"
        "company: ACME Robotics\r\n"
        "email: [dana@initech.example, dana.o@example.net]\r\n"
        "tags:\r\n"
        "  - meetup\r\n"
        "  - Friends\r\n"
        "role: CTO\r\n"
        "---\r\n"
        "\r\n"
        "## Log\r\n"
        "- 2026-11-02 coffee: robots\r\n"
    )
    again = run(vault, "import", str(export)).stderr
    assert again.endswith("1 record: 0 created, 0 updated, 1 unchanged\n")


def test_dry_run_says_what_would_happen_and_writes_nothing(vault, corpus):
    before = snapshot(vault)
    result = run(
        vault, "import", "--dry-run", str(corpus / "exports" / "linkedin-connections-2018.csv")
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "would create contacts/amara-nwosu.md: Amara Nwosu (linkedin-connections-2018.csv:2)\n"
        "would create contacts/lukas-becker.md: Lukas Becker (linkedin-connections-2018.csv:3)\n"
    )
    assert result.stderr == "dry run: 2 records: 2 created, 0 updated, 0 unchanged\n"
    assert snapshot(vault) == before


def test_records_of_one_run_merge_and_a_namesake_with_other_emails_is_someone_else(vault):
    (vault / "contacts" / "sam.md").write_text("---\nname: Sam Lee\nemails: [sam@a.example]\n---\n")
    export = vault / "people.vcf"
    export.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Park\nEMAIL:ann@x.example\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Park\nEMAIL:ann@x.example\nTITLE:Editor\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Sam Lee\nEMAIL:sam@b.example\nEND:VCARD\n",
        encoding="utf-8",
    )
    result = run(vault, "import", "--tag", "#press", str(export))
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        "3 records: 2 created, 0 updated, 0 unchanged, "
        "1 joined to another record of the same person\n"
    )
    assert (
        "note people.vcf, card 3: same name as contacts/sam.md, but another person "
        "(other e-mail, profile or company): a new note\n" in result.stdout
    )
    ann = parse_note("contacts/ann-park.md", (vault / "contacts/ann-park.md").read_bytes())[0]
    assert (ann.role, ann.tags) == ("Editor", ("press",))
    assert (vault / "contacts" / "sam-lee.md").exists()


def test_a_file_of_no_known_format_is_a_clear_error(vault):
    other = vault / "notes.txt"
    other.write_text("hello\n")
    result = run(vault, "import", str(other))
    assert result.exit_code == 1
    assert "not a vCard, LinkedIn or Google Contacts file; say which with --from" in result.output


# -- properties ------------------------------------------------------------------------------

_texts = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=20,
    )
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
_people = st.builds(
    Person,
    name=_texts.filter(lambda t: any(c.isalnum() for c in t)),
    origin=st.just("generated"),
    emails=st.lists(st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.example", fullmatch=True),
                    max_size=2, unique=True).map(tuple),
    company=st.none() | _texts,
    role=st.none() | _texts,
    birthday=st.none() | st.dates(date(1900, 1, 1), date(2020, 12, 31)).map(date.isoformat)
    | st.dates(date(2000, 1, 1), date(2000, 12, 31)).map(lambda d: f"--{d:%m-%d}"),
    aliases=st.lists(_texts, max_size=2, unique_by=str.casefold).map(tuple),
    tags=st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=2,
                  unique=True).map(tuple),
    connected=st.none() | st.dates(date(2000, 1, 1), date(2026, 1, 1)).map(date.isoformat),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(person=_people)
def test_every_new_note_reads_back_to_the_values_it_was_built_from(example_vault, person):
    vault = open_vault(example_vault)
    text = new_note(vault, person, date(2026, 11, 21))
    contact, problems = parse_note("contacts/new.md", text.encode("utf-8"))
    assert contact is not None, problems
    assert [p for p in problems if p.severity.value == "error"] == []
    assert contact.name == person.name
    assert contact.emails == person.emails
    assert contact.company == person.company
    assert contact.role == person.role
    assert contact.aliases == tuple(a for a in person.aliases if link_text(a).strip())
    if "[[]]" in person.aliases:
        assert '"[[]]"' not in text  # an empty link is no value: not written
    assert contact.tags == person.tags
    assert profile(contact)["connected"] == person.connected
    assert contact.met is None  # a connection is no meeting
    # A note holds only what is known: no `null`, `[]` or `""` keys.
    assert [key for key, value in contact.fields.items() if value in (None, "", [])] == []
    if person.birthday:
        shown = f"{contact.birthday.year:04}" if contact.birthday.year else "-"
        assert f"{shown}-{contact.birthday.month:02}-{contact.birthday.day:02}" == person.birthday


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(_people, min_size=1, max_size=6))
def test_importing_twice_changes_no_byte(tmp_path_factory, people):
    root = make_vault(tmp_path_factory.mktemp("vault"))
    vault = open_vault(root)
    apply_import(vault, plan_import(vault, people, tag=None), date(2026, 11, 21))
    written = snapshot(root)
    second = plan_import(vault, people, tag=None)
    assert (second.created, second.updated) == ([], [])
    apply_import(vault, second, date(2026, 11, 21))
    assert snapshot(root) == written


@pytest.mark.parametrize("card", [
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\nTEL;CELL:+49 1\r\nEND:VCARD\r\n",
])  # fmt: skip
def test_a_vcard_2_1_with_quoted_printable_names(card):
    (person,) = read_vcards(card, "phone.vcf")
    assert person.name == "Jürgen Müller"


# -- dupes and merge ------------------------------------------------------------------------


SAM_O = (
    "---\r\n"
    "name: Sam O.\r\n"
    "emails: [sam.ortiz@northwind.example, sam@home.example]\r\n"
    "company: Northwind\r\n"
    "tags: [data, hiring]\r\n"
    "---\r\n"
    "\r\n"
    "# Sam O.\r\n"
    "\r\n"
    "Likes climbing.\r\n"
    "\r\n"
    "## Log\r\n"
    "- 2026-11-25 -> email: sent the deck\r\n"
    "- 2026-11-19 coffee: 25 minutes at Blue Bottle; he is hiring a data lead in Q1\r\n"
    "  and suggested I talk to his VP\r\n"
    "- 2026-10-01 call: first call\r\n"
)


def test_dupes_lists_notes_that_share_an_email_url_name_or_alias(example_vault):
    (example_vault / "contacts" / "sam-o.md").write_bytes(SAM_O.encode())
    (example_vault / "contacts" / "jill-2.md").write_text("---\nname: JILL MORENO\n---\n")
    result = run(example_vault, "dupes")
    assert result.exit_code == 0
    assert result.stdout == (
        "contacts/jill-2.md  contacts/jill-moreno.md  same name: jill moreno\n"
        "contacts/sam-o.md  contacts/sam-ortiz.md  same e-mail: sam.ortiz@northwind.example\n"
    )


def test_merge_unites_lists_and_logs_keeps_our_values_and_removes_the_other(example_vault):
    ours = example_vault / "contacts" / "sam-ortiz.md"
    before = ours.read_text(encoding="utf-8")
    (example_vault / "contacts" / "sam-o.md").write_bytes(SAM_O.encode())
    result = run(example_vault, "merge", "--yes", "sam-ortiz", "sam-o")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "contacts/sam-ortiz.md: + aliases: Sam O.\n"
        "contacts/sam-ortiz.md: + emails: sam@home.example\n"
        "contacts/sam-ortiz.md: + tags: hiring\n"
        "note contacts/sam-ortiz.md: kept company: Northwind Analytics (contacts/sam-o.md says Northwind)\n"
        "merged contacts/sam-o.md into contacts/sam-ortiz.md (2 log entries added); removed contacts/sam-o.md\n"
    )
    assert not (example_vault / "contacts" / "sam-o.md").exists()
    after = ours.read_text(encoding="utf-8")
    assert (
        after
        == before.replace(
            "emails: sam.ortiz@northwind.example\ntags: [data]\n",
            "emails: [sam.ortiz@northwind.example, sam@home.example]\ntags: [data, hiring]\n",
        )
        .replace("follow_up: 2027-02-19\n", "follow_up: 2027-02-19\naliases: [Sam O.]\n")
        .replace("## Log\n", "## Log\n- 2026-11-25 -> email: sent the deck\n")
        .replace("next weeks\n", "next weeks\n- 2026-10-01 call: first call\n")
        + "\n## Merged from contacts/sam-o.md\n\nLikes climbing.\n"
    )
    # The merged note still says who Sam is: the name and the new alias both find him.
    assert run(example_vault, "show", "Sam O.").stdout.startswith("Sam Ortiz")


def test_merge_keeps_the_other_note_when_it_changes_while_merged(example_vault, monkeypatch):
    import netnotes.store.notes as actions

    other = example_vault / "contacts" / "sam-o.md"
    other.write_bytes(SAM_O.encode())
    real = actions.write_note

    def write_then_an_editor_saves(vault, target, edit):
        written = real(vault, target, edit)
        other.write_bytes(SAM_O.encode() + b"- 2026-11-20 call: one more\r\n")
        return written

    monkeypatch.setattr(actions, "write_note", write_then_an_editor_saves)
    result = CliRunner().invoke(
        cli, ["--vault", str(example_vault), "merge", "--yes", "sam-ortiz", "sam-o"], env=TODAY
    )
    assert result.exit_code == 1
    assert (
        "contacts/sam-o.md changed while it was merged into contacts/sam-ortiz.md" in result.output
    )
    assert other.read_bytes().endswith(b"- 2026-11-20 call: one more\r\n")  # kept, not deleted


# -- imports never invent or merge a fact (issue 22) -------------------------------------------

_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _summary_adds_up(line: str) -> None:
    """`N records: a created, b updated, ...`: the counts after the colon add up to N."""
    import re

    total, counts = line.split(": ", 1)
    found = [int(number) for number in re.findall(r"(?:^|, )(\d+) ", counts)]
    assert sum(found) == int(total.split()[-2]), line


def test_namesakes_with_other_profiles_and_companies_stay_seven_people(vault):
    companies = ["Acme", "Globex", "Initech", "Hooli", "Umbrella", "Acme", "Globex"]
    rows = "".join(
        f"Anna,Ali,https://www.linkedin.com/in/anna-ali-{n},,{company},Engineer,0{n} Mar 2024\n"
        for n, company in enumerate(companies, start=1)
    )
    export = vault / "Connections.csv"
    export.write_text(_HEADER + rows, encoding="utf-8")
    result = run(vault, "import", str(export))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "7 records: 7 created, 0 updated, 0 unchanged"
    notes = ["anna-ali.md", *(f"anna-ali-{n}.md" for n in range(2, 8))]
    assert sorted(p.name for p in (vault / "contacts").iterdir()) == sorted(notes)
    for n, name in enumerate(notes, start=1):
        text = (vault / "contacts" / name).read_text(encoding="utf-8")
        assert text.count("linkedin.com/in/") == 1, text
        assert f'anna-ali-{n}"' in text
    again = run(vault, "import", str(export))
    assert again.stderr.splitlines()[-1] == "7 records: 0 created, 0 updated, 7 unchanged"


def test_a_namesake_at_another_company_is_not_merged_into_a_note(vault):
    (vault / "contacts" / "anna.md").write_text("---\nname: Anna Ali\ncompany: Acme\n---\n")
    export = vault / "c.csv"
    export.write_text(_HEADER + "Anna,Ali,,,Globex,CFO,01 Mar 2024\n", encoding="utf-8")
    result = run(vault, "import", str(export))
    assert result.stdout.splitlines()[-1] == (
        "note c.csv:2: same name as contacts/anna.md, but another person "
        "(other e-mail, profile or company): a new note"
    )
    assert (
        vault / "contacts" / "anna.md"
    ).read_text() == "---\nname: Anna Ali\ncompany: Acme\n---\n"
    assert (vault / "contacts" / "anna-ali.md").exists()


def test_every_import_summary_adds_up_to_the_records_read(vault, corpus):
    files = sorted(FIXTURES.iterdir()) + sorted((corpus / "exports").glob("*.csv"))
    files += sorted((corpus / "vcards").glob("*.vcf"))
    for path in files:
        result = run(vault, "import", "--dry-run", str(path))
        assert result.exit_code == 0, (path, result.output)
        _summary_adds_up(result.stderr.splitlines()[-1].removeprefix("dry run: "))


def test_connected_on_is_kept_but_never_moves_the_last_contact(vault):
    note = vault / "contacts" / "tomas.md"
    note.write_text(
        "---\nname: Tomas Berg\ncompany: Umbrella\ncadence: 6 weeks\n---\n\n"
        "## Log\n\n- 2026-10-01 coffee: roadmap\n",
        encoding="utf-8",
    )
    before = run(vault, "digest", "--format", "json").stdout
    export = vault / "Connections.csv"
    export.write_text(
        _HEADER + "Tomas,Berg,https://www.linkedin.com/in/tomasberg,,Umbrella,CTO,12 Nov 2026\n"
        "Old,Friend,https://www.linkedin.com/in/oldfriend,,Initech,CEO,07 Jul 2019\n",
        encoding="utf-8",
    )
    assert run(vault, "import", str(export)).exit_code == 0
    assert "connected: 2026-11-12\n" in note.read_text(encoding="utf-8")
    assert "met:" not in note.read_text(encoding="utf-8")
    shown = run(vault, "show", "tomas")
    assert "last contact: 2026-10-01" in shown.stdout
    assert "connected: 2026-11-12" in shown.stdout
    assert "  connected: 2026-11-12\n" in run(vault, "prep", "tomas").stdout
    # The digest is the one before the import: the coffee keeps its reminder, and the
    # stranger connected in 2019 is no reconnect suggestion.
    assert run(vault, "digest", "--format", "json").stdout == before
    assert run(vault, "find", "2019-07-07").stdout.startswith("contacts/old-friend.md")


def test_a_decorated_name_is_the_name_with_the_original_as_an_alias(vault):
    export = vault / "c.csv"
    export.write_text(_HEADER + '🚀 Sofia,"Marino, PMP®",,,,,\n', encoding="utf-8")
    assert run(vault, "import", str(export)).exit_code == 0
    assert (vault / "contacts" / "sofia-marino.md").read_text(encoding="utf-8") == dedent(
        """\
        ---
        name: Sofia Marino
        aliases: ["🚀 Sofia Marino, PMP®"]
        ---

        # Sofia Marino

        ## Next

        ## Log
        """
    )


def test_plain_names():
    from netnotes.core.names import plain_name

    assert {text: plain_name(text) for text in (
        "🚀 Sofia Marino, PMP®", "Ana Lima (she/her)", "Ben Okoro | Helping founders scale",
        "Martin Luther King, Jr.", "Amy Chen, PhD, MBA", "Tom (Tommy) Smith", "🚀", "李小龍",
    )} == {
        "🚀 Sofia Marino, PMP®": "Sofia Marino", "Ana Lima (she/her)": "Ana Lima",
        "Ben Okoro | Helping founders scale": "Ben Okoro",
        "Martin Luther King, Jr.": "Martin Luther King, Jr.", "Amy Chen, PhD, MBA": "Amy Chen",
        "Tom (Tommy) Smith": "Tom (Tommy) Smith", "🚀": "🚀", "李小龍": "李小龍",
    }  # fmt: skip


def test_connected_goes_out_in_a_vcard_and_comes_back(vault):
    (vault / "contacts" / "tomas.md").write_text(
        "---\nname: Tomas Berg\nconnected: 2026-11-12\n---\n"
    )
    card = run(vault, "export", "vcard").stdout
    assert "connected.X-ABDATE:2026-11-12\n" in card
    assert "connected.X-ABLABEL:connected\n" in card
    (person,) = read_vcards(card, "all.vcf")
    assert (person.name, person.connected) == ("Tomas Berg", "2026-11-12")


def test_merge_joins_sections_by_heading(vault):
    keep = vault / "contacts" / "ann.md"
    keep.write_text(
        "---\nname: Ann Lee\n---\n\n# Ann Lee\n\n## Next\n\n- [ ] send the deck\n\n"
        "## Log\n- 2026-11-01 call: intro\n"
    )
    (vault / "contacts" / "ann-2.md").write_text(
        "---\nname: Ann L.\n---\n\n# Ann L.\n\nMet at PyCon.\n\n## Next\n\n"
        "- [ ] ask about Q1\n- [ ] send the deck\n\n## Interests\n\nclimbing\n\n"
        "## Log\n- 2026-11-05 coffee: roadmap\n"
    )
    result = run(vault, "merge", "--yes", "ann.md", "ann-2.md")
    assert result.exit_code == 0, result.output
    assert keep.read_text() == (
        "---\nname: Ann Lee\naliases: [Ann L.]\n---\n\n# Ann Lee\n\n## Next\n\n"
        "- [ ] send the deck\n- [ ] ask about Q1\n\n"
        "## Log\n- 2026-11-05 coffee: roadmap\n- 2026-11-01 call: intro\n\n"
        "## Merged from contacts/ann-2.md\n\nMet at PyCon.\n\n## Interests\n\nclimbing\n"
    )


def test_merge_asks_on_a_terminal_and_refuses_without_one(vault):
    import os
    import pty
    import subprocess
    import sys

    keep, other = vault / "contacts" / "ann.md", vault / "contacts" / "ann-2.md"
    keep.write_text("---\nname: Ann Lee\n---\n")
    other.write_text("---\nname: Ann L.\n---\n")
    refused = run(vault, "merge", "ann.md", "ann-2.md")
    assert refused.exit_code == 2
    assert (
        "merge deletes contacts/ann-2.md once it is in contacts/ann.md: there is no terminal "
        "to ask on, so say --yes to go on; nothing was changed" in refused.output
    )
    assert other.exists() and keep.read_text() == "---\nname: Ann Lee\n---\n"

    def on_a_terminal(answer: bytes) -> str:
        main, child = pty.openpty()
        command = [sys.executable, "-m", "netnotes", "--vault", str(vault), "merge", "ann", "ann-2"]
        process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child)
        os.close(child)
        os.write(main, answer)
        output = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
        os.close(main)
        return output.decode()

    said = on_a_terminal(b"n\n")
    assert (
        "Merge contacts/ann-2.md into contacts/ann.md, then delete contacts/ann-2.md? [y/N]" in said
    )
    assert "not merged: nothing was changed" in said
    assert other.exists() and keep.read_text() == "---\nname: Ann Lee\n---\n"
    said = on_a_terminal(b"y\n")
    assert "removed contacts/ann-2.md" in said
    assert not other.exists()


def test_a_name_holding_a_wikilink_is_found_again_on_a_rerun(vault):
    # Found by the mutated-export fuzz test: `[[Acme]] Ann` reads back as `Acme Ann`, so a
    # rerun matched nothing and made the note again.
    export = vault / "c.csv"
    export.write_text(_HEADER + "[[Acme]],Ann,,,,,\n", encoding="utf-8")
    assert run(vault, "import", str(export)).stderr.endswith(
        "1 record: 1 created, 0 updated, 0 unchanged\n"
    )
    assert "name: Acme Ann\n" in (vault / "contacts" / "acme-ann.md").read_text()
    assert run(vault, "import", str(export)).stderr.endswith(
        "1 record: 0 created, 0 updated, 1 unchanged\n"
    )


def test_a_linkedin_header_that_is_not_csv_is_a_reported_skip():
    # Found by the mutated-export fuzz test: a carriage return inside the header row made
    # the csv module refuse the first row, and an IndexError followed.
    text = '"Notes:"\n\nFirst Name\rLast Name,URL,Email Address\nAnn,Lee,,ann@example.org\n'
    (skip,) = read_linkedin(text, "c.csv")
    assert isinstance(skip, Skip) and skip.reason.startswith("not readable as CSV: ")


def test_connected_under_another_spelling_is_exported_too(vault):
    # The vCard takes `connected` as the profile reads it, whatever the note's spelling.
    (vault / "contacts" / "tomas.md").write_text(
        "---\nname: Tomas Berg\nConnected_On: 2026-11-12\n---\n"
    )
    assert "connected.X-ABDATE:2026-11-12\n" in run(vault, "export", "vcard").stdout


def test_the_contacts_folder_is_made_durable_once_after_the_last_new_note(vault, monkeypatch):
    """Each new note's bytes are fsynced before it appears; its folder is fsynced once
    after the last one (not once a note), so every note of the import is durable."""
    from netnotes.store import writer

    contacts = vault / "contacts"
    synced = []
    real = writer._sync_folder

    def sync(folder: Path) -> None:
        synced.append((Path(folder), sorted(path.name for path in contacts.glob("*.md"))))
        real(folder)

    monkeypatch.setattr(writer, "_sync_folder", sync)
    cards = vault / "cards.vcf"
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEND:VCARD\r\n"
            for name in ("Ana Lima", "Ben Okafor", "Chen Wei")
        ),
        encoding="utf-8",
    )
    result = run(vault, "import", str(cards))
    assert result.exit_code == 0, result.output
    new_notes = [(contacts, ["ana-lima.md", "ben-okafor.md", "chen-wei.md"])]
    assert [entry for entry in synced if entry[0] == contacts] == new_notes
