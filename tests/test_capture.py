"""`netnotes capture`: mail as evidence (issue 23), on Maildirs and mbox files that the
standard library's `mailbox` writes, and on the real mail of ../shared/corpus/mail."""

from __future__ import annotations

import json
import mailbox
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from click.testing import CliRunner

from netnotes.cli import cli

from .conftest import dedent

TODAY = "2026-11-21"
ME = "me@example.org"


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env={"NETNOTES_TODAY": TODAY})


def message(
    sender: str, to: str, subject: str, day: str, *, message_id: str | None = None,
    cc: str | None = None, reply_to: str | None = None, **headers: str,
) -> EmailMessage:  # fmt: skip
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    when = datetime.fromisoformat(day + "T10:30:00").replace(tzinfo=timezone(timedelta(hours=1)))
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = message_id or f"<{abs(hash((sender, subject, day)))}@example.org>"
    if reply_to:
        mail["In-Reply-To"] = reply_to
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content("A body netnotes never reads: SECRET-BODY-TEXT\n")
    return mail


def make_vault(root: Path) -> Path:
    (root / "contacts").mkdir(parents=True)
    (root / "netnotes.toml").write_text(f'me = ["{ME}", "me.work@corp.example"]\n')
    (root / "contacts" / "dana.md").write_text(
        "---\nname: Dana Kim\nemails: [dana@initech.example, Dana.Kim@home.example]\n---\n\n"
        "## Log\n- 2026-10-01 coffee: roadmap\n"
    )
    (root / "contacts" / "raj.md").write_text(
        "---\nname: Raj Patel\nemails: [raj@globex.example]\n---\n\n## Log\n"
    )
    (root / "contacts" / "ana.md").write_text(
        "---\nname: Ana Lima\nemails: [ana@lumen.example]\n---\n\n## Log\n"
    )
    return root


# What capture writes of `the_mail()`, from a Maildir, an mbox or IMAP alike.
THE_LINES = (
    "added contacts/ana.md: - 2026-11-12 <- email: Question about your team\n"
    "added contacts/dana.md: - 2026-11-03 -> email: The data role\n"
    "added contacts/dana.md: - 2026-11-05 <- email: The data role\n"
    "added contacts/raj.md: - 2026-11-02 -> email: Could we talk?\n"
)


def maildir_of(root: Path, folders: dict[str, list[EmailMessage]]) -> Path:
    """A Maildir tree as mbsync writes one: a folder per mailbox, each with cur/new/tmp."""
    root.mkdir(parents=True, exist_ok=True)
    for name, messages in folders.items():
        box = mailbox.Maildir(root / name, create=True)
        for mail in messages:
            box.add(mailbox.MaildirMessage(mail))
    return root


def the_mail() -> dict[str, list[EmailMessage]]:
    asked = message(f"Me <{ME}>", "Raj Patel <raj@globex.example>", "Could we talk?", "2026-11-02",
                    message_id="<ask-raj@example.org>")  # fmt: skip
    to_dana = message(ME, "dana@initech.example", "The data role", "2026-11-03",
                      message_id="<ask-dana@example.org>")  # fmt: skip
    # Dana answers from her other address, her name encoded (RFC 2047).
    answer = message("=?utf-8?q?Dana_Kim_=28home=29?= <dana.kim@HOME.example>", ME,
                     "Re: The data role", "2026-11-05", message_id="<answer@example.org>",
                     reply_to="<ask-dana@example.org>")  # fmt: skip
    question = message("Ana Lima <ana@lumen.example>", f"Me <{ME}>", "Question about your team",
                       "2026-11-12", message_id="<question@example.org>")  # fmt: skip
    list_post = message("raj@globex.example", "dev@lists.example", "[dev] release", "2026-11-13",
                        List_Id="<dev.lists.example>")  # fmt: skip
    newsletter = message("ana@lumen.example", ME, "Our November news", "2026-11-14",
                         List_Unsubscribe="<mailto:unsub@lumen.example>")  # fmt: skip
    stranger = message("someone@else.example", ME, "Hello", "2026-11-15")
    return {
        "INBOX": [answer, question, list_post, newsletter, stranger],
        "Sent": [asked, to_dana],
        "Archive": [answer],  # the same message in a second folder: one line
    }


def test_capture_writes_what_happened_and_the_digest_says_both_ways(tmp_path):
    vault = make_vault(tmp_path / "vault")
    mail = maildir_of(tmp_path / "Mail", the_mail())
    result = run(vault, "capture", str(mail))
    assert result.exit_code == 0, result.output
    assert result.stdout == THE_LINES
    assert result.stderr == "8 messages read, 4 lines added to 3 notes\n"
    assert (vault / "contacts" / "dana.md").read_text() == dedent(
        """\
        ---
        name: Dana Kim
        emails: [dana@initech.example, Dana.Kim@home.example]
        ---

        ## Log
        - 2026-11-05 <- email: The data role
        - 2026-11-03 -> email: The data role
        - 2026-10-01 coffee: roadmap
        """
    )
    digest = json.loads(run(vault, "digest", "--format", "json").stdout)
    # Raj never answered: waiting. Dana answered (from her other address): no waiting, but
    # her answer is the last word, so after three days a reply is owed to her, as to Ana.
    assert [(i["kind"], i["contact"], i["due"], i["text"]) for i in digest["items"]] == [
        ("reply", "Dana Kim", "2026-11-08", "reply to their email of 2026-11-05: The data role"),
        ("waiting", "Raj Patel", "2026-11-09", "no reply to email sent 2026-11-02: Could we talk?"),
        ("reply", "Ana Lima", "2026-11-15",
         "reply to their email of 2026-11-12: Question about your team"),
    ]  # fmt: skip
    assert "SECRET-BODY-TEXT" not in "".join(p.read_text() for p in vault.rglob("*.md"))


