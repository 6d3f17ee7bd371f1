"""The `netnotes` command line: thin commands that parse options, call the domain, render.

This is the only module that imports click. Domain failures are NetnotesError
and become a one-line message and an exit code here, in one place; `--debug`
shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netnotes.core.errors import NetnotesError

if TYPE_CHECKING:
    from netnotes.core.dates import Duration
    from netnotes.store.vault import Vault

# `netnotes --help` imports only click and this module: every other import
# happens inside the command that needs it.


class _NetnotesGroup(click.Group):
    """The one error boundary: every expected failure is `Error: ...` and an exit code;
    a traceback only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return self._invoke(ctx)
        finally:
            # The command's one connection to the cache ends with it (store/index.py).
            index = sys.modules.get("netnotes.store.index")  # --help never loads it
            if index is not None:
                index.end_of_command()

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except NetnotesError as error:
            if ctx.params.get("debug"):
                raise
            failure = click.ClickException(_printable(str(error)))
            failure.exit_code = error.exit_code
            raise failure from None
        except OSError as error:  # a full disk, a read-only folder, a folder where a file goes
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(_printable(_os_error(error, ctx))) from None
        except Exception as error:  # a bug: say so in one line, and how to see more
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(
                f"internal error ({type(error).__name__}: {_printable(str(error))}); "
                "run again with --debug for the traceback, and please report it"
            ) from None


def _os_error(error: OSError, ctx: click.Context) -> str:
    """`contacts/x.md: No space left on device`: the file as the user knows it, and why."""
    filename = getattr(error, "path", None) or error.filename
    reason = error.strerror or str(error)
    if not filename:
        return reason
    root = (ctx.obj or {}).get("vault_root")
    shown = str(filename)
    if root is not None and Path(filename).absolute().is_relative_to(root):
        shown = Path(filename).absolute().relative_to(root).as_posix()
    return f"{shown}: {reason}"


def _printable(text: str) -> str:
    from netnotes.core.safetext import printable

    return printable(text, keep_newlines=True)


class _ParsedType(click.ParamType):
    """A value read by one of our parsers, whose ValueError message is for the user:
    a bad value is a usage error (exit 2) that names the option, for every option."""

    def __init__(self, name: str, parse) -> None:
        self.name = name
        self.parse = parse

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self.parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


def _dates():
    from netnotes.core import dates

    return dates


def _checked(parse):
    """Validate with `parse`, keep the text as given (it is written into the note)."""

    def check(text: str) -> str:
        parse(text)
        return text

    return check


# A day something happened: `2026-11-20`, `yesterday`, `friday` (the last one).
DATE = _ParsedType("DATE", lambda text: _dates().parse_day(text, _today(), past=True))
# The day a digest is computed for, relative to the real date.
TODAY = _ParsedType("DATE", lambda text: _dates().parse_day(text, date.today(), past=True))
# A day to come back to: a date, `friday` (the next one), `in 2 weeks`, or `3 months`.
WHEN = _ParsedType("WHEN", lambda text: _dates().parse_when(text, _today()))
HORIZON = _ParsedType("DURATION", lambda text: _dates().parse_duration(text, zero=""))
CADENCE = _ParsedType(
    "DURATION",
    _checked(lambda text: _dates().parse_duration(text, zero="write 'none' for no cadence")),
)
BIRTHDAY = _ParsedType("BIRTHDAY", _checked(lambda text: _dates().parse_birthday(text)))


@click.group(cls=_NetnotesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--vault",
    "vault_dir",
    type=click.Path(file_okay=False),
    help="The vault folder (default: $NETNOTES_VAULT, else the nearest folder with netnotes.toml).",
)
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.option("--no-cache", is_flag=True, help="Parse every note; do not read or write the index.")
@click.version_option(package_name="netnotes")
@click.pass_context
def cli(ctx: click.Context, vault_dir: str | None, debug: bool, no_cache: bool) -> None:
    """netnotes: a plain-text personal CRM. Who do you owe a message today?

    Each contact is a Markdown file with YAML front matter in the vault's
    contacts folder. See docs/format.md for the file format.
    """
    ctx.obj = {"vault_dir": vault_dir, "use_cache": not no_cache}


