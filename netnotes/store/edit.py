"""Minimal-diff edits to note text: pure functions from text to new text.

Each edit changes only the lines it must. The BOM, the line endings (LF or
CRLF), a missing final newline, comments, key order, quoting, indentation and
blank lines stay byte for byte everywhere else. Front matter is never dumped
back through a YAML library: a key is changed by replacing its one line, and
a key whose value we cannot safely replace line by line is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from netnotes.core.errors import NetnotesError
from netnotes.core.frontmatter import CLOSING_FENCE, OPENING_FENCE, FrontMatterError
from netnotes.core.model import Task
from netnotes.core.parse import (
    ENTRY,
    LogSection,
    LogTable,
    first_log_section,
    log_is_oldest_first,
)
from netnotes.core.reading import DEFAULT_READING, Reading
from netnotes.core.recurrence import UnsupportedRule, next_occurrence
from netnotes.core.yamltext import yaml_scalar

BOM = "\ufeff"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class EditRefused(NetnotesError):
    """The edit cannot be made safely; the note is left as it was."""


@dataclass(slots=True)
class Lines:
    """A note as lines with their own endings, so untouched lines keep every byte."""

    bom: str
    lines: list[str]  # each with its line ending, except possibly the last
    eol: str  # the note's line ending, for new lines

    @classmethod
    def of(cls, text: str) -> Lines:
        """Split exactly as the parser does: LF, CRLF and a lone CR each end a line."""
        bom = BOM if text.startswith(BOM) else ""
        body = text[len(bom) :]
        lines = _LINE.findall(body)
        eol = "\r\n" if "\r\n" in body else "\r" if "\r" in body else "\n"
        return cls(bom, lines, eol)

    def text(self) -> str:
        return self.bom + "".join(self.lines)

    def content(self, index: int) -> str:
        """Line `index` (0-based) without its ending."""
        return self.lines[index].rstrip("\r\n")

    def ending(self, index: int) -> str:
        line = self.lines[index]
        return line[len(line.rstrip("\r\n")) :]

    def insert(self, index: int, new_lines: list[str]) -> None:
        """Insert whole lines before `index`; at the end, keep a missing final newline missing."""
        if not new_lines:
            return
        if index >= len(self.lines):
            if self.lines and not self.ending(len(self.lines) - 1):
                # The old last line gains the ending it needs; the new last line goes without.
                self.lines[-1] += self.eol
                self.lines.extend(line + self.eol for line in new_lines[:-1])
                self.lines.append(new_lines[-1])
                return
            index = len(self.lines)
        self.lines[index:index] = [line + self.eol for line in new_lines]

    def replace(self, index: int, content: str) -> None:
        self.lines[index] = content + self.ending(index)


# -- front matter ----------------------------------------------------------------


def front_matter_end(text: str) -> int:
    """The offset just past the closing fence of the front matter (0 when there is none)."""
    note = Lines.of(text)
    span = _front_matter_span(note)
    if span is None:
        return 0
    return len(note.bom) + sum(len(line) for line in note.lines[: span[1] + 1])


def front_matter_text(text: str) -> str | None:
    """The YAML between the fences (None when the note has no front matter)."""
    note = Lines.of(text)
    span = _front_matter_span(note)
    return None if span is None else "".join(note.lines[span[0] + 1 : span[1]])


def _front_matter_span(note: Lines) -> tuple[int, int] | None:
    """(index of the opening '---', index of the closing line), or None."""
    if not note.lines or not OPENING_FENCE.fullmatch(note.content(0)):
        return None
    for index in range(1, len(note.lines)):
        if CLOSING_FENCE.fullmatch(note.content(index)):
            return 0, index
    raise EditRefused("the front matter is not closed with '---': fix the note first")


def set_key(text: str, key: str, value: str | None, *, allow_flow: bool = False) -> str:
    """Set front-matter `key` to the already-formatted YAML `value`; None removes the key.

    A new key goes at the end of the front matter (a front matter is created
    when the note has none). An existing key is changed on its own line, its
    trailing comment kept. Refused: a value over several lines, block scalars,
    anchors or aliases, and flow collections unless `allow_flow`.
    """
    note = Lines.of(text)
    span = _front_matter_span(note)
    if span is None:
        if value is None:
            return text
        note.lines[0:0] = ["---" + note.eol, f"{key}: {value}{note.eol}", "---" + note.eol]
        return note.text()
    start, end = span
    # The mapping's own indentation: YAML allows a whole front matter indented.
    indent = _key_indent(note, start, end)
    for index, match in _key_lines(note, start, end, indent, key):
        old_value, comment = _split_comment(match["rest"])
        _refuse_unsafe_value(note, index, end, key, old_value, allow_flow, indent)
        if value is None:
            del note.lines[index]
        else:
            note.replace(index, f"{match['head']} {value}{comment}")
        return note.text()
    if value is not None:
        note.lines.insert(end, f"{indent}{key}: {value}{note.eol}")
        _refuse_unless_the_key_reads(note, start, end + 1, key)
    return note.text()


# A front matter of one `~` or `null` line reads as no keys: worth naming when a key
# added after it does not read.
_NULL_LINE = re.compile(r"(?:~|null|Null|NULL)\s*(?:#.*)?")


def _refuse_unless_the_key_reads(note: Lines, start: int, end: int, key: str) -> None:
    """A key added at the end of a front matter written in another shape (a lone `NULL`,
    a flow mapping such as `{a: 1}`) would break it: the new front matter must read,
    with the key."""
    from netnotes.core.frontmatter import load_front_matter_leniently

    text = "".join(note.lines[start + 1 : end])
    try:
        data, _ = load_front_matter_leniently(text, start + 2)
    except FrontMatterError:
        data = None
    if isinstance(data, dict) and key in map(str, data):
        return
    for index in range(start + 1, end - 1):
        if _NULL_LINE.fullmatch(note.content(index)):
            raise EditRefused(
                f"line {index + 1}: the front matter is '{note.content(index).strip()}', "
                "not keys: delete that line or write `key: value` lines, then try again"
            )
    raise EditRefused(
        f"line {end}: '{key}:' cannot be added to this front matter (it is not written "
        "as `key: value` lines): fix the note first"
    )


def add_to_list(text: str, key: str, values: list[str]) -> str:
    """Append `values` (texts) to the front-matter list `key`, changing only its lines.

    A flow list (`emails: [a, b]`) gets them at its end, on its line; a block
    list gets `- value` lines after its last item, indented as it is; a single
    value becomes a flow list that keeps it first; an empty or missing key is
    set to a flow list. Refused, as by `set_key`: block scalars, anchors.
    """
    if not values:
        return text
    note = Lines.of(text)
    span = _front_matter_span(note)
    added = ", ".join(yaml_scalar(value) for value in values)
    if span is None:
        return set_key(text, key, f"[{added}]", allow_flow=True)
    start, end = span
    indent = _key_indent(note, start, end)
    for index, match in _key_lines(note, start, end, indent, key):
        old_value, comment = _split_comment(match["rest"])
        if not old_value:
            items = _block_items(note, index, end, indent)
            if items:
                last, item_indent = items[-1], items[0][1]
                note.insert(last[0] + 1, [f"{item_indent}- {yaml_scalar(v)}" for v in values])
                return note.text()
            note.replace(index, f"{match['head']} [{added}]{comment}")
            return note.text()
        if old_value[:1] in ("|", ">", "&", "*", "{"):
            _refuse_unsafe_value(note, index, end, key, old_value, False, indent)
        if old_value.startswith("[") and old_value.endswith("]"):
            inner = old_value[1:-1].strip().rstrip(",").strip()
            joined = f"{inner}, {added}" if inner else added
            note.replace(index, f"{match['head']} [{joined}]{comment}")
        else:
            note.replace(index, f"{match['head']} [{old_value}, {added}]{comment}")
        return note.text()
    return set_key(text, key, f"[{added}]", allow_flow=True)


def _key_lines(note: Lines, start: int, end: int, indent: str, key: str):
    """(line, match) of each front-matter line that sets `key` (bare or quoted)."""
    name = re.escape(key)
    pattern = re.compile(
        rf"(?P<head>{re.escape(indent)}(?:{name}|\"{name}\"|'{name}')[ \t]*:)(?P<rest>.*)"
    )
    for index in range(start + 1, end):
        match = pattern.fullmatch(note.content(index))
        if match:
            yield index, match


def _block_items(note: Lines, index: int, end: int, indent: str) -> list[tuple[int, str]]:
    """(line, indent) of each `- item` of the block list under the key on line `index`."""
    items: list[tuple[int, str]] = []
    for line in range(index + 1, end):
        content = note.content(line)
        stripped = content.lstrip(" ")
        own = content[: len(content) - len(stripped)]
        if stripped.startswith("- ") or stripped == "-":
            if len(own) < len(indent):
                break
            items.append((line, own))
        elif stripped and (len(own) <= len(indent)):
            break  # the next key
    return items


def _key_indent(note: Lines, start: int, end: int) -> str:
    """The blanks before the front matter's first key (almost always none)."""
    for index in range(start + 1, end):
        content = note.content(index)
        if content.strip() and not content.lstrip().startswith("#"):
            return content[: len(content) - len(content.lstrip(" \t"))]
    return ""


