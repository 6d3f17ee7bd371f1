"""LinkedIn's Connections.csv and Google Contacts' CSV, in every layout they are seen in.

`../shared/corpus/exports/README.md` lists the facts: LinkedIn's preamble,
byte-order mark, localised headers, the 2018 layout without URL and with US
date-times, rows holding only a date; Google's current and older headers, its
` ::: ` multi-values, `* ` marks and `--MM-DD` birthdays. The csv module reads
the rows; this module maps the columns.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from netnotes.formats.people import Person, Skip, birthday_text, unique

# LinkedIn's header, by meaning, in the languages exports are seen in.
_LINKEDIN_COLUMNS = {
    "first": ("first name", "vorname", "prénom", "nombre"),
    "last": ("last name", "nachname", "nom", "apellidos"),
    "url": ("url",),
    "email": (
        "email address",
        "e-mail-adresse",
        "adresse e-mail",
        "dirección de correo electrónico",
    ),
    "company": ("company", "unternehmen", "entreprise", "empresa"),
    "position": ("position", "poste", "cargo"),
    "connected": ("connected on", "verbunden am", "date de connexion", "fecha de conexión"),
}
_US_DATE_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")


def looks_like_linkedin(text: str) -> bool:
    head = text.lstrip("\ufeff")[:2000].casefold()
    return head.startswith("notes:") or any(name in head for name in _LINKEDIN_COLUMNS["connected"])


def looks_like_google(text: str) -> bool:
    head = text.lstrip("\ufeff").split("\n", 1)[0].casefold()
    return "e-mail 1 - value" in head or ("given name" in head and "family name" in head)


def read_linkedin(text: str, source: str) -> list[Person | Skip]:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines)
         if any(line.casefold().startswith(first) for first in _LINKEDIN_COLUMNS["first"])),
        None,
    )  # fmt: skip
    if start is None:
        return [Skip(source, "no LinkedIn header (First Name,Last Name,...) found")]
    _allow_long_cells()
    reader = csv.reader(io.StringIO("".join(lines[start:])))
    rows, starts, ended = [], [], 0
    broken = None
    try:
        for row in reader:
            rows.append(row)
            starts.append(start + ended + 1)  # the row's first line in the file
            ended = reader.line_num
    except csv.Error as error:  # the rows before it still count
        broken = Skip(f"{source}:{start + reader.line_num}", f"not readable as CSV: {error}")
    if not rows:  # the header itself is not CSV (a stray carriage return in it)
        return [broken or Skip(source, "no LinkedIn header row could be read")]
    header = [cell.strip().casefold() for cell in rows[0]]
    column = {
        meaning: next((header.index(n) for n in names if n in header), None)
        for meaning, names in _LINKEDIN_COLUMNS.items()
    }
    found: list[Person | Skip] = []
    for first_line, row in zip(starts[1:], rows[1:], strict=True):
        origin = f"{source}:{first_line}"

        def cell(meaning: str, row=row) -> str:
            index = column[meaning]
            return " ".join(row[index].split()) if index is not None and index < len(row) else ""

        name = " ".join(part for part in (cell("first"), cell("last")) if part)
        email = cell("email")
        if email.startswith("urn:"):
            email = ""  # an old export's member id, not an address
        if not name and not email:
            found.append(Skip(origin, "no name or e-mail (a member who left or hid)"))
            continue
        connected, warning = _connected_on(cell("connected"))
        found.append(
            Person(
                name=name or email,
                origin=origin,
                emails=unique([email]),
                company=cell("company") or None,
                role=cell("position") or None,
                links=unique([cell("url")]),
                connected=connected,
                warnings=(warning,) if warning else (),
            )
        )
    return [*found, broken] if broken else found


def _connected_on(text: str) -> tuple[str | None, str | None]:
    """`05 Jan 2026`, or the 2018 layout's `1/8/18, 6:14 PM` (month first)."""
    if not text:
        return None, None
    for layout in ("%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, layout).date().isoformat(), None
        except ValueError:
            pass
    match = _US_DATE_TIME.match(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day).isoformat(), None
        except ValueError:
            pass
    return None, f"connected on: '{text}' is not a date: left out"


def read_google(text: str, source: str) -> list[Person | Skip]:
    _allow_long_cells()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    found: list[Person | Skip] = []
    ended = 1  # the header's line
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:  # the rows before it still count
            found.append(Skip(f"{source}:{reader.line_num}", f"not readable as CSV: {error}"))
            break
        origin = f"{source}:{ended + 1}"  # the row's first line (a note may span several)
        ended = reader.line_num
        # Cells beyond the header's columns come under the key None: they name nothing.
        values = {
            key.strip().casefold(): (value or "").strip()
            for key, value in row.items()
            if isinstance(key, str) and isinstance(value, str | None)
        }

        def get(*names: str, values=values) -> str:
            return next((values[name] for name in names if values.get(name)), "")

        def numbered(kind: str, part: str, values=values) -> list[str]:
            cells = [
                value
                for key, value in values.items()
                if key.startswith(f"{kind} ") and key.endswith(f" - {part}") and value
            ]
            return [piece.strip() for cell in cells for piece in cell.split(" ::: ")]

        name = get("name") or " ".join(
            part
            for part in (
                get("first name", "given name"),
                get("middle name", "additional name"),
                get("last name", "family name"),
            )
            if part
        )
        emails = unique(email.lstrip("* ") for email in numbered("e-mail", "value"))
        if not name and not emails:
            found.append(Skip(origin, "no name or e-mail"))
            continue
        warnings = []
        birthday, warning = birthday_text(get("birthday"))
        if warning:
            warnings.append(warning)
        anniversary = None
        labels = numbered("event", "label")
        events = numbered("event", "value")
        for label, value in zip(labels, events, strict=False):
            if "anniversary" in label.casefold():
                anniversary, warning = birthday_text(value, "anniversary")
                if warning:
                    warnings.append(warning)
                break
        groups = get("labels", "group membership")
        tags = unique(
            label
            for label in (part.strip() for part in groups.split(" ::: "))
            if label and not label.startswith("* ")  # Google's own: myContacts, starred
        )
        found.append(
            Person(
                name=" ".join((name or emails[0]).split()),
                origin=origin,
                emails=emails,
                phones=unique(numbered("phone", "value")),
                company=get("organization name", "organization 1 - name") or None,
                role=get("organization title", "organization 1 - title") or None,
                birthday=birthday,
                anniversary=anniversary,
                aliases=unique([get("nickname")]),
                tags=tags,
                note=get("notes") or None,
                links=unique(numbered("website", "value")),
                warnings=tuple(warnings),
            )
        )
    return found


def _allow_long_cells() -> None:
    """A contact's notes may be long: the csv module stops at 128 KiB a cell. The file
    itself is bounded by the reader, and each imported note is cut (importing.py)."""
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


def detect(name: str, text: str) -> str | None:
    """The format of an import file: vcard, linkedin, google, or None when it is none."""
    if name.lower().endswith((".vcf", ".vcard")) or "BEGIN:VCARD" in text[:4000].upper():
        return "vcard"
    if looks_like_linkedin(text):
        return "linkedin"
    if looks_like_google(text):
        return "google"
    return None
