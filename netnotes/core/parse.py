"""(path, bytes) → (Contact | None, [Problem]): one note, read as the brief describes.

Pure: no I/O. Every line number is 1-based in the raw file, counting the
front matter, so `path:line` points where an editor should jump.

The body is read with markdown-it (CommonMark, block rules only: inline
parsing is never needed), so a list item inside a code block, an HTML block
or a block quote can never be mistaken for an interaction or a task.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from netnotes.core.blocks import HEADING, fast_blocks
from netnotes.core.dates import parse_birthday, parse_duration, parse_written_date
from netnotes.core.fields import link_text
from netnotes.core.frontmatter import (
    KEY_LINE,
    FrontMatterError,
    key_lines,
    key_of,
    load_front_matter_leniently,
    split_front_matter,
)
from netnotes.core.model import (
    ARROWS,
    KIND_WORD,
    Contact,
    Direction,
    Interaction,
    Problem,
    Severity,
    Task,
    TaskState,
)
from netnotes.core.reading import DEFAULT_READING, KNOWN_KEYS, NOT_PEOPLE_TYPES, Reading, fold_key
from netnotes.core.records import is_interaction_record, starts_with_a_date

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

LIST_KEYS = ("aliases", "tags", "emails", "phones", "interests")

_DIRECTION_OF_ARROW = {**ARROWS, None: Direction.BOTH}  # a log line without an arrow: both
_DAY_TOKEN = r"\d{4}[-/]\d{2}[-/]\d{2}"
# A log line: `2026-11-10 -> call: text`, the date also as `[[2026-11-10]]` (a daily
# note's link), `**2026-11-10**`, `2026/11/10`, with a time, or followed by a colon.
ENTRY = re.compile(
    rf"(?:\[\[(?P<link>{_DAY_TOKEN})(?:\|[^\[\]]*)?\]\]|\*\*(?P<bold>{_DAY_TOKEN})\*\*"
    rf"|(?P<plain>{_DAY_TOKEN}))"
    r"(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
    r":?(?=\s|$)\s*"
    r"(?:(?P<arrow>->|<-|→|←)\s*)?"
    rf"(?:(?P<kind>{KIND_WORD}):(?=\s|$)\s*)?"
    r"(?P<text>.*)",
    re.DOTALL,
)
_HEADING_WORDS = re.compile(r"[\w:-]+")
_BY_DAY_THEN_SEQUENCE = itemgetter(0, 5)  # Interaction.on, Interaction.sequence
# Looks like a date but is not a strict ISO one: worth a problem, not silence.
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?=\s|$|:)")
_HEADING_DATE = re.compile(
    rf"(?:\[\[(?P<link>{_DAY_TOKEN})(?:\|[^\[\]]*)?\]\]|(?P<plain>{_DAY_TOKEN}))"
    r"(?=\s|$|:)[\s:–—-]*(?P<text>.*)",
    re.DOTALL,
)
# A dated heading outside a log section is a meeting when its words say so.
_MEETING_WORDS = frozenset(
    [
        "meeting",
        "meetings",
        "meet",
        "met",
        "call",
        "called",
        "calls",
        "coffee",
        "lunch",
        "dinner",
        "breakfast",
        "drinks",
        "chat",
        "catch-up",
        "catchup",
        "1:1",
        "one-on-one",
        "interview",
        "visit",
        "visited",
        "zoom",
        "video",
        "conference",
        "event",
        "intro",
        "introduction",
        "sync",
        "talk",
        "talked",
    ]
)
# Any single character between the brackets, as the Tasks plugin reads a status:
# x/X done, - cancelled, anything else (space, /, ?, !...) not done.
_TASK = re.compile(r"\[(?P<mark>[^\[\]\n])\](?:[ \t]+|$)(?P<text>.*)", re.DOTALL)
# `[^\[\]()]*`, not `[^\]]*?`: a try that finds no `]` stops at the next `[`, so
# `[due:: ` repeated 10,000 times costs one pass, not 10,000 (the value is stripped).
_FIELD = r"(?:\[{name}::([^\[\]()]*)\]|\({name}::([^\[\]()]*)\))"
_DUE = re.compile(r"(?:📅|📆|🗓️?)\s*(\S+)|\bdue:(\S+)|" + _FIELD.format(name=r"\s*due\s*"))
_SCHEDULED = re.compile(r"⏳\s*(\S+)|" + _FIELD.format(name=r"\s*scheduled\s*"))
_START = re.compile(r"🛫\s*(\S+)|" + _FIELD.format(name=r"\s*start\s*"))
_DONE = re.compile(r"✅\s*(\S+)|" + _FIELD.format(name=r"\s*completion\s*"))
DONE_DATE = _DONE  # a done task's date, as daily notes' done tasks are read (core/sources.py)
_CANCELLED = re.compile(r"❌\s*(\S+)|" + _FIELD.format(name=r"\s*cancelled\s*"))
_CREATED = re.compile(r"➕\s*(\S+)|" + _FIELD.format(name=r"\s*created\s*"))
_RECURRENCE = re.compile(
    r"🔁\s*([^📅📆🗓⏳🛫✅❌➕🔺⏫🔼🔽⏬🆔⛔#\[\]]*)|" + _FIELD.format(name=r"\s*repeat\s*")
)
# Priorities, as the Tasks plugin orders them; a task without one sits between medium and low.
_PRIORITY_EMOJI = {"🔺": 0, "⏫": 1, "🔼": 2, "🔽": 4, "⏬": 5}
_PRIORITY_WORDS = {"highest": 0, "high": 1, "medium": 2, "low": 4, "lowest": 5}
_PRIORITY = re.compile(r"[🔺⏫🔼🔽⏬]\ufe0f?|" + _FIELD.format(name=r"\s*priority\s*"))
NO_PRIORITY = 3
_CONFLICT_OPEN = re.compile(r"<{7}(?: |$)")
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0", ""})
# A template's placeholder left in a note (Templater, core Templates, Dataview): no value yet.
_PLACEHOLDER = re.compile(r"\s*(?:\{\{.*\}\}|<%.*%>)\s*", re.DOTALL)
# An Obsidian tag in the body: `#` after a blank or at the line's start, letters, digits,
# `_`, `-`, `/`, at least one of them not a digit (`#1` is not a tag).
_INLINE_TAG = re.compile(r"(?:^|(?<=\s))#([\w/-]*[^\W\d][\w/-]*)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_HEADING_START = re.compile(r"#{1,6}(?:[ \t]|$)")
# `**Direction:** Outbound`, `- Summary: ...` under a dated heading (a CRM template's).
_HEADING_FIELD = re.compile(
    r"\s*(?:[-*+]\s+)?\*{0,2}(?P<name>direction|summary)\*{0,2}\s*:\s*\*{0,2}(?P<value>.*)",
    re.IGNORECASE,
)
_DIRECTIONS = {
    "outbound": Direction.OUT, "out": Direction.OUT, "sent": Direction.OUT,
    "inbound": Direction.IN, "in": Direction.IN, "received": Direction.IN,
    "both": Direction.BOTH, "two-way": Direction.BOTH,
}  # fmt: skip


def parse_note(
    path: str, data: bytes, *, fast: bool = True, reading: Reading = DEFAULT_READING
) -> tuple[Contact | None, list[Problem]]:
    """Parse one note. `path` is vault-relative with `/`; it names the problems.

    `fast=False` always uses markdown-it (the differential tests compare both).
    `reading`: the vault's key spellings, log headings and exclusions (core/reading.py).
    """
    reader = _NoteReader(path, fast, reading)
    try:
        contact = reader.read(data)
    except Exception as error:  # one note must never stop the others
        contact = None
        reader.problem(None, f"{unexpected(error)}; this note is left out until it is fixed")
    return contact, sorted(reader.problems, key=Problem.sort_key)


def unexpected(error: BaseException) -> str:
    """A problem's words for an error no rule foresaw (a bug of ours, or an input no test had)."""
    return f"netnotes could not read this note ({type(error).__name__}: {str(error)[:200]})"


