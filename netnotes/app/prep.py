"""`netnotes prep NAME`: a one-screen card to read before a 25-minute networking meeting.

What the practice asks of you before you meet (docs/practice.md): know who they
are and where the relationship stands, what you owe them, what you want them
to learn about you (the vault's `me.md`: facts and a short narrative), a plan
for the 25 minutes, and what to do after.
"""

from __future__ import annotations

from datetime import date

from netnotes.core.config import Config
from netnotes.core.fields import link_text, profile
from netnotes.core.model import Contact, ItemKind, TaskState
from netnotes.core.practice import days_said, outreach
from netnotes.core.rules import contact_items, keep_in_touch, last_contact, make_context
from netnotes.core.safetext import markdown_text
from netnotes.store.notefile import read_text_file
from netnotes.store.vault import Vault

ME_NOTE = "me.md"
SEQUENCE = (
    "2 min: thank them for the time; say how you came to meet",
    "8 min: their story: what they do now, what they are working on, what is next",
    "5 min: your facts and your short narrative (below)",
    "7 min: where you could help each other: an introduction, an idea, an article",
    "3 min: end on time; agree on when to talk again",
)
AFTER = (
    "send a thank-you within a day, saying what you took from it",
    "follow up on the action items you agreed",
    "log the gist, with a follow-up in about three months: "
    'netnotes log {stem} --kind coffee "..." --next 3m',
)


# Of the person's fields (core/fields.profile), those a card before a meeting shows.
_PREP_KEYS = ("company", "role", "location", "met", "met_at", "introduced_by", "connected",
              "interests", "tags")  # fmt: skip


def prep_document(vault: Vault, contact: Contact, today: date) -> dict:
    """Everything the card says, as plain data (the JSON form)."""
    config = vault.config
    last = last_contact(contact, today)
    past = [entry for entry in contact.interactions if entry.on <= today]
    year_ago = date(today.year - 1, today.month, min(today.day, 28))
    answered = outreach(contact, config.nudge_after, today)
    items, _ = contact_items(contact, make_context(today, config))
    stem = contact.path.rpartition("/")[2].removesuffix(".md")
    return {
        "name": contact.name,
        "path": contact.path,
        **{
            key: value
            for key, value in profile(contact, config.reading).items()
            if key in _PREP_KEYS
        },
        "last_contact": last.isoformat() if last else None,
        "cadence": _cadence_state(contact, today, config),
        "interactions_past_year": sum(1 for entry in past if entry.on >= year_ago),
        "outreach": {
            "sent": answered.counted,
            "answered": len(answered.done),
            "median_reply_days": answered.median_delay,
        },
        "interactions": [_entry(entry, contact) for entry in reversed(past[-3:])],
        "planned": [_entry(entry, contact) for entry in contact.interactions if entry.on > today],
        "you_owe": [_owed(item) for item in items if item.kind in _YOU_OWE],
        "they_owe": [_owed(item) for item in items if item.kind is ItemKind.WAITING],
        "tasks": [
            {
                "text": task.text,
                "due": task.due.isoformat() if task.due else None,
                "line": task.line,
            }
            for task in contact.tasks
            if task.state is TaskState.OPEN
        ],
        "follow_up": contact.follow_up.isoformat() if contact.follow_up else None,
        "me": read_me(vault),
        "sequence": list(SEQUENCE),
        "after": [step.format(stem=stem) for step in AFTER],
    }


# What the digest's rules say you owe them (tasks are listed from the note, with or
# without a date); what they owe you is an answer (the `waiting` item).
_YOU_OWE = (ItemKind.THANKS, ItemKind.REPLY, ItemKind.FOLLOW_UP)


def _entry(entry, contact: Contact) -> dict:
    return {
        "date": entry.on.isoformat(),
        "direction": str(entry.direction),
        "kind": entry.kind,
        "text": entry.text,
        "path": entry.source or contact.path,
        "line": entry.line,
    }


def _owed(item) -> dict:
    return {"kind": item.kind.value, "due": item.due.isoformat(), "text": item.text}


def _cadence_state(contact: Contact, today: date, config: Config) -> str:
    """The keep-in-touch line, from the answer the digest gives (`rules.keep_in_touch`)."""
    where = keep_in_touch(contact, make_context(today, config))
    if not where.cadence:
        return "no keep-in-touch cadence"
    every = f"every {where.cadence}"
    if where.state == "archived":
        return f"{every}; archived: never due"
    if where.state == "snoozed":
        return f"{every}; snoozed until {contact.snooze.isoformat()}"
    if where.due is None:
        return f"{every}; never logged: due now"
    state = "overdue since" if where.due < today else "due" if where.due == today else "next by"
    return f"{every}; {state} {where.due.isoformat()}"


