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
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from netnotes.core.blocks import fast_tokens
from netnotes.core.dates import parse_birthday, parse_date, parse_duration
from netnotes.core.frontmatter import (
    FrontMatterError,
    key_lines,
    load_front_matter,
    split_front_matter,
)
from netnotes.core.model import Contact, Direction, Interaction, Problem, Severity, Task, TaskState

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

KNOWN_KEYS = (
    "name",
    "aliases",
    "tags",
    "emails",
    "phones",
    "interests",
    "company",
    "role",
    "location",
    "met_at",
    "introduced_by",
    "links",
    "cadence",
    "last_contact",
    "met",
    "follow_up",
    "birthday",
    "snooze",
    "archived",
)
LIST_KEYS = ("aliases", "tags", "emails", "phones", "interests")
LOG_HEADINGS = frozenset({"log", "interactions", "history", "timeline"})

_ARROWS = {"->": Direction.OUT, "→": Direction.OUT, "<-": Direction.IN, "←": Direction.IN}
ENTRY = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?=\s|$)\s*"
    r"(?:(?P<arrow>->|<-|→|←)\s*)?"
    r"(?:(?P<kind>[^\W\d_][\w-]*):(?=\s|$)\s*)?"
    r"(?P<text>.*)",
    re.DOTALL,
)
# Looks like a date but is not a strict ISO one: worth a problem, not silence.
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?=\s|$|:)")
_HEADING_DATE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?=\s|$|:)[\s:–—-]*(?P<text>.*)", re.DOTALL)
_TASK = re.compile(r"\[(?P<mark>[ xX-])\](?:[ \t]+|$)(?P<text>.*)", re.DOTALL)
# `[^\[\]]*`, not `[^\]]*?`: a try that finds no `]` stops at the next `[`, so
# `[due:: ` repeated 10,000 times costs one pass, not 10,000 (the value is stripped).
_DUE = re.compile(r"📅\s*(\S+)|\bdue:(\S+)|\[due::([^\[\]]*)\]")
_DONE = re.compile(r"✅\s*(\S+)")
_CONFLICT_OPEN = re.compile(r"<{7}(?: |$)")
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0", ""})


def parse_note(
    path: str, data: bytes, *, fast: bool = True
) -> tuple[Contact | None, list[Problem]]:
    """Parse one note. `path` is vault-relative with `/`; it names the problems.

    `fast=False` always uses markdown-it (the differential tests compare both).
    """
    reader = _NoteReader(path, fast)
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

    # Only block structure matters; skipping inline parsing halves the cost.
    return MarkdownIt("commonmark").disable(["inline", "text_join"])


@dataclass(slots=True)
class _LogEntry:
    on: date
    direction: Direction
    kind: str | None
    text: str
    line: int
    from_heading: bool = False
    item_lines: tuple[int, int] = (0, 0)  # first and last file line of the list item
    top_level: bool = True  # an item of a list directly under the heading, not nested


@dataclass(frozen=True, slots=True)
class LogSection:
    """Where a Log section sits in a note, for the editor that inserts entries.

    Line indexes are 0-based; each entry is (first line, end exclusive, date), top-level
    entries only, in file order.
    """

    heading: int
    entries: tuple[tuple[int, int, date], ...]


def first_log_section(text: str, *, body_only: bool = False) -> LogSection | None:
    """The first Log section of a note's text, read by the same walk that parses notes.

    `body_only`: the text is a body without front matter (a leading `---` is a rule).
    Raises FrontMatterError for a front matter that is never closed.
    """
    plain = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if body_only:
        body = _Body(_NoteReader(""), plain, 1)
    else:
        split = split_front_matter(plain)
        body = _Body(_NoteReader(""), split.body, split.body_first_line)
    if not body.log_headings:
        return None
    heading = body.log_headings[0]
    entries = tuple(
        (entry.item_lines[0] - 1, entry.item_lines[1], entry.on)
        for entry in body.groups[0]
        if entry.top_level
    )
    return LogSection(heading - 1, entries)


