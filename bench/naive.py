"""The naive baseline: python-frontmatter plus a full markdown-it parse of every note.

    python -m bench.naive VAULT

What a first implementation would do: load each note with python-frontmatter,
parse the body with markdown-it's CommonMark preset (inline rules and all),
and take the newest dated list item as the last contact. Prints the number
of contacts with a last contact, so the work cannot be skipped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import frontmatter
from markdown_it import MarkdownIt

DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def main() -> None:
    markdown = MarkdownIt("commonmark")
    found = 0
    root = Path(sys.argv[1])
    # Every note: contacts, and the meeting and daily notes of a vault that has them.
    for path in sorted(p for p in root.rglob("*.md") if ".netnotes" not in p.parts):
        try:
            post = frontmatter.load(path)
        except Exception:  # a broken note: the baseline just skips it
            continue
        last = None
        for token in markdown.parse(post.content):
            if token.type == "inline":
                match = DATE.match(token.content)
                if match and (last is None or match.group(1) > last):
                    last = match.group(1)
        found += last is not None
    print(found)


if __name__ == "__main__":
    main()
