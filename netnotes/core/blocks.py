"""A fast line scanner for the plain notes most people write.

markdown-it is exact but costs about 300 µs for a 30-line note. Most notes
use a small part of Markdown: ATX headings, top-level `-`/`*`/`+` list
items with plain text, paragraphs and blank lines. For such a body this
module produces the few block tokens `parse._Body` reads, with the same
types, line maps and contents as markdown-it's CommonMark parser; the closing
tokens, which the walk never reads, are left out (a third fewer objects). At the
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


class Token:
    """The part of markdown_it.token.Token that parse._Body reads."""

    __slots__ = ("content", "level", "map", "tag", "type")

    def __init__(self, type_, tag="", span=None, content="", level=0) -> None:
        self.type = type_
        self.tag = tag
        self.map = span
        self.content = content
        self.level = level


def _plain(text: str) -> bool:
    """Can `text` (no leading spaces) only be paragraph text here?"""
    first = text[0]
    if first.isdigit():
        return not _ORDERED_MARKER.match(text)
    if first == "[":
        return bool(_LINK_TEXT.match(text))  # "[x] ..." yes; "[ref]: /url" or "[multi" no
    return first not in _RISKY_FIRST


def fast_tokens(lines: list[str]) -> list[Token] | None:
    """Block tokens for a simple body (split on LF), or None when markdown-it is needed."""
    tokens: list[Token] = []
    item: Token | None = None  # the open list item, whose paragraph may continue
    item_content: list[str] = []
    in_paragraph = False

    def close_item(end: int) -> None:
        nonlocal item
        if item is not None:
            item.map[1] = end
            tokens[-2].map[1] = end  # its paragraph
            tokens[-1].content = "\n".join(item_content)
            item = None

    for number, line in enumerate(lines):
        if "\t" in line or "\0" in line:
            return None
        text = line.lstrip(" ")
        if not text:
            close_item(number)
            in_paragraph = False
            continue
        if text is not line:  # indented: only a paragraph's continuation is safe
            if not in_paragraph or not _plain(text):
                return None
            if item is not None:
                item_content.append(text)
            continue
        heading = _HEADING.fullmatch(line) if line[0] == "#" else None
        if heading:
            close_item(number)
            in_paragraph = False
            content = _CLOSING_HASHES.sub("", (heading.group(2) or "").rstrip(" ")).strip(" ")
            span = [number, number + 1]
            tag = f"h{len(heading.group(1))}"
            tokens += [Token("heading_open", tag, span), Token("inline", "", span, content, 1)]
            continue
        marker = _ITEM.match(line)
        if marker:
            content = line[2:]
            if not _plain(content):
                return None
            close_item(number)
            item = Token("list_item_open", "li", [number, number + 1], level=1)
            tokens += [item, Token("paragraph_open", "p", [number, number + 1], level=2),
                       Token("inline", "", [number, number + 1], "", 3)]  # fmt: skip
            item_content = [content]
            in_paragraph = True
            continue
        if not _plain(line):
            return None
        if item is not None and in_paragraph:
            item_content.append(line)  # a lazy continuation of the item's paragraph
        else:
            close_item(number)
            in_paragraph = True
    close_item(len(lines))
    return tokens
