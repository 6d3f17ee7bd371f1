"""Items and problems → Markdown, terminal text or JSON. Pure and deterministic.

The same items and the same `today` always give the same bytes: no clock,
no locale, no dict-order accidents, so a committed digest changes only when
the index does.
"""

from __future__ import annotations

import functools
import json
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring as _json_string
from urllib.parse import quote

from netnotes.core.identity import is_duplicate
from netnotes.core.model import Item, Problem, Severity, Status
from netnotes.core.safetext import markdown_text, printable, printable_path

JSON_VERSION = 1
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
GROUPS = (
    (Status.OVERDUE, "Overdue"),
    (Status.TODAY, "Today"),
    (Status.UPCOMING, "Upcoming"),
    (Status.SUGGESTED, "Reconnect"),
)


@dataclass(frozen=True, slots=True)
class Digest:
    today: date
    horizon_days: int
    items: Sequence[Item]
    problems: Sequence[Problem]

    def grouped(self) -> list[tuple[str, list[Item]]]:
        return [
            (title, members)
            for status, title in GROUPS
            if (members := [item for item in self.items if item.status is status])
        ]

    def summary(self) -> str:
        counts = {status: 0 for status, _ in GROUPS}
        for item in self.items:
            counts[item.status] += 1
        parts = [
            f"{counts[Status.OVERDUE]} overdue",
            f"{counts[Status.TODAY]} today",
            f"{counts[Status.UPCOMING]} upcoming",
            f"{counts[Status.SUGGESTED]} to reconnect",
        ]
        if self.problems:
            count = len(self.problems)
            parts.append(f"{count} problem{'' if count == 1 else 's'}")
        return " · ".join(parts)


def at_a_glance(problems: Sequence[Problem]) -> tuple[list[Problem], list[str]]:
    """What a person reading the digest is shown of the vault's problems: each error (a
    note left out, a value not read) by itself, and the warnings as a count with the
    command that lists them, so 150 of them never bury what is due. JSON keeps them all."""
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    duplicates = sum(is_duplicate(p) for p in problems if p.severity is not Severity.ERROR)
    others = len(problems) - len(errors) - duplicates
    lines = []
    if others:
        lines.append(f"{others} warning{'' if others == 1 else 's'}: `netnotes check` lists them")
    if duplicates:
        lines.append(
            f"{duplicates} note{' shares' if duplicates == 1 else 's share'} a name or e-mail "
            "with another: `netnotes dupes` lists them (`not_same_as:` tells two people apart)"
        )
    return errors, lines


def day_label(day: date, today: date) -> str:
    label = f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"
    late = (today - day).days
    if late > 0:
        label += f" ({late} day{'' if late == 1 else 's'} late)"
    return label


# -- Markdown -----------------------------------------------------------------


def render_markdown(digest: Digest, link_from: str = "", memo: dict | None = None) -> str:
    """The digest as Markdown; links are relative to the folder `link_from` (vault-relative).

    `memo`: a dict the caller keeps between renders of the same day and `link_from`
    (the watcher), so an item rendered before is not rendered again.
    """
    memo = {} if memo is None else memo

    def link(label: str, path: str) -> str:
        return f"[{markdown_text(label)}]({_link_target(path, link_from)})"

    lines = [f"# Due on {digest.today.isoformat()}", "", digest.summary(), ""]
    if digest.problems:
        lines += ["## Problems", ""]
        errors, counted = at_a_glance(digest.problems)
        for problem in errors:
            where = printable_path(problem.path)
            where = where if problem.line is None else f"{where}:{problem.line}"
            message = markdown_text(problem.message)
            lines.append(f"- {link(where, problem.path)}: {problem.severity}: {message}")
        lines += [f"- {line}" for line in counted]
        lines.append("")
    for title, members in digest.grouped():
        lines += [f"## {title}", ""]
        for item in members:
            line = memo.get(item)
            if line is None:
                when = (
                    ""
                    if item.status is Status.SUGGESTED
                    else f"**{day_label(item.due, digest.today)}** · "
                )
                line = f"- {when}{link(item.contact, item.path)} — {markdown_text(item.text)}"
                if item.context:
                    line += f" ({markdown_text(item.context)})"
                if item.source:  # recorded in a meeting or daily note: link to it too
                    line += f" ({link(posixpath.basename(item.source)[:-3], item.source)})"
                memo[item] = line
            lines.append(line)
        lines.append("")
    if not digest.items:
        lines += ["Nothing due. Your network is in good shape.", ""]
    return "\n".join(lines)


# -- terminal text ------------------------------------------------------------

_STATUS_COLOURS = {
    Status.OVERDUE: "red",
    Status.TODAY: "yellow",
    Status.UPCOMING: "cyan",
    Status.SUGGESTED: "magenta",
}


