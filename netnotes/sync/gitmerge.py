"""The git merge driver for contact notes: a three-way merge that knows a note's shape.

Plain git conflicts whenever two devices append to the same contact's log,
because both add lines at the same place. This merge does better:

- front matter, key by key: a key changed on one side takes that side; the
  same change on both is made once; list keys to which both sides only
  added items (tags, emails) get the union; a key changed two ways gets
  conflict markers around that key alone;
- the Log section: the entries of both sides, each once, in the section's
  date order (an entry deleted on one side and untouched on the other stays
  deleted);
- a task checked on either side stays checked;
- the rest of the body: an ordinary three-way line merge (`git merge-file`).

The merge is a pure function of three texts (`merge_notes`); `run_driver`
is the thin command git calls. BOM and line endings follow our side. A file
that is not a note we can read falls back to the plain three-way merge.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from netnotes.core.frontmatter import CLOSING_FENCE, KEY_LINE, OPENING_FENCE, key_of
from netnotes.core.parse import first_log_section, log_is_oldest_first

BOM = "\ufeff"
MARK_OURS, MARK_BASE, MARK_THEIRS = "ours", "base", "theirs"


class NotANote(ValueError):
    """The text cannot be merged as a note; use the plain line merge."""


@dataclass(frozen=True, slots=True)
class MergeResult:
    text: str
    conflicts: int


# -- the plain line merge --------------------------------------------------------------


def merge_lines(base: str, ours: str, theirs: str) -> MergeResult:
    """`git merge-file` on three texts: the result and the number of conflicts."""
    with tempfile.TemporaryDirectory(prefix="netnotes-merge-") as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder, name)
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        completed = subprocess.run(
            ["git", "merge-file", "-p", "-L", MARK_OURS, "-L", MARK_BASE, "-L", MARK_THEIRS,
             *paths],
            capture_output=True,
            check=False,
        )  # fmt: skip
    if completed.returncode < 0 or completed.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {completed.stderr.decode(errors='replace')}")
    return MergeResult(completed.stdout.decode("utf-8"), completed.returncode)


# -- a note in parts ---------------------------------------------------------------------


@dataclass(slots=True)
class Note:
    front: list[tuple[str, list[str]]]  # (key, its lines incl. comments before it)
    front_tail: list[str]  # comments or blank lines after the last key
    has_front: bool
    body: list[str]  # lines of the body, each ending in "\n" (but maybe the last)
    front_lines: list[str] = field(default_factory=list)  # between the fences, as written
    keyed: bool = True  # each key once: the front matter can be merged key by key


def _lines(text: str) -> list[str]:
    """Split on LF only, as the parser does (str.splitlines also splits on \f, \x1c, U+2028...)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def split_note(text: str) -> Note:
    lines = _lines(text)
    if not lines or not OPENING_FENCE.fullmatch(lines[0].rstrip("\n")):
        return Note([], [], False, lines)
    for close in range(1, len(lines)):
        if CLOSING_FENCE.fullmatch(lines[close].rstrip("\n")):
            break
    else:
        raise NotANote("front matter is not closed")
    blocks: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    for line in lines[1:close]:
        match = KEY_LINE.match(line) if line[:1] not in (" ", "\t", "#", "-", "\n") else None
        if match:
            key = key_of(match)
            blocks.append((key, [*pending, line]))
            pending = []
        elif line[:1] in (" ", "\t", "-") and blocks and line.strip():
            blocks[-1][1].extend([*pending, line])
            pending = []
        else:
            pending.append(line)
    keyed = len({key for key, _ in blocks}) == len(blocks)
    closing = lines[close]
    return Note(blocks, [*pending, closing], True, lines[close + 1 :], lines[1:close], keyed)


# -- front matter ---------------------------------------------------------------------------


def merge_front(base: Note, ours: Note, theirs: Note) -> tuple[list[str] | None, int]:
    """The merged front matter's lines after the opening fence (closing fence included),
    or None when the merge removes it: one side deleted it, the other left it alone."""
    present = _merge_flag(base.has_front, ours.has_front, theirs.has_front)
    for removed, kept in ((ours, theirs), (theirs, ours)):
        changed = kept.has_front and kept.front_lines != base.front_lines
        if base.has_front and not removed.has_front and changed:
            # Removed on one side, changed on the other: keep the changed one, lose nothing.
            return [*kept.front_lines, *kept.front_tail[-1:]], 0
    if not present:
        return None, 0
    if not (base.keyed and ours.keyed and theirs.keyed):
        # A key written twice: no key-by-key reading can be trusted, so the front
        # matter is merged as text on its own (the log is still merged by entry).
        merged = merge_lines(*("".join(n.front_lines) for n in (base, ours, theirs)))
        return [*_lines(_ended(merged.text)), "---\n"], merged.conflicts
    lines, conflicts = _merge_keys(base, ours, theirs)
    if not lines or not CLOSING_FENCE.fullmatch(lines[-1].rstrip("\n")):
        lines.append("---\n")  # the side that had no front matter had no closing fence
    return lines, conflicts


