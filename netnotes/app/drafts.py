"""`netnotes draft NAME --for KIND`: a message skeleton from the note, never sent.

The skeletons follow the practice (docs/practice.md): an ask says what you
need, by when and why them, and offers help back; a thank-you says how
things unfolded; a reconnect note says how you know each other and what you
are doing now, and asks for 20 minutes. They live in the vault as editable
templates (`templates/messages/KIND.md`, written by `netnotes init`); the
ones here are used where the vault has none. `{placeholders}` the note can
fill are filled; the others stay visible as `[placeholder]` for you.
"""

from __future__ import annotations

import re
from datetime import date

from netnotes.core.fields import contact_field
from netnotes.core.model import Contact, Direction
from netnotes.store.notefile import read_text_file
from netnotes.store.vault import Vault

KINDS = ("ask", "thanks", "update", "reconnect", "congrats")
MESSAGES = {
    "ask": """\
Subject: A quick ask, {first_name}

Hi {first_name},

I hope all is well at {company}. I'm working on [what you are working on], and I could
use your help with [what you need, in one sentence] by [when, and why then].

I'm asking you because [why them: what they know, or whom they know].

If it's not a good time, no worries at all. And if I can help you with anything,
[an offer of help back], just say.

Thanks,
[your name]
""",
    "thanks": """\
Subject: Thank you, {first_name}

Hi {first_name},

Thank you again for {last_topic} ({last_date}). I wanted to tell you how it unfolded:
[what happened next, thanks to you].

[what you will do next, or how you can return the favour]

With thanks,
[your name]
""",
    "update": """\
Subject: News since {last_date}

Hi {first_name},

A quick update since we last spoke ({last_date}): [what changed for you].

Last time we talked about {last_topic}; [how that went].

How are things at {company}?

Best,
[your name]
""",
    "reconnect": """\
Subject: It's been a while, {first_name}

Hi {first_name},

We haven't spoken since {last_year}, when {how_we_know}. I came across [what reminded
you of them] and thought of you.

Here is what I'm doing now: [one or two sentences].

Would you be up for a 20-minute call in the next few weeks to catch up?

Best,
[your name]
""",
    "congrats": """\
Subject: Congratulations, {first_name}!

Hi {first_name},

Congratulations on [the news]! [why it matters to them, or a memory you share]

Best,
[your name]
""",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def draft_message(vault: Vault, contact: Contact, kind: str, today: date) -> str:
    """The message for `kind` with what the note says filled in."""
    path = vault.root / "templates" / "messages" / f"{kind}.md"
    shown = f"templates/messages/{kind}.md"
    template = read_text_file(path, "a message template", shown=shown)
    if template is None:
        template = MESSAGES[kind]
    values = message_values(vault, contact, today)

    def fill(match: re.Match) -> str:
        value = values.get(match.group(1))
        return value if value else f"[{match.group(1).replace('_', ' ')}]"

    return _PLACEHOLDER.sub(fill, template)


def message_values(vault: Vault, contact: Contact, today: date) -> dict[str, str | None]:
    past = [entry for entry in contact.interactions if entry.on <= today]
    # What last happened between you: a message of yours they have not answered is not it.
    shared = [entry for entry in past if entry.direction is not Direction.OUT]
    last = (shared or past or [None])[-1]
    met_at = contact_field(contact, "met_at", vault.config.reading)
    introduced = contact_field(contact, "introduced_by", vault.config.reading)
    how = (
        f"we met at {met_at}" if met_at
        else f"{introduced} introduced us" if introduced
        else f"we talked about {last.text}" if last and last.text
        else None
    )  # fmt: skip
    return {
        "name": contact.name,
        "first_name": contact.name.split()[0] if contact.name.split() else contact.name,
        "company": contact.company,
        "role": contact.role,
        "last_date": last.on.isoformat() if last else None,
        "last_year": str(last.on.year) if last else None,
        "last_topic": last.text if last and last.text else None,
        "met_at": met_at,
        "introduced_by": introduced,
        "how_we_know": how,
        "interests": ", ".join(contact.interests) or None,
    }
