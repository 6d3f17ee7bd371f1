"""`netnotes meet`: a dated meeting note, with its attendees, for people who log that way.

The note lands in `meetings/` as `YYYY-MM-DD Title.md`, from the vault's
`templates/meeting.md` (else the one below), and counts as an interaction
with each attendee (core/sources.py). Placeholders: `{date}`, `{title}`,
`{attendees}` (a YAML list of links, for the front matter) and `{people}`
(the same links, comma-separated, for the body).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from netnotes.core.errors import NetnotesError
from netnotes.core.safetext import is_control
from netnotes.core.yamltext import yaml_flow_list
from netnotes.store.notefile import read_text_file
from netnotes.store.vault import Vault
from netnotes.store.writer import create_new

MEETINGS_FOLDER = "meetings"
MEETING_TEMPLATE = """\
---
date: {date}
type: meeting
attendees: {attendees}
---

# {title}

With {people}.

## Notes

-

## Follow-ups

"""
# What a file name may not hold on the systems vaults sync between.
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')


def create_meeting(
    vault: Vault, attendees: list[tuple[str, str]], on: date, title: str | None = None
) -> Path:
    """A new meeting note; `attendees`: (vault-relative note path, name) of each contact.

    Never overwrites: a second meeting with the same title that day gets ` 2`.
    """
    if not attendees:
        raise NetnotesError("a meeting needs at least one attendee")
    names = [_shown_name(path, name) for path, name in attendees]
    title = " ".join((title or _default_title(names)).split())
    if not title or any(is_control(char) for char in title):
        raise NetnotesError("the title must be text on one line")
    links = [_link(path, shown) for (path, _), shown in zip(attendees, names, strict=True)]
    template = read_text_file(
        vault.root / "templates" / "meeting.md", "a template", shown="templates/meeting.md"
    )
    template = MEETING_TEMPLATE if template is None else template
    text = (
        template.replace("{date}", on.isoformat())
        .replace("{title}", title)
        .replace("{attendees}", yaml_flow_list(links))
        .replace("{people}", ", ".join(links))
    )
    folder = vault.root / MEETINGS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{on.isoformat()} {_UNSAFE_IN_NAMES.sub('-', title)}"
    for counter in range(1, 1000):
        path = folder / (f"{base}.md" if counter == 1 else f"{base} {counter}.md")
        try:
            create_new(path, text.encode("utf-8"))  # atomic, never over an existing file
        except FileExistsError:
            continue
        return path
    raise NetnotesError(f"{folder}: too many notes named {base} N.md")


def counts(vault: Vault, path: Path) -> bool:
    """Does `[sources]` let this meeting note record anything?"""
    return vault.config.sources.admits(path.relative_to(vault.root).as_posix())


def _default_title(names: list[str]) -> str:
    if len(names) == 1:
        return f"Meeting with {names[0]}"
    return f"Meeting with {', '.join(names[:-1])} and {names[-1]}"


def _shown_name(path: str, name: str) -> str:
    """The name as the meeting note writes it (title, link label). A name holding `]]`,
    `[[` or `|` would end a link early or start another (`Zed]] [[carol-jones` credited
    Carol): such a name is written as its note's file name."""
    if any(mark in name for mark in "[]|#^") or any(is_control(char) for char in name):
        return path.rpartition("/")[2].removesuffix(".md")
    return name


def _link(path: str, name: str) -> str:
    """A wikilink by file name, as Obsidian resolves it, showing the name (as shown)."""
    stem = path.rpartition("/")[2].removesuffix(".md")
    return f"[[{stem}]]" if stem == name else f"[[{stem}|{name}]]"
