"""The writing commands as domain operations: init, add, log, done, snooze.

Each finds its contact, applies a pure edit from edit.py through the
stale-safe writer, and returns what it did for the CLI to print. None of them
prints, and every refusal raises before anything is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from netnotes.core.config import CONFIG_NAME
from netnotes.core.dates import parse_date, parse_duration
from netnotes.core.errors import NetnotesError
from netnotes.core.lookup import AmbiguousName
from netnotes.core.model import KIND_WORD, Contact, Task, TaskState
from netnotes.core.names import fold
from netnotes.core.reading import spelling_of
from netnotes.core.recurrence import UnsupportedRule
from netnotes.core.safetext import is_control
from netnotes.store import index
from netnotes.store.edit import (
    add_log_entry,
    check_off_task,
    format_entry,
    set_key,
)
from netnotes.store.loading import load_summaries
from netnotes.store.new_notes import (
    DEFAULT_TEMPLATE,
    contact_template,
    note_from_template,
    note_paths,
)
from netnotes.store.notefile import read_text_file
from netnotes.store.notes import find_target, write_note
from netnotes.store.vault import CACHE_DIR, Vault
from netnotes.store.writer import atomic_write, create_new

DEFAULT_CONFIG = """\
# netnotes vault settings. Every key is optional; the values below are the defaults.
# Durations: "2 weeks", "3 months", "1 year", "90d", "6w", "3mo", "1y", "weekly",
# "monthly", "quarterly", "yearly" or "none".

contacts = "contacts"        # folder of contact notes
digest = "DUE.md"            # file written by `digest --write` and by `watch`
horizon = "7 days"           # how far ahead "upcoming" reaches

[cadence]
default = "none"             # cadence for contacts that set none
[cadence.tags]               # cadence by tag; the shortest matching one wins
# inner = "1 month"

[rules]
nudge_after = "7 days"       # an unanswered outreach becomes a nudge after this
max_nudges = 3               # after this many unanswered outreaches in a row, stop nagging
thank_within = "7 days"      # a meeting older than this no longer asks for a thank-you
reconnect_after = "6 months" # a contact with no cadence, silent this long, is a reconnect candidate
reconnect_per_digest = 3     # at most this many reconnect suggestions per digest

