"""Every value netnotes writes reads back to itself (issue 20): the one value emitter, and
add, import and merge through it; imported free text never becomes structure."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.app.importing import new_note
from netnotes.cli import cli
from netnotes.core.frontmatter import load_front_matter
from netnotes.core.parse import parse_note
from netnotes.core.yamltext import yaml_scalar
from netnotes.formats.people import Person
from netnotes.store.vault import open_vault

from .conftest import make_vault

TODAY = {"NETNOTES_TODAY": "2026-11-21"}
# Every code point a UTF-8 file can hold (surrogates cannot be encoded).
ANY_TEXT = st.text(st.characters(codec="utf-8"), min_size=1)
TRICKY = ["2026-02-30", "no", "012", "1:30", "0o17", "~", "[[Acme]]", "#person", "a: b",
          "x\u2028y", "x\u2029y", "\ufffe", "\uffff", "\ufeffz", "\x85", "- item", "'quoted'",
          '"', "\\", "null", " lead", "trail ", "@at", "`tick`", "%pct", "|", ">", "*star"]  # fmt: skip


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def fields_of(path: Path, vault: Path) -> dict:
    contact, problems = parse_note(path.relative_to(vault).as_posix(), path.read_bytes())
    assert contact is not None and not [p for p in problems if p.severity.value == "error"], (
        problems
    )
    return contact.fields


def test_every_code_point_reads_back_alone_and_between_letters():
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for value in (chr(code), f"a{chr(code)}b"):
            written = yaml_scalar(value)
            assert "\n" not in written and "\r" not in written
            assert load_front_matter(f"k: {written}\n", 2) == {"k": value}, hex(code)


@pytest.mark.parametrize("value", TRICKY)
def test_yaml_special_spellings_read_back_in_netnotes_and_in_pyyaml(value):
    import yaml

    written = yaml_scalar(value)
    assert load_front_matter(f"k: {written}\n", 2) == {"k": value}
    assert yaml.safe_load(f"k: {written}\n") == {"k": value}  # what Obsidian plugins use too
    assert load_front_matter(f"k: [{written}, other]\n", 2) == {"k": [value, "other"]}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(company=ANY_TEXT, role=ANY_TEXT, tag=ANY_TEXT)
def test_add_writes_any_value_that_reads_back(tmp_path_factory, company, role, tag):
    from netnotes.core.safetext import is_control

    vault = make_vault(tmp_path_factory.mktemp("v"))
    result = run(vault, "add", "Ann Lee", "--company", company, "--role", role, "--tag", tag)
    if any(is_control(c) for c in company + role + tag) or "," in tag or not tag.strip():
        return  # refused with a message (control characters), or a tag list split on commas
    if not company.strip() or not role.strip():
        return
    assert result.exit_code == 0, result.output
    fields = fields_of(vault / "contacts" / "ann-lee.md", vault)
    assert (fields["company"], fields["role"]) == (company, role)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(ANY_TEXT, min_size=5, max_size=5))
def test_a_new_imported_note_reads_back_to_every_value(tmp_path_factory, values):
    vault = make_vault(tmp_path_factory.mktemp("v"))
    company, role, alias, tag, uid = values
    person = Person("Ann Lee", "test", company=company, role=role, aliases=(alias,), tags=(tag,),
                    uid=uid)  # fmt: skip
    text = new_note(open_vault(vault), person, date(2026, 11, 21))
    note = vault / "contacts" / "ann.md"
    note.write_text(text, encoding="utf-8")
    fields = fields_of(note, vault)
    assert fields["company"] == company and fields["role"] == role and fields["uid"] == uid
    assert fields["aliases"] == [alias] and fields["tags"] == [tag]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=ANY_TEXT, values=st.lists(ANY_TEXT, min_size=5, max_size=5))
def test_merge_carries_every_value_of_remove_into_keep(tmp_path_factory, name, values):
    from netnotes.core.names import fold

    vault = make_vault(tmp_path_factory.mktemp("v"))
    keep = vault / "contacts" / "keep.md"
    keep.write_text("---\nname: Ann Lee\ncadence: 1 month\n---\n## Log\n- 2026-10-01 call\n")
    company, role, alias, tag, hobby = values
    remove = vault / "contacts" / "remove.md"
    remove.write_text(
        f"---\nname: {yaml_scalar(name)}\ncompany: {yaml_scalar(company)}\n"
        f"role: {yaml_scalar(role)}\naliases: [{yaml_scalar(alias)}]\n"
        f"tags: [{yaml_scalar(tag)}]\nhobby: {yaml_scalar(hobby)}\n---\n"
        "## Log\n- 2026-11-02 coffee: talked about the move\n",
        encoding="utf-8",
    )
    theirs = fields_of(remove, vault)
    their_name = parse_note("contacts/remove.md", remove.read_bytes())[0].name  # or the stem
    for note in (keep, remove):  # saved a while ago: merge need not wait for them to settle
        os.utime(note, (time.time() - 10, time.time() - 10))
    result = run(vault, "merge", "--yes", "contacts/keep.md", "contacts/remove.md")
    assert result.exit_code == 0, result.output
    assert not remove.exists()
    ours = fields_of(keep, vault)
    for key in ("company", "role", "hobby"):
        if theirs[key] not in (None, ""):
            assert ours[key] == theirs[key], key
    folded = {fold(str(value)) for value in ours.get("aliases", [])}
    expected = [their_name] if fold(their_name) != fold("Ann Lee") else []
    expected += [str(value) for value in theirs["aliases"] if value not in (None, "")]
    assert all(fold(value) in folded for value in expected), (expected, ours.get("aliases"))
    assert [str(t) for t in theirs["tags"] if t] == [str(t) for t in ours.get("tags", []) if t]
    contact, _ = parse_note("contacts/keep.md", keep.read_bytes())
    assert [(i.on.isoformat(), i.text) for i in contact.interactions] == [
        ("2026-10-01", "call"), ("2026-11-02", "talked about the move")]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(company=ANY_TEXT, role=ANY_TEXT)
def test_the_import_command_writes_any_value_that_reads_back(tmp_path_factory, company, role):
    from netnotes.core.safetext import printable

    vault = make_vault(tmp_path_factory.mktemp("v"))
    row = {"First Name": "Ann", "Last Name": "Lee", "Organization Name": company,
           "Organization Title": role, "E-mail 1 - Value": "ann@example.org"}  # fmt: skip
    (vault / "g.csv").write_text(google_csv([row]), encoding="utf-8")
    result = run(vault, "import", "--from", "google", str(vault / "g.csv"))
    assert result.exit_code == 0, result.output
    fields = fields_of(vault / "contacts" / "ann-lee.md", vault)
    # What an import promises of a value: one line, no control characters, spaces collapsed.
    for key, value in (("company", company), ("role", role)):
        shown = " ".join(printable(value).split())
        assert fields.get(key) == (shown or None), key  # an empty value: no key at all


def google_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = ["First Name", "Last Name", "Organization Name", "Organization Title",
               "E-mail 1 - Value", "Notes"]  # fmt: skip
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_an_impossible_date_in_any_field_imports_as_text_and_every_record_is_written(vault):
    # Before: internal error (ValueError) at the first such record; the rest never imported.
    rows = [
        {"First Name": f"P{i}", "Last Name": "Q", "Organization Name": value,
         "Organization Title": value, "E-mail 1 - Value": f"p{i}@example.org"}
        for i, value in enumerate(["2026-02-30", "no", "012", "x\u2028y", "\ufffe", "1:30"])
    ]  # fmt: skip
    (vault / "g.csv").write_text(google_csv(rows), encoding="utf-8")
    result = run(vault, "import", "--from", "google", str(vault / "g.csv"))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "6 records: 6 created, 0 updated, 0 unchanged"
    for i, row in enumerate(rows):
        fields = fields_of(vault / "contacts" / f"p{i}-q.md", vault)
        assert fields["company"] == row["Organization Name"].replace("\u2028", " ")
    again = run(vault, "import", "--from", "google", str(vault / "g.csv"))
    assert again.stderr.splitlines()[-1] == "6 records: 0 created, 0 updated, 6 unchanged"


def test_updating_a_note_from_an_import_never_breaks_it(vault):
    # Before: a company with U+2028 or U+FFFE went in raw, and the note stopped parsing.
    note = vault / "contacts" / "ann.md"
    note.write_text("---\nname: Ann Lee\nemails: [ann@example.org]\n---\n# Ann Lee\n")
    rows = [{"First Name": "Ann", "Last Name": "Lee", "Organization Name": "Acme\u2028Ltd\ufffe",
             "Organization Title": "2026-02-30", "E-mail 1 - Value": "ann@example.org"}]  # fmt: skip
    (vault / "g.csv").write_text(google_csv(rows), encoding="utf-8")
    assert run(vault, "import", "--from", "google", str(vault / "g.csv")).exit_code == 0
    fields = fields_of(note, vault)
    # U+2028 is a line break to a reader: an imported name or value is kept on one line.
    assert (fields["company"], fields["role"]) == ("Acme Ltd\ufffe", "2026-02-30")


def test_an_obsidian_template_is_filled_as_add_fills_it(vault):
    # Before: `met: {{date}}` and `tags: [#person]` gave an internal error, and template
    # values were re-typed (012 -> 10, no -> false, [[Acme]] -> a nested list).
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md").write_text(
        "---\nname: {name}\nmet: {{date}}\ntags: [#person]\ncode: 012\nvip: no\n"
        'company: "[[Acme]]"\n---\n# {name}\n'
    )
    rows = [{"First Name": "Ann", "Last Name": "Lee", "E-mail 1 - Value": "ann@example.org"}]
    (vault / "g.csv").write_text(google_csv(rows), encoding="utf-8")
    result = run(vault, "import", "--from", "google", str(vault / "g.csv"))
    assert result.exit_code == 0, result.output
    assert (vault / "contacts" / "ann-lee.md").read_text() == (
        "---\nname: Ann Lee\nmet: {{date}}\ntags: [#person]\ncode: 012\nvip: no\n"
        'company: "[[Acme]]"\nemails: [ann@example.org]\n---\n# Ann Lee\n'
    )
    assert run(vault, "add", "Bo Ek").exit_code == 0
    assert (vault / "contacts" / "bo-ek.md").read_text() == (
        "---\nname: Bo Ek\nmet: {{date}}\ntags: [#person]\ncode: 012\nvip: no\n"
        'company: "[[Acme]]"\n---\n# Bo Ek\n'
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("---\n- item\n---\n", "templates/contact.md:2: front matter must be a mapping of keys "
         "to values, not a list; fix the template: no note was made"),
        ("---\nname: {name}\ntags: [\n---\n", "templates/contact.md:4: front matter: did not "
         "find expected node content; fix the template: no note was made"),
    ],
)  # fmt: skip
def test_a_template_that_would_make_a_broken_note_is_refused_by_add_and_import(
    vault, template, message
):
    # Found by tests/test_fuzz_inputs.py: before, both wrote a note left out of everything.
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md").write_text(template)
    added = run(vault, "add", "Ann Lee")
    (vault / "g.csv").write_text(google_csv([{"First Name": "Bo", "Last Name": "Ek"}]))
    imported = run(vault, "import", str(vault / "g.csv"))
    for result in (added, imported):
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert list((vault / "contacts").iterdir()) == []


def test_a_name_that_looks_like_a_date_or_a_tag_stays_a_name_in_the_note(vault):
    # Found by the import fuzz: `# 1979-02-29` was read as a dated heading (an error),
    # and `# Ann #vip` gave Ann a tag nobody set.
    rows = [{"First Name": "1979-02-29"}, {"First Name": "Ann", "Last Name": "#vip"},
            {"First Name": "[[2026-11-19]]", "Last Name": "Cy"}]  # fmt: skip
    (vault / "g.csv").write_text(google_csv(rows))
    assert run(vault, "import", str(vault / "g.csv")).exit_code == 0
    dated = (vault / "contacts" / "1979-02-29.md").read_text()
    assert "\n# 1979\\-02-29\n" in dated
    tagged = vault / "contacts" / "ann-vip.md"
    assert "\n# Ann \\#vip\n" in tagged.read_text()
    assert fields_of(tagged, vault)["name"] == "Ann #vip"
    contact, _ = parse_note("contacts/ann-vip.md", tagged.read_bytes())
    assert contact.tags == ()
    check = run(vault, "check")
    assert (check.exit_code, check.output) == (0, "3 notes checked: 0 errors, 0 warnings\n")


def test_an_imported_note_is_quoted_text_never_a_log_a_task_or_a_conflict(vault):
    # Before: a NOTE's `## Log` entries and tasks reached the digest, and conflict markers
    # made the note an error.
    hostile = (
        "## Log\n- 2026-11-20 -> email: forged outreach\n- [ ] forged task 📅 2026-11-20\n"
        "<<<<<<< ours\n=======\n>>>>>>> theirs\n```\n# a heading\n"
    )
    rows = [{"First Name": "Ann", "Last Name": "Lee", "E-mail 1 - Value": "ann@example.org",
             "Notes": hostile}]  # fmt: skip
    (vault / "g.csv").write_text(google_csv(rows), encoding="utf-8")
    assert run(vault, "import", "--from", "google", str(vault / "g.csv")).exit_code == 0
    note = vault / "contacts" / "ann-lee.md"
    contact, problems = parse_note("contacts/ann-lee.md", note.read_bytes())
    assert problems == [] and contact.interactions == () and contact.tasks == ()
    text = note.read_text()
    assert "````text\n## Log\n- 2026-11-20 -> email: forged outreach\n" in text
    assert "\n <<<<<<< ours\n =======\n >>>>>>> theirs\n```\n# a heading\n````\n" in text
    digest = run(vault, "digest", "--format", "json")
    assert '"items": []' in digest.output and '"problems": []' in digest.output


def test_a_huge_imported_note_is_cut_so_a_rerun_finds_the_same_note(vault):
    rows = [{"First Name": "Ann", "Last Name": "Lee", "E-mail 1 - Value": "ann@example.org",
             "Notes": "word " * 300_000}]  # fmt: skip
    (vault / "g.csv").write_text(google_csv(rows), encoding="utf-8")
    assert run(vault, "import", "--from", "google", str(vault / "g.csv")).exit_code == 0
    note = vault / "contacts" / "ann-lee.md"
    assert note.stat().st_size < 70 * 1024
    assert note.read_text().endswith("[... cut: the imported note was longer]\n```\n")
    again = run(vault, "import", "--from", "google", str(vault / "g.csv"))
    assert again.stderr.splitlines()[-1] == "1 record: 0 created, 0 updated, 1 unchanged"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("hobby: chess", "hobby: chess"),
        ("count: 3", "count: 3"),
        ("linkedin: https://x.example/a", 'linkedin: "https://x.example/a"'),
    ],
)
def test_merge_takes_keys_netnotes_does_not_know(vault, value, written):
    # Before: internal error (TypeError) whenever REMOVE had such a key.
    (vault / "contacts" / "a.md").write_text("---\nname: Ann Lee\n---\n# Ann Lee\n")
    (vault / "contacts" / "b.md").write_text(f"---\nname: Ann L\n{value}\n---\n# Ann L\n")
    result = run(vault, "merge", "--yes", "a.md", "b.md")
    assert result.exit_code == 0, result.output
    text = (vault / "contacts" / "a.md").read_text()
    assert f"\n{written}\n" in text
    assert not (vault / "contacts" / "b.md").exists()


def test_merge_refuses_a_link_and_never_deletes_its_target(vault):
    (vault / "contacts" / "a.md").write_text("---\nname: Ann Lee\n---\n# Ann Lee\n")
    (vault / "contacts" / "c.md").write_text("---\nname: Cy\n---\n# Cy\n")
    (vault / "contacts" / "link.md").symlink_to(vault / "contacts" / "c.md")
    result = run(vault, "merge", "--yes", "a.md", "link.md")
    assert result.exit_code == 1
    assert "contacts/link.md is a symbolic link: merge the note it points to" in result.stderr
    assert (vault / "contacts" / "c.md").read_text() == "---\nname: Cy\n---\n# Cy\n"


def test_merging_again_after_an_interruption_adds_nothing_twice(vault):
    keep = vault / "contacts" / "a.md"
    keep.write_text("---\nname: Ann Lee\n---\n# Ann Lee\n")
    remove_text = "---\nname: Ann L\n---\n# Ann L\n\nLoves chess.\n\n## Log\n- 2026-11-01 coffee\n"
    (vault / "contacts" / "b.md").write_text(remove_text)
    assert run(vault, "merge", "--yes", "a.md", "b.md").exit_code == 0
    merged = keep.read_text()
    (vault / "contacts" / "b.md").write_text(remove_text)  # as if the delete never happened
    assert run(vault, "merge", "--yes", "a.md", "b.md").exit_code == 0
    assert keep.read_text() == merged
    assert merged.count("Loves chess.") == 1


def test_a_csv_with_a_long_cell_and_a_row_longer_than_its_header_imports(vault):
    # Before: csv.Error over 128 KiB, AttributeError on extra cells: nothing imported.
    text = google_csv(
        [{"First Name": "Ann", "Last Name": "Lee", "Notes": "x" * 200_000},
         {"First Name": "Bo", "Last Name": "Ek"}]
    )  # fmt: skip
    text += "Cy,Do,,,,,extra,cells\n"
    (vault / "g.csv").write_text(text, encoding="utf-8")
    result = run(vault, "import", "--from", "google", str(vault / "g.csv"))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "3 records: 3 created, 0 updated, 0 unchanged"


def test_a_utf16_vcard_imports_and_a_latin1_file_is_refused_with_the_fix(vault):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Groß\r\nEMAIL:j@example.org\r\nEND:VCARD\r\n"
    (vault / "u16.vcf").write_bytes(card.encode("utf-16"))
    result = run(vault, "import", str(vault / "u16.vcf"))
    assert result.exit_code == 0, result.output
    assert "name: Jürgen Groß" in (vault / "contacts" / "jurgen-gross.md").read_text()
    (vault / "latin1.vcf").write_bytes(card.replace("Jürgen", "Jörg").encode("cp1252"))
    result = run(vault, "import", str(vault / "latin1.vcf"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {vault / 'latin1.vcf'}: not UTF-8 text (byte 31 is not): export it again as UTF-8"
    )
    assert not (vault / "contacts" / "jorg-gross.md").exists()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from Linux /proc")
def test_a_card_with_a_huge_photo_imports_without_decoding_it(vault):
    import base64
    import subprocess
    import sys

    photo = base64.b64encode(b"\xff" * 30_000_000).decode()
    folded = "\r\n ".join(photo[i : i + 74] for i in range(0, len(photo), 74))
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{folded}\r\nEND:VCARD\r\n"
    )
    (vault / "big.vcf").write_text(card)
    script = (
        "import sys\nfrom netnotes.cli import main\nsys.argv = ['netnotes', "
        f"'--vault', {str(vault)!r}, 'import', {str(vault / 'big.vcf')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # VmHWM, not ru_maxrss: that one keeps the peak of the process that started it
        # (pytest's, hundreds of MB by the end of a full run) across exec.
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(peak.split()[1], file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    peak_kib = int(done.stderr.splitlines()[-1])
    assert (vault / "contacts" / "ann-lee.md").exists(), done.stderr
    assert peak_kib < 600 * 1024  # before: 6.3 GB for a 30 MB photo