def _route_notices_to_stderr() -> None:
    """Notices from the domain (a rebuilt cache, say) reach the user as `netnotes: ...`."""
    import logging

    class EchoToStderr(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            click.echo(f"netnotes: {record.getMessage()}", err=True)

    logger = logging.getLogger("netnotes")
    if not any(type(handler).__name__ == "EchoToStderr" for handler in logger.handlers):
        logger.addHandler(EchoToStderr(logging.WARNING))


def _vault(ctx: click.Context) -> Vault:
    from dataclasses import replace

    from netnotes.store.vault import find_vault_root, open_vault

    _route_notices_to_stderr()  # here, not in the group: `--help` need not import logging
    root = find_vault_root(ctx.obj["vault_dir"], os.environ, Path.cwd())
    ctx.obj["vault_root"] = root
    return replace(open_vault(root), use_cache=ctx.obj["use_cache"], progress=_ProgressBar())


class _ProgressBar:
    """A bar on stderr for a parse that has taken more than a second, on a terminal only."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if not sys.stderr.isatty() or self.clock() - self.started < 1.0:
                return
            self.bar = click.progressbar(length=total, label="reading notes", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.bar.__exit__(None, None, None)


def _colour_wanted() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


@cli.command()
@click.option("--today", type=TODAY, help="Compute the digest as of this day (YYYY-MM-DD).")
@click.option(
    "--horizon", type=HORIZON, help="How far ahead 'upcoming' reaches (e.g. 14d; 0d: today only)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "text", "json"]),
    help="Output format (default: text on a terminal, markdown otherwise).",
)
@click.option(
    "--write", is_flag=True, help="Write the vault's digest file, only if its content changed."
)
@click.pass_context
def digest(
    ctx: click.Context,
    today: date | None,
    horizon: Duration | None,
    output_format: str | None,
    write: bool,
) -> None:
    """Show who you owe a message: overdue, today, upcoming, and people to reconnect with.

    Example: netnotes digest --today 2026-11-21 --format json
    """
    from netnotes.app.digest import build_digest, digest_output, write_digest_text
    from netnotes.core.render import render_text

    if write and output_format:
        raise click.UsageError(
            "--write writes the Markdown digest file; --format is for printing: give one"
        )
    vault = _vault(ctx)
    output_format = output_format or ("text" if sys.stdout.isatty() else "markdown")
    if write or output_format != "text":
        # Markdown (links as the digest file has them, so output can be saved as is) and
        # JSON are remembered for an unchanged vault: a warm run reads one row.
        shown = "markdown" if write else output_format  # the digest file is Markdown
        text, summary = digest_output(vault, today or _today(), horizon, shown)
        if write:
            from netnotes.app.exporting import write_calendar

            state = "written" if write_digest_text(vault, text) else "unchanged"
            click.echo(f"{vault.config.digest}: {state} ({summary})", err=True)
            calendar = write_calendar(vault, today or _today())
            if calendar is not None:
                state = "written" if calendar else "unchanged"
                click.echo(f"{vault.config.calendar}: {state}", err=True)
        else:
            click.echo(text, nl=False)
        return
    result = build_digest(vault, today or _today(), horizon)
    style = click.style if _colour_wanted() else None
    width = _terminal_width()
    click.echo(render_text(result, style, width), nl=False, color=bool(style))


def _terminal_width() -> int | None:
    """The terminal's width when printing to one; None in a pipe (nothing is cut)."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _say(text: str, **options) -> None:
    """Print text that may hold what a note says: no control character reaches the terminal."""
    click.echo(_printable(text), **options)


@cli.command()
@click.option(
    "--links", is_flag=True, help="Also list links in meeting and daily notes that name no contact."
)
@click.option(
    "--all", "every_one", is_flag=True, help="List every problem, even a hundred of one kind."
)
@click.pass_context
def check(ctx: click.Context, links: bool, every_one: bool) -> None:
    """Validate every note: print `path:line: severity: message`; exit 1 on errors.

    A kind of problem that more than three notes have is shown by its first three and
    a count; --all lists every one.

    Example: netnotes check --links
    """
    from netnotes.app.checks import check_vault, grouped
    from netnotes.core.model import Severity

    vault = _vault(ctx)
    report = check_vault(vault, links=links)
    for problem in report.problems if every_one else grouped(report.problems):
        click.echo(problem.format())
    errors = sum(problem.severity is Severity.ERROR for problem in report.problems)
    warnings = sum(problem.severity is Severity.WARNING for problem in report.problems)
    left_out = len(report.problems) - errors - warnings - report.links
    click.echo(
        f"{report.notes} notes checked: {errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}"
        + (f", {left_out} not read as contacts" if left_out else "")
        + (f", {report.links} links naming no contact" if report.links else ""),
        err=True,
    )
    if errors:
        ctx.exit(1)


@cli.command()
@click.option("--rebuild", is_flag=True, help="Throw the cache away and parse every note.")
@click.option("--stats", "show_stats", is_flag=True, help="What the cache holds.")
@click.pass_context
def index(ctx, rebuild, show_stats) -> None:
    """Manage the index cache (.netnotes/index.sqlite): it is disposable and rebuilt as needed.

    Example: netnotes index --stats
    """
    import json

    from netnotes.store import index as cache

    vault = _vault(ctx)
    if rebuild:
        report = cache.rebuild(vault, progress=vault.progress)
        if report.stored:
            click.echo(f"index rebuilt: {report.parsed} notes parsed")
        else:
            click.echo(
                f"{report.parsed} notes parsed; nothing was stored: the cache folder "
                f"{cache.index_path(vault).parent} cannot be written (a read-only vault works "
                "without a cache)"
            )
    if show_stats or not rebuild:
        click.echo(json.dumps(cache.stats(vault), indent=2))


def _today() -> date:
    """Today, or $NETNOTES_TODAY (YYYY-MM-DD) so scripts and tests can pin the date."""
    pinned = os.environ.get("NETNOTES_TODAY")
    if not pinned:
        return date.today()
    try:
        return _dates().parse_day(pinned, date.today(), past=True)
    except ValueError as error:
        raise NetnotesError(f"$NETNOTES_TODAY: {error}", exit_code=2) from None


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--no-git", is_flag=True, help="Do not run git init nor set up the merge driver.")
@click.option(
    "--ci", type=click.Choice(["github", "gitlab"]),
    help="Also write a CI job that publishes the digest and calendar daily (docs/recipes.md).",
)  # fmt: skip
@click.pass_context
def init(ctx, directory: str | None, no_git: bool, ci: str | None) -> None:
    """Create a vault, or finish setting up a fresh clone of one.

    Writes netnotes.toml, contacts/, a contact template, .gitignore and
    .gitattributes; runs git init when the folder is not in a repository and
    registers the merge driver in this clone's git config. Safe to run again:
    it adds only what is missing and never overwrites a file.

    Example: netnotes init ~/network
    """
    from netnotes.app.actions import init_vault
    from netnotes.store.vault import VAULT_ENV

    # The vault named as every other command names it: DIRECTORY, else --vault, else
    # $NETNOTES_VAULT, else here. Two different names are a mistake, not a choice.
    named = ctx.obj["vault_dir"]
    if directory and named and Path(directory).resolve() != Path(named).resolve():
        raise click.UsageError(f"DIRECTORY ({directory}) and --vault ({named}) name two folders")
    directory = directory or named or os.environ.get(VAULT_ENV) or "."
    done = init_vault(Path(directory).expanduser(), git=not no_git, ci=ci)
    for line in done:
        click.echo(line)
    if not done:
        click.echo(f"{directory} is already a vault; nothing to add")


@cli.command(name="merge-driver", hidden=True)
@click.argument("base", type=click.Path(exists=True, dir_okay=False))
@click.argument("ours", type=click.Path(exists=True, dir_okay=False))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False))
@click.argument("path", required=False)
@click.pass_context
def merge_driver(ctx, base, ours, theirs, path) -> None:
    """The git merge driver for contact notes (git calls it; see docs/git.md).

    Merges THEIRS and BASE into OURS; exits 0 when clean, 1 with conflict markers.

    Example: git config merge.netnotes.driver "netnotes merge-driver %O %A %B %P"
    """
    from netnotes.sync.gitmerge import run_driver

    ctx.exit(run_driver(base, ours, theirs))