[sources]                    # meeting and daily notes that link a contact count as contact
# include = ["meetings", "daily"]   # default: every note outside the contacts folder
# exclude = []                      # include = [] turns it off
"""

# -- init --------------------------------------------------------------------------


CI_TEMPLATES = {  # `init --ci`: the template shipped in netnotes/templates, and where it goes
    "github": ("github-workflow.yml", ".github/workflows/netnotes.yml"),
    "gitlab": ("gitlab-ci.yml", ".gitlab-ci.yml"),
}


def init_vault(root: Path, *, git: bool = True, ci: str | None = None) -> list[str]:
    """Create what a vault needs and is missing; never overwrite. Returns what it did.

    Run again in a fresh clone, it adds only what is missing and registers
    the merge driver in that clone's git config.
    """
    from netnotes.store.vault import open_vault
    from netnotes.sync import gitsetup

    done: list[str] = []
    root.mkdir(parents=True, exist_ok=True)
    from netnotes.app.meetings import MEETING_TEMPLATE

    files = {
        CONFIG_NAME: DEFAULT_CONFIG,
        "templates/contact.md": DEFAULT_TEMPLATE,
        "templates/meeting.md": MEETING_TEMPLATE,  # `netnotes meet`
    }
    from netnotes.app.drafts import MESSAGES

    files |= {f"templates/messages/{kind}.md": text for kind, text in MESSAGES.items()}
    if ci:
        shipped, target = CI_TEMPLATES[ci]
        files[target] = (Path(__file__).parent.parent / "templates" / shipped).read_text(
            encoding="utf-8"
        )
    for relative, content in files.items():
        path = root / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, content.encode("utf-8"))
            done.append(f"created {relative}")
    config = open_vault(root).config  # the vault's own settings, if it had them already
    contacts = root / config.contacts
    if not contacts.exists():
        contacts.mkdir(parents=True)
        done.append(f"created {config.contacts}/")
    ignored = [f"/{CACHE_DIR}/"] + ([] if config.commit_digest else [f"/{config.digest}"])
    if _add_missing_lines(root / ".gitignore", ignored):
        done.append("updated .gitignore")
    attributes = gitsetup.attributes_lines(config.contacts, config.digest)
    if _add_missing_lines(root / ".gitattributes", attributes):
        done.append("updated .gitattributes")
    if not git:
        return done
    if not gitsetup.git_available():
        done.append("git not found: skipped the git set-up (install git, then run init again)")
        return done
    if not gitsetup.in_repository(root):
        gitsetup.init_repository(root)
        done.append("ran git init")
    if gitsetup.configure_driver(root):
        done.append("registered the netnotes merge driver in .git/config")
    return done


def _add_missing_lines(path: Path, wanted: list[str]) -> bool:
    """Append the lines `path` lacks; True if it changed."""
    text = read_text_file(path, "a settings file", shown=path.name) or ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in wanted if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(path, (text + "\n".join(missing) + "\n").encode("utf-8"))
    return True


# -- add -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewContact:
    name: str
    emails: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()
    cadence: str | None = None
    birthday: str | None = None
    met: str | None = None


def refuse_control_characters(label: str, value: str, *, allow_newlines: bool = False) -> None:
    """Names and fields are one line of printable text: a newline in a name would write
    Markdown into the new note, an escape sequence would reach every terminal."""
    allowed = "\n\r\t" if allow_newlines else ""
    for char in value:
        if char not in allowed and is_control(char):
            raise NetnotesError(
                f"{label} holds a control character (U+{ord(char):04X}); nothing was written",
                exit_code=2,
            )


def add_contact(vault: Vault, new: NewContact, today: date) -> Path:
    """Write a new note from the vault's template; refuse a name, alias or email in use."""
    if not new.name.strip():
        raise NetnotesError("a contact needs a name")
    new = replace(new, name=new.name.strip(), tags=split_tags(new.tags))
    for label, value in (("the name", new.name), ("--company", new.company), ("--role", new.role),
                         *(("--email", email) for email in new.emails),
                         *(("--tag", tag) for tag in new.tags)):  # fmt: skip
        refuse_control_characters(label, value or "")
    _validate_new(new)
    _refuse_duplicate(new, _possible_duplicates(vault, new))
    folder = vault.contacts_dir
    folder.mkdir(parents=True, exist_ok=True)
    template = contact_template(vault)
    data = fill_template(template, new, today).encode("utf-8")
    before = index.folder_stamp(folder)
    for path in note_paths(folder, new.name):  # raises once all 999 names are taken
        if os.path.lexists(path):
            continue
        try:
            # atomic, and never over a file that appeared meanwhile
            create_new(path, data, lock_dir=vault.locks_dir)
        except FileExistsError:
            continue
        index.notes_changed(vault, folder, before, created=[(path, data)])
        return path


def split_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """`--tag "a, b"` is two tags, as `tags: a, b` is in a note."""
    return tuple(
        part.strip().lstrip("#") for tag in tags for part in tag.split(",") if part.strip()
    )


def _validate_new(new: NewContact) -> None:
    try:
        if new.cadence:
            parse_duration(new.cadence)
        if new.birthday:
            from netnotes.core.dates import parse_birthday

            parse_birthday(new.birthday)
        if new.met:
            parse_date(new.met)
    except ValueError as error:
        raise NetnotesError(str(error)) from None


def _possible_duplicates(vault: Vault, new: NewContact) -> list:
    """The notes that may already hold the new name (or e-mail): those whose names start
    with its first word, from the index's names when it vouches for them, as NAME lookups
    take them (issue 28: `add` read every note's summary, 1.6 s at 100,000 notes). With an
    e-mail, or when the index cannot vouch, every note's summary (names, aliases, e-mails:
    cached as plain values, never every contact decoded). Like a lookup, the index does
    not see a name another note took by an edit in place since the last full read; the
    next `check` or digest says "one person in two files?"."""
    if not new.emails:
        candidates = index.name_candidates(vault, new.name)
        if candidates is not None:
            return candidates
    summaries, _, _ = load_summaries(vault, vault_wide=False)
    return summaries


def _refuse_duplicate(new: NewContact, contacts: list) -> None:
    """`contacts`: anything with a path, name, aliases and emails (contacts, summaries)."""
    names = {fold(new.name)}
    emails = {email.lower() for email in new.emails}
    for contact in contacts:
        theirs = {fold(name) for name in (contact.name, *contact.aliases)}
        if names & theirs:
            raise NetnotesError(f"{contact.path} already has a contact named '{contact.name}'")
        shared = emails & {email.lower() for email in contact.emails}
        if shared:
            raise NetnotesError(f"{contact.path} already has the email {', '.join(sorted(shared))}")