_QUOTED = re.compile(r"""[ \t]*(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')""")
# The lookbehind starts a try only at the first blank of a run: linear on long blank runs.
_COMMENT = re.compile(r"(?<![ \t])[ \t]+#.*$")


def _split_comment(rest: str) -> tuple[str, str]:
    """A key line's value and its trailing `# comment` (with the spaces before it).

    A `#` inside a quoted value is text, not a comment: `"A #1"` keeps its `#1`.
    """
    quoted = _QUOTED.match(rest)
    start = quoted.end() if quoted else 0
    comment = _COMMENT.search(rest, start)
    if comment is None:
        return rest.strip(), ""
    return rest[: comment.start()].strip(), comment.group(0)


def _refuse_unsafe_value(
    note: Lines, index: int, end: int, key: str, value: str, allow_flow: bool, indent: str = ""
) -> None:
    following = note.content(index + 1)[len(indent) :] if index + 1 < end else ""
    continues = index + 1 < end and (following[:1] in (" ", "\t") or following.startswith("-"))
    why = None
    if continues:
        why = "its value spans several lines"
    elif value[:1] in ("|", ">"):
        why = "its value is a block scalar"
    elif value[:1] in ("&", "*"):
        why = "it uses a YAML anchor or alias"
    elif value[:1] in ("[", "{") and not allow_flow:
        why = "its value is written in flow style ([...] or {...})"
    if why:
        raise EditRefused(
            f"line {index + 1}: will not rewrite '{key}' because {why}; edit it by hand"
        )