def test_a_second_run_changes_nothing_and_a_deleted_line_stays_deleted(tmp_path):
    vault = make_vault(tmp_path / "vault")
    mail = maildir_of(tmp_path / "Mail", the_mail())
    assert run(vault, "capture", str(mail)).exit_code == 0
    notes = {p: p.read_bytes() for p in (vault / "contacts").iterdir()}
    again = run(vault, "capture", str(mail))
    assert again.stdout == ""
    assert again.stderr == "8 messages read, 0 lines added to 0 notes, 4 captured before\n"
    assert {p: p.read_bytes() for p in (vault / "contacts").iterdir()} == notes
    raj = vault / "contacts" / "raj.md"
    raj.write_text(raj.read_text().replace("- 2026-11-02 -> email: Could we talk?\n", ""))
    assert run(vault, "capture", str(mail)).stdout == ""
    assert "Could we talk?" not in raj.read_text()
    memory = (vault / "netnotes-captured.txt").read_text()
    assert memory.startswith("# netnotes capture:")
    assert len(memory.splitlines()) == 2 + 4  # the header, and a line a message (copies: one)
    assert "raj" not in memory and "example" not in memory  # hashes only


def test_a_line_the_note_holds_already_is_not_written_twice(tmp_path):
    # Another clone captured the same mail and the note came with a pull; this clone's
    # memory does not know the messages.
    vault = make_vault(tmp_path / "vault")
    raj = vault / "contacts" / "raj.md"
    raj.write_text(raj.read_text() + "- 2026-11-02 -> email: Could we talk?\n")
    mail = maildir_of(tmp_path / "Mail", {"Sent": the_mail()["Sent"]})
    result = run(vault, "capture", str(mail))
    assert result.stdout == "added contacts/dana.md: - 2026-11-03 -> email: The data role\n"
    assert result.stderr == "2 messages read, 1 line added to 1 note, 1 already there\n"
    assert raj.read_text().count("Could we talk?") == 1


def test_dry_run_writes_nothing_and_names_the_strangers(tmp_path):
    vault = make_vault(tmp_path / "vault")
    mail = maildir_of(tmp_path / "Mail", the_mail())
    before = {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()}
    result = run(vault, "capture", "--dry-run", str(mail))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "would add contacts/ana.md: - 2026-11-12 <- email: Question about your team"
    )
    assert result.stderr == (
        "not in the vault, most written with: someone@else.example (1)\n"
        "dry run: 8 messages read, 4 lines added to 3 notes\n"
    )
    after = {
        p: p.read_bytes() for p in vault.rglob("*") if p.is_file() and ".netnotes" not in p.parts
    }
    assert after == before


def test_an_mbox_from_gmail_takeout_reads_the_same(tmp_path):
    vault = make_vault(tmp_path / "vault")
    box = mailbox.mbox(tmp_path / "All mail.mbox")
    for folder in the_mail().values():
        for mail in folder:
            box.add(mailbox.mboxMessage(mail))
    box.close()
    result = run(vault, "capture", str(tmp_path / "All mail.mbox"))
    assert result.exit_code == 0, result.output
    assert result.stderr == "8 messages read, 4 lines added to 3 notes\n"


def test_the_configured_sources_and_a_missing_me(tmp_path):
    vault = make_vault(tmp_path / "vault")
    mail = maildir_of(tmp_path / "Mail", the_mail())
    config = vault / "netnotes.toml"
    assert "[mail] maildir" in run(vault, "capture").output  # nowhere to read: say how
    config.write_text(config.read_text() + f'[mail]\nmaildir = ["{mail}"]\nignore = ["ana@*"]\n')
    result = run(vault, "capture")
    assert result.stderr == "8 messages read, 3 lines added to 2 notes\n"  # Ana ignored
    config.write_text(f'[mail]\nmaildir = ["{mail}"]\n')
    refused = run(vault, "capture")
    assert refused.exit_code == 1
    assert "say which addresses are yours first" in refused.output


def test_many_recipients_is_not_a_conversation(tmp_path):
    vault = make_vault(tmp_path / "vault")
    crowd = ", ".join(f"p{n}@example.net" for n in range(9))
    party = message(ME, f"raj@globex.example, {crowd}", "Party!", "2026-11-10")
    result = run(vault, "capture", str(maildir_of(tmp_path / "Mail", {"Sent": [party]})))
    assert result.stderr == "1 message read, 0 lines added to 0 notes\n"


def test_every_message_of_the_real_corpus_reads_or_is_skipped_with_a_reason(tmp_path, corpus):
    from netnotes.store.mailboxes import maildir_files, read_mail
    from netnotes.store.vault import open_vault

    vault = open_vault(make_vault(tmp_path / "vault"))
    found = list(read_mail(vault, [corpus / "mail"], []))
    files = list(maildir_files(corpus / "mail"))
    assert len(found) == len(files) == 103
    skipped = {Path(m.where).name: m.skipped for m in found if m.envelope is None}
    assert skipped == {
        "README.notmuch": "no From address",
        "text-calendar.eml": "no usable Date (Thu Jan 01 00:00:10 +0000)",
    }
    ids = [m.envelope.message_id for m in found if m.envelope]
    duplicates = [m for m in found if "duplicate" in m.where]
    assert len({m.envelope.message_id for m in duplicates}) < len(duplicates)
    assert len(set(ids)) < len(ids)  # copies of one message: capture counts them once
    again = list(read_mail(vault, [corpus / "mail"], []))  # from the cache: the same
    assert again == found