def _merge_flag(base: bool, ours: bool, theirs: bool) -> bool:
    return theirs if ours == base else ours


def _ended(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _merge_keys(base: Note, ours: Note, theirs: Note) -> tuple[list[str], int]:
    base_keys, our_keys, their_keys = dict(base.front), dict(ours.front), dict(theirs.front)
    order = [key for key, _ in ours.front]
    order += [key for key, _ in theirs.front if key not in our_keys and key not in base_keys]
    merged: list[str] = []
    conflicts = 0
    for key in order:
        old, mine, other = base_keys.get(key), our_keys.get(key), their_keys.get(key)
        if mine == other or other == old:
            chosen = mine
        elif mine == old:
            chosen = other
        else:
            chosen = _union_of_additions(key, old, mine, other)
            if chosen is None:
                conflicts += 1
                merged += _conflict(mine or [], other or [])
                continue
        merged += chosen or []
    tail = ours.front_tail if theirs.front_tail == base.front_tail else theirs.front_tail
    return merged + tail, conflicts


def _conflict(mine: list[str], other: list[str]) -> list[str]:
    def ended(lines: list[str]) -> list[str]:
        return [line if line.endswith("\n") else line + "\n" for line in lines]

    return [f"<<<<<<< {MARK_OURS}\n", *ended(mine), "=======\n", *ended(other),
            f">>>>>>> {MARK_THEIRS}\n"]  # fmt: skip


def _list_value(key: str, lines: list[str] | None) -> list | None:
    from netnotes.core.frontmatter import FrontMatterError, load_front_matter

    if lines is None:
        return []
    try:
        value = load_front_matter("".join(lines), 1).get(key)
    except FrontMatterError:
        return None
    if value is None:
        return []
    return value if isinstance(value, list) else None


def _union_of_additions(key, old, mine, other) -> list[str] | None:
    """Both sides only added items to a list: the union, in our style. Else None."""
    from netnotes.core.yamltext import yaml_scalar

    if mine is None or other is None:
        return None
    before, ours, theirs = _list_value(key, old), _list_value(key, mine), _list_value(key, other)
    if before is None or ours is None or theirs is None:
        return None
    if any(not isinstance(item, str) for item in [*before, *ours, *theirs]):
        return None
    if not (set(before) <= set(ours) and set(before) <= set(theirs)):
        return None
    union = ours + [item for item in theirs if item not in ours]
    key_at = next(i for i, line in enumerate(mine) if KEY_LINE.match(line))
    comments, key_line = mine[:key_at], mine[key_at]
    # Up to the colon the key pattern found: a quoted key may hold colons of its own.
    head = key_line[: KEY_LINE.match(key_line).end()].rstrip(" \t\n")
    if "[" in key_line[len(head) :]:  # flow style: key: [a, b]
        return [*comments, f"{head} [{', '.join(yaml_scalar(item) for item in union)}]\n"]
    indent = next(
        (line[: len(line) - len(line.lstrip())] for line in mine if line.lstrip().startswith("- ")),
        "  ",
    )
    return [*comments, f"{head}\n", *(f"{indent}- {yaml_scalar(item)}\n" for item in union)]


# -- the log ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Log:
    heading: int  # body line of the Log heading
    entries: list[tuple[int, int, str]]  # (first body line, end, entry text) in file order
    dates: list


def _log_of(note: Note) -> _Log | None:
    text = "".join(note.body)
    section = first_log_section(text, body_only=True)
    if section is None:
        return None
    # Each entry ends at its last non-blank line already (see parse.LogSection).
    entries = [(start, end, "".join(note.body[start:end])) for start, end, _ in section.entries]
    return _Log(section.heading, entries, [day for _, _, day in section.entries])


def _merged_count(base: int, ours: int, theirs: int) -> int:
    """How many times an entry stays, by three-way reasoning on counts.

    Two voicemails logged on purpose with the same words stay two; an entry
    written twice in the base and left alone stays twice. When both sides
    added copies, the larger addition wins (the same entry made on two
    devices is one entry); a removal on either side is kept.
    """
    ours_change, theirs_change = ours - base, theirs - base
    if ours_change >= 0 and theirs_change >= 0:
        return base + max(ours_change, theirs_change)
    if ours_change <= 0 and theirs_change <= 0:
        return base + min(ours_change, theirs_change)
    return max(0, base + ours_change + theirs_change)


def _normal(entry: str) -> str:
    return "\n".join(line.rstrip() for line in entry.rstrip("\n").split("\n"))


def merge_log(
    base: Note, ours: Note, theirs: Note
) -> tuple[list[str], list[str], list[str], list[str]]:
    """The three bodies without their log entries, and the merged entries (in order)."""
    logs = [_log_of(note) for note in (base, ours, theirs)]
    stripped = []
    for note, log in zip((base, ours, theirs), logs, strict=True):
        body = list(note.body)
        if log is not None:
            for start, stop, _ in reversed(log.entries):
                del body[start:stop]
        stripped.append(body)
    counts = [Counter(_normal(text) for _, _, text in log.entries) if log else Counter()
              for log in logs]  # fmt: skip
    wanted = {key: _merged_count(counts[0][key], counts[1][key], counts[2][key])
              for key in counts[0] | counts[1] | counts[2]}  # fmt: skip
    # Our entries in our order, as many times as the merge keeps each; then theirs beyond that.
    keep: list[str] = []
    used: Counter = Counter()
    for _, _, text in logs[1].entries if logs[1] else []:
        key = _normal(text)
        if used[key] < wanted[key]:
            keep.append(text)
            used[key] += 1
    additions = []
    for _, _, text in logs[2].entries if logs[2] else []:
        key = _normal(text)
        if used[key] < wanted[key]:
            additions.append((key, text))
            used[key] += 1
    our_log, their_log = logs[1], logs[2]
    newest_first = not log_is_oldest_first(
        our_log.dates
        if our_log and len(our_log.dates) > 1
        else their_log.dates
        if their_log
        else []
    )
    entries = [(text, _entry_date(text)) for text in keep]
    for _, text in additions:
        day = _entry_date(text)
        entries.insert(_position(entries, day, newest_first), (text, day))
    return stripped[0], stripped[1], stripped[2], [text for text, _ in entries]


_ENTRY_DATE = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+(\d{4}-\d{2}-\d{2})")


def _entry_date(text: str) -> str:
    match = _ENTRY_DATE.match(text)
    return match.group(1) if match else ""


def _position(entries: list[tuple[str, str]], day: str, newest_first: bool) -> int:
    if newest_first:  # above the first entry on or before it
        return next((i for i, (_, other) in enumerate(entries) if other <= day), len(entries))
    # oldest first: below the last entry on or before it
    last = max((i for i, (_, other) in enumerate(entries) if other <= day), default=-1)
    return last + 1


def _insert_entries(body: list[str], entries: list[str], our_log: _Log | None) -> list[str]:
    """Put the merged entries back under the Log heading of the merged body."""
    if not entries:
        return body
    section = first_log_section("".join(body), body_only=True)
    lines = [text if text.endswith("\n") else text + "\n" for text in entries]
    if section is None:
        ending = [] if not body or body[-1].endswith("\n") else ["\n"]
        gap = ["\n"] if body and "".join(body).strip() else []
        return [*body, *ending, *gap, "## Log\n", *lines]
    at = section.heading + 1
    if our_log is not None and our_log.entries:
        gap = our_log.entries[0][0] - our_log.heading - 1  # blank lines we kept before entries
        while gap > 0 and at < len(body) and not body[at].strip():
            at += 1
            gap -= 1
    if at >= len(body) and body and not body[-1].endswith("\n"):
        body = [*body[:-1], body[-1] + "\n"]
    return [*body[:at], *lines, *body[at:]]


# -- tasks -------------------------------------------------------------------------------------

_TASK_LINE = re.compile(r"(\s*(?:[-*+]|\d+[.)])\s+)\[([ xX-])\](.*)")
# No leading `\s*`: tried at every blank of a long run it was quadratic; the key's
# words are re-joined anyway. `[^\[\]]` keeps each `[due::` try to its own bracket.
_TASK_NOISE = re.compile(r"✅\s*\S+|📅\s*\S+|\bdue:\S+|\[due::[^\[\]]*\]")


def _task_key(rest: str) -> str:
    return " ".join(_TASK_NOISE.sub("", rest).split())


def keep_checked_tasks(base: str, ours: str, theirs: str) -> tuple[str, str]:
    """A task ticked on one side is ticked on the other too, before the line merge."""

    def checked(text: str) -> dict[str, str]:
        found = {}
        for line in _lines(text):
            match = _TASK_LINE.match(line)
            if match and match.group(2) in "xX":
                found.setdefault(_task_key(match.group(3)), line)
        return found

    def tick(text: str, done: dict[str, str], states: str) -> str:
        out = []
        for line in _lines(text):
            match = _TASK_LINE.match(line)
            if match and match.group(2) in states and _task_key(match.group(3)) in done:
                ending = line[len(line.rstrip("\n")) :]
                line = done[_task_key(match.group(3))].rstrip("\n") + ending
            out.append(line)
        return "".join(out)

    base_done = checked(base)
    ours_done = {k: v for k, v in checked(ours).items() if k not in base_done}
    theirs_done = {k: v for k, v in checked(theirs).items() if k not in base_done}
    # Ticked on both sides (on different days, say): our line wins, so no conflict.
    return tick(ours, theirs_done, " "), tick(theirs, ours_done, " xX")


# -- the whole note -------------------------------------------------------------------------------


def merge_notes(base: str, ours: str, theirs: str) -> MergeResult:
    """Three-way merge of a contact note. Line endings and BOM follow `ours`."""
    bom = BOM if ours.startswith(BOM) else ""
    crlf = "\r\n" in ours
    cr_only = not crlf and "\r" in ours and "\n" not in ours
    if any("\0" in text for text in (base, ours, theirs)):
        # Not text, whatever its name: keep ours and report a conflict, as git does.
        return MergeResult(ours, 1)
    texts = [
        text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
        for text in (base, ours, theirs)
    ]
    try:
        ours_text, theirs_text = keep_checked_tasks(*texts)
        notes = [split_note(text) for text in (texts[0], ours_text, theirs_text)]
        front, front_conflicts = merge_front(*notes)
        bodies = merge_log(*notes)
        merged_body = merge_lines("".join(bodies[0]), "".join(bodies[1]), "".join(bodies[2]))
        body = _insert_entries(_lines(merged_body.text), bodies[3], _log_of(notes[1]))
        text = ("" if front is None else "---\n" + "".join(front)) + "".join(body)
        conflicts = front_conflicts + merged_body.conflicts
    except NotANote:
        plain = merge_lines(*texts)
        text, conflicts = plain.text, plain.conflicts
    if crlf or cr_only:
        text = text.replace("\n", "\r\n" if crlf else "\r")
    return MergeResult(bom + text, conflicts)


def run_driver(base_path: str, ours_path: str, theirs_path: str) -> int:
    """What git calls: merge into `ours_path`; 0 when clean, 1 with conflict markers."""
    paths = (base_path, ours_path, theirs_path)
    raw = [Path(path).read_bytes() for path in paths]
    try:
        base, ours, theirs = (data.decode("utf-8") for data in raw)
    except UnicodeDecodeError:
        completed = subprocess.run(
            ["git", "merge-file", "-L", MARK_OURS, "-L", MARK_BASE, "-L", MARK_THEIRS,
             ours_path, base_path, theirs_path],
            check=False,
        )  # fmt: skip
        return 0 if completed.returncode == 0 else 1
    result = merge_notes(base, ours, theirs)
    from netnotes.store.writer import atomic_write

    atomic_write(Path(ours_path), result.text.encode("utf-8"))
    return 0 if result.conflicts == 0 else 1


def add_log_entries(ours: str, theirs: str) -> tuple[str, str, int]:
    """(`ours` with every log entry of `theirs` it lacks, in its log's date order; the rest
    of `theirs`' body without its entries; how many entries were added).

    A merge of two notes that share no history, with this driver's entry logic: an
    entry both hold is kept once. Texts have LF endings.
    """
    notes = [split_note(text) for text in ("", ours, theirs)]
    _, ours_body, theirs_body, entries = merge_log(*notes)
    our_log = _log_of(notes[1])
    body = _insert_entries(ours_body, entries, our_log)
    prefix = ours[: len(ours) - len("".join(notes[1].body))]
    added = len(entries) - (len(our_log.entries) if our_log else 0)
    return prefix + "".join(body), "".join(theirs_body), added