# -- the log ---------------------------------------------------------------------


def format_entry(on: date, text: str, kind: str | None = None, direction: str = "") -> str:
    """`YYYY-MM-DD [->|<-] [kind:] text` on one line."""
    arrow = {"out": "-> ", "in": "<- "}.get(direction, "")
    label = f"{kind.strip().lower()}: " if kind else ""
    return f"{on.isoformat()} {arrow}{label}{' '.join(text.split())}".rstrip()


def add_log_entry(
    text: str, on: date, entry: str, *, reading: Reading = DEFAULT_READING
) -> tuple[str, int]:
    """Insert `- entry` into the Log section, in the order that section uses.

    Returns the new text and the 1-based line of the new entry. A note with
    no Log section gets one at its end. `reading`: which headings are log headings.
    """
    note = Lines.of(text)
    section = _log_section(text, reading)
    if section is None:
        new = ["## Log", f"- {entry}"]
        if note.lines and note.content(len(note.lines) - 1).strip():
            new.insert(0, "")
        at = len(note.lines)
        note.insert(at, new)
        return note.text(), at + len(new)
    if section.table is not None:
        return _add_table_row(note, section.table, on, entry)
    line = _list_marker(note, section) + entry
    at = _insertion_line(note, section, on)
    note.insert(at, [line])
    return note.text(), at + 1