def fill_template(template: str, new: NewContact, today: date) -> str:
    """The template with `{name}` and `{today}` filled, then each given field set by key."""
    values = {
        "company": new.company,
        "role": new.role,
        "emails": new.emails,
        "tags": new.tags,
        "cadence": new.cadence,
        "birthday": new.birthday,
        "met": new.met,
    }
    return note_from_template(template, new.name, today, values)


# -- log, done, snooze -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Written:
    contact: Contact
    path: Path
    line: int | None
    summary: str


def log_interaction(
    vault: Vault,
    name: str,
    text: str,
    *,
    on: date,
    kind: str | None = None,
    direction: str = "",
    next_follow_up: date | None = None,
) -> Written:
    if not text.strip() and not kind:
        raise NetnotesError("say what happened: give TEXT or --kind")
    if kind and not re.fullmatch(KIND_WORD, kind):
        raise NetnotesError(f"--kind must be one word, not '{kind}'")
    refuse_control_characters("TEXT", text, allow_newlines=True)
    target = find_target(vault, name)
    entry = format_entry(on, text, kind, direction)
    where: list[tuple[Contact, int]] = []

    def edit(contact: Contact, note: str) -> str:
        if next_follow_up is not None:
            key = spelling_of(contact.fields, "follow_up", vault.config.reading)
            note = set_key(note, key, next_follow_up.isoformat())
        note, line = add_log_entry(note, on, entry, reading=vault.config.reading)
        where[:] = [(contact, line)]
        return note

    write_note(vault, target, edit)
    summary = f"- {entry}"
    if next_follow_up:
        summary += f"\nfollow_up: {next_follow_up.isoformat()}"
    contact, line = where[-1]
    return Written(contact, target.path, line, summary)


def complete_task(vault: Vault, name: str, match: str | None, today: date) -> Written:
    target = find_target(vault, name)
    done: list[tuple[Contact, Task]] = []

    def edit(contact: Contact, note: str) -> str:
        task = _one_open_task(contact, match)
        done[:] = [(contact, task)]
        try:
            return check_off_task(note, task.line, today, repeat=task)
        except UnsupportedRule as error:
            raise NetnotesError(
                f"{contact.path}:{task.line}: netnotes cannot work out the next occurrence "
                f"of '🔁 {task.recurrence}' ({error}); nothing changed. Tick it in Obsidian, "
                "or write the next one and tick this one by hand"
            ) from None

    write_note(vault, target, edit)
    contact, task = done[-1]
    summary = f"- [x] {task.text} ✅ {today.isoformat()}"
    if task.recurrence:  # the next occurrence went on the line above: this one moved down
        return Written(contact, target.path, task.line + 1, f"{summary}\n- [ ] next: 🔁 "
                       f"{task.recurrence}, on the line above")  # fmt: skip
    return Written(contact, target.path, task.line, summary)


def _one_open_task(contact: Contact, match: str | None) -> Task:
    open_tasks = [task for task in contact.tasks if task.state is TaskState.OPEN]
    if match:
        open_tasks = [task for task in open_tasks if fold(match) in fold(task.text)]
    if not open_tasks:
        what = f" matching '{match}'" if match else ""
        raise NetnotesError(f"{contact.name} has no open task{what}")
    if len(open_tasks) > 1:
        listing = "\n".join(f"  {contact.path}:{t.line}: {t.text}" for t in open_tasks)
        raise AmbiguousName(f"{len(open_tasks)} open tasks match; say which:\n{listing}")
    return open_tasks[0]


def snooze_contact(vault: Vault, name: str, until: date | None) -> Written:
    target = find_target(vault, name)
    value = until.isoformat() if until else None
    seen: list[Contact] = []

    def edit(contact: Contact, note: str) -> str:
        seen[:] = [contact]
        return set_key(note, spelling_of(contact.fields, "snooze", vault.config.reading), value)

    old, new = write_note(vault, target, edit)
    if value:
        summary = f"snooze: {value}"
    else:
        summary = "snooze cleared" if old != new else "was not snoozed; nothing changed"
    contact = seen[-1]
    return Written(contact, target.path, contact.key_lines.get("snooze"), summary)
