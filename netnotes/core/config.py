"""`netnotes.toml` → Config: the defaults of the brief, overridden by the vault's file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import time
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from netnotes.core.dates import Duration, parse_duration
from netnotes.core.errors import NetnotesError
from netnotes.core.model import Problem, Severity
from netnotes.core.reading import DEFAULT_READING, KNOWN_KEYS, Reading, reading

CONFIG_NAME = "netnotes.toml"
# Where the vault remembers what `capture` wrote a line for (app/capture.py); `init`
# marks it `merge=union` (sync/gitsetup.py).
CAPTURE_MEMORY = "netnotes-captured.txt"
# The to-dos deleted on the phone, which `netnotes caldav` never sends again (app/phone.py);
# merged as capture's memory is.
PHONE_MEMORY = "netnotes-dismissed.txt"
# Front-matter keys of a meeting note that list who took part (core/sources.py).
PEOPLE_KEYS = ("attendees", "people", "participants", "with")


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """`[sources]`: which notes outside the contacts folder may record interactions.

    `include`: vault-relative folders or globs; None (not set) means every note, an empty
    list none at all. `exclude` is taken out of what `include` lets in. `contact_words`:
    words that, beside the built-in ones (core/sources.CONTACT_WORDS), say a daily note's
    line was contact with whom it links (`gequatscht`, `pinged`), lower case.
    """

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    people_keys: tuple[str, ...] = PEOPLE_KEYS
    contact_words: tuple[str, ...] = ()

    def reading(self) -> tuple:
        """What reading a source note depends on, for the cache to tell a note read under
        other settings."""
        return (self.people_keys, self.contact_words)

    def admits(self, path: str) -> bool:
        """Is the vault-relative `path` (with /) a source under these settings?"""
        if self.include is not None and not any(_matches(p, path) for p in self.include):
            return False
        return not any(_matches(pattern, path) for pattern in self.exclude)


def _matches(pattern: str, path: str) -> bool:
    """A folder (`meetings`, `journal/2026`) holds what is under it; else a glob."""
    folder = pattern.strip("/")
    return path.startswith(folder + "/") or fnmatchcase(path, pattern)


@dataclass(frozen=True, slots=True)
class MailSettings:
    """`[mail]`: where `netnotes capture` reads mail, and what counts as a conversation.

    Paths are as written (`~` allowed): mail lives outside the vault. `imap` is the
    table as written (host, user, password_cmd, folders); `ignore` holds address
    patterns (fnmatch, any case) that are never people.
    """

    maildir: tuple[str, ...] = ()
    mbox: tuple[str, ...] = ()
    imap: dict | None = None
    ignore: tuple[str, ...] = ()
    reply_within: Duration = Duration(days=3)
    max_recipients: int = 8  # a message to more people than this is not personal


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """`[calendars]`: ICS files or vdir folders, a CalDAV collection, what is personal."""

    files: tuple[str, ...] = ()
    caldav: dict | None = None
    max_attendees: int = 8  # an event with more people than this is not personal contact


@dataclass(frozen=True, slots=True)
class PhoneSettings:
    """`[caldav]`: the collection `netnotes caldav` keeps the digest's to-dos in (url,
    user, password_cmd: the table as written), and when on the due day their alarm rings."""

    server: dict
    alarm: time = time(9, 0)


@dataclass(frozen=True, slots=True)
class Config:
    contacts: str = "contacts"
    digest: str = "DUE.md"
    horizon: Duration = Duration(days=7)
    default_cadence: Duration = Duration()  # zero means "none"
    tag_cadences: dict[str, Duration] = field(default_factory=dict)
    nudge_after: Duration = Duration(days=7)
    max_nudges: int = 3
    thank_within: Duration = Duration(days=7)
    reconnect_after: Duration = Duration(months=6)
    reconnect_per_digest: int = 3
    commit_digest: bool = False  # keep the digest file in git (init leaves it out of .gitignore)
    calendar: str | None = None  # an iCalendar file `digest --write` keeps current too
    reading: Reading = DEFAULT_READING  # key spellings, log headings, exclude ([keys], [log])
    sources: SourceSettings = SourceSettings()  # meeting and daily notes ([sources])
    me: tuple[str, ...] = ()  # my addresses, lower case: what I sent vs what I received
    mail: MailSettings = MailSettings()  # `netnotes capture` ([mail])
    calendars: CalendarSettings = CalendarSettings()  # `netnotes capture` ([calendars])
    phone: PhoneSettings | None = None  # `netnotes caldav` ([caldav])


_TOP_KEYS = {
    "contacts",
    "digest",
    "horizon",
    "cadence",
    "rules",
    "commit_digest",
    "keys",
    "log",
    "exclude",
    "sources",
    "calendar",
    "me",
    "mail",
    "calendars",
    "caldav",
}
_RULE_KEYS = {
    "nudge_after",
    "max_nudges",
    "thank_within",
    "reconnect_after",
    "reconnect_per_digest",
}


class ConfigError(NetnotesError):
    pass


def load_config(text: str) -> tuple[Config, list[Problem]]:
    """Parse the text of `netnotes.toml`; raise ConfigError for what cannot be used."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{CONFIG_NAME}: not valid TOML: {error}") from None
    problems = [
        Problem(CONFIG_NAME, None, Severity.WARNING, f"unknown setting '{key}'")
        for key in sorted(set(data) - _TOP_KEYS)
    ]
    cadence = _table(data, "cadence")
    rules = _table(data, "rules")
    problems += _unknown_settings(rules, _RULE_KEYS, "rules")
    tags = _table(cadence, "tags", "cadence.tags")
    defaults = Config()
    config = Config(
        contacts=_folder(data.get("contacts", defaults.contacts), "contacts"),
        digest=_folder(data.get("digest", defaults.digest), "digest"),
        horizon=_duration(data, "horizon", defaults.horizon, zero=""),
        default_cadence=_duration(cadence, "default", defaults.default_cadence, "cadence."),
        tag_cadences={
            tag.casefold(): _duration(tags, tag, Duration(), "cadence.tags.") for tag in tags
        },
        nudge_after=_duration(rules, "nudge_after", defaults.nudge_after, "rules."),
        max_nudges=_count(rules, "max_nudges", defaults.max_nudges),
        thank_within=_duration(rules, "thank_within", defaults.thank_within, "rules."),
        reconnect_after=_duration(rules, "reconnect_after", defaults.reconnect_after, "rules."),
        reconnect_per_digest=_count(rules, "reconnect_per_digest", defaults.reconnect_per_digest),
        commit_digest=_flag(data, "commit_digest"),
        calendar=_folder(data["calendar"], "calendar") if "calendar" in data else None,
        reading=_reading(data, problems),
        sources=_sources(data, problems),
        me=tuple(address.lower() for address in _texts(data.get("me", []), "me")),
        mail=_mail(data, problems),
        calendars=_calendars(data, problems),
        phone=_phone(data, problems),
    )
    for key in ("digest", "calendar"):
        _refuse_output_over_notes(key, getattr(config, key), config.contacts)
    return config, problems


