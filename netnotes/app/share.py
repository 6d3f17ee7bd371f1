"""`netnotes share TEXT|URL`: who would value this article or piece of news?

Sharing something useful, with no ask attached, is the cheapest way to keep a
tie alive (docs/practice.md). A contact scores on what the text and their note
have in common, folded for case and accents: an interest the text names
(strongest), a tag, their company or role, and the words of their note. A
contact whose keep-in-touch date is near or passed, or who has gone quiet, is
nudged up: sharing is a good reason to write. Each score comes with its reasons.
A URL is read for the words of its address only: netnotes fetches nothing.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urlparse

from netnotes.app.stats import state_of
from netnotes.core.model import Contact
from netnotes.core.names import fold
from netnotes.store.vault import Vault

# Words too common to say anything about a person's interests.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "why",
        "will",
        "with",
        "you",
        "your",
        "about",
        "after",
        "new",
        "more",
        "most",
    ]
)
_WEIGHTS = {"interests": 5.0, "tags": 3.0, "company": 2.0, "role": 2.0, "note": 1.0}
_DUE_BONUS = 1.0  # a keep-in-touch date near or passed: a reason to write anyway
_QUIET_BONUS = 0.5  # gone quiet: a share reconnects without an ask


def words_of(text: str) -> str:
    """The text to match: a URL's host and path as words, else the text, folded."""
    if re.match(r"https?://", text.strip()):
        address = urlparse(text.strip())
        text = " ".join([address.netloc.split(":")[0], unquote(address.path)])
        text = re.sub(r"[-_/.+]", " ", text)
    return fold(text)


def rank(vault: Vault, contacts: list[Contact], text: str, today: date, limit: int) -> list[dict]:
    """The contacts who would value `text`, best first, each with a score and its reasons."""
    query = words_of(text)
    terms = {word for word in re.findall(r"\w+", query) if word not in _STOP and len(word) > 1}
    found = []
    for contact in contacts:
        if contact.archived:
            continue
        score, reasons = 0.0, []
        for interest in contact.interests:
            if _matches(fold(interest), query, terms):
                score += _WEIGHTS["interests"]
                reasons.append(f"interests: {interest}")
        for tag in contact.tags:
            if _matches(fold(tag.replace("-", " ")), query, terms):
                score += _WEIGHTS["tags"]
                reasons.append(f"tags: {tag}")
        for key in ("company", "role"):
            value = getattr(contact, key)
            if value and _matches(fold(value), query, terms):
                score += _WEIGHTS[key]
                reasons.append(f"{key}: {value}")
        shared = sorted(_note_words(vault, contact) & terms)
        if shared:
            score += _WEIGHTS["note"] * len(shared)
            reasons.append(f"note: {', '.join(shared)}")
        if not score:
            continue
        state = state_of(contact, today, vault)
        if state in ("due", "overdue"):
            score += _DUE_BONUS
            reasons.append("keep-in-touch date near or passed")
        elif state == "dormant":
            score += _QUIET_BONUS
            reasons.append("gone quiet: a reason to write")
        found.append({"contact": contact.name, "path": contact.path, "score": score,
                      "reasons": reasons})  # fmt: skip
    found.sort(key=lambda hit: (-hit["score"], hit["contact"].casefold(), hit["path"]))
    return found[:limit]


def _note_words(vault: Vault, contact: Contact) -> set[str]:
    """The folded words of the note's body (its front matter is matched key by key);
    the log's words, with interactions meeting and daily notes recorded."""
    from netnotes.core.frontmatter import split_front_matter
    from netnotes.store.notefile import NoteUnreadable, read_note_bytes

    try:
        text = read_note_bytes(vault.root / contact.path).decode("utf-8-sig", errors="replace")
        body = split_front_matter(text.replace("\r\n", "\n")).body
    except (NoteUnreadable, ValueError):
        body = ""
    body += " " + " ".join(entry.text for entry in contact.interactions if entry.source)
    return set(_WORD.findall(fold(body)))


def _matches(value: str, query: str, terms: set[str]) -> bool:
    """A phrase the text holds whole, or a one-word value among its words."""
    if not value:
        return False
    if " " in value:
        return f" {value} " in f" {' '.join(_WORD.findall(query))} "
    return value in terms


_WORD = re.compile(r"[^\W_]+")


def render_share(hits: list[dict]) -> str:
    if not hits:
        return ""
    width = max(len(hit["contact"]) for hit in hits)
    return "".join(
        f"{hit['score']:5.1f}  {hit['contact'].ljust(width)}  {hit['path']}  "
        f"{'; '.join(hit['reasons'])}\n"
        for hit in hits
    )
