"""`netnotes import`: people from vCard, LinkedIn and Google files, safe to run again.

Each record is matched to a note by UID, then e-mail, then profile URL, then
exact (folded) name; a name that matches but whose e-mails, profile URLs or
company differ is a namesake: a new person, reported. A name is the person's
name: what decorates it (`🚀 Sofia Marino, PMP®`) is dropped and the full
string kept as an alias. A LinkedIn `Connected On` is `connected:`, never a
meeting. A matched note gains only what it lacks, through the same
line-level edits the writing commands use: a key it does not have, a list item
it does not hold. A value it holds differently is kept and reported. Records
that match each other in one run are merged first. New notes are made from
the vault's template as `add` makes them (`store/new_notes.note_from_template`).
docs/import-export.md says all this for users.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

from netnotes.core.errors import NetnotesError
from netnotes.core.fields import field_text, profile
from netnotes.core.identity import links_of, url_key
from netnotes.core.model import Contact
from netnotes.core.names import fold
from netnotes.core.reading import spelling_of
from netnotes.formats.people import Person, Skip, unique
from netnotes.store.vault import CACHE_DIR, Vault
from netnotes.store.writer import create_new, sync_folders

FORMATS = ("vcard", "linkedin", "google")


@dataclass
class ImportPlan:
    """What an import does (or, with --dry-run, would do)."""

    records: int = 0  # every record read, so the summary adds up to it
    joined: int = 0  # records that were another record of the same person
    created: list[tuple[Path, Person]] = field(default_factory=list)
    updated: list[tuple[Contact, Person, list[tuple[str, str, list[str] | str]]]] = field(
        default_factory=list
    )
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # values a note holds differently
    warnings: list[str] = field(default_factory=list)  # values a record could not give

    def summary(self) -> str:
        reasons: dict[str, int] = {}
        for skip in self.skipped:
            reasons[skip.reason] = reasons.get(skip.reason, 0) + 1
        parts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{self.unchanged} unchanged",
            *([f"{self.joined} joined to another record of the same person"] * bool(self.joined)),
            *(f"{count} skipped: {reason}" for reason, count in reasons.items()),
        ]
        records = f"{self.records} record" + ("" if self.records == 1 else "s")
        return f"{records}: " + ", ".join(parts)


# 100,000 contacts with long notes: an export far larger is not one.
MAX_IMPORT_BYTES = 512 * 1024 * 1024
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decoded(path: Path, data: bytes) -> str:
    """The file's text: as its byte-order mark says (Outlook and Excel write UTF-16), else
    UTF-8; anything else is refused with the fix, never read as mojibake."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise NetnotesError(
            f"{path}: not {encoding.upper().removesuffix('-SIG')} text (byte {error.start + 1} "
            'is not): export it again as UTF-8 (Excel: "CSV UTF-8"), or convert it with '
            f"iconv -f WINDOWS-1252 -t UTF-8 {path.name} > {path.stem}-utf8{path.suffix}"
        ) from None


def read_people(files: list[Path], source_format: str | None) -> list[Person | Skip]:
    """The records of every file, in order; a file of no known format is an error."""
    from netnotes.formats.csvfiles import detect, read_google, read_linkedin
    from netnotes.formats.vcard import read_vcards
    from netnotes.store.notefile import NoteUnreadable, read_bounded

    readers = {"vcard": read_vcards, "linkedin": read_linkedin, "google": read_google}
    found: list[Person | Skip] = []
    for path in files:
        try:
            data = read_bounded(path, MAX_IMPORT_BYTES, what="an export file")
        except NoteUnreadable as error:
            raise NetnotesError(f"{path}: {error}") from None
        text = decoded(path, data)
        kind = source_format or detect(path.name, text)
        if kind is None:
            raise NetnotesError(
                f"{path}: not a vCard, LinkedIn or Google Contacts file; say which with --from"
            )
        found += readers[kind](text, path.name)
    return found


# -- matching -------------------------------------------------------------------------


def _keys(person: Person) -> list[str]:
    keys = [f"uid:{person.uid}"] if person.uid else []
    keys += [f"email:{email.lower()}" for email in person.emails]
    keys += [f"url:{url_key(link)}" for link in person.links]
    return keys


