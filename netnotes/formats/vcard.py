"""vCard files in (2.1, 3.0, 4.0, as phones and address books write them) and out (4.0).

Reading is vobject's (what khard uses): folded lines, quoted-printable and
charset parameters, `item1.` groups with their `X-ABLabel`. This module only
cuts a file into cards first, so that one broken card (a base64 photo with
bad padding, a card never closed) is a reported skip and every other card is
still read, and picks the values a note keeps. Photos are never copied.
"""

from __future__ import annotations

import re
from datetime import date

from netnotes.core.identity import links_of
from netnotes.formats.people import Person, Skip, birthday_text, unique

# A card is a few kilobytes once its photo is gone (photos are never copied into a note,
# so they are cut out before vobject decodes anything: a 30 MB photo cost 6 GB).
MAX_CARD_BYTES = 256 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # vCard's own; U+2028 in a NOTE is text
_PHOTO_LINE = re.compile(r"(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)


def read_vcards(text: str, source: str) -> list[Person | Skip]:
    """Every card of a .vcf file, as a Person or a Skip that says why."""
    found: list[Person | Skip] = []
    for number, lines in enumerate(_cards(text), start=1):
        origin = f"{source}, card {number}"
        if lines[-1].strip().upper() != "END:VCARD":
            found.append(Skip(origin, "the card is never closed (no END:VCARD)"))
            continue
        lines = _without_photos(lines)
        if sum(len(line) for line in lines) > MAX_CARD_BYTES:
            found.append(Skip(origin, f"larger than {MAX_CARD_BYTES // 1024} KiB: not a card"))
            continue
        card = _parse(lines)
        if isinstance(card, str):
            found.append(Skip(origin, f"not a readable vCard: {card}"))
            continue
        found.append(_person(card, origin, _nicknames(lines)))
    return found


def _nicknames(lines: list[str]) -> list[str]:
    """Every NICKNAME value of a card. vobject's text behaviour keeps only the first of a
    comma-separated list (`NICKNAME:Ro,Rosie` reads as Ro), so each NICKNAME line is read
    again with vobject's own line reader and list splitter."""
    import io

    from vobject.base import getLogicalLines, textLineToContentLine
    from vobject.vcard import stringToTextValues

    found = []
    for line, number in getLogicalLines(io.StringIO("\r\n".join(lines) + "\r\n")):
        if "NICKNAME" not in line.upper():
            continue
        try:
            content = textLineToContentLine(line, number)
        except Exception:  # vobject raises several kinds; the card itself was read
            continue
        if content.name.upper() == "NICKNAME":
            found += [value.strip() for value in stringToTextValues(content.value)]
    return found


def _cards(text: str) -> list[list[str]]:
    """The lines of each BEGIN:VCARD ... END:VCARD block (the last one maybe unclosed)."""
    cards: list[list[str]] = []
    current: list[str] | None = None
    for line in _LINE_BREAK.split(text):
        marker = line.strip().upper()
        if marker == "BEGIN:VCARD":
            if current is not None:
                cards.append(current)  # a card never closed before the next one
            current = [line]
        elif current is not None:
            current.append(line)
            if marker == "END:VCARD":
                cards.append(current)
                current = None
    if current is not None:
        cards.append(current)
    return cards


def _parse(lines: list[str]):
    """vobject's reading of one card; the error's words (a str) when it cannot read it."""
    import vobject

    try:
        return vobject.readOne("\r\n".join(lines) + "\r\n", ignoreUnreadable=True)
    except Exception as error:  # vobject raises several kinds
        return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def _without_photos(lines: list[str]) -> list[str]:
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line[:1] in (" ", "\t") and skipping:
            continue  # a folded continuation of the photo
        skipping = bool(_PHOTO_LINE.match(line))
        if not skipping:
            kept.append(line)
    return kept


def _values(card, name: str) -> list:
    return card.contents.get(name, [])


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(part) for part in value if str(part).strip())
    return str(value or "")


_NOT_PEOPLE = {"org", "group", "location"}  # vCard 4.0's KIND for what is no person


def _person(card, origin: str, nicknames: list[str]) -> Person | Skip:
    warnings: list[str] = []
    kind = next((_text(line.value).strip().casefold() for line in _values(card, "kind")), "")
    shown_as = next(
        (_text(line.value).strip().casefold() for line in _values(card, "x-abshowas")), ""
    )
    if kind in _NOT_PEOPLE or shown_as == "company":
        return Skip(origin, f"not a person: the card is {kind or 'a company'} (KIND)")
    name = next((_text(line.value).strip() for line in _values(card, "fn")), "")
    if not name:
        name = next((_name_of(line.value) for line in _values(card, "n")), "")
    emails = unique(_text(line.value) for line in _values(card, "email"))
    company = next((_first_unit(line.value) for line in _values(card, "org")), None) or None
    if not name:
        if company:
            return Skip(origin, "an organization's card, with no person's name")
        if not emails:
            return Skip(origin, "no name or e-mail")
        name = emails[0]
    phones = unique(_text(line.value).removeprefix("tel:") for line in _values(card, "tel"))
    birthday = None
    for line in _values(card, "bday"):
        birthday, warning = _card_date(line, "birthday")
        if warning:
            warnings.append(warning)
        break
    anniversary = None
    for line in [*_values(card, "anniversary"), *_values(card, "x-anniversary"),
                 *_labelled(card, "x-abdate", "anniversary")]:  # fmt: skip
        anniversary, warning = _card_date(line, "anniversary")
        if warning:
            warnings.append(warning)
        break
    connected = None
    for line in _labelled(card, "x-abdate", "connected"):  # as netnotes exports it
        connected, warning = _card_date(line, "connected")
        if warning:
            warnings.append(warning)
        break
    nicknames = unique(nicknames)
    categories = unique(
        part
        for line in _values(card, "categories")
        for part in (line.value if isinstance(line.value, list) else str(line.value).split(","))
    )
    note = "\n".join(_text(line.value).strip() for line in _values(card, "note")).strip()
    uid = next((_text(line.value).strip() for line in _values(card, "uid")), "") or None
    return Person(
        name=" ".join(name.split()),
        origin=origin,
        emails=emails,
        phones=phones,
        company=company,
        role=next((_text(line.value).strip() for line in _values(card, "title")), "") or None,
        birthday=birthday,
        anniversary=anniversary,
        aliases=tuple(alias for alias in nicknames if alias.casefold() != name.casefold()),
        tags=categories,
        note=note or None,
        uid=uid,
        links=unique(_text(line.value) for line in _values(card, "url")),
        connected=connected,
        warnings=tuple(warnings),
    )


