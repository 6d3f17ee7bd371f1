"""How names compare: case and accents never matter ("José" is "jose")."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case-folded, accents removed, spaces collapsed: the key names are compared on."""
    if text.isascii():  # nothing to decompose: the common case, ten times faster
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def words(text: str) -> list[str]:
    return fold(text.replace("-", " ").replace("_", " ").replace(".", " ")).split()
