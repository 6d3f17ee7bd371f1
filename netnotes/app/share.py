"""`netnotes share TEXT|URL`: who would value this article or piece of news?

Sharing something useful, with no ask attached, is the cheapest way to keep a
tie alive (docs/practice.md). Each contact is scored on what the text and the
person (core/fields: interests, tags, company, role, and the words of the note and of
the meeting and daily notes that credit them) have in common, as BM25 weighs a match:

- a word is worth its rarity among your contacts (IDF): "refugee" that one note holds
  outweighs "data" that half the vault's tags hold;
- a field weighs by what it says of the person: an interest most, then a tag, the
  company and role, then the note's words (whose count saturates, as BM25's does);
- a phrase matched whole (an interest of two words, two words side by side in the note)
  is worth its words twice over: "refugee tech" beats "tech" and "refugee" apart;
- stop words (including the words every article's address holds: "blog", "article",
  "news") and numbers (a URL's date path) never count.

Among equal scores, the people you are due to write to come first: sharing is a good
reason to write. A URL is read for the words of its address only: netnotes fetches
nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date
from itertools import pairwise
from urllib.parse import unquote, urlparse

from netnotes.core.model import Contact
from netnotes.core.names import fold
from netnotes.store.vault import Vault

# Words that say nothing about what a person cares about: English function words, and
# the words of the pages and addresses people share.
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my new no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours
    article articles blog post posts news read reading story stories page pages www com org
    net html htm php index amp http https via week today year years day days time
    thing things way ways""".split()  # noqa: SIM905 (a word list reads best as words)
)
_WEIGHTS = {"interests": 3.0, "tags": 2.0, "company": 1.5, "role": 1.5, "note": 1.0}
_K1, _B = 1.2, 0.75  # BM25's usual saturation and length normalisation, for the note


def words_of(text: str) -> list[str]:
    """The words to match: a URL's host and path as words, else the text; folded, no stop
    word, no number."""
    if re.match(r"https?://", text.strip()):
        address = urlparse(text.strip())
        text = " ".join([address.netloc.split(":")[0], unquote(address.path)])
        text = re.sub(r"[-_/.+]", " ", text)
    return _terms(text)


def _terms(text: str) -> list[str]:
    return _terms_of_folded(fold(text))


def _terms_of_folded(folded: str) -> list[str]:
    return [
        word
        for word in _WORD.findall(folded)
        if len(word) > 1 and word not in _STOP and not any(c.isdigit() for c in word)
    ]


def share_row(contact: Contact | None, problems, *, context, root: str) -> tuple:
    """One contact's part of `share` as plain values, kept in the index for the day (run in
    the parsing workers): name, path, archived, its interests, tags, company and role each
    with its words, its keep-in-touch state, its note's length in folded words, and what
    meeting and daily notes credit it with (as written and folded). The note's words are
    read only when it may hold a query word (`ranked`)."""
    from pathlib import Path

    from netnotes.core.rules import keep_in_touch

    if contact is None:
        return (None,)
    credited = " ".join(entry.text for entry in contact.interactions if entry.source)
    folded = fold(_body(Path(root) / contact.path) + " " + credited)
    company, role = contact.company, contact.role
    return (
        contact.name, contact.path, contact.archived,
        tuple((value, tuple(_terms(value))) for value in contact.interests),
        tuple((tag, tuple(_terms(tag.replace("-", " ")))) for tag in contact.tags),
        ((company, tuple(_terms(company))),) if company else (),
        ((role, tuple(_terms(role))),) if role else (),
        keep_in_touch(contact, context).state, folded.count(" ") + 1 if folded else 0,
        credited, fold(credited),
    )  # fmt: skip


class _Person:
    """A contact's words, field by field, as the ranking reads them (from its `share_row`).
    Only a note that may hold a query word is read and split into words (splitting every
    note made `share` 60 % slower at 10,000 notes)."""

    def __init__(self, vault: Vault, row: tuple, terms: set[str], may_hold: bool) -> None:
        (self.name, self.path, _, interests, tags, company, role, self.state, self.length,
         credited, credited_folded) = row  # fmt: skip
        self.phrases = {"interests": interests, "tags": tags, "company": company, "role": role}
        self.note: list[str] = []
        if may_hold or (credited_folded and any(term in credited_folded for term in terms)):
            folded = fold(_body(vault.root / self.path) + " " + credited)
            if any(term in folded for term in terms):
                self.note = _terms_of_folded(folded)
        self.note_counts = Counter(self.note)
        self.vocabulary = set(self.note_counts).union(
            word for values in self.phrases.values() for _, words in values for word in words
        )