def merge_records(people: list[Person]) -> list[Person]:
    """Records that share a UID, an e-mail or a URL, or a name with nothing that tells
    them apart (`namesakes`), are one person: merged in file order (the first value of
    each key wins)."""
    parent = list(range(len(people)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}
    for index, person in enumerate(people):
        for key in _keys(person):
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    named: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        named.setdefault(fold(person.name), []).append(index)

    def facts(group: int) -> Facts:
        return Facts.of(p for i, p in enumerate(people) if root(i) == group)

    for indices in named.values():
        for index in indices[1:]:
            first, other = root(indices[0]), root(index)
            if first != other and not namesakes(facts(first), facts(other)):
                parent[other] = first
    groups: dict[int, list[Person]] = {}
    for index, person in enumerate(people):
        groups.setdefault(root(index), []).append(person)
    return [_merged(group) for group in groups.values()]


def _merged(group: list[Person]) -> Person:
    first = group[0]
    if len(group) == 1:
        return first

    def scalar(name: str):
        return next((getattr(p, name) for p in group if getattr(p, name)), None)

    def joined(name: str) -> tuple[str, ...]:
        return unique(value for p in group for value in getattr(p, name))

    return replace(
        first,
        emails=joined("emails"),
        phones=joined("phones"),
        aliases=joined("aliases"),
        tags=joined("tags"),
        links=joined("links"),
        **{
            n: scalar(n)
            for n in ("company", "role", "birthday", "anniversary", "note", "uid", "connected")
        },
        warnings=tuple(w for p in group for w in p.warnings),
    )


class Facts(NamedTuple):
    """What tells two people of one name apart: e-mails, profile URLs, companies (folded)."""

    emails: frozenset[str]
    links: frozenset[str]
    companies: frozenset[str]

    @classmethod
    def of(cls, people) -> Facts:
        people = list(people)
        return cls(
            frozenset(email.lower() for person in people for email in person.emails),
            frozenset(url_key(link) for person in people for link in person.links),
            frozenset(fold(person.company) for person in people if person.company),
        )

    @classmethod
    def of_contact(cls, contact: Contact) -> Facts:
        return cls(
            frozenset(email.lower() for email in contact.emails),
            frozenset(url_key(link) for link in links_of(contact)),
            frozenset([fold(contact.company)] if contact.company else []),
        )


def namesakes(ours: Facts, theirs: Facts) -> bool:
    """Two people of one name are different people when both have e-mails and share none,
    both have profile URLs and share none, or both name a company and no company is
    the same: one LinkedIn "Anna Ali" at Acme and another at Globex are two people."""
    return any(
        mine and others and not mine & others for mine, others in zip(ours, theirs, strict=True)
    )


class Match(NamedTuple):
    """Where a record goes: a note (`path`), a new note, or nowhere (`skipped`, why);
    `namesake`: the path of a note of the same name that is someone else (`namesakes`)."""

    path: str | None = None
    skipped: str | None = None
    namesake: str | None = None


def match_keys(contact: Contact | None, problems) -> tuple:
    """What a record can match a note on, as plain values the index keeps with the note
    (run in the parsing workers): its UID, e-mails and profile URLs as `_keys` spells
    them, its folded name, and its Facts."""
    if contact is None:
        return (None,)
    uid = field_text(contact, "uid")
    keys = [f"uid:{uid}"] if uid else []
    keys += [f"email:{email.lower()}" for email in contact.emails]
    keys += [f"url:{url_key(link)}" for link in links_of(contact)]
    facts = tuple(tuple(sorted(values)) for values in Facts.of_contact(contact))
    return (contact.path, tuple(keys), fold(contact.name), facts)


class _Notes:
    """The vault's contacts by what a record can match them on (`match_keys`)."""

    def __init__(self, rows: list[tuple]) -> None:
        self.by_key: dict[str, str] = {}
        self.by_name: dict[str, list[tuple[str, Facts]]] = {}
        for path, keys, name, facts in rows:
            for key in keys:
                self.by_key.setdefault(key, path)
            known = Facts(*(frozenset(values) for values in facts))
            self.by_name.setdefault(name, []).append((path, known))

    def match(self, person: Person) -> Match:
        for key in _keys(person):
            if key in self.by_key:
                return Match(self.by_key[key])
        named = self.by_name.get(fold(person.name), [])
        ours = Facts.of([person])
        same = [path for path, facts in named if not namesakes(ours, facts)]
        if len(same) > 1:
            return Match(skipped=f"its name matches several notes ({', '.join(same)}); "
                         "add an e-mail to one")  # fmt: skip
        if same:
            return Match(same[0])
        return Match(namesake=named[0][0] if named else None)


# -- planning -------------------------------------------------------------------------


def _printable_record(person: Person) -> Person:
    """Control characters (NUL, ESC, the bidi overrides such as RLO) never reach a note:
    a name or value is what a person reads, on one line. The NOTE keeps its lines."""
    from dataclasses import fields

    from netnotes.core.safetext import printable

    changed = {}
    for spec in fields(person):
        value = getattr(person, spec.name)
        if spec.name in ("origin", "warnings", "note"):
            continue
        if isinstance(value, str):
            changed[spec.name] = " ".join(printable(value).split())
        elif isinstance(value, tuple):
            changed[spec.name] = unique(printable(item) for item in value)
    return replace(person, **changed)


def _plain_named(person: Person) -> Person:
    """The person's name without its decorations; the name as written is an alias. A
    wikilink in it is its words, as a note's `name:` reads (so a rerun finds the note)."""
    from netnotes.core.fields import link_text
    from netnotes.core.names import plain_name

    shown = link_text(person.name)
    name = plain_name(shown)
    if name == person.name:
        return person
    aliases = unique([*person.aliases, shown]) if name != shown else person.aliases
    return replace(person, name=name, aliases=aliases)


def plan_import(vault: Vault, records: list[Person | Skip], *, tag: str | None) -> ImportPlan:
    from netnotes.store import index
    from netnotes.store.loading import per_note_results

    plan = ImportPlan(records=len(records))
    people = []
    for record in records:
        if isinstance(record, Skip):
            plan.skipped.append(record)
        else:
            record = _plain_named(_printable_record(record))
            people.append(replace(record, tags=unique([*record.tags, tag])) if tag else record)
    # What records match on is kept in the index with each note (issue 28: decoding every
    # contact to match 10,000 cards took most of an import into a large vault); only the
    # matched notes' contacts are decoded, to see what they lack.
    key = index.context_key("import match keys", vault.config)
    results = per_note_results(vault, key, match_keys, tuple)
    records = {record.path: record for record, row in results if row[0] is not None}
    notes = _Notes([row for _, row in results if row[0] is not None])
    taken = set(records)
    merged = merge_records(people)
    plan.joined = len(people) - len(merged)
    matched: list[tuple[Person, index.Record]] = []
    for person in merged:
        plan.warnings += [f"{person.origin}: {warning}" for warning in person.warnings]
        path, why_not, namesake = notes.match(person)
        if namesake is not None:
            plan.kept.append(
                f"{person.origin}: same name as {namesake}, but another person "
                "(other e-mail, profile or company): a new note"
            )
        if why_not:
            plan.skipped.append(Skip(person.origin, why_not))
        elif path is None:
            new = _new_path(vault, person.name, taken)
            taken.add(vault.relative(new))
            plan.created.append((new, person))
        else:
            matched.append((person, records[path]))
    index.fetch_parses(vault, [record for _, record in matched])
    for person, record in matched:
        contact = record.contact
        changes, kept = _changes(vault, contact, person)
        plan.kept += [f"{contact.path}: {line}" for line in kept]
        if changes:
            plan.updated.append((contact, person, changes))
        else:
            plan.unchanged += 1
            record.release()  # a re-import of 10,000 cards held 10,000 decoded contacts
    return plan


_SCALARS = ("company", "role", "birthday", "anniversary", "connected", "uid")
_LISTS = ("emails", "aliases", "phones", "tags", "links")


def _changes(vault: Vault, contact: Contact, person: Person):
    """The edits that give the note what it lacks, and the values it holds differently."""
    reading = vault.config.reading
    changes: list[tuple[str, str, list[str] | str]] = []
    kept: list[str] = []
    shown = profile(contact, reading)
    for key in _SCALARS:
        ours = getattr(person, key)
        if not ours:
            continue
        theirs = _current(shown, contact, key)
        if theirs is None:
            changes.append(("set", spelling_of(contact.fields, key, reading), ours))
        elif not _same(key, theirs, ours):
            kept.append(f"kept {key}: {theirs} (the import says {ours})")
    for key in _LISTS:
        held = {_comparable(key, value) for value in _current_list(contact, key)}
        new = [value for value in getattr(person, key) if _comparable(key, value) not in held]
        if new:
            changes.append(("add", spelling_of(contact.fields, key, reading), new))
    return changes, kept


def _current(person: dict, contact: Contact, key: str) -> str | None:
    """What the note says of `key`, as `show` says it (`person`: its profile); a met that
    is no date ("PyCon 2019") is still a value."""
    if key in ("anniversary", "uid"):
        return field_text(contact, key)
    return person[key]


def _same(key: str, theirs: str, ours: str) -> bool:
    return fold(theirs) == fold(ours)


def _current_list(contact: Contact, key: str) -> list[str]:
    if key == "links":
        return links_of(contact)
    return list(getattr(contact, key))


def _comparable(key: str, value: str) -> str:
    if key == "links":
        return url_key(value)
    if key == "phones":
        return "".join(char for char in value if char.isdigit() or char == "+")
    return fold(value)


def _new_path(vault: Vault, name: str, taken: set[str]) -> Path:
    from netnotes.store.new_notes import note_paths

    return next(
        path for path in note_paths(vault.contacts_dir, name)
        if vault.relative(path) not in taken and not path.exists()
    )  # fmt: skip


# -- writing ----------------------------------------------------------------------------


def import_lock(vault: Vault):
    """One import at a time in a vault, from its plan to its last write: two imports of
    one file would each plan a note for the same person (and make it twice)."""
    from netnotes.store.writer import note_lock

    return note_lock(vault.locks_dir, vault.root / CACHE_DIR / "import")


def apply_import(vault: Vault, plan: ImportPlan, today: date, progress=None) -> None:
    """Write what the plan says: new notes created (never over a file), matched notes
    edited line by line under their lock."""
    from netnotes.core.yamltext import yaml_scalar
    from netnotes.store import index
    from netnotes.store.edit import add_to_list, set_key
    from netnotes.store.notes import Target, write_note

    done = 0
    total = len(plan.created) + len(plan.updated)
    folders = {path.parent for path, _ in plan.created}
    before = {folder: index.folder_stamp(folder) for folder in folders}
    created: dict = {folder: [] for folder in folders}
    try:
        for path, person in plan.created:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = new_note(vault, person, today).encode("utf-8")
            try:
                create_new(path, data, lock_dir=vault.locks_dir, sync_folder=False)
            except FileExistsError:
                raise NetnotesError(
                    f"{vault.relative(path)} appeared meanwhile; run again"
                ) from None
            created[path.parent].append((path, data))
            done += 1
            if progress:
                progress(done, total)
    finally:
        # One fsync of each folder after its last new note, however the loop ends, not
        # one a note (a third of the time an import of 10,000 cards spent writing).
        sync_folders(folders)
    for folder, notes in created.items():  # the name index knows the new people at once
        index.notes_changed(vault, folder, before[folder], created=notes)
    for contact, person, _ in plan.updated:

        def edit(fresh: Contact, text: str, person=person) -> str:
            # Against the note as it is now (an editor may have saved since the plan):
            # what it already holds is never added twice.
            changes, _ = _changes(vault, fresh, person)
            for action, key, value in changes:
                if action == "set":
                    text = set_key(text, key, yaml_scalar(str(value)))
                else:
                    text = add_to_list(text, key, list(value))
            return text

        path = vault.root / contact.path
        # As planned: a note that lost its front matter since is caught mid-save.
        target = Target(contact.path, path, contact, (), front_matter=bool(contact.fields))
        write_note(vault, target, edit)
        done += 1
        if progress:
            progress(done, total)


# An imported NOTE is the other program's free text: kept, but never structure.
MAX_IMPORTED_NOTE = 64 * 1024


def _readable(values: tuple[str, ...]) -> tuple[str, ...]:
    """The values a note reads back as something: an empty link (`[[]]`) is no alias."""
    from netnotes.core.fields import link_text

    return tuple(value for value in values if "[[" not in value or link_text(value).strip())


def new_note(vault: Vault, person: Person, today: date) -> str:
    """A new contact note, made as `add` makes one (store/new_notes.note_from_template): the
    vault's template, each of the record's values set on its key's line, the record's
    NOTE under `## Notes` as quoted text (`imported_text`)."""
    from netnotes.store.new_notes import contact_template, note_from_template

    values = {
        "aliases": _readable(person.aliases),
        "emails": person.emails,
        "phones": person.phones,
        "company": person.company,
        "role": person.role,
        "tags": _readable(person.tags),
        "birthday": person.birthday,
        "anniversary": person.anniversary,
        "connected": person.connected,
        "links": person.links,
        "uid": person.uid,
    }
    text = note_from_template(contact_template(vault), person.name, today, values)
    if person.note and person.note.strip():
        eol = "\r\n" if "\r\n" in text else "\n"
        quoted = imported_text(person.note).replace("\n", eol)
        text = text.rstrip("\r\n") + f"{eol}{eol}## Notes{eol}{eol}{quoted}"
    return text


def imported_text(text: str) -> str:
    """Free text from another program as a fenced block that nothing inside can close:
    never a log entry, a task, a heading or a conflict marker to netnotes or to git, and
    cut at MAX_IMPORTED_NOTE so a rerun finds the same note (never one over the cap)."""
    import re

    from netnotes.core.safetext import is_control

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(char for char in text if char in "\n\t" or not is_control(char))
    if len(text.encode("utf-8")) > MAX_IMPORTED_NOTE:
        text = text.encode("utf-8")[:MAX_IMPORTED_NOTE].decode("utf-8", "ignore")
        text += "\n[... cut: the imported note was longer]"
    lines = [
        " " + line if line[:1] in "<=>" else line  # a git conflict marker, disarmed
        for line in text.strip("\n").split("\n")
    ]
    longest = max((len(run) for run in re.findall(r"`+|~+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n" + "\n".join(lines) + f"\n{fence}\n"
