"""Text from notes, made safe to show. Pure.

A note is written by its owner, but it may come from an import, a shared
team vault or a pasted e-mail. Whatever it holds must not act when netnotes
shows it:

- on a terminal, control characters (escape sequences that set the window
  title, clear the screen or move the cursor over an overdue item) and
  bidirectional overrides (which reorder what a line appears to say) are
  removed; a newline in a name or a file name becomes a space or `\\n`, so it
  can never forge a `path:line:` line of its own;
- in the Markdown digest, the characters that make links, images, HTML and
  emphasis are escaped, so `<script>`, `<img onerror>`, `[x](javascript:…)`
  and tracking images show as the text they are. The only links in the
  digest are the ones netnotes writes, to each note.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that reorder text on screen (Unicode's bidirectional controls).
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_BLANKS = frozenset("\t\n\r\v\f\x85\u2028\u2029")


def is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS or char in _BLANKS


# Unicode's control characters (category Cc) are exactly these two ranges.
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f" + "".join(sorted(BIDI_CONTROLS))
_REMOVED = re.compile(f"[{_CONTROLS}]")
_SPACED = re.compile("[\t\n\r\v\f\x85\u2028\u2029]")
_SPACED_BUT_NEWLINE = re.compile("[\t\r\v\f\x85\u2028\u2029]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` without control characters; line breaks and tabs become spaces
    (line breaks are kept with `keep_newlines`, for messages of several lines).

    Two regular expressions, not a loop per character: `list` prints a
    table of a whole vault through here."""
    if text.isprintable():  # the common case, and cheap
        return text
    spaced = (_SPACED_BUT_NEWLINE if keep_newlines else _SPACED).sub(" ", text)
    return _REMOVED.sub("", spaced)


def printable_path(path: str) -> str:
    """A file name as a person can find it: control characters shown as `\\n`, `\\x1b`."""
    if path.isprintable():
        return path
    return "".join(
        char if not is_control(char) else char.encode("unicode_escape").decode("ascii")
        for char in path
    )


_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>&])")


def markdown_text(text: str) -> str:
    """Note text for a line of the Markdown digest: one line, nothing that links or runs."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", printable(text))
