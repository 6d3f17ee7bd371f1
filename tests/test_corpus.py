"""Input nobody on this project wrote: the CommonMark spec examples and odd front matter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netnotes.core.parse import parse_note

DATE = "2026-01-02"


def commonmark_examples(corpus):
    return json.loads((corpus / "commonmark" / "commonmark.json").read_text(encoding="utf-8"))


@pytest.fixture(params=["ours", "spec"])
def markdown_cases(request) -> tuple[list[dict], int]:
    """(examples, how many must be checked): our own (tests/markdown_examples.py, always),
    and the CommonMark spec's 652 (only with ../shared/corpus)."""
    if request.param == "ours":
        from .markdown_examples import examples

        return examples(), 30
    return commonmark_examples(request.getfixturevalue("corpus")), 300


def log_note(markdown: str) -> bytes:
    return f"---\nname: Spec\n---\n# Log\n\n{markdown}".encode()


def test_every_commonmark_example_as_a_log_body_parses_and_invents_no_entry(markdown_cases):
    examples, least = markdown_cases
    assert len(examples) > least
    for example in examples:
        contact, _ = parse_note("contacts/spec.md", log_note(example["markdown"]))
        assert contact is not None, example["example"]
        # No example holds an ISO date, so nothing may come out as an interaction.
        assert contact.interactions == (), example["example"]


# Raw HTML in an example passes into the expected HTML untouched; such examples
# cannot serve as an oracle for list items and headings.
_RAW_STRUCTURE = re.compile(r"<\s*/?\s*(li|h[1-6]|blockquote|ul|ol)\b", re.IGNORECASE)
_TAG = re.compile(
    rf"<blockquote>|</blockquote>|<li>\s*(?:<p>)?{DATE}(?=[\s<]|$)|<h([1-6])>({DATE}(?=[\s<]|$))?"
)


def expected_from_html(html: str) -> tuple[int, int]:
    """(dated list items before the first top-level h1, dated headings that count), outside
    quotes. A dated heading counts under the "# Log" heading, or when nothing but level-1
    headings stand above it (issue 12: a date in another section is a story, not contact)."""
    depth = 0
    entries = headings = 0
    in_log = True  # under the note's "# Log" heading, until the next level-1 heading
    above: list[int] = []  # levels of the headings above, as the parser tracks them
    for match in _TAG.finditer(html):
        tag = match.group(0)
        if tag == "<blockquote>":
            depth += 1
        elif tag == "</blockquote>":
            depth -= 1
        elif depth:
            continue
        elif tag.startswith("<li>"):
            entries += in_log
        else:
            level = int(match.group(1))
            if level == 1:
                in_log = False  # a level-1 heading ends the "# Log" section
            while above and above[-1] >= level:
                above.pop()
            dated = match.group(2) is not None
            headings += dated and (in_log or all(up == 1 for up in above))
            above.append(level)
    return entries, headings


def test_only_list_items_that_begin_with_a_date_count_as_interactions(markdown_cases):
    """Put a date where every example says "foo"; the spec's HTML says what must count."""
    examples, least = markdown_cases
    checked = with_entries = 0
    for example in examples:
        markdown, html = example["markdown"], example["html"]
        if "foo" not in markdown or _RAW_STRUCTURE.search(markdown):
            continue
        contact, _ = parse_note("contacts/spec.md", log_note(markdown.replace("foo", DATE)))
        entries = [e for e in contact.interactions if not e.from_heading]
        headings = [e for e in contact.interactions if e.from_heading]
        expected = expected_from_html(html.replace("foo", DATE))
        assert (len(entries), len(headings)) == expected, (example["example"], markdown)
        checked += 1
        with_entries += bool(entries)
    assert checked > least
    assert with_entries > least // 15  # the oracle really exercised list items