@cli.command()
@click.argument("name")
@click.option("--email", "emails", multiple=True, help="An email address (repeatable).")
@click.option("--company")
@click.option("--role")
@click.option(
    "--tag", "tags", multiple=True, shell_complete=lambda *a: _complete_tags(*a),
    help="A tag (repeatable; 'a, b' is two).",
)  # fmt: skip
@click.option("--cadence", type=CADENCE, help="How often to keep in touch, e.g. '3 months'.")
@click.option("--birthday", type=BIRTHDAY, help="YYYY-MM-DD, MM-DD or --MM-DD.")
@click.option("--met", type=DATE, help="The day you met (YYYY-MM-DD, yesterday, friday...).")
@click.option("--edit", "open_editor", is_flag=True, help="Open the new note in $EDITOR.")
@click.pass_context
def add(ctx, name, emails, company, role, tags, cadence, birthday, met, open_editor) -> None:
    """Add a contact from the vault's template (templates/contact.md).

    Example: netnotes add "Jill Moreno" --company "Brightside PR" --tag pr --cadence "3 months"
    """
    from netnotes.app.actions import NewContact, add_contact

    vault = _vault(ctx)
    new = NewContact(name, tuple(emails), company, role, tuple(tags), cadence, birthday,
                     met.isoformat() if met else None)  # fmt: skip
    path = add_contact(vault, new, _today())
    click.echo(f"created {vault.relative(path)}")
    if open_editor:
        _open_in_editor(path, None)