def _name_of(value) -> str:
    """N's parts in reading order (prefix, given, additional, family, suffix)."""
    if hasattr(value, "family"):
        parts = [value.prefix, value.given, value.additional, value.family, value.suffix]
    else:
        fields = (str(value).split(";") + [""] * 5)[:5]
        family, given, additional, prefix, suffix = fields
        parts = [prefix, given, additional, family, suffix]
    return " ".join(_text(part) for part in parts if _text(part).strip()).strip()


def _first_unit(value) -> str:
    units = value if isinstance(value, list) else str(value).split(";")
    return next((str(unit).strip() for unit in units if str(unit).strip()), "")


def _labelled(card, name: str, label: str) -> list:
    """`item1.X-ABDATE` lines whose group's `X-ABLabel` says `label` (Apple's way)."""
    groups = {
        line.group
        for line in _values(card, "x-ablabel")
        if line.group and label in str(line.value).casefold()
    }
    return [line for line in _values(card, name) if line.group in groups]


def _card_date(line, label: str) -> tuple[str | None, str | None]:
    value = _text(line.value).strip()
    if isinstance(line.value, date):
        value = line.value.isoformat()
    kinds = [str(kind).lower() for kind in line.params.get("VALUE", [])]
    if "text" in kinds:
        return None, f"{label}: '{value}' is text, not a date: left out"
    omitted = line.params.get("X-APPLE-OMIT-YEAR", [])
    digits = value.replace("-", "")
    if omitted and len(digits) == 8 and digits[:4] == str(omitted[0]):
        value = f"--{digits[4:6]}-{digits[6:8]}"  # Apple: the year is a placeholder
    return birthday_text(value, label)


# -- out ------------------------------------------------------------------------------------


def write_vcards(contacts, uid_of) -> str:
    """One vCard 4.0 per contact, in the order given; `uid_of(contact)` its stable UID.

    FN, N, NICKNAME, EMAIL, TEL, ORG, TITLE, BDAY (`--MMDD` without a year),
    ANNIVERSARY, CATEGORIES, URL, UID, `connected` as Apple's labelled X-ABDATE, and a
    NOTE naming the note it came from.
    """
    import vobject

    cards = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("version").value = "4.0"
        card.add("uid").value = uid_of(contact)
        card.add("fn").value = contact.name
        given, _, family = contact.name.rpartition(" ")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        for alias in contact.aliases:  # one NICKNAME each: a joined list came out `Sam\\,Sammy`
            card.add("nickname").value = alias
        for email in contact.emails:
            card.add("email").value = email
        for phone in contact.phones:
            card.add("tel").value = phone
        if contact.company:
            card.add("org").value = [contact.company]
        if contact.role:
            card.add("title").value = contact.role
        if contact.birthday:
            day = contact.birthday
            year = f"{day.year:04}" if day.year else "--"
            card.add("bday").value = f"{year}{day.month:02}{day.day:02}"
        anniversary = _anniversary(contact)
        if anniversary:
            card.add("anniversary").value = anniversary
        if contact.tags:
            card.add("categories").value = list(contact.tags)
        for link in links_of(contact):
            card.add("url").value = link
        connected = _connected(contact)
        if connected:  # vCard has no such date: Apple's labelled one, which its apps show
            line = card.add("x-abdate")
            line.value, line.group = connected, "connected"
            label = card.add("x-ablabel")
            label.value, label.group = "connected", "connected"
        card.add("note").value = f"netnotes: {contact.path}"
        cards.append(card.serialize())
    return "".join(cards)


def _connected(contact) -> str | None:
    """The profile's `connected` (any spelling the vault reads: `connected_on`...), as a
    date; None when it is none."""
    from netnotes.core.dates import parse_written_date
    from netnotes.core.fields import contact_field

    value = contact_field(contact, "connected")
    try:
        return parse_written_date(value).isoformat() if value else None
    except ValueError:
        return None


def _anniversary(contact) -> str | None:
    from netnotes.core.fields import field_text

    value = field_text(contact, "anniversary")
    if value is None:
        return None
    text, _ = birthday_text(str(value), "anniversary")
    if text is None:
        return None
    return "--" + text[2:].replace("-", "") if text.startswith("--") else text.replace("-", "")
