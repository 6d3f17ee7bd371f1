"""Notes that record one interaction rather than a person. Pure.

A CRM that keeps each person's e-mails and calls as notes in the person's folder
(`People/alex-barnes/2002-06-10.md` with `date:`, `people: [alex-barnes]`) writes notes
the contact parser must not take for people, and the source reader must read as
meetings: both ask here (core/parse.py, core/sources.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from netnotes.core.config import PEOPLE_KEYS
from netnotes.core.reading import fold_key

# A file name that starts with an ISO date: `2026-11-19.md`, `2026-11-19 Coffee.md`.
FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?![\d])")


def starts_with_a_date(file_name: str) -> bool:
    """`2002-06-10.md`, `2026-11-19 Coffee with Sam.md`: a note named by its day."""
    return FILE_DATE.match(file_name) is not None


def is_interaction_record(
    file_name: str, fields: dict, people_keys: Iterable[str] = PEOPLE_KEYS
) -> bool:
    """A note that records one interaction, not a person, wherever it sits: it lists people
    (`people: [alex-barnes]`, `attendees:`) and has a day (in its name or `date:`), as a
    CRM that keeps each person's e-mails and calls in their folder writes them."""
    keys = {fold_key(key) for key in people_keys}
    lists_people = any(
        fold_key(key) in keys and value not in (None, "", []) for key, value in fields.items()
    )
    return lists_people and (
        starts_with_a_date(file_name)
        or any(fold_key(key) == "date" and value not in (None, "") for key, value in fields.items())
    )