def ranked(vault: Vault, text: str, today: date, limit: int) -> list[dict]:
    """The contacts who would value `text`, best first, each with a score and its reasons.

    Each contact's part is kept in the index for the day (`share_row`: issue 28, `share`
    decoded and read every contact, 17.9 s at 100,000 notes); the notes that may hold a
    query word are the search table's answer (store/search.py), and only they are read."""
    from functools import partial

    from netnotes.core.rules import make_context
    from netnotes.store.loading import credited_results
    from netnotes.store.search import matching_any

    query = words_of(text)
    terms = set(query)
    if not terms:
        return []
    context = make_context(today, vault.config)
    results = credited_results(
        vault, ("share", today.toordinal(), vault.config),
        partial(share_row, context=context, root=str(vault.root)), tuple,
    )  # fmt: skip
    rows = [row for _, row in results if row[0] is not None and not row[2]]
    candidates = matching_any(vault, [record for record, _ in results], sorted(terms))
    people = [
        _Person(vault, row, terms, candidates is None or row[1] in candidates) for row in rows
    ]
    return rank(people, query, limit)


def rank(people: list[_Person], query: list[str], limit: int) -> list[dict]:
    """The people ranked by BM25 against the query's words."""
    terms = set(query)
    pairs = set(pairwise(query))
    if not people:
        return []
    holders = Counter(word for person in people for word in person.vocabulary & terms)
    total = len(people)
    idf = {word: math.log(1 + (total - n + 0.5) / (n + 0.5)) for word, n in holders.items()}
    average = sum(person.length for person in people) / total or 1.0
    found = []
    for person in people:
        score, reasons = _score(person, terms, pairs, idf, average)
        if score <= 0:
            continue
        due = person.state in ("due", "overdue")
        if due:
            reasons.append("keep-in-touch date near or passed")
        elif person.state == "dormant":
            reasons.append("gone quiet: a reason to write")
        found.append(({"contact": person.name, "path": person.path,
                       "score": round(score, 1), "reasons": reasons}, due))  # fmt: skip
    found.sort(key=lambda pair: (-pair[0]["score"], not pair[1],
                                 pair[0]["contact"].casefold(), pair[0]["path"]))  # fmt: skip
    return [hit for hit, _ in found[:limit]]


def _score(person: _Person, terms: set[str], pairs: set, idf: dict, average: float):
    score, reasons = 0.0, []
    for field in ("interests", "tags", "company", "role"):
        for value, words in person.phrases[field]:
            shared = [word for word in dict.fromkeys(words) if word in terms]
            if not shared:
                continue
            worth = sum(idf[word] for word in shared)
            if len(shared) > 1 and _holds_phrase(words, pairs):
                worth *= 2  # the phrase itself, not words of it here and there
            score += _WEIGHTS[field] * worth
            reasons.append(f"{field}: {value}")
    length_norm = 1 - _B + _B * person.length / average
    shared = sorted(word for word in person.note_counts if word in terms)
    for word in shared:
        count = person.note_counts[word]
        score += _WEIGHTS["note"] * idf[word] * count * (_K1 + 1) / (count + _K1 * length_norm)
    phrases = sorted({f"{a} {b}" for a, b in pairwise(person.note) if (a, b) in pairs})
    for phrase in phrases:
        score += _WEIGHTS["note"] * sum(idf[word] for word in phrase.split())
    if shared:
        alone = [word for word in shared if not any(word in p.split() for p in phrases)]
        reasons.append(f"note: {', '.join([*phrases, *alone])}")
    return score, reasons


def _holds_phrase(words: list[str], pairs: set) -> bool:
    return all(pair in pairs for pair in pairwise(words))


def _body(path) -> str:
    """The note's body: its front matter is matched key by key, not as words."""
    from netnotes.core.frontmatter import split_front_matter
    from netnotes.store.notefile import NoteUnreadable, read_note_bytes

    try:
        text = read_note_bytes(path).decode("utf-8-sig", errors="replace")
        return split_front_matter(text.replace("\r\n", "\n")).body
    except (NoteUnreadable, ValueError):
        return ""


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
