"""Block structures of our own, in the spirit of the CommonMark spec's examples, for the
tests that use the spec (tests/test_blocks.py, tests/test_corpus.py) to run without
../shared/corpus too. Each says "foo" where a test may put a date. The expected HTML is
markdown-it-py's (a CommonMark implementation, and a dependency): `html(markdown)`."""

from __future__ import annotations

EXAMPLES = [
    "- foo\n- bar\n",
    "- foo\n\n- bar\n",
    "* foo\n+ bar\n- baz\n",
    "1. foo\n2. bar\n",
    "1) foo\n   - bar\n",
    "- a\n  - foo\n    - b\n",
    "-   foo\n\n    continued\n",
    "- foo\nlazy continuation\n",
    "- \n  foo\n",
    "-foo\n",
    "  - foo\n",
    "    - foo\n",
    "\t- foo\n",
    "- foo\n- [link](foo)\n",
    "> - foo\n> - bar\n",
    "> foo\n- bar\n",
    "```\n- foo\n```\n",
    "~~~md\n- foo\n~~~\n- foo\n",
    "    - foo in code\n",
    "<div>\n- foo\n</div>\n",
    "<!--\n- foo\n-->\n- foo\n",
    "# foo\n",
    "## foo bar\n",
    "### foo\n- foo\n",
    "foo\n===\n",
    "foo\n---\n",
    "#foo\n",
    "#\tfoo\n",
    "\\- foo\n",
    "- foo\n***\n- foo\n",
    "- foo\n\n\n- foo\n",
    "1. foo\n\n   - foo\n\n2. foo\n",
    "- # foo\n",
    "> # foo\n",
    "foo\n\n- bar\n  foo\n",
    "foo\n- bar\n",
    "- foo\n  ```\n  - foo\n  ```\n",
    "* * *\n- foo\n",
    "- foo\n      indented\n",
    "10. foo\n",
    "1234567890. foo\n",
    "[foo]: /url\n- foo\n",
    "- foo  \n  bar\n",
    "- foo\n  bar\n",
]


def html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(markdown)


def examples() -> list[dict]:
    """As the spec's JSON has them: {example, markdown, html}."""
    return [
        {"example": number, "markdown": markdown, "html": html(markdown)}
        for number, markdown in enumerate(EXAMPLES, start=1)
    ]