def add_log_entries(
    text: str, entries: list[tuple[date, str]], *, reading: Reading = DEFAULT_READING
) -> str:
    """`add_log_entry` for each of `entries` in turn, reading the note once, not once an
    entry: capture writes dozens of lines into one note (tests/test_edit.py holds the
    two to the same bytes)."""
    while entries:
        section = _log_section(text, reading)
        if section is None or section.table is not None:
            # A new section or a table: rare, so entry by entry.
            text, _ = add_log_entry(text, *entries[0], reading=reading)
            entries = entries[1:]
            continue
        note = Lines.of(text)
        marker = _list_marker(note, section)
        for on, entry in entries:
            at = _insertion_line(note, section, on)
            note.insert(at, [marker + entry])
            if _ends_where_inserted(note, section, at):
                section = _with_entry_at(section, at, on)
            else:  # lines after it may belong to the new item: as the parser says
                section = _log_section(note.text(), reading)
        return note.text()
    return text


def _log_section(text: str, reading: Reading) -> LogSection | None:
    try:
        return first_log_section(text, reading=reading)
    except FrontMatterError as error:
        raise EditRefused(f"line {error.line}: {error.message}; fix the note first") from None


def _list_marker(note: Lines, section: LogSection) -> str:
    """The marker a new entry takes: the first entry's (`- `, `* `, `1. `), else `- `."""
    if not section.entries:
        return "- "
    first_line = note.content(section.entries[0][0])
    marker = re.match(r"\s*[-*+]\s+|\s*\d+[.)]\s+", first_line).group(0)
    if re.match(r"\s*\d", marker):
        marker = re.sub(r"\d+", "1", marker)
    return marker


_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


def _ends_where_inserted(note: Lines, section: LogSection, at: int) -> bool:
    """Whether the entry just inserted before old line `at` surely ends with its one
    line: only blank lines come after it before an entry, a heading or the end."""
    starts = {start for start, _, _ in section.entries}
    following = at + 1
    while following < len(note.lines) and not note.content(following).strip():
        following += 1
    return (
        following == len(note.lines)
        or following - 1 in starts  # an old entry's start, one line down now
        or _HEADING.match(note.content(following)) is not None
    )


def _with_entry_at(section: LogSection, at: int, on: date) -> LogSection:
    """The section after a one-line entry was inserted before line `at`: later entries
    move down a line; an item whose trailing blank lines held `at` ends there."""
    moved = [
        (start + 1, end + 1, day) if start >= at else (start, min(end, at), day)
        for start, end, day in section.entries
    ]
    return LogSection(section.heading, tuple(sorted([*moved, (at, at + 1, on)])))


def _add_table_row(note: Lines, table: LogTable, on: date, entry: str) -> tuple[str, int]:
    """A log kept as a table gains a row, in the order its rows use: the date in the
    date column, the arrow and kind in the kind column (else before the text), the
    text in the first other column."""
    match = ENTRY.match(entry)
    arrow = f"{match['arrow']} " if match["arrow"] else ""
    kind, text = match["kind"] or "", match["text"]
    cells = [""] * table.columns
    cells[table.date_column] = on.isoformat()
    if table.kind_column is not None:
        cells[table.kind_column] = f"{arrow}{kind}".strip()
    else:
        text = f"{arrow}{kind + ': ' if kind else ''}{text}"
    others = [i for i in range(table.columns) if i not in (table.date_column, table.kind_column)]
    if others:
        cells[others[0]] = text
    elif table.kind_column is None:
        cells[table.date_column] += f" {text}"
    escaped = (cell.replace("|", "\\|") for cell in cells)
    row = "| " + " | ".join(escaped) + " |"
    rows = table.rows
    if not rows:
        at = table.header + 2  # after the delimiter row
    elif not log_is_oldest_first(day for _, day in reversed(rows)):
        # Oldest first unless its rows say otherwise: a table grows at its end.
        before = [line for line, day in rows if day <= on]
        at = before[-1] + 1 if before else rows[0][0]
    else:
        at = next((line for line, day in rows if day <= on), rows[-1][0] + 1)
    note.insert(at, [row])
    return note.text(), at + 1


