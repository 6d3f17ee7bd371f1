"""Read-only views of contacts: the `show` card, `list` rows and `find` hits. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from netnotes.core.config import Config
from netnotes.core.fields import PROFILE_KEYS, profile
from netnotes.core.identity import Summary, summary_of
from netnotes.core.model import Contact, Item, TaskState
from netnotes.core.names import fold
from netnotes.core.rules import due_items, effective_cadence, last_contact


def contact_rows(
    contacts: list[Contact],
    today: date,
    config: Config,
    *,
    tag: str | None = None,
    company: str | None = None,
    due: bool = False,
) -> list[dict]:
    """`netnotes list`: the contacts that pass the filters, sorted by name, as plain rows.

    `due`: only contacts with an item in the digest (the digest of every contact:
    this week's reconnect picks are chosen among all, not among the filtered)."""
    owing = {item.path for item in due_items(contacts, today, config)} if due else None
    if tag:
        wanted = fold(tag.lstrip("#"))
        contacts = [c for c in contacts if wanted in map(fold, c.tags)]
    if company:
        contacts = [c for c in contacts if fold(company) in fold(c.company or "")]
    if owing is not None:
        contacts = [c for c in contacts if c.path in owing]
    return summary_rows([summary_of(contact) for contact in contacts], today)


def summary_rows(
    summaries: list[Summary],
    today: date,
    *,
    tag: str | None = None,
    company: str | None = None,
    only: set[str] | None = None,
) -> list[dict]:
    """`netnotes list` rows from summaries, sorted by name; `only`: just these paths
    (for `--due`, the paths of the digest's items)."""
    if only is not None:
        summaries = [s for s in summaries if s.path in only]
    if tag:
        wanted = fold(tag.lstrip("#"))
        folded = {t: fold(t) for t in {t for s in summaries for t in s.tags}}  # few, used often
        summaries = [s for s in summaries if any(folded[t] == wanted for t in s.tags)]
    if company:
        summaries = [s for s in summaries if fold(company) in fold(s.company or "")]
    rows = []
    for summary in sorted(summaries, key=lambda s: (fold(s.name), s.path)):
        last = summary.last_contact(today)
        rows.append(
            {
                "name": summary.name,
                "company": summary.company,
                "tags": list(summary.tags),
                "last_contact": last.isoformat() if last else None,
                "path": summary.path,
            }
        )
    return rows


def render_table(rows: list[dict], width: int | None = None) -> str:
    """`netnotes list` for people: a header and columns that keep their place when a
    field is empty; with `width`, the widest free-text columns are cut (…) to fit."""
    headers = ("NAME", "LAST CONTACT", "COMPANY", "TAGS", "PATH")
    table = [
        (row["name"], row["last_contact"] or "never", row["company"] or "",
         ", ".join(row["tags"]), row["path"])
        for row in rows
    ]  # fmt: skip
    widths = [
        max(len(header), *(len(cells[i]) for cells in table)) for i, header in enumerate(headers)
    ]
    if width is not None:
        overflow = sum(widths) + 2 * (len(widths) - 1) - width
        for column, floor in ((3, 8), (2, 10), (0, 12)):  # tags, then company, then name
            if overflow <= 0:
                break
            cut = min(overflow, max(0, widths[column] - floor))
            widths[column] -= cut
            overflow -= cut

    def line(cells) -> str:
        fitted = [_fit(cell, size) for cell, size in zip(cells, widths, strict=True)]
        return "  ".join(fitted).rstrip() + "\n"

    return line(headers) + "".join(line(cells) for cells in table)


def _fit(text: str, size: int) -> str:
    return text.ljust(size) if len(text) <= size else text[: size - 1] + "…"


def contact_document(
    contact: Contact, today: date, config: Config, *, everything: bool = False
) -> dict:
    """Everything `show` says about a contact, as plain data (the JSON form).

    `recent` holds interactions up to today, newest first (the last five, or
    all of them with `everything`); `planned` the ones after today, soonest first.
    """
    last = last_contact(contact, today)
    past = [entry for entry in contact.interactions if entry.on <= today]
    planned = [entry for entry in contact.interactions if entry.on > today]
    cadence, _ = effective_cadence(contact, config)
    items = [item for item in due_items([contact], today, config) if item.kind != "reconnect"]
    return {
        "name": contact.name,
        "path": contact.path,
        **profile(contact, config.reading),
        "cadence": str(cadence) if cadence else None,
        "last_contact": last.isoformat() if last else None,
        "snooze": contact.snooze.isoformat() if contact.snooze else None,
        "follow_up": contact.follow_up.isoformat() if contact.follow_up else None,
        "due": [_item_document(item) for item in items],
        "open_tasks": [
            {"text": task.text, "due": task.due and task.due.isoformat(), "line": task.line}
            for task in contact.tasks
            if task.state is TaskState.OPEN
        ],
        "recent": [_entry_document(entry) for entry in reversed(past if everything else past[-5:])],
        "planned": [_entry_document(entry) for entry in planned],
        # The note's own keys and values, as written (the fields above are read from them).
        "front_matter": {str(key): _plain(value) for key, value in contact.fields.items()},
    }


def _entry_document(entry) -> dict:
    """An interaction; `source` names the meeting or daily note that recorded it, if any."""
    document = {"date": entry.on.isoformat(), "direction": str(entry.direction),
                "kind": entry.kind, "text": entry.text, "line": entry.line}  # fmt: skip
    if entry.source:
        document["source"] = entry.source
    return document


def _item_document(item: Item) -> dict:
    document = {"kind": str(item.kind), "status": str(item.status), "due": item.due.isoformat(),
                "line": item.line, "text": item.text}  # fmt: skip
    if item.source:
        document["source"] = item.source
    return document


def _plain(value: object) -> object:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def render_card(document: dict, today: date) -> str:
    title = document["name"]
    where = ", ".join(document[k] for k in ("role", "company") if document[k])
    lines = [f"{title} — {where}" if where else title, document["path"], ""]
    for key in PROFILE_KEYS:
        value = document[key]
        if key not in ("company", "role") and value not in (None, []):
            shown = ", ".join(value) if isinstance(value, list) else value
            lines.append(f"{key.replace('_', ' ')}: {shown}")
    last = document["last_contact"]
    if last:
        days = (today - date.fromisoformat(last)).days
        lines.append(f"last contact: {last} ({days} day{'' if days == 1 else 's'} ago)")
    else:
        lines.append("last contact: never logged")
    lines.append(f"cadence: {document['cadence'] or 'none'}")
    if document["follow_up"]:
        lines.append(f"follow up: {document['follow_up']}")
    if document["snooze"]:
        lines.append(f"snoozed until: {document['snooze']}")
    sections = (
        ("Due", [f"{d['status']} {d['due']}  {d['text']}" for d in document["due"]]),
        ("Open tasks", [f"[ ] {t['text']}" + (f" (due {t['due']})" if t["due"] else "")
                        for t in document["open_tasks"]]),
        ("Recent", [_entry_line(entry) for entry in document["recent"]]),
        ("Planned", [_entry_line(entry) for entry in document["planned"]]),
    )  # fmt: skip
    for heading, rows in sections:
        if rows:
            lines += ["", heading, *(f"  {row}" for row in rows)]
    return "\n".join(lines) + "\n"


def _entry_line(entry: dict) -> str:
    kind = f"{entry['kind']}: " if entry["kind"] else ""
    where = f"  ({entry['source']}:{entry['line']})" if entry.get("source") else ""
    return f"{entry['date']} {_arrow(entry['direction'])}{kind}{entry['text']}{where}"


def _arrow(direction: str) -> str:
    return {"out": "-> ", "in": "<- "}.get(direction, "")


@dataclass(frozen=True, slots=True)
class Hit:
    contact: Summary
    line: int | None
    text: str
    source: str | None = None  # the meeting or daily note the line is in, if not the contact's

    @property
    def where(self) -> str:
        path = self.source or self.contact.path
        return path if self.line is None else f"{path}:{self.line}"


def find_hits(query: str, people: list[Summary], texts: dict[str, str]) -> list[Hit]:
    """Contacts whose name, aliases, company, role, tags, emails, interests or note text
    hold `query` (folded), in the order given; a field match wins over a text match."""
    wanted = fold(query)
    # A query without whitespace is in a folded ASCII line exactly when it is in the line
    # lowered (folding ASCII only lowers it and collapses whitespace, which such a query
    # cannot span): a line is then tested without folding it. 254,000 folds made `find`
    # of a word every note holds 14 times slower than grep (issue 28).
    plain = wanted.isascii() and not any(char.isspace() for char in wanted)
    hits: list[Hit] = []
    for person in people:
        # The fields folded at once, apart by a character no query holds: a match is in
        # one field, as when each is folded on its own.
        fields = person.searchable()
        if (
            wanted in fold("\0".join(fields))
            if "\0" not in wanted
            else any(wanted in fold(value) for value in fields)
        ):
            hits.append(Hit(person, person.name_line, person.name))
            continue
        text = texts.get(person.path, "")
        # One fold of the whole note first: a folded line is a piece of the folded note,
        # so a note without the query anywhere costs no per-line work.
        if wanted not in fold(text):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if wanted in (line.lower() if plain and line.isascii() else fold(line)):
                hits.append(Hit(person, number, line.strip()))
                break
    return hits