def _name_argument(command):
    return click.argument("name", shell_complete=lambda *a: _complete_names(*a))(command)


def _one_word(ctx, param, value: str | None) -> str | None:
    import re

    from netnotes.core.model import KIND_WORD

    if value is not None and not re.fullmatch(KIND_WORD, value):
        raise click.BadParameter(f"must be one word, not '{value}'", ctx, param)
    return value


@cli.command()
@_name_argument
@click.argument("text", required=False, default="")
@click.option("--kind", callback=_one_word, help="One word: coffee, email, call, lunch, ...")
@click.option("--out", "outbound", is_flag=True, help="I reached out and await an answer.")
@click.option("--in", "inbound", is_flag=True, help="They reached out or replied.")
@click.option("--date", "on", type=DATE, help="The day it happened (default: today; yesterday...).")
@click.option("--next", "follow_up", type=WHEN, help="Set follow_up: a date or '3 months'.")
@click.pass_context
def log(ctx, name, text, kind, outbound, inbound, on, follow_up) -> None:
    """Record an interaction in the contact's Log section. TEXT '-' reads standard input.

    Example: netnotes log jill "talked about Berlin" --kind coffee --next "3 months"
    """
    from netnotes.app.actions import log_interaction

    if outbound and inbound:
        raise click.UsageError("--out and --in contradict each other: give one")
    if text == "-":
        text = sys.stdin.read()
    vault = _vault(ctx)
    direction = "out" if outbound else "in" if inbound else ""
    written = log_interaction(vault, name, text, on=on or _today(), kind=kind,
                              direction=direction, next_follow_up=follow_up)  # fmt: skip
    _say(f"{written.contact.path}:{written.line}: {written.summary}")


@cli.command()
@_name_argument
@click.argument("match", required=False)
@click.pass_context
def done(ctx, name, match) -> None:
    """Check off the contact's one open task (or the one whose text contains MATCH).

    Example: netnotes done jill article
    """
    from netnotes.app.actions import complete_task

    written = complete_task(_vault(ctx), name, match, _today())
    _say(f"{written.contact.path}:{written.line}: {written.summary}")


@cli.command()
@_name_argument
@click.argument("when", required=False, type=WHEN)
@click.option("--clear", is_flag=True, help="Remove the snooze.")
@click.pass_context
def snooze(ctx, name, when, clear) -> None:
    """Hide a contact's items (but its birthday) until WHEN: a date, a weekday, or a duration.

    Example: netnotes snooze raj 2026-12-15    (or: netnotes snooze raj "3 weeks")
    """
    from netnotes.app.actions import snooze_contact

    if clear and when:
        raise click.UsageError("give WHEN or --clear, not both")
    if not clear and not when:
        raise click.UsageError("give WHEN, or --clear")
    written = snooze_contact(_vault(ctx), name, None if clear else when)
    _say(f"{written.contact.path}: {written.summary}")


@cli.command()
@_name_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--all", "everything", is_flag=True, help="The whole timeline, past and planned.")
@click.pass_context
def show(ctx, name, output_format, everything) -> None:
    """A contact's card: fields, last contact, what is due, open tasks, recent and planned.

    Example: netnotes show jill --format json
    """
    from netnotes.app.views import contact_document, render_card
    from netnotes.core.render import render_json
    from netnotes.store.notes import person_named

    vault = _vault(ctx)
    contact = person_named(vault, name)
    document = contact_document(contact, _today(), vault.config, everything=everything)
    if output_format == "json":
        click.echo(render_json(document), nl=False)
    else:
        _say(render_card(document, _today()), nl=False)


@cli.command()
@click.argument("names", nargs=-1, required=True, shell_complete=lambda *a: _complete_names(*a))
@click.option("--title", help="The meeting's title (default: Meeting with NAME...).")
@click.option("--date", "on", type=WHEN, help="Its day (default: today; friday, 2026-12-03...).")
@click.pass_context
def meet(ctx, names, title, on) -> None:
    """Create a dated meeting note in meetings/ with these contacts as attendees.

    The note counts as a meeting with each of them (a future date: a planned
    one); write what was said in it. Example: netnotes meet sam jill --title "Data lunch"
    """
    from netnotes.app.meetings import counts, create_meeting
    from netnotes.store.notes import find_target, readable_contact

    vault = _vault(ctx)
    attendees = []
    for name in names:
        contact = readable_contact(find_target(vault, name))
        attendees.append((contact.path, contact.name))
    path = create_meeting(vault, attendees, on or _today(), title)
    _say(f"created {vault.relative(path)}")
    if not counts(vault, path):
        click.echo(
            "note: [sources] in netnotes.toml leaves this folder out: it records nothing", err=True
        )


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--from", "source_format", type=click.Choice(["vcard", "linkedin", "google"]),
    help="The files' format (default: told from each file).",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--tag", help="Give every imported contact this tag too.")