@cache
def markdown_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only block structure matters; skipping inline parsing halves the cost. Tables (GFM)
    # are read: a log kept as a table is one interaction per row.
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


# `_new_tuple(SomeNamedTuple, values)` builds a NamedTuple without its Python-level
# __new__: a third cheaper, for the tuples made once per log line of every note.
_new_tuple = tuple.__new__


class _LogEntry(NamedTuple):  # a tuple: one per log line of every note, built fast
    on: date
    direction: Direction
    kind: str | None
    text: str
    line: int
    from_heading: bool = False
    item_span: tuple[int, int] = (0, 0)  # the list item's 0-based body lines, end exclusive
    top_level: bool = True  # an item of a list directly under the heading, not nested


@dataclass(frozen=True, slots=True)
class LogTable:
    """A log kept as a table, for the editor that adds a row. Lines are 0-based."""

    columns: int
    date_column: int
    kind_column: int | None
    header: int  # the header row; the delimiter row follows it
    rows: tuple[tuple[int, date], ...]  # the dated rows, in file order


@dataclass(frozen=True, slots=True)
class LogSection:
    """Where a Log section sits in a note, for the editor that inserts entries.

    Line indexes are 0-based; each entry is (first line, end exclusive, date), top-level
    entries only, in file order. `table`: the section's log table, when it keeps its
    log as a table and not as a list.
    """

    heading: int
    entries: tuple[tuple[int, int, date], ...]
    table: LogTable | None = None


def first_log_section(
    text: str, *, body_only: bool = False, reading: Reading = DEFAULT_READING
) -> LogSection | None:
    """The first Log section of a note's text, read by the same walk that parses notes.

    `body_only`: the text is a body without front matter (a leading `---` is a rule).
    Raises FrontMatterError for a front matter that is never closed.
    """
    plain = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reader = _NoteReader("", reading=reading)
    if body_only:
        body = _Body(reader, plain, 1)
    else:
        split = split_front_matter(plain)
        body = _Body(reader, split.body, split.body_first_line)
    if not body.log_headings:
        return None
    heading = body.log_headings[0]
    entries = tuple(
        (*body.item_lines(entry.item_span), entry.on) for entry in body.groups[0] if entry.top_level
    )
    return LogSection(heading - 1, entries, None if entries else body.tables.get(0))