def test_task_list_fixtures_from_markdown_it(corpus):
    text = (corpus / "commonmark" / "tasklists.md").read_text(encoding="utf-8")
    cases = re.findall(
        r"^([^\n.][^\n]*)\n\.\n(.*?)\n\.\n(.*?)\n\.\n", text, re.DOTALL | re.MULTILINE
    )
    assert cases
    for title, markdown, html in cases:
        contact, _ = parse_note("contacts/t.md", f"---\nname: T\n---\n{markdown}\n".encode())
        expected = html.count('class="task-list-item"')
        assert len(contact.tasks) == expected, title
        checked = html.count('checked=""')
        assert sum(task.state.value == "done" for task in contact.tasks) == checked, title


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(params=["ours", "corpus"])
def front_matter_files(request) -> list[Path]:
    """Odd front matter: our own files (tests/fixtures/frontmatter), and the corpus's."""
    if request.param == "ours":
        return sorted((FIXTURES / "frontmatter").iterdir())
    return sorted((request.getfixturevalue("corpus") / "frontmatter").iterdir())


def test_every_front_matter_corpus_file_loads_or_gives_path_line_problems(front_matter_files):
    assert len(front_matter_files) >= 7
    for path in front_matter_files:
        relative = f"contacts/{path.name}"
        contact, problems = parse_note(relative, path.read_bytes())
        if contact is None:
            assert problems, path.name
        for problem in problems:
            assert problem.path == relative
            assert problem.format().startswith(f"{relative}:") or problem.line is None


@pytest.mark.parametrize(
    ("name", "expected_name", "warning_line"),
    [
        ("chinese.txt", "chinese", None),
        ("empty-frontmatter.txt", "empty-frontmatter", None),
        ("extra-dash.txt", "extra-dash", 1),
        ("extra-space.txt", "extra-space", None),
        ("hello-markdown.md", "Title", None),
        ("no-frontmatter.txt", "no-frontmatter", None),  # a stub: no warning
        ("unpretty.md", "unpretty", None),
    ],
)
def test_front_matter_corpus_specifics(corpus, name, expected_name, warning_line):
    check_front_matter(corpus / "frontmatter" / name, expected_name, warning_line)


@pytest.mark.parametrize(
    ("name", "expected_name", "warning_line"),
    [
        ("han.txt", "张伟", None),  # no name key: the title heading names the person
        ("nothing-in-it.txt", "nothing-in-it", None),
        ("four-dashes.txt", "four-dashes", 1),
        ("spaced-fence.txt", "spaced-fence", None),
        ("named.md", "Title Case Person", None),
        ("no-fence.txt", "no-fence", None),  # a stub: no warning
        ("nested.md", "nested", None),
    ],
)
def test_front_matter_fixture_specifics(name, expected_name, warning_line):
    check_front_matter(FIXTURES / "frontmatter" / name, expected_name, warning_line)


def check_front_matter(path: Path, expected_name: str, warning_line: int | None) -> None:
    name = path.name
    contact, problems = parse_note(f"contacts/{name}", path.read_bytes())
    assert contact.name == expected_name
    assert [p.line for p in problems if p.severity == "warning"] == (
        [warning_line] if warning_line else []
    )
    assert [p for p in problems if p.severity == "error"] == []


# -- the Tasks plugin's own test notes and format samples (issue 12) ------------------------

_TASK_LINE = re.compile(r"^\s*(?:>\s?)*\s*(?:[-*+]|\d+[.)])\s+\[(.)\]\s")
# The Tasks plugin's due and scheduled fields, emoji and Dataview forms, read independently
# of the parser's own patterns: the date that follows the marker.
_DUE_MARK = re.compile(r"(?:📅|📆|🗓️?)\s*(\d{4}-\d{2}-\d{2})|[\[(]due::\s*(\d{4}-\d{2}-\d{2})")
_SCHEDULED_MARK = re.compile(r"⏳\s*(\d{4}-\d{2}-\d{2})|[\[(]scheduled::\s*(\d{4}-\d{2}-\d{2})")
_PRIORITY_MARK = {"🔺": 0, "⏫": 1, "🔼": 2, "🔽": 4, "⏬": 5, "[priority:: highest]": 0,
                  "[priority:: high]": 1, "[priority:: medium]": 2, "[priority:: low]": 4,
                  "[priority:: lowest]": 5}  # fmt: skip
