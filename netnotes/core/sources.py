"""Interactions recorded outside a contact's note: meeting notes and daily notes. Pure.

In real vaults the history of a relationship lives in meeting notes
(`meetings/2026-11-19 Coffee with Sam.md` with `attendees: ["[[Sam Ortiz]]"]`)
and daily notes (`daily/2026-11-12.md` with `- Lunch with [[Benny]]`). A
*source* is any Markdown note outside the contacts folder (store/vault.py
lists them; netnotes.toml's `[sources]` narrows them). Reading one gives its
*mentions*: who took part, on which day, with what words. `Directory` turns
what a mention names (a link's target, a name) into a contact's note, and
`credit` gives each contact the interactions its mentions make, which
`with_sources` merges into the contact's own log. docs/format.md says what
counts.

Mentions are plain tuples (dates as ordinals), so the index caches them as
they are.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import NamedTuple
from urllib.parse import unquote

from netnotes.core.config import PEOPLE_KEYS
from netnotes.core.dates import parse_written_date, spoken_date
from netnotes.core.model import (
    ARROWS,
    KIND_WORD,
    MEETING_KINDS,
    WRITTEN_KINDS,
    Contact,
    Direction,
    Interaction,
    Problem,
    Severity,
)
from netnotes.core.names import fold
from netnotes.core.reading import fold_key
from netnotes.core.records import FILE_DATE as _FILE_DATE
from netnotes.core.records import is_interaction_record

_TITLE_AFTER_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[\s_–—-]*")
# A wikilink, not an embed (`![[...]]`): target, then what it shows.
_WIKILINK = re.compile(r"(?<!!)\[\[([^\[\]|#^]*)(?:[#^][^\[\]|]*)?(?:\|([^\[\]]*))?\]\]")
# A Markdown link to a note (not an image): `[Sam](../contacts/sam-ortiz.md)`.
_NOTE_LINK = re.compile(r"(?<!!)\[([^\[\]]*)\]\(<?([^()<>\s]+\.md)(?:#[^()\s]*)?>?\)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_TASK = re.compile(r"\[[^\[\]\n]\](?:[ \t]|$)")
# A line that lists who took part, as a meeting template without front matter writes it.
_ATTENDEES = re.compile(
    r"\**(?:attendees|participants|people|present|with)\**\s*:\s*\**", re.IGNORECASE
)
# A list item that starts with its own date, as a log line does.
_OWN_DATE = re.compile(
    r"(?:\[\[(?P<link>\d{4}-\d{2}-\d{2})(?:\|[^\[\]]*)?\]\]|\*\*(?P<bold>\d{4}-\d{2}-\d{2})\*\*"
    r"|(?P<plain>\d{4}-\d{2}-\d{2}))(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?:?(?=\s|$)\s*"
)
_ARROW_KIND = re.compile(
    rf"(?:(?P<arrow>->|<-|→|←)\s*)?(?:(?P<kind>{KIND_WORD}):(?=\s|$)\s*)?(?P<text>.*)", re.DOTALL
)


class Mention(NamedTuple):
    """Someone a source note says took part in an interaction (plain values, for the cache)."""

    target: str  # a link's target or a name as written; a path when `is_path`
    is_path: bool  # a Markdown link: a vault-relative path to a note
    on: int  # the day, as an ordinal
    direction: str  # a Direction's value
    kind: str | None
    text: str
    line: int  # 1-based, in the source note


class SourceNote(NamedTuple):
    path: str  # vault-relative, with /
    mentions: tuple[Mention, ...]
    problems: tuple[Problem, ...]


def parse_source(
    path: str,
    data: bytes,
    *,
    people_keys: Iterable[str] = PEOPLE_KEYS,
    records_only: bool = False,
    contact_words: Iterable[str] = (),
) -> SourceNote:
    """The mentions of one source note; a note it cannot read gives a problem, never raises.

    `records_only`: the note sits in the people folder, so it is read only when it is an
    interaction record (`is_interaction_record`); any other note there is a contact's.
    `contact_words`: the vault's own words for contact, beside CONTACT_WORDS.
    """
    reader = _SourceReader(path, tuple(fold_key(key) for key in people_keys), records_only)
    reader.contact_words = CONTACT_WORDS.union(word.casefold() for word in contact_words)
    try:
        mentions = reader.read(data)
    except Exception as error:  # one note must never stop the others
        reader.problem(None, f"netnotes could not read this note ({type(error).__name__}: "
                             f"{str(error)[:200]}); it is left out until it is fixed")  # fmt: skip
        mentions = []
    return SourceNote(path, tuple(mentions), tuple(reader.problems))


class _SourceReader:
    def __init__(self, path: str, people_keys: tuple[str, ...], records_only: bool) -> None:
        self.path = path
        self.people_keys = people_keys
        self.records_only = records_only
        self.contact_words = CONTACT_WORDS
        self.problems: list[Problem] = []
        self.note_title = ""  # the note's title, once read (an attendee line names its meeting)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, Severity.WARNING, message))

    def read(self, data: bytes) -> list[Mention]:
        # YAML and the parser load only when a note is read: a warm run never reads one.
        from netnotes.core.frontmatter import (
            FrontMatterError,
            key_lines,
            load_front_matter_leniently,
            split_front_matter,
        )

        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if not data.startswith(b"---") and b"[[" not in data and b"](" not in data:
            return []  # no front matter and no link: most daily notes say nothing of anyone
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if _FILE_DATE.match(posixpath.basename(self.path)):  # a meeting or daily note
                self.problem(None, "not UTF-8 text: save the file as UTF-8")
            return []
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        split = split_front_matter(text)
        fields: dict = {}
        lines: dict[str, int] = {}
        if split.yaml_text is not None:
            try:
                fields, _ = load_front_matter_leniently(split.yaml_text, split.yaml_first_line)
                lines = key_lines(split.yaml_text, split.yaml_first_line)
            except FrontMatterError as error:
                # Worth a word only in a note that is about a meeting: one with a date
                # (`date:` or in its name) or a people key. A reading note's YAML that only
                # Obsidian accepts (`author: @someone`) is none of netnotes' business.
                if self.looks_like_a_meeting(split.yaml_text):
                    self.problem(
                        error.line, f"{error.message}; its date and attendees are not read"
                    )
        if self.records_only and not is_interaction_record(
            posixpath.basename(self.path), fields, self.people_keys
        ):
            return []  # a contact's own note: its log is read as the contact's
        day = self.note_date(fields, lines)
        title = self.title(fields, split.body)
        self.note_title = title  # what an attendee line's meeting is called
        mentions = self.attendees(fields, lines, day, title)
        if "[[" in split.body or "](" in split.body:
            mentions += self.body_mentions(split.body, split.body_first_line, day)
        return mentions

    # -- the note as a whole ---------------------------------------------------------

    def looks_like_a_meeting(self, yaml_text: str) -> bool:
        """A date in the file name, or a `date:` or people key among the front matter's
        top-level lines (read without YAML, which could not read them)."""
        if _FILE_DATE.match(posixpath.basename(self.path)):
            return True
        keys = {fold_key(line.split(":", 1)[0]) for line in yaml_text.split("\n")
                if ":" in line and line[:1] not in " \t#-"}  # fmt: skip
        return "date" in keys or not keys.isdisjoint(self.people_keys)

    def note_date(self, fields: dict, lines: dict[str, int]) -> date | None:
        """`date:` in the front matter, else a file name that starts with an ISO date, else
        an ISO date among the `aliases:`, else a file name that says a date in words
        (`July 10th, 2022, Sunday.md`, as Roam and Logseq exports name daily notes)."""
        for key, value in fields.items():
            if fold_key(key) == "date" and value not in (None, ""):
                try:
                    return parse_written_date(str(value))
                except ValueError as error:
                    self.problem(lines.get(key), f"date: {error}")
                    return None
        stem = posixpath.basename(self.path)
        match = _FILE_DATE.match(stem)
        if match:
            try:
                return date.fromisoformat(match.group(1))
            except ValueError:
                self.problem(None, f"the file name's date '{match.group(1)}' is not a date")
            return None
        for key, value in fields.items():
            if fold_key(key) in ("aliases", "alias"):
                for alias in value if isinstance(value, list) else [value]:
                    with contextlib.suppress(ValueError):
                        return date.fromisoformat(str(alias).strip())
        return spoken_date(stem.removesuffix(".md"))

    def title(self, fields: dict, body: str) -> str:
        """`title:`, else the first `# heading`, else the file name without its date."""
        for key, value in fields.items():
            if fold_key(key) == "title" and isinstance(value, str) and value.strip():
                return _one_line(_shown(value))
        for line in body.split("\n", 40)[:40]:
            if line.startswith("# "):
                return _one_line(_shown(line[2:]))
        stem = posixpath.basename(self.path)[:-3]
        return _TITLE_AFTER_DATE.sub("", stem, count=1).strip() or stem

    def attendees(
        self, fields: dict, lines: dict[str, int], day: date | None, title: str
    ) -> list[Mention]:
        """One two-way interaction per person the people keys list, on the note's date."""
        if day is None:
            return []
        kind = _meeting_kind(fields)
        found = []
        for key, value in fields.items():
            if fold_key(key) not in self.people_keys:
                continue
            line = lines.get(key, 1)
            for target, is_path in _people_in(value):
                found.append(Mention(target, is_path, day.toordinal(), "both", kind, title, line))
        return found

    # -- the body -----------------------------------------------------------------------

    def body_mentions(self, body: str, first_line: int, day: date | None) -> list[Mention]:
        """List items, sentences of prose and headings of a dated note that link someone:
        on the item's own date, else on the note's."""
        from netnotes.core.blocks import HEADING, ITEM, fast_blocks
        from netnotes.core.parse import commented_lines, markdown_parser

        body_lines = body.split("\n")
        hidden = commented_lines(body_lines) if "%%" in body else frozenset()
        blocks = fast_blocks(body_lines)
        if blocks is not None and _links_outside(blocks, body_lines):
            blocks = None  # a link in a paragraph: the tokens say where paragraphs are
        if blocks is not None:  # a plain body (flat lists, no quote or code): no tokens needed
            found_fast: list[Mention] = []
            for kind, start, _, content in blocks:
                if kind is ITEM and start not in hidden:
                    found_fast += self.item_mentions(content, first_line + start, day)
                elif kind is HEADING and start not in hidden and day is not None:
                    # `### 1:1 with [[Sarah Chen]]` in a dated note: as an item of that day
                    found_fast += self.item_mentions(content[1], first_line + start, day)
            return found_fast
        tokens = markdown_parser().parse(body)
        found: list[Mention] = []
        quotes = 0
        for index, token in enumerate(tokens):
            if (
                token.type == "heading_open"
                and not quotes
                and day is not None
                and token.map
                and token.map[0] not in hidden
            ):
                content = tokens[index + 1].content
                found += self.item_mentions(content, first_line + token.map[0], day)
            elif token.type == "blockquote_open":
                quotes += 1
            elif token.type == "blockquote_close":
                quotes -= 1
            elif (
                token.type == "paragraph_open"
                and token.level == 0  # prose of its own: not in a list, a quote or a callout
                and token.map
                and token.map[0] not in hidden
            ):
                # Prose (`July 10th, 2022.md`: "Talked to [[Sam]] about the move. Read a book
                # by [[Ana]]."): each sentence is read as an item would be.
                start = token.map[0]
                for sentence in _SENTENCE_END.split(tokens[index + 1].content):
                    if "[[" in sentence or "](" in sentence:
                        found += self.item_mentions(sentence, first_line + start, day)
            elif (
                token.type == "list_item_open"
                and not quotes  # quotes and callouts quote others: no contact of ours
                and tokens[index + 1].type == "paragraph_open"
                and tokens[index + 1].map
                and tokens[index + 1].map[0] not in hidden
            ):
                start = tokens[index + 1].map[0]
                content = tokens[index + 2].content
                found += self.item_mentions(content, first_line + start, day)
        return found

    def item_mentions(self, content: str, line: int, day: date | None) -> list[Mention]:
        task = _TASK.match(content)
        if task:
            # The done date as the note parser reads a task's: `✅ DATE`, `[completion:: DATE]`.
            from netnotes.core.parse import DONE_DATE

            done = DONE_DATE.search(content)
            if content[1] not in "xX" or not done:
                return []  # a task to do, or done on no day said: not something that happened
            try:
                day = parse_written_date(next(g for g in done.groups() if g))
            except ValueError:
                return []
            content = DONE_DATE.sub("", content[task.end() :]).strip()
        plain = _CODE_SPAN.sub("", content)
        targets = [(target.strip(), False) for target, _ in _WIKILINK.findall(plain)]
        targets += [(self.link_path(dest), True) for _, dest in _NOTE_LINK.findall(plain)]
        targets = [(target, is_path) for target, is_path in targets if target]
        if not targets:
            return []
        own = _OWN_DATE.match(content)
        rest = content
        if own:
            written = own["link"] or own["bold"] or own["plain"]
            try:
                day = date.fromisoformat(written)
            except ValueError:
                self.problem(line, f"'{written}' is not a date: write YYYY-MM-DD")
                return []
            rest = content[own.end() :]
        if day is None:
            return []  # an undated note's items count only with their own date
        listed = _ATTENDEES.match(rest)
        if listed:  # `**Attendees:** [[A]], [[B]]`: everyone named took part
            rest = self.note_title
        parts = _ARROW_KIND.match(rest)
        arrow, kind, words = parts["arrow"], parts["kind"], parts["text"]
        if listed:
            kind = "meeting"
        elif not (own or arrow or kind or task or said_contact(words, self.contact_words)):
            return []  # a mention (`Read an essay by [[Lily]]`) is no meeting
        direction = ARROWS[arrow].value if arrow else Direction.BOTH.value
        text = _one_line(_shown(words))
        seen: set[tuple[str, bool]] = set()
        found = []
        for target in targets:
            if target not in seen:
                seen.add(target)
                kind_of = kind.lower() if kind else None
                found.append(
                    Mention(target[0], target[1], day.toordinal(), direction, kind_of, text, line)
                )
        return found

    def link_path(self, destination: str) -> str:
        """A Markdown link's note as a vault-relative path ('' when it leaves the vault)."""
        if "://" in destination or destination.startswith("mailto:"):
            return ""
        target = unquote(destination)
        if target.startswith("/"):
            joined = target.lstrip("/")
        else:
            joined = posixpath.join(posixpath.dirname(self.path), target)
        normal = posixpath.normpath(joined)
        return "" if normal.startswith("..") else normal


