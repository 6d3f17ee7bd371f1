"""`netnotes draft NAME --for KIND`: a message from the note, for you to finish; never sent.

The messages follow the practice (docs/practice.md): an ask says clearly what you need,
by when and why them, and makes it easy to say no; a thank-you names what came of the
meeting; an update shows the advice was used; a reconnect needs no excuse; a
congratulation is about them. They live in the vault as editable templates
(`templates/messages/KIND.md`, written by `netnotes init`); the ones here are used where
the vault has none. `{placeholders}` the note can fill are filled, in words a person
writes (core/wording.py: "last week", "the data team reorg"); what the notes do not say
stays visible as `[a bracketed placeholder]`, for you to fill.

A kind is offered only where it fits: a thank-you after a meeting, a reconnect note
after `reconnect_after` of silence.
"""

from __future__ import annotations

import re
from datetime import date

from netnotes.core.errors import NetnotesError
from netnotes.core.fields import contact_field, link_text
from netnotes.core.model import Contact, Direction, Interaction, TaskState
from netnotes.core.rules import last_contact
from netnotes.core.wording import meeting_noun, said_when, topic_of, workplace
from netnotes.store.notefile import read_text_file
from netnotes.store.vault import Vault

KINDS = ("ask", "thanks", "update", "reconnect", "congrats")


def _message(*paragraphs: str) -> str:
    """A message as it is pasted into mail: a paragraph a line, a blank line between."""
    return "\n\n".join(paragraphs) + "\n"


