"""A fuzz run over the whole pipeline: parse, cache codec, rules, the three renderers, `show`,
and the edit functions, on generated hostile notes. Nothing may raise.

Marked `slow`: CI runs it with a modest example count; for a long run,
`NETNOTES_FUZZ_EXAMPLES=5000 python -m pytest -m slow`.
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.app.views import contact_document, render_card
from netnotes.core.config import Config
from netnotes.core.model import Severity, TaskState
from netnotes.core.parse import parse_note
from netnotes.core.render import Digest, render_digest_json, render_markdown, render_text
from netnotes.core.rules import combine, contact_items, make_context
from netnotes.store import codec
from netnotes.store.edit import EditRefused, add_log_entry, check_off_task, set_key

EXAMPLES = int(os.environ.get("NETNOTES_FUZZ_EXAMPLES", "300"))
TODAYS = (date(2026, 11, 21), date(9999, 12, 31), date(1, 1, 1))

_words = st.text(max_size=12)  # any character but surrogates: controls, bidi, NUL included
_dates = st.sampled_from(
    [
        "2026-11-21",
        "2026-02-30",
        "9999-12-31",
        "0001-01-01",
        "[[2026-11-19]]",
        "2026/11/19",
        "11-24",
        "--02-29",
        "13-45",
        "",
        "1990-11-25T00:00:00",
    ]
)
_front_line = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(
        ["name", "cadence", "birthday", "met", "last_contact", "follow_up", "snooze", "archived",
         "tags", "aliases", "emails", "company", "Name", "x"]),
        st.one_of(_dates, _words.map(json.dumps), st.sampled_from(
            ["1 week", "10000 years", "0d", "none", "[a, b]", "!!timestamp 2026-02-30",
             "!!float x", "!!int 1a", "!!binary aGk=", "!!set {a}", "&a x", "*a", "yes", "~",
             "|\n  block", "[" * 80, "{a: [b, {c: d}]}", '"\\e[2J"', "[[Flywheel]]", "#tag"]))),
    st.sampled_from(["# comment", "  indented: x", "- item", "? complex", "...", "", "\t"]),
    _words,
)  # fmt: skip
_body_line = st.one_of(
    st.sampled_from(["## Log", "## Interactions", "### 2026-10-01 Coffee", "# Title", "```", "> q",
                     "    code", "<div>", "---", "***", "1. one", "  - nested", "", "<<<<<<< ours",
                     "=======", ">>>>>>> theirs", "| a | b |"]),
    st.builds(lambda d, a, k, t: f"- {d} {a}{k}{t}", _dates, st.sampled_from(["", "-> ", "<- "]),
              st.sampled_from(["", "coffee: ", "email: "]), _words),
    st.builds(lambda m, t, d: f"- [{m}] {t} {d}", st.sampled_from([" ", "x", "-", "/"]), _words,
              st.sampled_from(["", "📅 2026-11-25", "due:2026-02-30", "[due:: 2026-11-25]",
                               "[due:: " * 50, "✅ 2026-11-01", "📅 9999-12-31"])),
    _words,
)  # fmt: skip


@st.composite
def notes(draw, front_line=_front_line, body_line=_body_line) -> bytes:
    """A note's bytes: front matter (or none, or unclosed) and body lines, any line ending,
    with or without a BOM. Other line strategies make other files (templates)."""
    front = draw(st.lists(front_line, max_size=8))
    body = draw(st.lists(body_line, max_size=14))
    opened = draw(st.sampled_from(["---", "---", "", "----"]))
    closed = draw(st.sampled_from(["---", "---", "...", ""]))
    lines = ([opened, *front, closed] if opened else []) + body
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(lines) + draw(st.sampled_from([ending, ""]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + text.encode("utf-8")


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(notes())
def test_the_whole_pipeline_never_raises_on_generated_notes(data):
    path = "contacts/fuzz.md"
    contact, problems = parse_note(path, data)
    assert parse_note(path, data, fast=False)[0] == contact  # the fast scanner agrees
    assert codec.decode(codec.encode(contact, problems)) == (contact, tuple(problems))
    config = Config()
    for today in TODAYS:
        context = make_context(today, config)
        per_contact = [contact_items(contact, context)] if contact else []
        digest = Digest(today, 7, combine(per_contact, context), problems)
        render_markdown(digest)
        render_text(digest, width=60)
        json.loads(render_digest_json(digest))
        if contact:
            render_card(contact_document(contact, today, config, everything=True), today)
    for problem in problems:
        assert "\n" not in problem.format()
    text = data.decode("utf-8", "replace")
    edits = [
        lambda t: add_log_entry(t, date(2026, 11, 21), "2026-11-21 x")[0],
        lambda t: set_key(t, "snooze", "2026-12-01"),
        lambda t: set_key(t, "snooze", None),
    ]
    if contact:
        edits += [
            lambda t, line=task.line: check_off_task(t, line, date(2026, 11, 21))
            for task in contact.tasks
            if task.state is TaskState.OPEN
        ]
    trusted = not any(p.severity is Severity.ERROR for p in problems)
    for edit in edits:
        try:
            new = edit(text)
        except EditRefused:
            continue
        after, new_problems = parse_note(path, new.encode("utf-8"))
        if trusted and contact is not None:  # an edit of a sound note leaves it sound
            assert after is not None, (text, new, new_problems)