# Words that say a line of a daily note is contact with whom it links (`Lunch with
# [[Benny]]`, `Talked to [[Sam]]`), in a few languages; a line without one is a mention.
CONTACT_WORDS = frozenset({
    "met", "meet", "meeting", "meetings", "talked", "talk", "talking", "spoke", "speak",
    "chat", "chatted", "call", "called", "calls", "phoned", "rang", "wrote", "write",
    "emailed", "email", "mailed", "messaged", "texted", "dm", "dmed", "coffee", "lunch",
    "dinner", "breakfast", "drinks", "brunch", "1:1", "catch-up", "caught", "interview",
    "interviewed", "visited", "visit", "saw", "seen", "ran", "bumped", "with", "w/", "zoom",
    "hangout",
    "getroffen", "treffen", "telefoniert", "gesprochen", "kaffee", "mittagessen", "abendessen",
    "rencontré", "appelé", "parlé", "déjeuner", "dîner", "café",
    "reunión", "llamé", "hablé", "almuerzo", "cena",
})  # fmt: skip
_CONTACT_WORD = re.compile(r"[\w:/-]+")


def said_contact(text: str, words: frozenset[str] = CONTACT_WORDS) -> bool:
    """Whether a line's words say it was contact: met, talked, called, wrote, a meal..."""
    return any(word in words for word in _CONTACT_WORD.findall(_shown(text).casefold()))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