class _NoteReader:
    """Holds the problems of one note while its parts are read."""

    def __init__(self, path: str, fast: bool = True, reading: Reading = DEFAULT_READING) -> None:
        self.path = path
        self.fast = fast
        self.reading = reading
        self.problems: list[Problem] = []

    def problem(self, line: int | None, message: str, severity=Severity.ERROR) -> None:
        self.problems.append(Problem(self.path, line, severity, message))

    # -- the whole note ----------------------------------------------------

    def read(self, data: bytes) -> Contact | None:
        why_not = self.not_a_person_by_name()
        if why_not:
            self.problem(None, f"not read as a contact: {why_not}", Severity.INFO)
            return None
        text = self.decode(data)
        if text is None:
            return None
        if not text.strip():
            self.problem(None, "empty file: not a contact yet", Severity.WARNING)
            return None
        self.find_conflict_markers(text)
        try:
            split = split_front_matter(text)
            fields: dict = {}
            lines: dict[str, int] = {}
            if split.yaml_text is not None:
                fields, recovered = load_front_matter_leniently(
                    split.yaml_text, split.yaml_first_line
                )
                lines = key_lines(split.yaml_text, split.yaml_first_line)
                self.report_recovered(recovered)
                self.report_swallowed_tags(split.yaml_text, split.yaml_first_line, fields)
        except FrontMatterError as error:
            if not any(p.message.startswith("unresolved git conflict") for p in self.problems):
                self.problem(error.line, f"{error.message}; this note is left out until fixed")
            return None
        type_key, kind = _type_of(fields)
        if kind in NOT_PEOPLE_TYPES:
            self.problem(
                lines.get(type_key),
                f"not read as a contact: its type is '{kind}', not a person",
                Severity.INFO,
            )
            return None
        if is_interaction_record(PurePosixPath(self.path).name, fields):
            self.record_not_a_person(lines)
            return None
        # No front matter is a contact named by its heading or file name (a stub note):
        # nothing to report, unless the first line is a fence mistyped (`----`, `- - -`).
        opening = text.split("\n", 1)[0].strip()
        if split.yaml_text is None and opening.startswith(("--", "- -")):
            self.problem(
                1,
                f"the first line is '{opening[:20]}', not '---', so no key below it is read: "
                "write '---' to open the front matter",
                Severity.WARNING,
            )
        body = _Body(self, split.body, split.body_first_line)
        return self.contact(fields, lines, body)

    def record_not_a_person(self, lines: dict[str, int]) -> None:
        """A dated note that lists people records an interaction with them (core/sources.py);
        in the people folder it is read as one only when its name starts with its day, so
        the listing need not open every note to find it (store/vault.py)."""
        name = PurePosixPath(self.path).name
        if starts_with_a_date(name):
            why = "a dated note that lists people: read as an interaction with them"
            self.problem(None, f"not read as a contact: {why}", Severity.INFO)
            return
        self.problem(
            lines.get("date"),
            "not read as a contact: a note with a date that lists people records an "
            "interaction; name it by its day (2002-06-10.md) so it counts as one",
            Severity.WARNING,
        )

    def not_a_person_by_name(self) -> str | None:
        """Why a file in the people folder is not a person, from its path alone."""
        folder, _, name = self.path.rpartition("/")
        stem = name[:-3] if name.endswith(".md") else name
        parent = folder.rpartition("/")[2]
        if self.reading.excluded(self.path):
            return "an exclude pattern in netnotes.toml matches it"
        if name.startswith("_"):
            return "its name starts with '_'"
        if name.casefold() in ("readme.md", "index.md"):
            return f"a folder's {stem} file"
        if parent and stem.casefold() == parent.casefold():
            return "a folder note (named like its folder)"
        return None

    def decode(self, data: bytes) -> str | None:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            self.problem(line, "not UTF-8 text: save the file as UTF-8")
            return None
        # CommonMark line endings: CRLF and a lone CR both end a line.
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def find_conflict_markers(self, text: str) -> None:
        if "<<<<<<<" not in text:  # most notes: skip the line by line look
            return
        for number, line in enumerate(text.split("\n"), start=1):
            if _CONFLICT_OPEN.match(line):
                self.problem(
                    number,
                    "unresolved git conflict (<<<<<<<): keep the right lines, delete markers",
                )

    # -- front matter --------------------------------------------------------

    def report_recovered(self, recovered: list[tuple[int, str, str, str]]) -> None:
        for line, key, value, replacement in recovered:
            if _PLACEHOLDER.fullmatch(value):
                continue  # a template's placeholder: no value yet, nothing to fix
            self.problem(
                line,
                f"{key}: YAML cannot read {value} as written, so netnotes read it as "
                f"{replacement}: write {key}: {replacement} to say so",
                Severity.WARNING,
            )

    def report_swallowed_tags(self, yaml_text: str, first_line: int, fields: dict) -> None:
        """`tags: #People` or `- #person` under tags: YAML reads `#...` after a blank as
        a comment, so the tag is silently lost."""
        if "#" not in yaml_text:
            return
        key = None
        for offset, line in enumerate(yaml_text.split("\n")):
            top = KEY_LINE.match(line) if line[:1] not in ("", " ", "\t", "-", "#") else None
            if top:
                key = fold_key(key_of(top))
            if key != "tags":
                continue
            match = _SWALLOWED.match(line)
            if not match:
                continue
            tag = match["tag"]
            self.problem(
                first_line + offset,
                f"'#{tag}' is a YAML comment here, so it is not read: write "
                f"'{tag}' without the '#', or quote it: \"#{tag}\"",
                Severity.WARNING,
            )

    def canonical_fields(self, fields: dict, lines: dict[str, int]):
        """Keys as people spell them (`Birthday`, `dob`, `E-mail`) → the keys netnotes reads.

        Returns ({key: value}, {key: line}) under netnotes' own names. A key held twice
        under two spellings keeps the first and warns; a key netnotes does not know
        gets a warning only when it looks like a typo of one it does.
        """
        values: dict[str, object] = {}
        where: dict[str, int] = {}
        spelled: dict[str, str] = {}
        for key, value in fields.items():
            canonical = self.reading.canonical(key, KNOWN_KEYS)
            if canonical is None:
                self.warn_unknown_key(key, lines.get(key))
                continue
            if canonical in values and canonical in _LIST_KEYS:
                # `EMAIL[HOME]` and `EMAIL[WORK]`, `tags` and `categories`: one list.
                more = _plain_value(value)
                if more is not None:
                    held = values[canonical]
                    values[canonical] = [*(held if isinstance(held, list) else [held]),
                                         *(more if isinstance(more, list) else [more])]  # fmt: skip
                continue
            if canonical in values:
                first = spelled[canonical]
                self.problem(
                    lines.get(key),
                    f"'{key}' and '{first}' (line {where.get(canonical)}) are both the "
                    f"{canonical}: netnotes reads '{first}'; delete one",
                    Severity.WARNING,
                )
                continue
            value = _plain_value(value)
            if value is None:
                continue  # empty, or a template's placeholder
            values[canonical] = value
            spelled[canonical] = key
            if key in lines:
                where[canonical] = lines[key]
        return values, where

    def contact(self, raw_fields: dict, raw_lines: dict[str, int], body: _Body) -> Contact:
        fields, lines = self.canonical_fields(raw_fields, raw_lines)
        name = self.text_value(fields, lines, "name") or body.title or _file_title(self.path)
        tags = [tag.lstrip("#") for tag in self.list_value(fields, lines, "tags")]
        folded = {tag.casefold() for tag in tags}
        for tag in body.inline_tags:  # `#tags` in the text count, as in Obsidian
            if tag.casefold() not in folded:
                folded.add(tag.casefold())
                tags.append(tag)
        return Contact(
            path=self.path,
            name=name,
            aliases=self.list_value(fields, lines, "aliases"),
            tags=tuple(tags),
            emails=self.list_value(fields, lines, "emails"),
            phones=self.list_value(fields, lines, "phones"),
            interests=self.list_value(fields, lines, "interests"),
            company=self.text_value(fields, lines, "company"),
            role=self.text_value(fields, lines, "role"),
            cadence=self.parsed(fields, lines, "cadence", _parse_cadence),
            last_contact=self.parsed(fields, lines, "last_contact", parse_written_date),
            met=self.met_date(fields, lines),
            follow_up=self.parsed(fields, lines, "follow_up", parse_written_date),
            birthday=self.parsed(fields, lines, "birthday", _parse_birthday),
            snooze=self.parsed(fields, lines, "snooze", parse_written_date),
            archived=self.flag(fields, lines, "archived"),
            interactions=body.interactions(),
            tasks=tuple(body.tasks),
            key_lines=lines,
            fields=raw_fields,
        )

    def warn_unknown_key(self, key: str, line: int | None) -> None:
        folded = fold_key(key)
        guess = difflib.get_close_matches(folded, _KNOWN_SPELLINGS, n=1, cutoff=0.75)
        if guess:
            self.problem(line, f"unknown key '{key}': did you mean '{guess[0]}'?", Severity.WARNING)
            return
        # A known field in another spelling (`contact_email`, `crm_birthday`): one hint.
        # Its last word says what it is (`company_size` is no company; `last_name` is
        # half a name, not one).
        words = [w for w in folded.split("_") if w]
        meant = self.reading.canonical(words[-1], KNOWN_KEYS) if len(words) > 1 else None
        meant = None if meant == "name" else meant
        if meant:
            self.problem(
                line,
                f"'{key}' is not read; if it is the {meant}, say so in netnotes.toml: "
                f'[keys] {meant} = ["{key}"]',
                Severity.WARNING,
            )

    def text_value(self, fields: dict, lines: dict[str, int], key: str) -> str | None:
        value = fields.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            self.problem(lines.get(key), f"{key}: expected text, not a {type(value).__name__}")
            return None
        return link_text(str(value)).strip() or None

    def list_value(self, fields: dict, lines: dict[str, int], key: str) -> tuple[str, ...]:
        value = fields.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            items = value.split(",") if key == "tags" else [value]
        elif isinstance(value, list):
            items = [_plain_value(item) for item in value]
        else:
            items = [value]
        if any(isinstance(item, (dict, list)) for item in items):
            self.problem(lines.get(key), f"{key}: expected a list of texts")
            items = [item for item in items if not isinstance(item, (dict, list))]
        texts = (link_text(str(item)).strip() for item in items if item is not None)
        return tuple(text for text in texts if text)

    def parsed(self, fields: dict, lines: dict[str, int], key: str, parser):
        value = fields.get(key)
        if value is None or value == "":
            return None
        try:
            return parser(str(value))
        except ValueError as error:
            self.problem(lines.get(key), f"{key}: {error}")
            return None

    def met_date(self, fields: dict, lines: dict[str, int]) -> date | None:
        """`met` counts when it is a date; other text ("PyCon 2019") is kept as is, unless
        it looks like a date that is wrong or written in a country's own order."""
        value = str(fields.get("met") or "").strip()
        if not value:
            return None
        try:
            return parse_written_date(value)
        except ValueError as error:
            if _DATE_LIKE.fullmatch(value) or "which number is the month" in str(error):
                self.problem(lines.get("met"), f"met: {error}")
            return None

    def flag(self, fields: dict, lines: dict[str, int], key: str) -> bool:
        value = fields.get(key)
        if isinstance(value, bool) or value is None:
            return bool(value)
        word = str(value).strip().lower()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return word in _TRUE_WORDS
        self.problem(lines.get(key), f"{key}: expected true or false, not '{value}'")
        return False