def _refuse_output_over_notes(key: str, output: str | None, contacts: str) -> None:
    """An output file is never the config and never a file in the contacts folder (when
    that folder is not the whole vault): writing it would replace someone's note."""
    if output is None:
        return
    path = PurePosixPath(output)
    if path == PurePosixPath(CONFIG_NAME):
        raise ConfigError(
            f"{CONFIG_NAME}: {key}: '{output}' is this very file; name a file of its own"
        )
    folder = PurePosixPath(contacts)
    if str(folder) != "." and path.is_relative_to(folder):
        raise ConfigError(
            f"{CONFIG_NAME}: {key}: '{output}' is inside the contacts folder, where every "
            "file is a note; name a file outside it (the default is DUE.md)"
        )


def _sources(data: dict, problems: list[Problem]) -> SourceSettings:
    """`[sources] include`, `exclude` (folders or globs), `people_keys`, `contact_words`."""
    table = _table(data, "sources")
    known = {"include", "exclude", "people_keys", "contact_words"}
    problems += _unknown_settings(table, known, "sources")
    include = table.get("include")
    if include is not None:
        include = () if include == [] else _texts(include, "sources.include")
    exclude = _texts(table.get("exclude", []), "sources.exclude")
    keys = _texts(table.get("people_keys", list(PEOPLE_KEYS)), "sources.people_keys")
    words = _texts(table.get("contact_words", []), "sources.contact_words")
    return SourceSettings(include, exclude, keys, tuple(word.casefold() for word in words))


_MAIL_KEYS = {"maildir", "mbox", "imap", "ignore", "reply_within", "max_recipients"}


def _mail(data: dict, problems: list[Problem]) -> MailSettings:
    table = _table(data, "mail")
    problems += _unknown_settings(table, _MAIL_KEYS, "mail")
    imap = table.get("imap")
    if imap is not None:
        _refuse_a_password(imap, "mail.imap", "host")
    defaults = MailSettings()
    max_recipients = _count(table, "max_recipients", defaults.max_recipients, "mail.", least=1)
    return MailSettings(
        maildir=_texts(table.get("maildir", []), "mail.maildir"),
        mbox=_texts(table.get("mbox", []), "mail.mbox"),
        imap=imap,
        ignore=_texts(table.get("ignore", []), "mail.ignore"),
        reply_within=_duration(table, "reply_within", defaults.reply_within, "mail."),
        max_recipients=max_recipients,
    )