def _links_outside(blocks: list[tuple], lines: list[str]) -> bool:
    """Whether a line that is in no heading or item holds a link (prose to read)."""
    covered = {line for _, first, end, _ in blocks for line in range(first, end)}
    return any(
        ("[[" in line or "](" in line) and index not in covered for index, line in enumerate(lines)
    )


_KIND_KEYS = ("type", "kind", "service", "channel", "medium", "via")


def _meeting_kind(fields: dict) -> str:
    """The note's `type`/`kind`/`service` when it names a meeting (coffee, lunch...) or a
    written exchange (`service: email`: contact, but no meeting owed a thank-you), else
    meeting."""
    for key, value in fields.items():
        if fold_key(key) in _KIND_KEYS and isinstance(value, str):
            kind = value.strip().strip("[]").casefold()
            if kind in MEETING_KINDS or kind in WRITTEN_KINDS:
                return kind
    return "meeting"


def _people_in(value: object) -> list[tuple[str, bool]]:
    """Who a people key names: wikilinks (`"[[Sam Ortiz]]"`, or unquoted, which YAML reads
    as a list in a list), Markdown links, or plain names (a text may list several, with
    commas)."""
    if value is None:
        return []
    if isinstance(value, list):  # [[Sam Ortiz]] unquoted is a list in a list: flatten it
        return [person for item in value for person in _people_in(item)]
    text = str(value).strip()
    links = [target.strip() for target, _ in _WIKILINK.findall(text)]
    if links:
        return [(link, False) for link in links if link]
    return [(name.strip(), False) for name in text.split(",") if name.strip()]