_PRIORITY_MARK |= {f"({mark[1:-1]})": rank for mark, rank in _PRIORITY_MARK.items()
                   if mark.startswith("[")}  # Dataview's (key:: value) form too  # fmt: skip


@pytest.fixture(params=["ours", "corpus"])
def tasks_notes(request) -> tuple[list[Path], int, int]:
    """(notes, tasks at least, dated tasks at least): our own note of every documented
    format (tests/fixtures/tasks), and the Tasks plugin's own test notes (the corpus)."""
    if request.param == "ours":
        return sorted((FIXTURES / "tasks").glob("*.md")), 24, 10
    folder = request.getfixturevalue("corpus") / "obsidian-tasks"
    notes = sorted([*folder.glob("test-data/*.md"), *folder.glob("Formats/*.md")])
    assert len(notes) > 60
    return notes, 250, 8  # 263 tasks, 8 with a due or scheduled date


def task_lines(text: str) -> dict[int, str]:
    """{1-based line: text} of every task line Obsidian shows: outside fenced code, HTML
    comments (`<!--` ... `-->`) and Obsidian comments (`%%` ... `%%`)."""
    found, hidden_by = {}, None
    for number, line in enumerate(text.split("\n"), start=1):
        bare = line.lstrip("> ")
        if hidden_by is None:
            for opening, closing in (("```", "```"), ("<!--", "-->"), ("%%", "%%")):
                if bare.startswith(opening) and closing not in bare[len(opening) :]:
                    hidden_by = closing
                    break
            else:
                if _TASK_LINE.match(line):
                    found[number] = line
        elif closing_of(hidden_by, bare):
            hidden_by = None
    return found


def closing_of(closing: str, line: str) -> bool:
    return line.startswith(closing) if closing == "```" else closing in line


def test_every_tasks_plugin_note_reads_with_no_error(tasks_notes):
    for path in tasks_notes[0]:
        _, problems = parse_note(f"contacts/{path.name}", path.read_bytes())
        errors = [p.format() for p in problems if p.severity.value == "error"]
        assert errors == [], path.name


def test_every_task_and_its_dates_and_priority_agree_with_the_tasks_plugin(tasks_notes):
    """Each task line the plugin sees is a task here, on the same line, with the same due
    and scheduled dates and priority (its documented formats: emoji and Dataview)."""
    from datetime import date

    notes, least, least_dated = tasks_notes
    checked = dated = 0
    for path in notes:
        text = path.read_text(encoding="utf-8")
        contact, _ = parse_note(f"contacts/{path.name}", text.encode())
        expected = task_lines(text)
        read = {task.line: task for task in contact.tasks}
        assert sorted(read) == sorted(expected), path.name
        for line, raw in expected.items():
            task = read[line]
            due, scheduled = _DUE_MARK.search(raw), _SCHEDULED_MARK.search(raw)
            assert task.due == (due and date.fromisoformat(due.group(1) or due.group(2))), raw
            assert task.scheduled == (
                scheduled and date.fromisoformat(scheduled.group(1) or scheduled.group(2))
            ), raw
            marks = [rank for mark, rank in _PRIORITY_MARK.items() if mark in raw]
            assert task.priority == (marks[0] if marks else 3), raw
            status = _TASK_LINE.match(raw).group(1)
            state = {"x": "done", "X": "done", "-": "cancelled"}.get(status, "open")
            assert task.state.value == state, raw
            checked += 1
            dated += bool(due or scheduled)
    assert checked >= least and dated >= least_dated
