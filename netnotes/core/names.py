"""How names compare: case and accents never matter ("José" is "jose")."""

from __future__ import annotations

import functools
import re
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


class _CombiningMarks(dict):
    """A translation table that maps each character with a combining class to nothing and
    every other to itself, learnt a character at a time as texts meet them: building it
    for all 1,114,112 code points up front cost a `find` 0.3 s (issue 28)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


@functools.cache
def _combining_marks() -> _CombiningMarks:
    return _CombiningMarks()


def words(text: str) -> list[str]:
    return fold(text.replace("-", " ").replace("_", " ").replace(".", " ")).split()


# What people add to their display name around it: credentials after a comma, pronouns
# and status in brackets, a tagline after a bar. Generational suffixes are the name.
_SUFFIXES_OF_THE_NAME = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_PRONOUN = r"(?:he|him|his|she|her|hers|they|them|theirs|ze|zir)"
_BRACKETED_PRONOUNS = re.compile(rf"[(\[]\s*{_PRONOUN}(?:\s*[/,]\s*{_PRONOUN})*\s*[)\]]", re.I)


def _is_credential(part: str) -> bool:
    """`PMP`, `Ph.D.`, `MBA`, `CFA®`, `PhD`: a short word of letters, mostly capitals."""
    letters = [char for char in part if char.isalpha()]
    if not 2 <= len(letters) <= 8 or " " in part.strip():
        return False
    return part.strip().casefold() not in _SUFFIXES_OF_THE_NAME and sum(
        char.isupper() for char in letters
    ) >= max(2, len(letters) - 1)


def _decoration(char: str) -> bool:
    # Emoji and symbols (So, Sk), marks such as ® ™ ©, and the joiners and selectors
    # that glue emoji together; letters, marks on letters and punctuation stay.
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Cs", "Co") or char in "\u200d\ufe0e\ufe0f®™©"


def plain_name(text: str) -> str:
    """The person's name without what decorates it: `🚀 Sofia Marino, PMP®` → `Sofia
    Marino`, `Ana Lima (she/her)` → `Ana Lima`, `Ben Okoro | Helping founders` → `Ben
    Okoro`. `Martin Luther King, Jr.` keeps its suffix; a name that would be left empty
    is kept as it was."""
    name = "".join(" " if _decoration(char) else char for char in text)
    name = name.split(" | ")[0].split("|")[0]
    name = _BRACKETED_PRONOUNS.sub(" ", name)
    head, *rest = name.split(",")
    tail = [part for part in rest if not _is_credential(part)]
    name = ",".join([head, *tail]) if any(part.strip() for part in tail) else head
    name = " ".join(name.split()).strip(" -–—,;:")
    return name or " ".join(text.split())
