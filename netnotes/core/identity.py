"""What tells one contact from another, and the duplicates it finds across a vault. Pure."""

from __future__ import annotations

from typing import NamedTuple

from netnotes.core.model import Contact, Problem, Severity
from netnotes.core.names import fold


class Identity(NamedTuple):
    """What tells one contact from another: all the duplicate check needs of a contact."""

    path: str
    name: str
    aliases: tuple[str, ...]
    emails: tuple[str, ...]
    name_line: int | None
    emails_line: int | None


def identity_of(contact: Contact) -> Identity:
    lines = contact.key_lines
    return Identity(contact.path, contact.name, contact.aliases, contact.emails,
                    lines.get("name"), lines.get("emails"))  # fmt: skip


def duplicate_problems(identities: list[Identity]) -> list[Problem]:
    """A name, alias or email that two files share: one person, or a name to tell apart."""
    first_owner: dict[tuple[str, str], Identity] = {}
    problems: list[Problem] = []
    for identity in identities:
        keys = {("name", fold(identity.name))}
        keys |= {("name", fold(alias)) for alias in identity.aliases}
        keys |= {("email", email.strip().lower()) for email in identity.emails}
        for what, key in sorted(keys):
            owner = first_owner.setdefault((what, key), identity)
            if owner is identity:
                continue
            line = identity.emails_line if what == "email" else identity.name_line
            problems.append(
                Problem(
                    identity.path,
                    line,
                    Severity.WARNING,
                    f"same {what} as {owner.path} ('{key}'): one person in two files?",
                )
            )
    return problems
