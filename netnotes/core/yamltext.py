"""The value emitter: every value netnotes writes into front matter is spelled here.

A value goes out plain only when every YAML reader people use (ours, PyYAML's
YAML 1.1, Obsidian's YAML 1.2) reads it back as this very text: letters,
digits and a few safe marks, and nothing YAML 1.1 resolves to another type
(`no`, `1:30` = 90, `012` = 10, `0o17`), asked of PyYAML's own resolver. A
real date (`2026-11-20`) stays plain, as people write it; an impossible one
(`2026-02-30`, which PyYAML's date constructor rejects) is quoted.
Everything else is double-quoted, and inside the quotes every character YAML
does not allow raw, or reads as a line break, is escaped: C0 and C1 controls,
U+2028 and U+2029 (line and paragraph separators), U+0085, the byte-order mark
U+FEFF, the non-characters U+FFFE and U+FFFF, and lone surrogates. So a value
always stays on its line and always reads back to itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

# YAML 1.2 (Obsidian) reads these as numbers where YAML 1.1 does not.
_YAML12_NUMBER = re.compile(r"0o[0-7]+|[-+]?[0-9]+\.?[0-9]*[eE][-+]?[0-9]+")
_SAFE_MARKS = frozenset(" _.@+/()'-")
# Letters, marks and digits of any script may stand in a plain scalar.
_PLAIN_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"})
_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
}


def yaml_scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when that reads back as the same text, else quoted."""
    if _plain_is_safe(value):
        return value
    return double_quoted(value)


def yaml_flow_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_scalar(value) for value in values) + "]"


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar holding exactly `value`, on one line."""
    return '"' + "".join(_escaped(char) for char in value) + '"'


def _escaped(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if _printable(code) and code != 0xFEFF:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _printable(code: int) -> bool:
    """YAML's c-printable, less the line breaks YAML 1.1 knows (U+0085, U+2028, U+2029)."""
    return (
        code == 0x09
        or 0x20 <= code <= 0x7E
        or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _plain_is_safe(value: str) -> bool:
    if not value or value != value.strip(" ") or "  " in value:
        return False
    if not _plain_char(value[0]) or value[0] in _SAFE_MARKS:
        return False
    if not all(char in _SAFE_MARKS or _plain_char(char) for char in value):
        return False
    if _YAML12_NUMBER.fullmatch(value):
        return False
    tag = _resolver().resolve(_scalar_node(), value, (True, False))
    if tag == "tag:yaml.org,2002:timestamp":
        return _is_date(value)
    return tag == "tag:yaml.org,2002:str"


@functools.cache
def _resolver():
    from yaml.resolver import Resolver  # YAML 1.1, as PyYAML and python-frontmatter read

    return Resolver()


@functools.cache
def _scalar_node():
    from yaml.nodes import ScalarNode

    return ScalarNode


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _plain_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char) in _PLAIN_CATEGORIES