def render_text(
    digest: Digest, style: Callable[..., str] | None = None, width: int | None = None
) -> str:
    """For a terminal. `style` is click.style when colour is wanted, else nothing is styled.

    With `width`, each item's text is shortened (ending in …) so its line fits.
    Everything from a note is stripped of control characters first.
    """
    paint = style or (lambda text, **_: text)
    lines = [paint(f"Due on {digest.today.isoformat()}", bold=True) + f" — {digest.summary()}"]
    if digest.problems:
        lines += ["", paint("Problems", bold=True)]
        errors, counted = at_a_glance(digest.problems)
        for problem in errors:
            lines.append("  " + paint(_problem_line(problem), fg="red"))
        lines += ["  " + paint(line.replace("`", ""), fg="yellow") for line in counted]
    names = {id(item): printable(item.contact) for item in digest.items}
    name_width = max(map(len, names.values()), default=0)
    when_width = max((len(day_label(item.due, digest.today)) for item in digest.items), default=0)
    for title, members in digest.grouped():
        lines += ["", paint(title, bold=True, fg=_STATUS_COLOURS[members[0].status])]
        for item in members:
            where = printable_path(item.where)
            where = where if item.line is None else f"{where}:{item.line}"
            when = "" if item.status is Status.SUGGESTED else day_label(item.due, digest.today)
            when = when.ljust(when_width) + "  " if when else ""
            head = f"  {when}{names[id(item)].ljust(name_width)}  "
            text = printable(item.text)
            if item.context:
                text += f" ({printable(item.context)})"
            if width is not None:
                room = width - len(head) - len(where) - 2
                text = _shorten(text, max(room, 1))  # the width is a promise: at worst, "…"
            lines.append(f"{head}{text}  " + paint(where, dim=True))
    if not digest.items:
        lines += ["", "Nothing due. Your network is in good shape."]
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=200_000)
def _link_target(path: str, link_from: str) -> str:
    """`path` relative to the folder `link_from`, URL-quoted. Remembered: relpath and quote
    cost more than the rest of a line, and a watcher renders the same paths on every save.
    From the vault's root (the digest's usual place) a vault-relative path, which is
    always normalised, is its own relative path: relpath, which asks for the working
    folder each time, is skipped (0.9 s of 40,000 lines at 50,000 notes)."""
    if not link_from:
        return quote(path, safe="/")
    return quote(posixpath.relpath(path, link_from), safe="/")


def _problem_line(problem: Problem) -> str:
    where = printable_path(problem.path)
    where = where if problem.line is None else f"{where}:{problem.line}"
    return f"{where}: {problem.severity}: {printable(problem.message)}"


def _shorten(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


# -- JSON ---------------------------------------------------------------------


def digest_document(digest: Digest) -> dict:
    return {
        "version": JSON_VERSION,
        "today": digest.today.isoformat(),
        "horizon_days": digest.horizon_days,
        "items": [
            {
                "kind": str(item.kind),
                "status": str(item.status),
                "due": item.due.isoformat(),
                "contact": item.contact,
                "path": item.path,
                "line": None if item.source else item.line,
                "text": item.text,
                **({"source": {"path": item.source, "line": item.line}} if item.source else {}),
                **({"context": item.context} if item.context else {}),
            }
            for item in digest.items
        ],
        "problems": [problem_document(problem) for problem in digest.problems],
    }


def problem_document(problem: Problem) -> dict:
    return {
        "path": problem.path,
        "line": problem.line,
        "severity": str(problem.severity),
        "message": problem.message,
    }


def render_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_digest_json(digest: Digest) -> str:
    """`digest_document` as JSON, one item (and one problem) per line, as in the brief.

    A line per item keeps diffs of a saved digest readable. Items are written
    by hand (a 10,000-contact vault has thousands): the fixed keys and enum
    values need no escaping, and the strings go through the C escaper.
    """
    lines = [
        "{",
        f'  "version": {JSON_VERSION},',
        f'  "today": "{digest.today.isoformat()}",',
        f'  "horizon_days": {digest.horizon_days},',
    ]
    for key, entries in (
        ("items", [_item_json(item) for item in digest.items]),
        (
            "problems",
            [json.dumps(problem_document(p), ensure_ascii=False) for p in digest.problems],
        ),
    ):
        if entries:
            lines += [f'  "{key}": [', *(f"    {entry}," for entry in entries)]
            lines[-1] = lines[-1][:-1]
            lines.append("  ],")
        else:
            lines.append(f'  "{key}": [],')
    lines[-1] = lines[-1][:-1]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _item_json(item: Item) -> str:
    """`digest_document`'s item, written directly. An item recorded in another note (a
    meeting or daily note) has no line in the contact's and names that note in `source`."""
    line = "null" if item.line is None or item.source else item.line
    source = ""
    if item.source:
        where = "null" if item.line is None else item.line
        source = f', "source": {{"path": {_json_string(item.source)}, "line": {where}}}'
    if item.context:
        source += f', "context": {_json_string(item.context)}'
    return (
        f'{{"kind": "{item.kind.value}", "status": "{item.status.value}", '
        f'"due": "{item.due.isoformat()}", "contact": {_json_string(item.contact)}, '
        f'"path": {_json_string(item.path)}, "line": {line}, "text": {_json_string(item.text)}'
        f"{source}}}"
    )