_KNOWN_SPELLINGS = tuple(KNOWN_KEYS)
_LIST_KEYS = frozenset({"aliases", "tags", "emails", "phones", "interests", "links"})
_SWALLOWED = re.compile(r"(?:(?P<key>[^\s#'\"-][^:]*):|[ \t]*-)[ \t]+#(?P<tag>[\w/-]+)")


def _type_of(fields: dict) -> tuple[str | None, str | None]:
    """(the key, the value folded) of a note's `type:` or `kind:` (any case); (None, None)
    when it has neither."""
    for key, value in fields.items():
        if fold_key(key) in ("type", "kind") and isinstance(value, str):
            return key, value.strip().strip("[]").casefold()
    return None, None


def _plain_value(value: object) -> object:
    """A YAML value as a note meant it: `[[Flywheel]]` unquoted is a list in a list to
    YAML, and a link to the person; a template's placeholder is no value yet."""
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], list)
        and len(value[0]) == 1
        and isinstance(value[0][0], (str, int))
    ):
        return f"[[{value[0][0]}]]"
    if isinstance(value, str) and _PLACEHOLDER.fullmatch(value):
        return None
    return value


class _Body:
    """Walks the markdown-it block tokens of the body once, collecting what counts."""

    def __init__(self, reader: _NoteReader, body: str, first_line: int) -> None:
        self.reader = reader
        self.offset = first_line  # token.map is 0-based within the body
        self.title: str | None = None
        self.tasks: list[Task] = []
        # Log entries grouped by section (dated headings form one group of their own),
        # in file order; the order each group is written in decides same-day ties.
        self.groups: list[list[_LogEntry]] = []
        self.headings: list[_LogEntry] = []
        self.log_headings: list[int] = []  # the 1-based line of each Log heading
        self.inline_tags: list[str] = []
        self.tables: dict[int, LogTable] = {}  # log section (index in groups) → its table
        self.lines = body.split("\n")
        # 0-based body lines inside Obsidian comments (`%%` ... `%%`): hidden, never read
        self.commented = commented_lines(self.lines) if "%%" in body else frozenset()
        # 0-based body lines where a `#word` is no tag: headings, code, tasks, comments
        self.untagged: set[int] = set(self.commented)
        self._log_level: int | None = None  # level of the log heading the walk is under
        self._sections: list[int] = []  # levels of the headings the walk is under
        blocks = fast_blocks(self.lines) if reader.fast else None
        if blocks is not None:
            self.walk_blocks(blocks)
        else:
            self.walk(markdown_parser().parse(body))
        if "#" in body:
            self.find_inline_tags()

    def walk_blocks(self, blocks: list[tuple]) -> None:
        """The fast scanner's headings and top-level items (core/blocks.py)."""
        commented = self.commented
        offset = self.offset
        for kind, first, end, value in blocks:
            if commented and first in commented:
                continue  # inside an Obsidian comment
            if kind is HEADING:
                level, text = value
                self.heading(level, text.strip(), (first, end))
            elif self._log_level is not None and value[:1] != "[":
                # A log line (most items of most notes): what `item` would do, called directly.
                self.read_entry(value, offset + first, (first, end), True)
            else:
                self.item(value, (first, end), (first, end), top_level=True, quoted=False)

    def walk(self, tokens: list[Token]) -> None:
        """markdown-it's block tokens: everything the fast scanner steps aside for."""
        quote_depth = 0
        commented = self.commented
        for index, token in enumerate(tokens):
            kind = token.type
            if kind not in _WALKED:
                continue  # most tokens: paragraphs, the insides of items (a hot loop)
            if kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind in ("fence", "code_block", "html_block") and token.map:
                self.untagged.update(range(*token.map))
            elif commented and token.map and token.map[0] in commented:
                continue  # inside an Obsidian comment
            elif kind == "heading_open" and not quote_depth:
                text = tokens[index + 1].content.strip()
                self.heading(int(token.tag[1]), text, token.map)
            elif kind == "table_open" and self._log_level is not None and not quote_depth:
                self.read_table(tokens, index)
            elif kind == "list_item_open" and tokens[index + 1].type == "paragraph_open":
                paragraph = tokens[index + 1]
                self.item(
                    tokens[index + 2].content,
                    paragraph.map,
                    token.map,
                    top_level=token.level == 1,
                    quoted=bool(quote_depth),
                )

    def heading(self, level: int, text: str, span) -> None:
        line = self.offset + span[0] if span else self.offset
        if span:
            self.untagged.update(range(*span))
        sections = self._sections
        if self._log_level is not None and level <= self._log_level:
            self._log_level = None
        while sections and sections[-1] >= level:
            sections.pop()
        under_log = self._log_level is not None
        if self.reader.reading.is_log_heading(text):
            self._log_level = level
            self.groups.append([])
            self.log_headings.append(line)
        elif level == 1 and self.title is None and not _PLACEHOLDER.fullmatch(text):
            self.title = text
        # A dated heading is a meeting under a log heading, directly in the note
        # (under nothing but its title), or when it names one: a date in a
        # biography (`## Story` / `### 1985-03-02 Born`) is no contact.
        loose = all(level_above == 1 for level_above in sections)
        self.read_dated_heading(text, line, counts=under_log or loose)
        sections.append(level)

    def item(self, content: str, paragraph, span, *, top_level: bool, quoted: bool) -> None:
        """A list item whose first block is a paragraph: a task, or a log line."""
        line = self.offset + paragraph[0] if paragraph else self.offset
        in_log = self._log_level is not None and not quoted
        task = _TASK.match(content) if content.startswith("[") else None
        if task:
            # Tasks count in quotes and callouts too, as the Tasks plugin reads them.
            self.read_task(task, line)
            if paragraph:
                self.untagged.update(range(*paragraph))
            if in_log and task["mark"] in "xX":
                # A done task dated at its start is a log line: `- [x] 2008-01-11: Phone.`
                self.read_entry(task["text"], line, tuple(span), False, quiet=True)
        elif in_log:
            self.read_entry(content, line, tuple(span), top_level)

    def line_of(self, token: Token) -> int:
        return self.offset + token.map[0] if token.map else self.offset

    def item_lines(self, span: tuple[int, int]) -> tuple[int, int]:
        """(0-based file line of a list item's start, the file line after its last
        non-blank line): markdown-it counts trailing blank lines into an item."""
        start, end = span
        while end > start + 1 and not self.lines[end - 1].strip():
            end -= 1
        return self.offset + start - 1, self.offset + end - 1

    def read_entry(
        self,
        content: str,
        line: int,
        item_span: tuple[int, int],
        top_level: bool,
        *,
        quiet: bool = False,
    ) -> None:
        """A log line; `quiet`: a line that need not be one (a done task) says nothing."""
        match = ENTRY.match(content)
        if not match:
            if _DATE_LIKE.match(content) and not quiet:
                self.reader.problem(
                    line, f"log entry: '{content.split()[0]}' is not a date: write YYYY-MM-DD"
                )
            return
        # One call for all the groups: this runs for every log line of every note.
        link, bold, plain, time, arrow, kind, text = match.groups()  # ENTRY's only groups
        written = link or bold or plain
        try:  # the pattern checked the form
            on = date.fromisoformat(written.replace("/", "-") if "/" in written else written)
        except ValueError:
            error = _date_error(written)
            self.reader.problem(line, f"log entry: {error}; entry skipped")
            return
        text = _one_line(text)
        if time:  # the time stays in the entry's words, where the note put it
            text = f"{time} {text}".rstrip()
        entry = (on, _DIRECTION_OF_ARROW[arrow], kind.lower() if kind else None, text, line,
                 False, item_span, top_level)  # fmt: skip
        self.groups[-1].append(_new_tuple(_LogEntry, entry))

    def read_table(self, tokens: list[Token], start: int) -> None:
        """A table under a log heading, one interaction per row with a date.

        The date is the column headed date, when or day (else the first whose cells
        hold dates); the kind the column headed type, kind, how, via, channel or
        medium; the text is the other cells. A row's kind or text may start with an
        arrow (-> or <-) for its direction.
        """
        rows: list[tuple[int, list[str]]] = []
        cells: list[str] = []
        row_line = 0
        for token in tokens[start + 1 :]:
            if token.type == "table_close":
                break
            if token.type == "tr_open":
                cells, row_line = [], self.line_of(token)
            elif token.type == "inline":
                cells.append(token.content.strip())
            elif token.type == "tr_close":
                rows.append((row_line, cells))
        if not rows:
            return
        header = [cell.casefold() for cell in rows[0][1]]
        body = rows[1:]
        date_column = next((i for i, h in enumerate(header) if h in _DATE_HEADERS), None)
        if date_column is None:
            date_column = next(
                (
                    i
                    for i in range(len(header))
                    if any(ENTRY.match(cells[i]) for _, cells in body if i < len(cells))
                ),
                None,
            )
        if date_column is None:
            return
        kind_column = next((i for i, h in enumerate(header) if h in _KIND_HEADERS), None)
        dated = []
        for line, cells in body:
            written = _table_row_as_entry(cells, date_column, kind_column)
            before = len(self.groups[-1])
            if written:
                self.read_entry(written, line, (line - self.offset, line - self.offset + 1), False)
            if len(self.groups[-1]) > before:
                dated.append((line - 1, self.groups[-1][-1].on))
        section = len(self.groups) - 1
        if section not in self.tables:
            self.tables[section] = LogTable(
                len(header), date_column, kind_column, rows[0][0] - 1, tuple(dated)
            )

    def read_dated_heading(self, text: str, line: int, *, counts: bool) -> None:
        match = _HEADING_DATE.match(text)
        if match is None and not _DATE_LIKE.match(text):
            return  # most headings: no date at all
        if not counts and not set(_HEADING_WORDS.findall(text.casefold())) & _MEETING_WORDS:
            return
        if not match:
            if _DATE_LIKE.match(text):
                self.reader.problem(
                    line, f"heading: '{text.split()[0]}' is not a date: write YYYY-MM-DD"
                )
            return
        try:
            on = parse_written_date(match["link"] or match["plain"])
        except ValueError as error:
            self.reader.problem(line, f"heading: {error}; meeting skipped")
            return
        self.headings.append(self.heading_entry(on, _one_line(match["text"]), line))

    def heading_entry(self, on: date, title: str, line: int) -> _LogEntry:
        """A dated heading's entry: a meeting, unless its title is one word that names the
        kind (`### 2026-06-12 — Email`, as a Markdown CRM template writes it), whose block
        may say the way (`**Direction:** Outbound`) and what it was about (`**Summary:**`)."""
        words = title.strip(" -–—:|").split()
        if len(words) != 1 or not words[0].isalpha():
            return _LogEntry(on, Direction.BOTH, "meeting", title, line, True)
        kind, direction, text = words[0].casefold(), Direction.BOTH, words[0]
        start = line - self.offset + 1  # the block under the heading, up to the next one
        for raw in self.lines[start : start + 20]:
            if _HEADING_START.match(raw.lstrip()):
                break
            field = _HEADING_FIELD.match(raw)
            if field is None:
                continue
            name, value = field["name"].casefold(), _one_line(field["value"].strip(" *"))
            if name == "direction":
                direction = _DIRECTIONS.get(value.casefold().split(" ")[0], direction)
            elif name == "summary" and value:
                text = value
        return _LogEntry(on, direction, kind, text, line, True)

    def read_task(self, match: re.Match[str], line: int) -> None:
        text = match["text"]
        due = self.task_date(_DUE, text, line, "due date")
        done_on = self.task_date(_DONE, text, line, "done date")
        scheduled = self.task_date(_SCHEDULED, text, line, "scheduled date")
        start = self.task_date(_START, text, line, "start date")
        self.task_date(_CANCELLED, text, line, "cancelled date")
        self.task_date(_CREATED, text, line, "created date")
        mark = match["mark"]
        state = TaskState.DONE if mark in "xX" else TaskState.OPEN
        if mark == "-":
            state = TaskState.CANCELLED
        recurrence = _RECURRENCE.search(text)
        repeat = next((g for g in recurrence.groups() if g), "").strip() if recurrence else ""
        label = text
        for pattern in _TASK_FIELDS:
            label = pattern.sub("", label)
        self.tasks.append(
            Task(
                _one_line(label),
                state,
                due,
                done_on,
                line,
                scheduled=scheduled,
                start=start,
                priority=_priority(text),
                recurrence=repeat or None,
            )
        )

    def task_date(self, pattern: re.Pattern[str], text: str, line: int, what: str):
        match = pattern.search(text)
        if match is None:
            return None
        raw = next((group for group in match.groups() if group is not None), "").strip()
        try:
            return parse_written_date(raw)
        except ValueError as error:
            self.reader.problem(line, f"task {what}: {error}")
            return None

    def find_inline_tags(self) -> None:
        """`#tags` in the text, as Obsidian finds them: not in headings, code or tasks."""
        for index, line in enumerate(self.lines):
            if index in self.untagged or "#" not in line:
                continue
            stripped = line.lstrip(" >")
            if stripped.startswith("    ") or _HEADING_START.match(stripped):
                continue  # indented code, or a heading inside a quote (`#tag` is no heading)
            for tag in _INLINE_TAG.findall(_CODE_SPAN.sub("", line)):
                self.inline_tags.append(tag.rstrip("/"))

    def interactions(self) -> tuple[Interaction, ...]:
        result: list[Interaction] = []
        for group in [*self.groups, self.headings]:
            ordered = group if log_is_oldest_first(e.on for e in group) else group[::-1]
            for on, direction, kind, text, line, from_heading, _, _ in ordered:
                fields = (on, direction, kind, text, line, len(result), from_heading, None)
                result.append(_new_tuple(Interaction, fields))
        result.sort(key=_BY_DAY_THEN_SEQUENCE)
        return tuple(result)


