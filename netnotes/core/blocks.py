"""A fast line scanner for the plain notes most people write.

markdown-it is exact but costs about 300 µs for a 30-line note. Most notes
use a small part of Markdown: ATX headings, top-level `-`/`*`/`+` list
items with plain text, paragraphs and blank lines. For such a body this
module finds the headings and top-level list items `parse._Body` reads, with
the same lines and contents as markdown-it's CommonMark parser, as plain
tuples: no token objects, and no walk over them. At the
first line that could mean anything else (a quote, a fence, indented code,
HTML, a nested or ordered list, a setext underline, a thematic break, a
link reference definition, a tab...) it gives up and returns None, and the
caller uses markdown-it. tests/test_blocks.py holds the two to the same
results on the CommonMark spec examples and on generated notes.
"""

from __future__ import annotations

import re

# A paragraph may start with these characters without any risk of being
# another block; anything else is left to markdown-it.
# `|` and `:` may start a table's delimiter row (`:--|--:`).
_RISKY_FIRST = frozenset("#>-*+_=`~<[|:\\ ")
_ORDERED_MARKER = re.compile(r"\d{1,9}[.)](?:[ \t]|$)")
_LINK_TEXT = re.compile(r"\[[^\]]*\](?!:)")
_ITEM = re.compile(r"[-*+] (?=\S)")
_HEADING = re.compile(r"(#{1,6})(?: (.*)|)")
_CLOSING_HASHES = re.compile(r"(?:^| )#+$")


# The fast scanner's blocks: (HEADING, first line, end line, (level, text)) and
# (ITEM, first line, end line, its paragraph's text), lines 0-based within the body,
# end exclusive. Sentinels compared with `is`.
HEADING = "heading"
ITEM = "item"


def _plain(text: str) -> bool:
    """Can `text` (no leading spaces) only be paragraph text here?"""
    first = text[0]
    if first.isdigit():
        return not _ORDERED_MARKER.match(text)
    if first == "[":
        return bool(_LINK_TEXT.match(text))  # "[x] ..." yes; "[ref]: /url" or "[multi" no
    return first not in _RISKY_FIRST


def fast_blocks(lines: list[str]) -> list[tuple] | None:
    """The headings and top-level list items of a simple body (split on LF), as markdown-it
    would find them (same lines, same texts), or None when markdown-it is needed."""
    blocks: list[tuple] = []
    item_start = -1  # the open list item's first line, whose paragraph may continue
    item_content: list[str] = []
    in_paragraph = False

    def close_item(end: int) -> None:
        nonlocal item_start
        if item_start >= 0:
            blocks.append((ITEM, item_start, end, "\n".join(item_content)))
            item_start = -1

    whole = "\n".join(lines)
    if "\t" in whole or "\0" in whole:
        return None
    for number, line in enumerate(lines):
        text = line.lstrip(" ")
        if not text:
            close_item(number)
            in_paragraph = False
            continue
        if text is not line:  # indented: only a paragraph's continuation is safe
            if not in_paragraph or not _plain(text):
                return None
            if item_start >= 0:
                item_content.append(text)
            continue
        first = line[0]
        if first == "#":
            heading = _HEADING.fullmatch(line)
            if heading:
                close_item(number)
                in_paragraph = False
                content = _CLOSING_HASHES.sub("", (heading.group(2) or "").rstrip(" ")).strip(" ")
                blocks.append((HEADING, number, number + 1, (len(heading.group(1)), content)))
                continue
        elif first in "-*+" and _ITEM.match(line):
            content = line[2:]
            # A log line starts with a date, never a block of its own: skip the checks.
            if not (content[4:5] == "-" and content[:4].isdigit()) and not _plain(content):
                return None
            close_item(number)
            item_start = number
            item_content = [content]
            in_paragraph = True
            continue
        if not _plain(line):
            return None
        if item_start >= 0 and in_paragraph:
            item_content.append(line)  # a lazy continuation of the item's paragraph
        else:
            close_item(number)
            in_paragraph = True
    close_item(len(lines))
    return blocks
