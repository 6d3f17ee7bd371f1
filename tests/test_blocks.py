"""The fast scanner gives what markdown-it gives, or steps aside.

Differential tests: every note is parsed twice, with the fast scanner and
with markdown-it only, and the contacts (interactions, tasks, line numbers)
and problems must be equal.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import note as generated_note
from netnotes.core.blocks import fast_blocks
from netnotes.core.frontmatter import split_front_matter
from netnotes.core.parse import parse_note

from .conftest import EXAMPLE_VAULT


def both(text: str):
    data = text.encode("utf-8")
    return parse_note("contacts/x.md", data, fast=True), parse_note(
        "contacts/x.md", data, fast=False
    )


def takes_fast_path(text: str) -> bool:
    return fast_blocks(split_front_matter(text).body.split("\n")) is not None


@pytest.fixture(params=["ours", "spec"])
def markdown_cases(request) -> tuple[list[dict], int]:
    """(examples, how many must take the fast path): our own, always; the spec's with
    ../shared/corpus."""
    if request.param == "ours":
        from .markdown_examples import examples

        return examples(), 30
    corpus = request.getfixturevalue("corpus")
    text = (corpus / "commonmark" / "commonmark.json").read_text(encoding="utf-8")
    return json.loads(text), 300


def test_the_commonmark_examples_agree_or_step_aside(markdown_cases):
    examples, least = markdown_cases
    fast = 0
    for example in examples:
        for markdown in (example["markdown"], example["markdown"].replace("foo", "2026-01-02")):
            for heading in ("# Log", "## Log", "Log\n==="):
                text = f"---\nname: Spec\n---\n{heading}\n\n{markdown}"
                quick, exact = both(text)
                assert quick == exact, (example["example"], markdown)
                fast += takes_fast_path(text)
    assert fast > least  # the fast path really was exercised


def test_the_example_vault_takes_the_fast_path_and_agrees():
    notes = sorted((EXAMPLE_VAULT / "contacts").rglob("*.md"))
    assert notes
    for path in notes:
        text = path.read_text(encoding="utf-8")
        assert takes_fast_path(text), path.name
        quick, exact = both(text)
        assert quick == exact, path.name


def test_generated_benchmark_notes_take_the_fast_path_and_agree():
    rng = random.Random(3)
    fast = 0
    for number in range(300):
        text = generated_note(rng, number, 20, broken=False)
        quick, exact = both(text)
        assert quick == exact
        fast += takes_fast_path(text)
    assert fast >= 285


_LINES = st.sampled_from([
    "", "", "  ", "## Log", "# Log", "### Log ###", "## Notes", "# Ana #", "#", "## 2026-10-01 Coffee",
    "- 2026-11-01 -> email: hi", "- 2026-11-02 call", "* 2026-11-03 <- x", "+ 2026-11-04 lunch: y",
    "- [ ] task 📅 2026-11-25", "- [x] done ✅ 2026-11-01", "- [-] dropped", "- plain item",
    "  continued line", "    deeper continuation", "lazy continuation", "Plain paragraph.",
    "2026-11-05 not a list item", "  - nested 2026-11-06 item", "1. ordered", "> quoted",
    "```", "~~~", "    code", "<div>", "---", "***", "===", "- - -", "[ref]: /url", "[x] text",
    "-no space", "-  two spaces", "\tTabbed", "#hashtag", "- 2026-02-30 bad date", "* * *",
    "- # heading in item", "- > quote in item", "- [ ]", "###### six", "####### seven",
])  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_LINES, max_size=14), st.sampled_from(["\n", "\r\n"]))
def test_generated_bodies_agree(lines, newline):
    text = newline.join(["---", "name: Ana", "---", *lines]) + newline
    quick, exact = both(text)
    assert quick == exact
