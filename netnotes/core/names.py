"""How names compare: case and accents never matter ("José" is "jose")."""

from __future__ import annotations

import functools
import unicodedata


def fold(text: str) -> str:
    """Case-folded, accents removed, spaces collapsed: the key names are compared on."""
    if text.isascii():  # nothing to decompose: the common case, ten times faster
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    if len(decomposed) > 200:  # a whole note (find): one table lookup a character, in C
        bare = decomposed.translate(_combining_marks())
    else:
        bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


@functools.cache
def _combining_marks() -> dict[int, None]:
    """Every character with a combining class, mapped to nothing, from this Python's
    Unicode database (built once, in about 0.15 s, by commands that fold whole notes)."""
    return {code: None for code in range(0x110000) if unicodedata.combining(chr(code))}


def words(text: str) -> list[str]:
    return fold(text.replace("-", " ").replace("_", " ").replace(".", " ")).split()