class _NoteReader:
    """Holds the problems of one note while its parts are read."""

    def __init__(self, path: str, fast: bool = True) -> None:
        self.path = path
        self.fast = fast
        self.problems: list[Problem] = []

    def problem(self, line: int | None, message: str, severity=Severity.ERROR) -> None:
        self.problems.append(Problem(self.path, line, severity, message))

    # -- the whole note ----------------------------------------------------

    def read(self, data: bytes) -> Contact | None:
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
                fields = load_front_matter(split.yaml_text, split.yaml_first_line)
                lines = key_lines(split.yaml_text, split.yaml_first_line)
        except FrontMatterError as error:
            if not any(p.message.startswith("unresolved git conflict") for p in self.problems):
                self.problem(error.line, f"{error.message}; this note is left out until fixed")
            return None
        if split.yaml_text is None:
            self.problem(
                1,
                "no front matter (the first line must be '---'); read as a note without keys",
                Severity.WARNING,
            )
        body = _Body(self, split.body, split.body_first_line)
        return self.contact(fields, lines, body)

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

    def contact(self, fields: dict, lines: dict[str, int], body: _Body) -> Contact:
        self.warn_unknown_keys(fields, lines)
        name = self.text_value(fields, lines, "name") or body.title or _file_title(self.path)
        return Contact(
            path=self.path,
            name=name,
            aliases=self.list_value(fields, lines, "aliases"),
            tags=tuple(tag.lstrip("#") for tag in self.list_value(fields, lines, "tags")),
            emails=self.list_value(fields, lines, "emails"),
            phones=self.list_value(fields, lines, "phones"),
            interests=self.list_value(fields, lines, "interests"),
            company=self.text_value(fields, lines, "company"),
            role=self.text_value(fields, lines, "role"),
            cadence=self.parsed(fields, lines, "cadence", _parse_cadence),
            last_contact=self.parsed(fields, lines, "last_contact", parse_date),
            met=self.met_date(fields, lines),
            follow_up=self.parsed(fields, lines, "follow_up", parse_date),
            birthday=self.parsed(fields, lines, "birthday", parse_birthday),
            snooze=self.parsed(fields, lines, "snooze", parse_date),
            archived=self.flag(fields, lines, "archived"),
            interactions=body.interactions(),
            tasks=tuple(body.tasks),
            key_lines=lines,
            fields=fields,
        )

    def warn_unknown_keys(self, fields: dict, lines: dict[str, int]) -> None:
        for key in fields:
            if key in KNOWN_KEYS:
                continue
            guess = difflib.get_close_matches(key.lower(), KNOWN_KEYS, n=1, cutoff=0.75)
            if guess:
                self.problem(
                    lines.get(key),
                    f"unknown key '{key}': did you mean '{guess[0]}'?",
                    Severity.WARNING,
                )

    def text_value(self, fields: dict, lines: dict[str, int], key: str) -> str | None:
        value = fields.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            self.problem(lines.get(key), f"{key}: expected text, not a {type(value).__name__}")
            return None
        return str(value).strip() or None

    def list_value(self, fields: dict, lines: dict[str, int], key: str) -> tuple[str, ...]:
        value = fields.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            items = value.split(",") if key == "tags" else [value]
        elif isinstance(value, list):
            items = value
        else:
            items = [value]
        if any(isinstance(item, (dict, list)) for item in items):
            self.problem(lines.get(key), f"{key}: expected a list of texts")
            items = [item for item in items if not isinstance(item, (dict, list))]
        return tuple(str(item).strip() for item in items if item is not None and str(item).strip())

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
        """`met` counts when it is a date; other text ("PyCon 2019") is kept as is."""
        value = str(fields.get("met") or "").strip()
        if not _DATE_LIKE.fullmatch(value):
            return None
        return self.parsed(fields, lines, "met", parse_date)

    def flag(self, fields: dict, lines: dict[str, int], key: str) -> bool:
        value = fields.get(key)
        if isinstance(value, bool) or value is None:
            return bool(value)
        word = str(value).strip().lower()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return word in _TRUE_WORDS
        self.problem(lines.get(key), f"{key}: expected true or false, not '{value}'")
        return False


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
        self.lines = body.split("\n")
        tokens = fast_tokens(self.lines) if reader.fast else None
        self.walk(tokens if tokens is not None else markdown_parser().parse(body))

    def walk(self, tokens: list[Token]) -> None:
        quote_depth = 0
        log_level: int | None = None  # level of the Log heading we are under
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif quote_depth:
                continue
            elif kind == "heading_open":
                level = int(token.tag[1])
                text = tokens[index + 1].content.strip()
                line = self.line_of(token)
                if log_level is not None and level <= log_level:
                    log_level = None
                if text.rstrip(":").strip().casefold() in LOG_HEADINGS:
                    log_level = level
                    self.groups.append([])
                    self.log_headings.append(line)
                elif level == 1 and self.title is None:
                    self.title = text
                self.read_dated_heading(text, line)
            elif kind == "list_item_open" and tokens[index + 1].type == "paragraph_open":
                paragraph = tokens[index + 1]
                content = tokens[index + 2].content
                line = self.line_of(paragraph)
                task = _TASK.match(content)
                if task:
                    self.read_task(task, line)
                elif log_level is not None:
                    item = (self.line_of(token), self.last_line_of(token))
                    self.read_entry(content, line, item, token.level == 1)

    def line_of(self, token: Token) -> int:
        return self.offset + token.map[0] if token.map else self.offset

    def last_line_of(self, token: Token) -> int:
        """The last non-blank line of a block (markdown-it counts trailing blank lines in)."""
        end = token.map[1]
        while end > token.map[0] + 1 and not self.lines[end - 1].strip():
            end -= 1
        return self.offset + end - 1

    def read_entry(
        self, content: str, line: int, item_lines: tuple[int, int], top_level: bool
    ) -> None:
        match = ENTRY.match(content)
        if not match:
            if _DATE_LIKE.match(content):
                self.reader.problem(
                    line, f"log entry: '{content.split()[0]}' is not a date: write YYYY-MM-DD"
                )
            return
        try:
            on = date.fromisoformat(match["date"])  # the pattern has checked the form
        except ValueError:
            error = _date_error(match["date"])
            self.reader.problem(line, f"log entry: {error}; entry skipped")
            return
        kind = match["kind"].lower() if match["kind"] else None
        direction = _ARROWS.get(match["arrow"] or "", Direction.BOTH)
        text = _one_line(match["text"])
        entry = _LogEntry(on, direction, kind, text, line, False, item_lines, top_level)
        self.groups[-1].append(entry)

    def read_dated_heading(self, text: str, line: int) -> None:
        match = _HEADING_DATE.match(text)
        if not match:
            if _DATE_LIKE.match(text):
                self.reader.problem(
                    line, f"heading: '{text.split()[0]}' is not a date: write YYYY-MM-DD"
                )
            return
        try:
            on = parse_date(match["date"])
        except ValueError as error:
            self.reader.problem(line, f"heading: {error}; meeting skipped")
            return
        entry = _LogEntry(on, Direction.BOTH, "meeting", _one_line(match["text"]), line, True)
        self.headings.append(entry)

    def read_task(self, match: re.Match[str], line: int) -> None:
        text = match["text"]
        due = self.task_date(_DUE.search(text), line, "due date")
        done_on = self.task_date(_DONE.search(text), line, "done date")
        state = {" ": TaskState.OPEN, "-": TaskState.CANCELLED}.get(match["mark"], TaskState.DONE)
        label = _one_line(_DONE.sub("", _DUE.sub("", text)))
        self.tasks.append(Task(label, state, due, done_on, line))

    def task_date(self, match: re.Match[str] | None, line: int, what: str) -> date | None:
        if match is None:
            return None
        raw = next(group for group in match.groups() if group is not None)
        try:
            return parse_date(raw)
        except ValueError as error:
            self.reader.problem(line, f"task {what}: {error}")
            return None

    def interactions(self) -> tuple[Interaction, ...]:
        result: list[Interaction] = []
        for group in [*self.groups, self.headings]:
            ordered = group if log_is_oldest_first(e.on for e in group) else group[::-1]
            for entry in ordered:
                result.append(
                    Interaction(
                        on=entry.on,
                        direction=entry.direction,
                        kind=entry.kind,
                        text=entry.text,
                        line=entry.line,
                        sequence=len(result),
                        from_heading=entry.from_heading,
                    )
                )
        result.sort(key=lambda entry: (entry.on, entry.sequence))
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


def _date_error(text: str) -> str:
    try:
        parse_date(text)
    except ValueError as error:
        return str(error)
    raise AssertionError(f"{text} is a valid date")


def _parse_cadence(text: str):
    return parse_duration(text, zero="write 'none' for no cadence")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _file_title(path: str) -> str:
    return PurePosixPath(path).stem
