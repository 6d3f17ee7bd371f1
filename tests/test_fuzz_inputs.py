"""A fuzz run over what netnotes reads that is not a note (issue 20): the files `import`
reads (vCard, LinkedIn and Google bytes, mutated), the targets `export -o` writes to,
and the templates `add`, `import`, `draft` and `prep` fill. No input may give an
internal error, every note written must parse, and a second import of the same file
must create nobody.

Marked `slow` like tests/test_fuzz.py: CI runs a modest example count; for a long run,
`NETNOTES_FUZZ_EXAMPLES=5000 python -m pytest -m slow`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.cli import cli
from netnotes.core.model import Severity
from netnotes.core.parse import parse_note

from .conftest import SHARED_CORPUS, make_vault
from .test_fuzz import notes

EXAMPLES = int(os.environ.get("NETNOTES_FUZZ_EXAMPLES", "300")) // 3
FUZZ = settings(max_examples=max(EXAMPLES, 20), deadline=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip
TODAY = {"NETNOTES_TODAY": "2026-11-21"}

# Seeds of each format, shipped here so the fuzz runs without the corpus too; the
# corpus's real exports join them when it is beside the project.
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Groß\r\nN:Groß;Jürgen;;;\r\n"
    "NICKNAME:Jo,Jojo\r\nORG:Acme;R&D\r\nTITLE:Lead\r\nEMAIL;TYPE=work:j@example.org\r\n"
    "BDAY:--0229\r\nCATEGORIES:friends,work\r\nNOTE:Met at PyCon\\n- [ ] call back\r\n"
    "UID:urn:uuid:1\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.org\r\nBDAY:19900101\r\n"
    "END:VCARD\r\n"
)
LINKEDIN = (
    'Notes:\n"When exporting your connection data, you may notice..."\n\n'
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ann,Lee,https://www.linkedin.com/in/annlee,ann@example.org,Acme,Lead,12 Mar 2024\n"
    "Bo,Ek,https://www.linkedin.com/in/boek,,Initech,CTO,01 Jan 2020\n"
)
GOOGLE = (
    "First Name,Last Name,Nickname,Birthday,Notes,Labels,E-mail 1 - Value,"
    "Organization Name,Organization Title\n"
    "Ann,Lee,Annie,1990-01-01,Met at PyCon,* myContacts ::: Friends,ann@example.org,Acme,Lead\n"
    'Cy,Dunn,,--02-29,"line one\nline two",,cy@example.org,,\n'
)
SEEDS = {"vcard": [VCARD.encode()], "linkedin": [LINKEDIN.encode()], "google": [GOOGLE.encode()]}
if SHARED_CORPUS.is_dir():
    SEEDS["vcard"] += [p.read_bytes() for p in sorted((SHARED_CORPUS / "vcards").glob("*.vcf"))]
    exports = SHARED_CORPUS / "exports"
    SEEDS["linkedin"] += [p.read_bytes() for p in sorted(exports.glob("linkedin-*.csv"))]
    SEEDS["google"] += [(exports / "google-contacts.csv").read_bytes()]

# What a damaged or hostile export holds: structure of each format, YAML and Markdown
# that must stay text, encodings, controls and sizes.
TOKENS = [b"\r\n", b"\n", b"\r", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xe9", b",", b'"', b";",
          b":", b"\\n", b"\\,", b"\r\n ", b"BEGIN:VCARD\r\n", b"END:VCARD\r\n", b"VERSION:4.0\r\n",
          b"FN:", b"FN:\r\n", b"N:;;;;\r\n", b"EMAIL:", b"BDAY:2026-02-30\r\n", b"BDAY:--1345\r\n",
          b"NOTE:## Log\\n- 2026-11-20 called\r\n", b"PHOTO;ENCODING=b:AAAA\r\n",
          b"ITEM1.EMAIL:x@y\r\n", b"2026-02-30", b"no", b"012", b"[[Acme]]", b"#tag", b"---",
          b"<<<<<<< ours", b"\xe2\x80\xa8", b"\xef\xbf\xbe", b"\x1b[2J", b"\xe2\x80\xae", b"~",
          b"{name}", b"a" * 300, "Zoë 😀".encode(), b"01 Jan 1900", b"* myContacts ::: x"]  # fmt: skip


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "flip", "cut", "repeat", "truncate"]))
        if how == "insert":
            data[position:position] = draw(
                st.one_of(st.sampled_from(TOKENS), st.binary(max_size=8))
            )
        elif how == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del data[position : position + draw(st.integers(1, 40))]
        elif how == "repeat":
            data[position:position] = data[max(0, position - 80) : position]
        elif how == "truncate":
            del data[position:]
    return bytes(data)


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def assert_handled(result, *args) -> None:
    """Exit 0, 1 with an `Error:` line, or 2 for a value click refuses; never an internal
    error."""
    assert "internal error" not in result.output and "Traceback" not in result.output, (
        args, result.output)  # fmt: skip
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: "), (args, result.output)
    if result.exit_code == 2:
        assert "Error: Invalid value" in result.stderr, (args, result.output)


def assert_every_note_parses(vault: Path) -> None:
    for note in sorted((vault / "contacts").rglob("*.md")):
        relative = note.relative_to(vault).as_posix()
        contact, problems = parse_note(relative, note.read_bytes())
        errors = [p.format() for p in problems if p.severity is Severity.ERROR]
        assert contact is not None and not errors, (relative, note.read_text(), errors)


# -- import: vCard, LinkedIn and Google bytes ----------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("source", sorted(SEEDS))
def test_importing_a_mutated_export_never_fails_inside(tmp_path_factory, source):
    @FUZZ
    @given(data=mutated(SEEDS[source]), told=st.booleans())
    def check(data, told):
        vault = make_vault(tmp_path_factory.mktemp("v"))
        file = vault / f"export.{'vcf' if source == 'vcard' else 'csv'}"
        file.write_bytes(data)
        how = ["--from", source] if told else []
        dry = run(vault, "import", *how, "--dry-run", str(file))
        assert_handled(dry, data)
        assert list((vault / "contacts").iterdir()) == []  # a dry run writes nothing
        first = run(vault, "import", *how, str(file))
        assert_handled(first, data)
        assert first.exit_code == dry.exit_code, (data, dry.output, first.output)
        assert_every_note_parses(vault)
        if first.exit_code == 0:
            again = run(vault, "import", *how, str(file))
            assert_handled(again, data)
            assert ": 0 created, " in again.stderr.splitlines()[-1], (data, again.output)

    check()


# -- export: any target ----------------------------------------------------------------------

TARGETS = ["missing", "regular", "same", "folder", "note", "config", "fifo", "dev-null",
           "dev-full", "symlink-to-zero", "symlink-to-note", "dangling", "inside-missing",
           "hidden", "templates"]  # fmt: skip


def make_target(vault: Path, kind: str, content: bytes, expected: bytes) -> Path:
    target = vault / "out" / "export.file"
    target.parent.mkdir(exist_ok=True)
    if kind == "regular":
        target.write_bytes(content)
    elif kind == "same":
        target.write_bytes(expected)
    elif kind == "folder":
        target.mkdir()
    elif kind == "note":
        target = vault / "contacts" / "ann.md"
    elif kind == "config":
        target = vault / "netnotes.toml"
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind in ("dev-null", "dev-full"):
        target = Path("/dev/" + kind[4:])
    elif kind == "symlink-to-zero":
        target.symlink_to("/dev/zero")
    elif kind == "symlink-to-note":
        target.symlink_to(vault / "contacts" / "ann.md")
    elif kind == "dangling":
        target.symlink_to(vault / "nowhere" / "x")
    elif kind == "inside-missing":
        target = vault / "missing" / "export.file"
    elif kind == "hidden":
        target = vault / ".netnotes" / "export.file"
    elif kind == "templates":
        (vault / "templates").mkdir(exist_ok=True)
        target = vault / "templates" / "export.file"
    return target


@pytest.mark.slow
@pytest.mark.parametrize("what", ["vcard", "ics"])
def test_export_to_any_target_never_fails_inside_nor_touches_a_note(tmp_path_factory, what):
    @FUZZ
    @given(kind=st.sampled_from(TARGETS), content=st.binary(max_size=2000))
    def check(kind, content):
        vault = make_vault(tmp_path_factory.mktemp("v"))
        note = vault / "contacts" / "ann.md"
        note.write_text("---\nname: Ann Lee\ncadence: 1 week\nbirthday: 1990-11-25\n---\n")
        config = (vault / "netnotes.toml").read_bytes()
        before = note.read_bytes()
        expected = run(vault, "export", what, "--today", "2026-11-21").stdout_bytes
        target = make_target(vault, kind, content, expected)
        result = run(vault, "export", what, "--today", "2026-11-21", "-o", str(target))
        assert_handled(result, kind)
        assert note.read_bytes() == before and (vault / "netnotes.toml").read_bytes() == config
        if result.exit_code == 0 and target.is_file() and not target.is_symlink():
            assert target.read_bytes() == expected, kind
        if kind in ("note", "config", "fifo", "folder", "symlink-to-zero", "symlink-to-note"):
            assert result.exit_code in (1, 2), (kind, result.output)

    check()


# -- templates: the contact template and the message templates -----------------------------

_template_line = st.one_of(
    st.sampled_from(["name: {name}", "met: {{date}}", "tags: [#person]", "company:", "role: ~",
                     "emails: []", "emails: x", "cadence: 1 week", "cadence: soon", "code: 012",
                     "vip: no", 'company: "[[Acme]]"', "name:", "aliases: [{name}]", "- item",
                     "{", "{name", "{0}", "{name!r}", "{name:>999999}", "%s", "---", "...",
                     "## Log", "- 2026-11-01 met", "- [ ] follow up 📅 2026-11-25", "# {name}",
                     "<<<<<<< ours", "\t", ""]),
    st.text(max_size=20),
)  # fmt: skip


def templates():
    return notes(front_line=_template_line, body_line=_template_line)


@pytest.mark.slow
@FUZZ
@given(template=st.one_of(templates(), st.binary(max_size=200)))
def test_any_contact_template_makes_notes_that_parse_or_a_clear_refusal(tmp_path_factory, template):
    vault = make_vault(tmp_path_factory.mktemp("v"))
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md").write_bytes(template)
    added = run(vault, "add", "Ann Lee", "--company", "Acme", "--tag", "vip", "--met", "2026-11-01")
    assert_handled(added, template)
    (vault / "g.csv").write_text(GOOGLE)
    imported = run(vault, "import", str(vault / "g.csv"))
    assert_handled(imported, template)
    assert_every_note_parses(vault)
    # One way to make a note: the template add refuses, import refuses too, alike.
    assert (added.exit_code == 1) == (imported.exit_code == 1), (template, added.output,
                                                                 imported.output)  # fmt: skip


@pytest.mark.slow
@FUZZ
@given(message=st.one_of(templates(), st.binary(max_size=200)), me=st.binary(max_size=200),
       kind=st.sampled_from(["ask", "thanks", "update", "reconnect", "congrats"]))  # fmt: skip
def test_any_message_template_and_me_note_give_a_draft_and_a_card(tmp_path_factory, message, me,
                                                                  kind):  # fmt: skip
    vault = make_vault(tmp_path_factory.mktemp("v"))
    (vault / "contacts" / "ann.md").write_text(
        "---\nname: Ann Lee\ncompany: Acme\ncadence: 1 month\n---\n## Log\n- 2026-10-01 call\n"
    )
    (vault / "templates" / "messages").mkdir(parents=True)
    (vault / "templates" / "messages" / f"{kind}.md").write_bytes(message)
    (vault / "me.md").write_bytes(me)
    assert_handled(run(vault, "draft", "ann", "--for", kind), message)
    for shape in ("text", "markdown", "json"):
        assert_handled(run(vault, "prep", "ann", "--format", shape), me)