def _shown(text: str) -> str:
    """Links as the words they show: `[[sam-ortiz|Sam]]` → Sam, `[Sam](sam.md)` → Sam."""
    text = _WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
    return _NOTE_LINK.sub(lambda m: m.group(1), text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- who a mention names ------------------------------------------------------------------


class Directory:
    """The contacts a mention can name: by note (path or file name), name or alias.

    A link names a note the way Obsidian resolves it: by its file name (`[[sam-ortiz]]`,
    `[[Sam Ortiz]]` for `Sam Ortiz.md`) or its path (`[[people/sam-ortiz]]`); a plain
    name, and a link no file name matches, by the contact's name, then its aliases
    (`[[Benny]]`). Case and accents never matter. A key two contacts share names neither.
    """

    def __init__(self, people: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        self.paths: dict[str, str] = {}
        self.stems: dict[str, set[str]] = {}
        self.names: dict[str, set[str]] = {}
        self.aliases: dict[str, set[str]] = {}
        self._by_first_letter: dict[str, list] | None = None
        for path, name, aliases in people:
            self.paths[fold(path[:-3] if path.endswith(".md") else path)] = path
            stem = posixpath.basename(path)
            self.stems.setdefault(fold(stem[:-3] if stem.endswith(".md") else stem), set()).add(
                path
            )
            self.names.setdefault(fold(name), set()).add(path)
            for alias in aliases:
                self.aliases.setdefault(fold(alias), set()).add(path)

    def __bool__(self) -> bool:
        return bool(self.paths)

    def find(self, target: str, is_path: bool = False) -> str | None:
        """The contact's note path, or None when nobody or more than one is named."""
        key = fold(target[:-3] if target.lower().endswith(".md") else target)
        if is_path or "/" in key:
            exact = self.paths.get(key)
            if exact or is_path:
                return exact
            ends = [path for folded, path in self.paths.items() if folded.endswith("/" + key)]
            return ends[0] if len(ends) == 1 else None
        for table in (self.stems, self.names, self.aliases):
            paths = table.get(key)
            if paths:
                return next(iter(paths)) if len(paths) == 1 else None
        return None

    def near(self, target: str) -> str | None:
        """The one contact a name that matched nobody may mean: a shorter spelling of it
        (`Ryan S.md`, `# Ryan` for "Ryan Schubert": each word of the shorter starts the
        word of the longer), or None when none or several could be meant."""
        wanted = fold(target).split()
        if len(wanted) < 2:
            return None
        if self._by_first_letter is None:  # built once, when `check --links` first asks
            self._by_first_letter = {}
            for table in (self.stems, self.names, self.aliases):
                for key, paths in table.items():
                    self._by_first_letter.setdefault(key[:1], []).append((key.split(), paths))
        found = {
            path
            for words, paths in self._by_first_letter.get(wanted[0][:1], [])
            if _shorter_spelling(words, wanted)
            for path in paths
        }
        return next(iter(found)) if len(found) == 1 else None


def _shorter_spelling(words: list[str], full: list[str]) -> bool:
    return (
        0 < len(words) <= len(full)
        and words != full
        and all(
            long.startswith(short.rstrip(".")) for short, long in zip(words, full, strict=False)
        )
    )


class External(NamedTuple):
    """An interaction a source note gives a contact (plain values: cached with its row)."""

    on: int
    direction: str
    kind: str | None
    text: str
    line: int
    source: str


class Unmatched(NamedTuple):
    """A link in a source note that names no contact (most name a project or a place)."""

    path: str
    line: int
    target: str
    is_path: bool
    near: str | None = None  # the note it may mean, under a shorter name (`Ryan S.md`)

    def problem(self) -> Problem:
        """What `check --links` says of it (information: most such links are meant), and
        the fix when a contact goes by a shorter name: an alias."""
        shown = f"the link to {self.target}" if self.is_path else f"[[{self.target}]]"
        message = f"{shown} names no contact"
        if self.near:
            message += f"; if it is {self.near}, add to its aliases: {self.target}"
        return Problem(self.path, self.line, Severity.INFO, message)


def credit(
    sources: Iterable[SourceNote], directory: Directory
) -> tuple[dict[str, tuple[External, ...]], list[Unmatched]]:
    """Each contact's interactions from the source notes, and the links that named nobody.

    One note credits a contact once per day: a meeting note whose attendees include Sam
    and whose notes link him again is one meeting with Sam.
    """
    credited: dict[str, list[External]] = {}
    unmatched: list[Unmatched] = []
    for note in sources:
        seen: set[tuple[str, int]] = set()
        for mention in note.mentions:
            found = directory.find(mention.target, mention.is_path)
            if found is None:
                unmatched.append(
                    Unmatched(note.path, mention.line, mention.target, mention.is_path)
                )
                continue
            if (found, mention.on) in seen:
                continue
            seen.add((found, mention.on))
            credited.setdefault(found, []).append(
                External(
                    mention.on,
                    mention.direction,
                    mention.kind,
                    mention.text,
                    mention.line,
                    note.path,
                )
            )
    ordered = {
        path: tuple(sorted(found, key=lambda e: (e.on, e.source, e.line)))
        for path, found in credited.items()
    }
    return ordered, unmatched


_DIRECTIONS = {member.value: member for member in Direction}


def with_sources(contact: Contact, external: Iterable[External]) -> Contact:
    """The contact with the interactions source notes recorded merged into its own log.

    On the same day, the contact's own entries come first, then the source notes' in
    path and line order (the order `credit` gives them).
    """
    extra = list(external)
    if not extra:
        return contact
    sequence = len(contact.interactions)
    merged = list(contact.interactions)
    for offset, entry in enumerate(extra):
        merged.append(
            Interaction(
                date.fromordinal(entry.on),
                _DIRECTIONS[entry.direction],
                entry.kind,
                entry.text,
                entry.line,
                sequence + offset,
                False,
                entry.source,
            )
        )
    merged.sort(key=lambda entry: (entry.on, entry.sequence))
    return replace(contact, interactions=tuple(merged))


def summary_with_days(summary, days: Iterable[int]):
    """A contact's Summary (core/identity) with the days (ordinals) of the interactions
    source notes recorded: those `with_sources` merges into a Contact, so that `list`
    and `show` agree."""
    days = tuple(days)
    if not days:
        return summary
    return summary._replace(days=tuple(sorted((*summary.days, *days))))