MESSAGES = {
    "ask": _message(
        "Subject: A quick question, {first_name}",
        "Hi {first_name},",
        "I hope all is well{at_company}. I'm working on [what you are working on], and I'd "
        "value your help with [what you need, in one sentence] by [when, and why then].",
        "I thought of you because [why them: what they know, or whom they know].",
        "If it's not a good time, or not something you can help with, just say so: no "
        "problem at all. And if there is anything I can do for you, I'd be glad to.",
        "Thanks,\n[your name]",
    ),
    "thanks": _message(
        "Subject: Thank you, {first_name}",
        "Hi {first_name},",
        "Thank you again for {the_meeting} {when_we_met}{and_the_topic}. [What came of it: "
        "whom you went to see, what you tried, what you decided.]",
        "[What you will do next, or how you can return the favour.]",
        "With thanks,\n[your name]",
    ),
    "update": _message(
        "Subject: A quick update, {first_name}",
        "Hi {first_name},",
        "When we spoke {when_we_spoke}{about_topic}, you suggested [their advice]. I wanted "
        "to let you know that I [what you did with it], and [how it turned out].",
        "[What is next for you, or a question for them.]",
        "Thanks again,\n[your name]",
    ),
    "reconnect": _message(
        "Subject: It's been a while, {first_name}",
        "Hi {first_name},",
        "We last spoke {when_we_spoke}, and I was thinking of you, so I wanted to say hello. "
        "{how_are_things}",
        "Here is what I'm doing now: [one or two sentences].",
        "Would you have 20 minutes for a call in the next few weeks? If now isn't a good "
        "time, no worries at all.",
        "Best,\n[your name]",
    ),
    "congrats": _message(
        "Subject: Congratulations, {first_name}!",
        "Hi {first_name},",
        "Congratulations on {the_news}! [Why it matters to them, or a memory you share.]",
        "Best,\n[your name]",
    ),
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Parts of a sentence that are simply left out when the note has nothing for them.
_OPTIONAL = frozenset({"at_company", "and_the_topic", "about_topic"})


def draft_message(vault: Vault, contact: Contact, kind: str, today: date) -> str:
    """The message for `kind` with what the note says filled in; NetnotesError when the
    kind does not fit this person now (a thank-you with no meeting, a reconnect note to
    someone you spoke with last week)."""
    _refuse_what_does_not_fit(vault, contact, kind, today)
    path = vault.root / "templates" / "messages" / f"{kind}.md"
    shown = f"templates/messages/{kind}.md"
    template = read_text_file(path, "a message template", shown=shown)
    if template is None:
        template = MESSAGES[kind]
    values = message_values(vault, contact, today)

    def fill(match: re.Match) -> str:
        key = match.group(1)
        value = values.get(key)
        if value is None and key in _OPTIONAL:
            return ""
        return value if value else f"[{key.replace('_', ' ')}]"

    return _PLACEHOLDER.sub(fill, template)


def _refuse_what_does_not_fit(vault: Vault, contact: Contact, kind: str, today: date) -> None:
    why = _why_not(vault, contact, kind, today)
    if why:
        fits = [other for other in KINDS if not _why_not(vault, contact, other, today)]
        raise NetnotesError(
            f"{contact.name}: {why}; {' or '.join(f'--for {k}' for k in fits)} fits"
        )


def _why_not(vault: Vault, contact: Contact, kind: str, today: date) -> str | None:
    """Why a message of `kind` does not fit this person today, or None when it does."""
    if kind == "thanks" and _last_meeting(contact, today) is None:
        return "no meeting in the notes to thank them for"
    if kind == "reconnect":
        last = last_contact(contact, today)
        after = vault.config.reconnect_after
        if last is not None and after.after(last) > today:
            return (
                f"you were in touch {said_when(last, today)} ({last}); a reconnect note is "
                f"for after {after} of silence"
            )
    return None


def fitting_kinds(vault: Vault, contact: Contact, today: date) -> list[str]:
    """The kinds of message that fit this person today (`draft` offers these)."""
    return [kind for kind in KINDS if not _why_not(vault, contact, kind, today)]


def _last_meeting(contact: Contact, today: date) -> Interaction | None:
    meetings = [entry for entry in contact.interactions if entry.is_meeting and entry.on <= today]
    return meetings[-1] if meetings else None


def message_values(vault: Vault, contact: Contact, today: date) -> dict[str, str | None]:
    past = [entry for entry in contact.interactions if entry.on <= today]
    # What last happened between you: a message of yours they have not answered is not it.
    shared = [entry for entry in past if entry.direction is not Direction.OUT]
    last = (shared or past or [None])[-1]
    meeting = _last_meeting(contact, today)
    met_at = contact_field(contact, "met_at", vault.config.reading)
    introduced = contact_field(contact, "introduced_by", vault.config.reading)
    topic = topic_of(link_text(last.text)) if last and last.text else None
    met_topic = topic_of(link_text(meeting.text)) if meeting and meeting.text else None
    spoke = last_contact(contact, today)
    place = workplace(contact.company)
    how = (
        f"we met at {met_at}" if met_at
        else f"{introduced} introduced us" if introduced
        else None
    )  # fmt: skip
    return {
        "name": contact.name,
        "first_name": contact.name.split()[0] if contact.name.split() else contact.name,
        "company": contact.company,
        "role": contact.role,
        "at_company": f" at {place}" if place else None,
        "how_are_things": f"How are things at {place}?" if place else "How have you been?",
        "the_meeting": meeting_noun(meeting.kind) if meeting else None,
        "when_we_met": said_when(meeting.on, today) if meeting else None,
        "and_the_topic": f" and for your thoughts on {met_topic}" if met_topic else None,
        "when_we_spoke": said_when(spoke, today) if spoke else None,
        "about_topic": f" about {topic}" if topic else None,
        "the_news": _news(contact),
        # The names older templates (`netnotes init` before 2026-12) use.
        "last_date": said_when(last.on, today) if last else None,
        "last_year": str(last.on.year) if last else None,
        "last_topic": topic,
        "met_at": met_at,
        "introduced_by": introduced,
        "how_we_know": how,
        "interests": ", ".join(contact.interests) or None,
    }


_CONGRATULATE = re.compile(r"congratulate\s+(?:\w+\s+)?on\s+(?P<news>.+)", re.IGNORECASE)


def _news(contact: Contact) -> str | None:
    """What to congratulate them on, when an open task says so (`congratulate him on
    the promotion to VP Engineering`)."""
    for task in contact.tasks:
        found = _CONGRATULATE.search(task.text) if task.state is TaskState.OPEN else None
        if found:
            news = found.group("news").strip().rstrip(".!")
            return re.sub(r"^(?:the|his|her|their)\s+", "your ", news, flags=re.IGNORECASE)
    return None
