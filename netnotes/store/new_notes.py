"""A new contact note from the vault's template: the one way `add`, `import` and `meet`'s
attendees make a note (docs/safety.md, "One way to make a note"), and its file name."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from netnotes.core.errors import NetnotesError
from netnotes.core.model import Severity
from netnotes.core.names import fold
from netnotes.core.yamltext import yaml_flow_list, yaml_scalar
from netnotes.store.edit import EditRefused, front_matter_end, front_matter_text, set_key
from netnotes.store.notefile import read_text_file
from netnotes.store.vault import Vault

DEFAULT_TEMPLATE = """\
---
name: {name}
company:
role:
emails: []
tags: []
---

# {name}

## Next

## Log
"""


def slug(name: str) -> str:
    """A safe file name: accents folded, lower case, words of any script joined by '-'.

    "José Núñez" gives `jose-nunez`, "李小龍" gives `李小龍`: letters and digits
    only, so no separator, dot or control character can reach the file system.
    """
    words = re.findall(r"[^\W_]+", fold(name))
    # At most 120 bytes: a name of 60 four-byte letters must still make a file name
    # (255 bytes at most), with room for `-2.md` and the writer's temporary name.
    joined = "-".join(words)[:80].encode("utf-8")[:120].decode("utf-8", "ignore")
    return joined.strip("-") or "contact"


def note_paths(folder: Path, name: str) -> Iterator[Path]:
    """Where a new note for `name` may go, in order: `slug.md`, `slug-2.md`, ... `-999`;
    then NetnotesError. The caller takes the first that is free."""
    base = slug(name)
    for counter in range(1, 1000):
        yield folder / (f"{base}.md" if counter == 1 else f"{base}-{counter}.md")
    raise NetnotesError(f"{folder}: too many notes named {base}-N.md")


TEMPLATE_PATH = "templates/contact.md"


def contact_template(vault: Vault) -> str:
    """The vault's `templates/contact.md`, or the built-in one when it has none."""
    text = read_text_file(vault.root / TEMPLATE_PATH, "a template", shown=TEMPLATE_PATH)
    return DEFAULT_TEMPLATE if text is None else text


def note_from_template(
    template: str, name: str, today: date, values: dict[str, str | tuple[str, ...] | None]
) -> str:
    """A new note: the one way `add`, `import` and `meet`'s attendees get a note made.

    The template's text is kept as written (its comments, its Obsidian shapes such as
    `met: {{date}}` or `tags: [#person]`, its order); `{name}` and `{today}` are filled,
    then each value given is set on its key's line through the value emitter, so a
    value always reads back to itself. A note holds only what is known: a key the
    template leaves empty (`company:`, `emails: []`) and the values do not fill is not
    written; the template gives the keys' order and spelling, not `null`s.
    """
    _refuse_a_broken_template(template)
    text = _filled(template, name, today)
    given = {key: value for key, value in values.items() if value}
    if "name:" not in text[: front_matter_end(text)]:
        given = {"name": name, **given}
    for key, value in given.items():
        spelled = yaml_scalar(value) if isinstance(value, str) else yaml_flow_list(list(value))
        try:
            text = set_key(text, key, spelled, allow_flow=True)
        except EditRefused as error:
            raise NetnotesError(f"{TEMPLATE_PATH}: {key}: {error}") from None
    for key in _empty_keys(text):
        text = set_key(text, key, None, allow_flow=True)
    return text


def _empty_keys(text: str) -> list[str]:
    """The front matter's top-level keys that hold nothing: null, `""`, `[]` or `{}`."""
    from netnotes.core.frontmatter import FrontMatterError, load_front_matter_leniently

    head = front_matter_text(text)
    if head is None:
        return []
    try:
        data, _ = load_front_matter_leniently(head, 2)
    except FrontMatterError:
        return []
    if not isinstance(data, dict):
        return []
    return [str(key) for key, value in data.items() if value in (None, "", [], {})]


# A name in a note's text is shown, never read: a leading date would make `# {name}` a
# dated entry, and `#word` a tag. A backslash keeps each as the reader sees it.
_LEADING_DATE = re.compile(r"^(\[\[|\*\*)?(\d{4})([-/])")
_TAG_SIGN = re.compile(r"(?:^|(?<=\s))#")


def inert_in_text(name: str) -> str:
    return _TAG_SIGN.sub(r"\#", _LEADING_DATE.sub(r"\1\2\\\3", name, count=1))


def _filled(template: str, name: str, today: date) -> str:
    """The template with `{name}` and `{today}` filled: a value in the front matter (the
    value emitter's scalar), text below it (`inert_in_text`)."""
    end = front_matter_end(template)
    head, body = template[:end], template[end:]
    head = head.replace("{name}", yaml_scalar(name)).replace("{today}", today.isoformat())
    body = body.replace("{name}", inert_in_text(name)).replace("{today}", today.isoformat())
    return head + body


@functools.lru_cache(maxsize=4)
def _refuse_a_broken_template(template: str) -> None:
    """A template whose front matter does not parse (a YAML list, an unclosed bracket)
    would make a note that is left out of everything: no note is made from it. Checked
    once a template, filled with a sample name: a name is always a quoted scalar there,
    so no name can break a template that parses (an import makes thousands of notes)."""
    from netnotes.core.parse import parse_note

    text = _filled(template, "Sample Name", date(2000, 1, 1))
    _, problems = parse_note(TEMPLATE_PATH, text.encode("utf-8"))
    for problem in problems:
        if problem.severity is Severity.ERROR:
            where = TEMPLATE_PATH if problem.line is None else f"{TEMPLATE_PATH}:{problem.line}"
            message = problem.message.removesuffix("; this note is left out until fixed")
            raise NetnotesError(f"{where}: {message}; fix the template: no note was made")