def log_is_oldest_first(dates: Iterable[date]) -> bool:
    """The order a log is written in, by majority of neighbouring pairs.

    Newest-first (the brief's example) when the dates cannot tell, so that one
    out-of-order line does not flip the reading of a whole log.
    """
    rising = falling = 0
    previous = None
    for current in dates:
        if previous is not None:
            rising += current > previous
            falling += current < previous
        previous = current
    return rising > falling


# The block tokens the walk acts on; it skips every other one at once.
_WALKED = frozenset(
    {"blockquote_open", "blockquote_close", "fence", "code_block", "html_block",
     "heading_open", "table_open", "list_item_open"}
)  # fmt: skip
_DATE_HEADERS = frozenset({"date", "when", "day"})
_KIND_HEADERS = frozenset({"type", "kind", "how", "via", "channel", "medium"})
_TASK_FIELDS = (_DUE, _DONE, _SCHEDULED, _START, _CANCELLED, _CREATED, _RECURRENCE, _PRIORITY)


def commented_lines(lines: list[str]) -> frozenset[int]:
    """0-based lines inside Obsidian's `%%` comment blocks (the `%%` lines included); a
    comment opened and closed on one line hides only its own words."""
    hidden: set[int] = set()
    inside = False
    for index, line in enumerate(lines):
        marks = line.count("%%")
        if inside or (marks % 2 and line.lstrip().startswith("%%")):
            hidden.add(index)
        if marks % 2:
            inside = not inside
    return frozenset(hidden)


