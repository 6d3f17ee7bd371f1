"""What tells one contact from another, the duplicates it finds across a vault, and the
summary `list` and `check` need of a contact. Pure."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from netnotes.core.model import Contact, Problem, Severity
from netnotes.core.names import fold
from netnotes.core.reading import fold_key


class Identity(NamedTuple):
    """What tells one contact from another: all the duplicate check needs of a contact."""

    path: str
    name: str
    aliases: tuple[str, ...]
    emails: tuple[str, ...]
    name_line: int | None
    emails_line: int | None
    # The notes this one says are someone else (`not_same_as:`), as `note_key`s.
    not_same_as: tuple[str, ...] = ()
    # `identity_keys`, when made with the identity (`identity_of`, in the parsing worker),
    # kept with it in the digest's rows: a digest after one note changed need not fold
    # every name in the vault again (a quarter of its time at 50,000 notes).
    keys: tuple[tuple[str, str], ...] = ()


def identity_of(contact: Contact) -> Identity:
    lines = contact.key_lines
    identity = Identity(contact.path, contact.name, contact.aliases, contact.emails,
                        lines.get("name"), lines.get("emails"), not_same_as(contact))  # fmt: skip
    return identity._replace(keys=identity_keys(identity))


def note_key(reference: str) -> str:
    """A note as `not_same_as:` names it, folded to its file name without `.md`: a path
    (`contacts/anna-ali-2.md`), a file name, or a wikilink (`[[anna-ali-2]]`, with an
    alias or a heading after `|` or `#`) all name the same note."""
    target = reference.strip().removeprefix("[[").removesuffix("]]")
    target = target.split("|", 1)[0].split("#", 1)[0].strip()
    return fold(target.rpartition("/")[2].removesuffix(".md"))


def not_same_as(contact: Contact) -> tuple[str, ...]:
    """The notes a contact's `not_same_as:` names: other people who share its name."""
    for key, value in contact.fields.items():
        if fold_key(str(key)) == "not_same_as":
            values = value if isinstance(value, list) else [value]
            return tuple(note_key(_link(v)) for v in values if v)
    return ()


def _link(value: object) -> str:
    # `[[anna-ali-2]]` unquoted is a list in a list to YAML.
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return str(value)


def told_apart(one: Identity, other: Identity) -> bool:
    """Whether either note says the other is someone else (a mark on one is enough)."""
    return note_key(other.path) in one.not_same_as or note_key(one.path) in other.not_same_as


def links_of(contact: Contact) -> list[str]:
    """The profile URLs a note lists (`links`, `linkedin`, `url`, `website`, any case)."""
    found = []
    for key, value in contact.fields.items():
        if fold(str(key)) in ("links", "linkedin", "url", "website"):
            found += [str(v) for v in (value if isinstance(value, list) else [value]) if v]
    return found


def url_key(link: str) -> str:
    """A profile URL as two spellings of it compare: no scheme, case or trailing slash."""
    return link.strip().lower().rstrip("/").removeprefix("https://").removeprefix("http://")


def identity_keys(identity: Identity) -> tuple[tuple[str, str], ...]:
    """What two contacts must not share, folded, in the order the check reports them."""
    if identity.keys:
        return identity.keys
    keys = {("name", fold(identity.name))}
    keys |= {("name", fold(alias)) for alias in identity.aliases}
    keys |= {("email", email.strip().lower()) for email in identity.emails}
    return tuple(sorted(keys))


def duplicate_problems(identities: list[Identity]) -> list[Problem]:
    """A name, alias or email that two files share: one person, or a name to tell apart.
    Notes marked as different people (`not_same_as:`) are never reported together."""
    owners: dict[tuple[str, str], list[Identity]] = {}
    for identity in identities:
        for key in identity_keys(identity):
            owners.setdefault(key, []).append(identity)
    return [
        problem
        for (what, key), holders in owners.items()
        if len(holders) > 1
        for problem in shared_key_problems(what, key, holders)
    ]


def shared_key_problems(what: str, key: str, holders: list[Identity]) -> list[Problem]:
    """The problems of the notes that share one key, in the vault's order: each is told it
    shares the key with the first note before it that it is not told apart from."""
    problems = []
    for index, identity in enumerate(holders):
        owner = next((o for o in holders[:index] if not told_apart(o, identity)), None)
        if owner is not None:
            problems.append(duplicate_problem(identity, what, key, owner.path))
    return problems


_ONE_PERSON_IN_TWO_FILES = "one person in two files?"


def duplicate_problem(identity: Identity, what: str, key: str, owner_path: str) -> Problem:
    """`identity` holds `key` (a folded name or e-mail) that `owner_path` held first."""
    line = identity.emails_line if what == "email" else identity.name_line
    return Problem(
        identity.path,
        line,
        Severity.WARNING,
        f"same {what} as {owner_path} ('{key}'): {_ONE_PERSON_IN_TWO_FILES}",
    )


def is_duplicate(problem: Problem) -> bool:
    """A problem `duplicate_problem` made: `netnotes dupes` is where to look at them."""
    return problem.message.endswith(_ONE_PERSON_IN_TWO_FILES) and problem.message.startswith(
        "same "
    )


class Summary(NamedTuple):
    """What `list`, `find` and `check` need of a contact, cheap to read from the cache: no
    interaction or task objects are built. Days are date ordinals."""

    path: str
    name: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    emails: tuple[str, ...]
    company: str | None
    role: str | None
    interests: tuple[str, ...]
    last_contact_day: int | None
    met_day: int | None
    days: tuple[int, ...]  # every interaction's day, ascending
    name_line: int | None
    emails_line: int | None
    not_same_as: tuple[str, ...] = ()

    def searchable(self) -> list[str]:
        """The fields `find` matches (the note's text aside)."""
        return [self.name, *self.aliases, self.company or "", self.role or "", *self.tags,
                *self.emails, *self.interests]  # fmt: skip

    def identity(self) -> Identity:
        return Identity(self.path, self.name, self.aliases, self.emails, self.name_line,
                        self.emails_line, self.not_same_as)  # fmt: skip

    def last_contact(self, today: date) -> date | None:
        """As rules.last_contact: the latest of the key, `met` and interactions up to today."""
        limit = today.toordinal()
        candidates = [d for d in (self.last_contact_day, self.met_day) if d and d <= limit]
        past = [d for d in self.days if d <= limit]
        if past:
            candidates.append(past[-1])
        return date.fromordinal(max(candidates)) if candidates else None


def summary_of(contact: Contact) -> Summary:
    def day(value: date | None) -> int | None:
        return value.toordinal() if value else None

    return Summary(
        contact.path, contact.name, contact.aliases, contact.tags, contact.emails,
        contact.company, contact.role, contact.interests, day(contact.last_contact),
        day(contact.met),
        tuple(entry.on.toordinal() for entry in contact.interactions),  # oldest first
        contact.key_lines.get("name"), contact.key_lines.get("emails"), not_same_as(contact),
    )  # fmt: skip