def _calendars(data: dict, problems: list[Problem]) -> CalendarSettings:
    table = _table(data, "calendars")
    problems += _unknown_settings(table, {"files", "caldav", "max_attendees"}, "calendars")
    caldav = table.get("caldav")
    if caldav is not None:
        _refuse_a_password(caldav, "calendars.caldav", "url")
    most = _count(table, "max_attendees", CalendarSettings().max_attendees, "calendars.", least=1)
    return CalendarSettings(_texts(table.get("files", []), "calendars.files"), caldav, most)


def _phone(data: dict, problems: list[Problem]) -> PhoneSettings | None:
    """`[caldav]`: url, user, password_cmd (never a password), alarm ("09:00")."""
    if "caldav" not in data:
        return None
    table = _table(data, "caldav")
    _refuse_a_password(table, "caldav", "url")
    problems += _unknown_settings(table, {"url", "user", "password_cmd", "alarm"}, "caldav")
    alarm = table.get("alarm", "09:00")
    try:
        ring = time.fromisoformat(alarm) if isinstance(alarm, str) else None
    except ValueError:
        ring = None
    if ring is None:
        raise ConfigError(
            f"{CONFIG_NAME}: caldav.alarm: '{alarm}' is not a time of day: write it as \"09:00\""
        )
    server = {key: value for key, value in table.items() if key != "alarm"}
    return PhoneSettings(server, ring)


def _refuse_a_password(table: object, label: str, required: str) -> None:
    if not isinstance(table, dict) or not isinstance(table.get(required), str):
        raise ConfigError(f"{CONFIG_NAME}: {label}: must be a table with at least {required}")
    if "password" in table:
        raise ConfigError(
            f"{CONFIG_NAME}: {label}: a password is never kept in the vault: give "
            "password_cmd (a command that prints it, as mbsync's PassCmd: \"pass show "
            'mail") or leave it out to use the system keyring'
        )


def _unknown_settings(table: dict, known, prefix: str) -> list[Problem]:
    return [
        Problem(CONFIG_NAME, None, Severity.WARNING, f"unknown setting '{prefix}.{key}'")
        for key in sorted(set(table) - set(known))
    ]


def _reading(data: dict, problems: list[Problem]) -> Reading:
    """`[keys]` (canonical key = other spellings), `[log] headings`, `exclude` globs."""
    keys = _table(data, "keys")
    spellings: dict[str, tuple[str, ...]] = {}
    for canonical, value in keys.items():
        if canonical not in KNOWN_KEYS:
            raise ConfigError(
                f"{CONFIG_NAME}: keys.{canonical}: not a key netnotes reads "
                f"(one of: {', '.join(KNOWN_KEYS)})"
            )
        spellings[canonical] = _texts(value, f"keys.{canonical}")
    log = _table(data, "log")
    problems += _unknown_settings(log, {"headings"}, "log")
    headings = _texts(log.get("headings", []), "log.headings")
    exclude = _texts(data.get("exclude", []), "exclude")
    return reading(spellings, headings, exclude)


def _texts(value: object, label: str) -> tuple[str, ...]:
    """A text or a list of texts."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{CONFIG_NAME}: {label}: must be a text or a list of texts")
    return tuple(v.strip() for v in values)


def _table(data: dict, key: str, label: str | None = None) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{CONFIG_NAME}: '{label or key}' must be a table ([{label or key}])")
    return value


def _duration(
    data: dict, key: str, default: Duration, prefix: str = "", zero: str | None = None
) -> Duration:
    if key not in data:
        return default
    try:
        return parse_duration(data[key], zero=zero)
    except ValueError as error:
        raise ConfigError(f"{CONFIG_NAME}: {prefix}{key}: {error}") from None


def _count(data: dict, key: str, default: int, prefix: str = "rules.", least: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(f"{CONFIG_NAME}: {prefix}{key}: must be a whole number, {least} or more")
    return value


def _flag(data: dict, key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{CONFIG_NAME}: {key}: must be true or false")
    return value


def _folder(value: object, key: str) -> str:
    """A path inside the vault, relative, with `/`."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{CONFIG_NAME}: {key}: must be a path inside the vault")
    path = PurePosixPath(value.strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ConfigError(
            f"{CONFIG_NAME}: {key}: '{value}' must be a relative path inside the vault"
        )
    return str(path)