def _table_row_as_entry(cells: list[str], date_column: int, kind_column: int | None) -> str:
    """A log table's row as the log line it stands for: `date arrow kind: text`."""
    if date_column >= len(cells) or not cells[date_column]:
        return ""
    kind = cells[kind_column] if kind_column is not None and kind_column < len(cells) else ""
    text = " · ".join(c for i, c in enumerate(cells) if i not in (date_column, kind_column) and c)
    arrow = next((a for a in ARROWS if kind.startswith(a) or text.startswith(a)), "")
    kind, text = kind.removeprefix(arrow).strip(), text.removeprefix(arrow).strip()
    return " ".join(f"{cells[date_column]} {arrow} {kind + ':' if kind else ''} {text}".split())


def _priority(text: str) -> int:
    """The Tasks plugin's priority as a rank: 0 highest ... 5 lowest, 3 for none."""
    match = _PRIORITY.search(text)
    if match is None:
        return NO_PRIORITY
    emoji = match.group(0)[:1]
    if emoji in _PRIORITY_EMOJI:
        return _PRIORITY_EMOJI[emoji]
    word = next((g for g in match.groups() if g), "").strip().casefold()
    return _PRIORITY_WORDS.get(word, NO_PRIORITY)


def _date_error(text: str) -> str:
    try:
        parse_written_date(text)
    except ValueError as error:
        return str(error)
    raise AssertionError(f"{text} is a valid date")


# Front-matter values repeat across a vault (`cadence: 3 months`, a birthday's day):
# each distinct text is parsed once per process. The values are immutable, and a
# text that fails is not cached, so its problem is reported for every note.
@lru_cache(maxsize=1024)
def _parse_birthday(text: str):
    return parse_birthday(text)


@lru_cache(maxsize=1024)
def _parse_cadence(text: str):
    if text.strip().isdigit() and int(text) > 0:  # `cadence: 30`: people mean days
        return parse_duration(f"{int(text)} days")
    return parse_duration(text, zero="write 'none' for no cadence")


def _one_line(text: str) -> str:
    """Runs of any whitespace as one space. Most texts have none to fold: every blank
    but the ASCII space is unprintable, so a printable text without a double space
    is already one line (two C calls instead of a split and a join per log line)."""
    stripped = text.strip()
    if stripped.isprintable() and "  " not in stripped:
        return stripped
    return " ".join(stripped.split())


def _file_title(path: str) -> str:
    return PurePosixPath(path).stem