@click.pass_context
def import_contacts(ctx, files, source_format, dry_run, tag) -> None:
    """Bring contacts in from vCard (.vcf), LinkedIn Connections.csv or Google Contacts CSV.

    Matched to existing notes by UID, e-mail, profile URL, then name; a matched
    note gains only what it lacks, and running it again changes nothing.
    Example: netnotes import --dry-run ~/Downloads/Connections.csv
    """
    import contextlib
    from dataclasses import replace

    from netnotes.app.importing import import_lock, read_people

    vault = _vault(ctx)
    if dry_run:  # reads only: not even the cache is created
        vault = replace(vault, use_cache=False)
    records = read_people([Path(file) for file in files], source_format)
    with contextlib.ExitStack() as held:
        if not dry_run:
            held.enter_context(import_lock(vault))  # two imports at once: one waits
        _import(vault, records, dry_run, tag)


def _import(vault: Vault, records, dry_run: bool, tag: str | None) -> None:
    from netnotes.app.importing import apply_import, plan_import

    plan = plan_import(vault, records, tag=tag.lstrip("#") if tag else None)
    verb = "would " if dry_run else ""
    for path, person in plan.created:
        _say(f"{verb}create {vault.relative(path)}: {person.name} ({person.origin})")
    for contact, person, changes in plan.updated:
        said = "; ".join(
            f"{key}: {value}" if action == "set" else f"+ {key}: {', '.join(value)}"
            for action, key, value in changes
        )
        _say(f"{verb}update {contact.path}: {said} ({person.origin})")
    for skip in plan.skipped:
        _say(f"skip {skip.origin}: {skip.reason}")
    for line in [*plan.kept, *plan.warnings]:
        _say(f"note {line}")
    if not dry_run:
        total = len(plan.created) + len(plan.updated)
        if total > 200 and sys.stderr.isatty():
            with click.progressbar(length=total, label="writing", file=sys.stderr) as bar:
                apply_import(vault, plan, _today(), lambda done, _: bar.update(done - bar.pos))
        else:
            apply_import(vault, plan, _today())
    click.echo(("dry run: " if dry_run else "") + plan.summary(), err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--since", type=DATE, help="Only mail from this day on (YYYY-MM-DD, ...).")
@click.pass_context
def capture(ctx, paths, dry_run, since) -> None:
    """Log what your mail and calendars show happened with your contacts.

    Reads the headers (never the bodies) of the Maildir folders and mbox files named,
    and the events of the ICS files and vdir folders named, else what [mail] and
    [calendars] in netnotes.toml name; safe to run again (docs/mail.md,
    docs/calendars.md).

    Example: netnotes capture ~/Mail --dry-run
    """
    from netnotes.app.capture import capture_all

    vault = _vault(ctx)
    report = capture_all(vault, list(paths), today=_today(), since=since, dry_run=dry_run)
    verb = "would add" if dry_run else "added"
    for where, why in report.skipped:
        _say(f"skip {where}: {why}")
    for path, line in report.written:
        _say(f"{verb} {path}: {line}")
    if dry_run and report.strangers:
        shown = ", ".join(f"{address} ({count})" for address, count in report.strangers[:10])
        _say(f"not in the vault, most written with: {shown}", err=True)
    click.echo(("dry run: " if dry_run else "") + report.summary(), err=True)


@cli.command()
@click.option(
    "--dry-run", is_flag=True, help="Say what would be sent and received; change nothing."
)
@click.pass_context
def caldav(ctx, dry_run) -> None:
    """Keep the digest's items as to-dos on your phone, and bring back what you did there.

    Each due item (not the reconnect suggestions) is a CalDAV to-do with an alarm on its
    day, in the collection [caldav] names. A to-do ticked on the phone is written into
    the note; one moved to a later day waits until then; one deleted is dismissed
    (docs/recipes.md, "Due items on the phone").

    Example: netnotes caldav --dry-run
    """
    from netnotes.app.phone import sync_phone

    report = sync_phone(_vault(ctx), _today(), dry_run=dry_run)
    for line in report.lines():
        _say(line)
    if not (report.sent or report.written or report.conflicts):
        click.echo("the phone is up to date", err=True)
    if report.conflicts:
        ctx.exit(1)


@cli.command()
@click.argument("kind", type=click.Choice(["vcard", "ics"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@click.option("--today", type=TODAY, help="The feed's day (ics; default: today).")
@click.pass_context
def export(ctx, kind, output, today) -> None:
    """Export every contact as vCard 4.0, or what the digest knows as an iCalendar feed.

    The feed holds birthdays and anniversaries (yearly), keep-in-touch dates, follow-ups,
    nudges, thank-yous, planned meetings and dated tasks a year ahead, with stable UIDs.
    Example: netnotes export ics -o due.ics
    """
    from netnotes.app.exporting import export_calendar, export_vcard

    vault = _vault(ctx)
    data = (
        export_vcard(vault).encode("utf-8")
        if kind == "vcard"
        else export_calendar(vault, today or _today())
    )
    if output:
        from netnotes.store.output import write_output

        written = write_output(vault, Path(output), data, named_by_user=True)
        click.echo(f"{output}: {'written' if written else 'unchanged'}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@cli.command()
@click.pass_context
def dupes(ctx) -> None:
    """List notes that are likely one person: a shared e-mail, profile URL, name or alias.

    Example: netnotes dupes
    """
    from netnotes.app.duplicates import likely_duplicates

    found = likely_duplicates(_vault(ctx))
    for pair in found:
        _say(f"{pair.first}  {pair.second}  {pair.reason}")
    if not found:
        click.echo("no likely duplicates", err=True)


@cli.command()
@click.argument("keep", shell_complete=lambda *a: _complete_names(*a))
@click.argument("remove", shell_complete=lambda *a: _complete_names(*a))
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Do not ask before deleting REMOVE.")
@click.pass_context
def merge(ctx, keep, remove, assume_yes) -> None:
    """Merge the note REMOVE into KEEP, then delete REMOVE (asked first; --yes not to).

    Lists are united, keys KEEP lacks are added, KEEP's values win (conflicts are said),
    logs are united in date order, a section of REMOVE under a heading KEEP has joins
    KEEP's, and the rest of REMOVE's text is kept in KEEP.
    Example: netnotes merge "Sam Ortiz" contacts/sam-o.md --yes
    """
    from netnotes.app.duplicates import merge_contacts

    def confirm(kept: str, removed: str) -> bool:
        if assume_yes:
            return True
        if not sys.stdin.isatty():
            raise click.UsageError(
                f"merge deletes {removed} once it is in {kept}: there is no terminal to ask "
                "on, so say --yes to go on; nothing was changed"
            )
        return click.confirm(f"Merge {removed} into {kept}, then delete {removed}?")

    report = merge_contacts(_vault(ctx), keep, remove, confirm)
    for change in report.changes:
        _say(f"{report.kept}: {change}")
    for conflict in report.conflicts:
        _say(f"note {report.kept}: {conflict}")
    _say(f"merged {report.removed} into {report.kept} ({report.entries} log entries added); "
         f"removed {report.removed}")  # fmt: skip


@cli.command()
@_name_argument
@click.option(
    "--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text"
)
@click.pass_context
def prep(ctx, name, output_format) -> None:
    """A one-screen card to read before meeting someone: who, where you stand, what you
    owe them, what you want them to know about you, a 25-minute plan and what to do after.

    Example: netnotes prep sam --format markdown
    """
    from netnotes.app.prep import prep_document, render_prep
    from netnotes.core.render import render_json
    from netnotes.store.notes import person_named

    vault = _vault(ctx)
    contact = person_named(vault, name)
    document = prep_document(vault, contact, _today())
    if output_format == "json":
        click.echo(render_json(document), nl=False)
    else:
        _say(render_prep(document, markdown=output_format == "markdown"), nl=False)


@cli.command()
@_name_argument
@click.option(
    "--for", "kind",
    type=click.Choice(["ask", "thanks", "update", "reconnect", "congrats"]),
    help="What the message is for; without it, the kinds that fit this person today.",
)  # fmt: skip
@click.pass_context
def draft(ctx, name, kind) -> None:
    """A message from the note, for you to finish and send; nothing is sent.

    What the notes do not say stays visible, as [what you need]. A thank-you is offered
    after a meeting, a reconnect note after reconnect_after of silence.
    Example: netnotes draft marta --for reconnect
    """
    from netnotes.app.drafts import draft_message, fitting_kinds
    from netnotes.store.notes import person_named

    vault = _vault(ctx)
    contact = person_named(vault, name)
    if kind is None:
        fits = ", ".join(f"--for {kind}" for kind in fitting_kinds(vault, contact, _today()))
        _say(f"what is the message for? For {contact.name} today: {fits}", err=True)
        ctx.exit(2)
    _say(draft_message(vault, contact, kind, _today()), nl=False)


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False),
              help="Also write a self-contained HTML page with charts to this file.")  # fmt: skip
@click.pass_context
def stats(ctx, output_format, tag, html_file) -> None:
    """The network's health: contacts by state, outreach answered, thank-yous sent,
    interactions a month over two years, ties gone quiet this quarter.

    Example: netnotes stats --format json
    """
    from netnotes.app.stats import render_stats, vault_stats
    from netnotes.core.render import render_json

    vault = _vault(ctx)
    document = vault_stats(vault, _today(), tag)
    if html_file:
        from netnotes.app.stats import html_report
        from netnotes.store.output import write_output

        page = html_report(document).encode("utf-8")
        written = write_output(vault, Path(html_file), page, named_by_user=True)
        click.echo(f"{html_file}: {'written' if written else 'unchanged'}", err=True)
    if output_format == "json":
        click.echo(render_json(document), nl=False)
    else:
        _say(render_stats(document), nl=False)


@cli.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=10, help="At most this many.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--log", "log_names", multiple=True, help="Log `-> share: TEXT` for NAME (repeat).")
@click.pass_context
def share(ctx, text, limit, output_format, log_names) -> None:
    """Who would value this article or news: contacts ranked by what it and their note
    share (interests first), each with its reasons. --log NAME records that you shared it.

    Example: netnotes share "https://example.com/marketing-to-women" --limit 5
    """
    import json

    from netnotes.app.share import ranked, render_share

    vault = _vault(ctx)
    if log_names:
        from netnotes.app.actions import log_interaction

        for name in log_names:
            written = log_interaction(vault, name, text, on=_today(), kind="share",
                                      direction="out")  # fmt: skip
            _say(f"{written.contact.path}:{written.line}: {written.summary}")
        return
    hits = ranked(vault, text, _today(), limit)
    if output_format == "json":
        click.echo(json.dumps(hits, indent=2, ensure_ascii=False))
    elif hits:
        _say(render_share(hits), nl=False)
    else:
        click.echo("nobody in the vault matches it", err=True)


@cli.command(name="list")
@click.option("--tag", shell_complete=lambda *a: _complete_tags(*a), help="Only this tag.")
@click.option("--company", help="Only contacts whose company contains this.")
@click.option("--due", is_flag=True, help="Only contacts with something due.")
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json", "paths"]), default="table"
)
@click.pass_context
def list_contacts(ctx, tag, company, due, output_format) -> None:
    """List contacts, sorted by name.

    Example: netnotes list --tag pr --format paths
    """
    import json

    from netnotes.app.queries import list_rows
    from netnotes.app.views import render_table

    rows = list_rows(_vault(ctx), _today(), tag=tag, company=company, due=due)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif output_format == "paths":
        for row in rows:
            _say(row["path"])
    elif rows:
        _say(render_table(rows, _terminal_width()), nl=False)
    else:
        click.echo("no contacts match", err=True)


@cli.command()
@click.argument("query")
@click.pass_context
def find(ctx, query) -> None:
    """Search names, aliases, company, tags, notes and log text (case and accents ignored).

    Example: netnotes find berlin
    """
    from netnotes.app.queries import find as find_notes

    hits = find_notes(_vault(ctx), query)
    for hit in hits:
        _say(f"{hit.where}: {hit.contact.name}: {hit.text}")
    if not hits:
        click.echo(f"nothing matches '{query}'", err=True)
        ctx.exit(1)


@cli.command()
@_name_argument
@click.pass_context
def edit(ctx, name) -> None:
    """Open a note in $VISUAL or $EDITOR (else vi), at its Log section when the editor can.

    NAME may be a contact's name or any note's path or file name, a broken
    note included: `netnotes check` says what to fix, `netnotes edit` opens it.

    Example: EDITOR=vim netnotes edit jill
    """
    from netnotes.core.frontmatter import FrontMatterError
    from netnotes.core.parse import first_log_section
    from netnotes.store.notefile import read_note_bytes
    from netnotes.store.notes import find_target

    vault = _vault(ctx)
    target = find_target(vault, name)
    try:
        text = read_note_bytes(target.path).decode("utf-8")
        section = first_log_section(text, reading=vault.config.reading)
    except (FrontMatterError, UnicodeDecodeError, OSError):
        section = None  # the note is broken: open it at the top
    _open_in_editor(target.path, section.heading + 1 if section else None)


# Editors that take `+N file` to open at a line; VS Code-likes take `-g file:N`.
_PLUS_LINE_EDITORS = {"vi", "vim", "nvim", "gvim", "nano", "emacs", "emacsclient", "micro", "kak",
                      "hx", "helix", "joe", "ne", "mg", "jed"}  # fmt: skip
_GOTO_EDITORS = {"code", "codium", "code-insiders", "cursor"}


def editor_command(editor: str, path: Path, line: int | None) -> list[str]:
    import shlex

    try:
        command = shlex.split(editor)
    except ValueError as error:
        raise NetnotesError(
            f"$EDITOR is not a command netnotes can run ({editor!r}: {error})"
        ) from None
    if not command:
        raise NetnotesError("$EDITOR is empty: set it to your editor, e.g. EDITOR=vim")
    program = Path(command[0]).name
    if line and program in _PLUS_LINE_EDITORS:
        return [*command, f"+{line}", str(path)]
    if line and program in _GOTO_EDITORS:
        return [*command, "-g", f"{path}:{line}"]
    return [*command, str(path)]


def _open_in_editor(path: Path, line: int | None) -> None:
    """$VISUAL, else $EDITOR, else vi: the order git uses."""
    import shutil
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        if not shutil.which("vi"):
            raise NetnotesError(f"set $EDITOR (or $VISUAL) to open {path}: vi is not installed")
        editor = "vi"
    command = editor_command(editor, path, line)
    try:
        status = subprocess.call(command)
    except OSError as error:
        raise NetnotesError(
            f"cannot run the editor '{command[0]}' ({error.strerror}): set $EDITOR to your editor"
        ) from None
    if status:
        raise NetnotesError(f"the editor exited with status {status}")


# -- shell completion: never fails, never prints --------------------------------------------


def _completion_vault(ctx: click.Context):
    from netnotes.store.vault import find_vault_root, open_vault

    root = ctx.find_root()
    explicit = ctx.meta.get(_VAULT_AFTER) or root.params.get("vault_dir")
    return open_vault(find_vault_root(explicit, os.environ, Path.cwd()))


def _complete_names(ctx: click.Context, param, incomplete: str) -> list:
    from click.shell_completion import CompletionItem

    try:
        from netnotes.core.names import fold
        from netnotes.store.loading import load_contacts

        contacts, _ = load_contacts(_completion_vault(ctx))
        wanted = fold(incomplete)
        names = {Path(c.path).stem for c in contacts} | {c.name for c in contacts}
        return [CompletionItem(n) for n in sorted(names) if fold(n).startswith(wanted)]
    except Exception:  # a completion must never break the user's shell
        return []


def _complete_tags(ctx: click.Context, param, incomplete: str) -> list:
    from click.shell_completion import CompletionItem

    try:
        from netnotes.store.loading import load_contacts

        contacts, _ = load_contacts(_completion_vault(ctx))
        tags = {tag for contact in contacts for tag in contact.tags}
        return [CompletionItem(t) for t in sorted(tags) if t.lower().startswith(incomplete.lower())]
    except Exception:  # a completion must never break the user's shell
        return []


@cli.command()
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, containers).")
@click.pass_context
def watch(ctx, poll) -> None:
    """Keep the digest file current: rewrite it when notes change and when the day changes.

    Runs until Ctrl-C or SIGTERM. One log line per regeneration on stderr.

    Example: netnotes watch &
    """
    import signal

    from netnotes.app.watch import Observing, Watcher

    vault = _vault(ctx)

    def say(line: str) -> None:
        click.echo(_printable(line), err=True)

    watcher = Watcher(vault.root, log=say)
    if vault.config.phone is not None:  # [caldav]: the phone's to-dos follow the digest
        from netnotes.app.phone_keeper import PhoneKeeper

        watcher.phone = PhoneKeeper(vault.root, lambda: watcher.today or _today(), say)
        watcher.phone.start()
    watcher.start()
    observing = Observing(watcher, poll=poll, warn=say)
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: watcher.stop())
    say(f"watching {vault.contacts_dir} (Ctrl-C to stop)")
    try:
        watcher.run()
    finally:
        observing.stop()
        if watcher.phone is not None:
            watcher.phone.stop()
    say("stopped")


_VAULT_AFTER = "netnotes.vault_after"


def _accept_vault_after_the_command() -> None:
    """`netnotes log jill hi --vault ~/network` works as well as `netnotes --vault ...`."""

    def remember(ctx: click.Context, param, value: str | None) -> None:
        if value is not None:
            # ctx.meta too: a completion parses without running the group, so has no obj.
            ctx.meta[_VAULT_AFTER] = value
            if ctx.obj is not None:
                ctx.obj["vault_dir"] = value

    for name, command in cli.commands.items():
        if name in ("init", "merge-driver"):
            continue
        command.params.append(
            click.Option(
                ["--vault", "vault_after"], type=click.Path(file_okay=False), expose_value=False,
                callback=remember, help="The vault folder (as before the command).",
            )
        )  # fmt: skip


_accept_vault_after_the_command()


def main() -> None:
    cli(prog_name="netnotes")