def read_me(vault: Vault) -> dict | None:
    """The vault's `me.md`: what you want people to know about you (None when missing)."""
    path = vault.root / ME_NOTE
    text = read_text_file(path, "a note about you", shown=ME_NOTE)
    if text is None:
        return None
    lists: dict[str, list[str]] = {"facts": [], "offer": []}
    narrative, section = [], None
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            words = stripped.lstrip("#").strip().casefold()
            section = next((name for name in ("fact", "narrative", "offer") if name in words), None)
        elif section in ("fact", "offer") and stripped[:2] in ("- ", "* "):
            lists["facts" if section == "fact" else "offer"].append(stripped[2:].strip())
        elif section == "narrative" and stripped:
            narrative.append(stripped)
    return {"path": ME_NOTE, **lists, "narrative": " ".join(narrative)}


def render_prep(document: dict, markdown: bool = False) -> str:
    """The card as text for a terminal, or as Markdown."""
    head = "# " if markdown else ""
    sub = "## " if markdown else ""
    item = "- " if markdown else "  "
    # In Markdown, what the note says is text: no HTML, no link, no image that loads.
    shown = markdown_text if markdown else str
    lines = [f"{head}Prep: {shown(document['name'])}", shown(document["path"]), ""]
    who = ", ".join(v for v in (document["role"], document["company"]) if v)
    facts = [
        ("who", who),
        ("location", document["location"]),
        ("met", " ".join(v for v in (document["met"], _at(document["met_at"])) if v)),
        ("introduced by", document["introduced_by"]),
        ("connected", document["connected"]),  # on LinkedIn, say: no meeting
        ("interests", ", ".join(document["interests"])),
        ("tags", ", ".join(document["tags"])),
    ]  # fmt: skip
    lines += [f"{item}{label}: {shown(value)}" for label, value in facts if value]
    lines += ["", f"{sub}The relationship"]
    lines += [
        f"{item}last contact: {document['last_contact'] or 'never logged'}",
        f"{item}cadence: {document['cadence']}",
        f"{item}{_interactions(document['interactions_past_year'])} in the past year; "
        + _replies(document["outreach"]),
    ]
    for title, entries in (("Last conversations", document["interactions"]),
                           ("Planned", document["planned"])):  # fmt: skip
        if entries:
            lines += ["", f"{sub}{title}"]
            lines += [f"{item}{entry['date']} {shown(_said(entry))}" for entry in entries]
    owed = [f"{item}[ ] {shown(task['text'])}" + (f" (due {task['due']})" if task["due"] else "")
            for task in document["tasks"]]  # fmt: skip
    owed += [f"{item}[ ] {shown(owed['text'])} (due {owed['due']})"
             for owed in document["you_owe"]]  # fmt: skip
    if document["follow_up"] and not any(o["kind"] == "follow_up" for o in document["you_owe"]):
        owed.append(f"{item}follow up planned for {document['follow_up']}")
    if owed:
        lines += ["", f"{sub}What you owe them", *owed]
    if document["they_owe"]:
        lines += ["", f"{sub}What they owe you"]
        lines += [f"{item}an answer: {shown(owed['text'])}" for owed in document["they_owe"]]
    lines += ["", f"{sub}What you want them to know about you"]
    me = document["me"]
    if me is None or not (me["facts"] or me["narrative"]):
        lines.append(
            f"{item}write me.md in the vault: a `## Facts` list (what you want people to "
            "know: strengths, what you are looking for) and a `## Narrative` of a few "
            "sentences that connects them"
        )
    else:
        lines += [f"{item}{shown(fact)}" for fact in me["facts"]]
        if me["narrative"]:
            lines.append(f"{item}narrative: {shown(me['narrative'])}")
    lines += ["", f"{sub}What you could offer them"]
    if me is not None and me["offer"]:
        lines += [f"{item}{shown(offer)}" for offer in me["offer"]]
    else:
        about = ", ".join(document["interests"]) or "what they care about"
        lines.append(
            f"{item}an introduction, an idea, an article on {shown(about)} (an `## Offer` list "
            "in me.md says what you can give)"
        )
    lines += ["", f"{sub}25 minutes", *(f"{item}{shown(step)}" for step in document["sequence"])]
    lines += ["", f"{sub}After", *(f"{item}[ ] {shown(step)}" for step in document["after"])]
    return "\n".join(lines) + "\n"


def _interactions(count: int) -> str:
    return f"{count} interaction" if count == 1 else f"{count} interactions"


def _replies(counts: dict) -> str:
    """`2 of 4 outreaches answered, in 1.5 days (median)`: answered whenever the answer
    came before your next outreach (core/practice.py)."""
    sent, answered = counts["sent"], counts["answered"]
    if not sent:
        return "no outreach answered or missed yet"
    said = f"{answered} of {sent} outreach{'es' if sent != 1 else ''} answered"
    if counts["median_reply_days"] is not None:
        said += f", in {days_said(counts['median_reply_days'])} (median)"
    return said


def _said(entry: dict) -> str:
    arrow = {"out": "-> ", "in": "<- "}.get(entry["direction"], "")
    kind = f"{entry['kind']}: " if entry["kind"] else ""
    return f"{arrow}{kind}{link_text(entry['text'])}"


def _at(place: str | None) -> str | None:
    return f"at {place}" if place else None
