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
from netnotes.core.model import Contact, TaskState
from netnotes.core.practice import outreach
from netnotes.core.rules import keep_in_touch, last_contact, make_context
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
        "outreach": {"sent": answered.counted, "answered": len(answered.done)},
        "interactions": [
            {
                "date": entry.on.isoformat(),
                "direction": str(entry.direction),
                "kind": entry.kind,
                "text": entry.text,
                "path": entry.source or contact.path,
                "line": entry.line,
            }
            for entry in reversed(past[-5:])
        ],
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
    facts, narrative, section = [], [], None
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            words = stripped.lstrip("#").strip().casefold()
            section = "facts" if "fact" in words else "narrative" if "narrative" in words else None
        elif section == "facts" and stripped[:2] in ("- ", "* "):
            facts.append(stripped[2:].strip())
        elif section == "narrative" and stripped:
            narrative.append(stripped)
    return {"path": ME_NOTE, "facts": facts, "narrative": " ".join(narrative)}


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
    sent, answered = document["outreach"]["sent"], document["outreach"]["answered"]
    replies = f"{answered} of {sent} outreaches answered" if sent else "no outreach yet"
    lines += ["", f"{sub}The relationship"]
    lines += [
        f"{item}last contact: {document['last_contact'] or 'never logged'}",
        f"{item}cadence: {document['cadence']}",
        f"{item}{document['interactions_past_year']} interactions in the past year; {replies}",
    ]
    if document["interactions"]:
        lines += ["", f"{sub}Last interactions"]
        for entry in document["interactions"]:
            arrow = {"out": "-> ", "in": "<- "}.get(entry["direction"], "")
            kind = f"{entry['kind']}: " if entry["kind"] else ""
            text = shown(f"{kind}{link_text(entry['text'])}")
            lines.append(f"{item}{entry['date']} {arrow}{text}")
    owed = [f"{item}[ ] {shown(task['text'])}" + (f" (due {task['due']})" if task["due"] else "")
            for task in document["tasks"]]  # fmt: skip
    if document["follow_up"]:
        owed.append(f"{item}follow up planned for {document['follow_up']}")
    if owed:
        lines += ["", f"{sub}What you owe them", *owed]
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
    lines += ["", f"{sub}25 minutes", *(f"{item}{shown(step)}" for step in document["sequence"])]
    lines += ["", f"{sub}After", *(f"{item}[ ] {shown(step)}" for step in document["after"])]
    return "\n".join(lines) + "\n"


def _at(place: str | None) -> str | None:
    return f"at {place}" if place else None
