"""Input nobody on this project wrote: the CommonMark spec examples and odd front matter."""

from __future__ import annotations

import json
import re

import pytest

from netnotes.core.parse import parse_note

DATE = "2026-01-02"


def commonmark_examples(corpus):
    return json.loads((corpus / "commonmark" / "commonmark.json").read_text(encoding="utf-8"))


def log_note(markdown: str) -> bytes:
    return f"---\nname: Spec\n---\n# Log\n\n{markdown}".encode()


def test_every_commonmark_example_as_a_log_body_parses_and_invents_no_entry(corpus):
    examples = commonmark_examples(corpus)
    assert len(examples) == 652
    for example in examples:
        contact, _ = parse_note("contacts/spec.md", log_note(example["markdown"]))
        assert contact is not None, example["example"]
        # No example holds an ISO date, so nothing may come out as an interaction.
        assert contact.interactions == (), example["example"]


# Raw HTML in an example passes into the expected HTML untouched; such examples
# cannot serve as an oracle for list items and headings.
_RAW_STRUCTURE = re.compile(r"<\s*/?\s*(li|h[1-6]|blockquote|ul|ol)\b", re.IGNORECASE)
_TAG = re.compile(
    rf"<blockquote>|</blockquote>|<li>\s*(?:<p>)?{DATE}(?=[\s<]|$)|<h([1-6])>{DATE}(?=[\s<]|$)|<h1>"
)


def expected_from_html(html: str) -> tuple[int, int]:
    """(dated list items before the first top-level h1, dated headings), outside quotes."""
    depth = 0
    entries = headings = 0
    in_log = True
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
            if tag.startswith("<h1>"):
                in_log = False  # a level-1 heading ends the "# Log" section
            if match.group(1):
                headings += 1
    return entries, headings


def test_only_list_items_that_begin_with_a_date_count_as_interactions(corpus):
    """Put a date where every example says "foo"; the spec's HTML says what must count."""
    checked = with_entries = 0
    for example in commonmark_examples(corpus):
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
    assert checked > 300
    assert with_entries > 20  # the oracle really exercised list items


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


def test_every_front_matter_corpus_file_loads_or_gives_path_line_problems(corpus):
    for path in sorted((corpus / "frontmatter").iterdir()):
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
        ("no-frontmatter.txt", "no-frontmatter", 1),
        ("unpretty.md", "unpretty", None),
    ],
)
def test_front_matter_corpus_specifics(corpus, name, expected_name, warning_line):
    contact, problems = parse_note(f"contacts/{name}", (corpus / "frontmatter" / name).read_bytes())
    assert contact.name == expected_name
    assert [p.line for p in problems if p.severity == "warning"] == (
        [warning_line] if warning_line else []
    )
    assert [p for p in problems if p.severity == "error"] == []