def _insertion_line(note: Lines, section: LogSection, on: date) -> int:
    entries = section.entries
    if not entries:
        return section.heading + 1
    if log_is_oldest_first(day for _, _, day in entries):
        # After the last entry on or before the new date: a same-day entry goes below.
        before = [entry for entry in entries if entry[2] <= on]
        if not before:
            return entries[0][0]
        return _end_of_item(note, before[-1], entries)
    # Newest first: before the first entry on or before the new date (same day: above).
    for entry in entries:
        if entry[2] <= on:
            return entry[0]
    return _end_of_item(note, entries[-1], entries)


def _end_of_item(note: Lines, item: tuple[int, int, date], entries) -> int:
    """The line after `item`: the next entry's start, or its last non-blank line + 1."""
    following = [entry for entry in entries if entry[0] > item[0]]
    if following:
        return following[0][0]
    end = min(item[1], len(note.lines))
    while end > item[0] + 1 and not note.content(end - 1).strip():
        end -= 1
    return end


# -- tasks -----------------------------------------------------------------------

# An open task, as the Tasks plugin reads one: any status but x, X and -, in a quote too.
_OPEN_BOX = re.compile(r"((?:[ \t]*>)*[ \t]*(?:[-*+]|\d+[.)])\s+)\[[^xX\-\]\n]\]")
# Where a task's date sits after its marker: emoji, todo.txt's `due:` or Dataview's field.
_DATE_FIELDS = {
    "due": r"(?:📅|📆|🗓️?)\s*|\bdue:|[\[(]\s*due\s*::\s*",
    "scheduled": r"⏳\s*|[\[(]\s*scheduled\s*::\s*",
    "start": r"🛫\s*|[\[(]\s*start\s*::\s*",
}


def check_off_task(text: str, line: int, on: date, repeat: Task | None = None) -> str:
    """Tick the open task on 1-based `line` and record `✅ on` at the end of that line.

    `repeat`: the task as parsed, when it recurs (🔁): its next occurrence goes on the
    line above, as the Tasks plugin puts it, with every date moved by the same span.
    Raises UnsupportedRule (nothing changed) for a rule netnotes cannot compute.
    """
    note = Lines.of(text)
    index = line - 1
    content = note.content(index)
    match = _OPEN_BOX.match(content)
    if not match:
        raise EditRefused(f"line {line} is not an open task any more; nothing changed")
    ticked = match.group(1) + "[x]" + content[match.end() :]
    note.replace(index, f"{ticked.rstrip()} ✅ {on.isoformat()}")
    if repeat is not None and repeat.recurrence:
        following = match.group(1) + "[ ]" + content[match.end() :]
        note.insert(index, [_moved_dates(following, repeat, on)])
    return note.text()


def move_task(text: str, line: int, task: Task, to: date) -> str:
    """The open task on 1-based `line` due `to` instead: its due (else scheduled) date
    moves there, and its start date by the same span, as the Tasks plugin reschedules."""
    note = Lines.of(text)
    content = note.content(line - 1)
    reference = task.due or task.scheduled
    if not _OPEN_BOX.match(content) or reference is None:
        raise EditRefused(f"line {line} is not an open task with a date any more")
    try:
        note.replace(line - 1, _shifted_dates(content, task, to - reference))
    except UnsupportedRule as error:
        raise EditRefused(f"line {line}: {error}") from None
    return note.text()


def _moved_dates(content: str, task: Task, on: date) -> str:
    """The task's line with its due, scheduled and start dates moved to the next occurrence."""
    reference = task.due or task.scheduled or task.start
    if reference is None:
        return content  # a recurring task without dates: the plugin copies it as it is
    return _shifted_dates(
        content, task, next_occurrence(task.recurrence, reference, on) - reference
    )


def _shifted_dates(content: str, task: Task, shift) -> str:
    """The task's line with each of its due, scheduled and start dates moved by `shift`."""
    dates = {"due": task.due, "scheduled": task.scheduled, "start": task.start}
    for field, old in dates.items():
        if old is None:
            continue
        pattern = re.compile(f"({_DATE_FIELDS[field]}){re.escape(old.isoformat())}")
        moved = (old + shift).isoformat()
        content, found = pattern.subn(lambda m, moved=moved: m.group(1) + moved, content)
        if not found:
            raise UnsupportedRule(f"the {field} date of '{task.text}' is not written YYYY-MM-DD")
    return content
