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

from netnotes.errors import NetnotesError

if TYPE_CHECKING:
    from netnotes.dates import Duration
    from netnotes.vault import Vault

# `netnotes --help` imports only click and this module: every other import
# happens inside the command that needs it.


class _NetnotesGroup(click.Group):
    """The one error boundary: every expected failure is `Error: ...` and an exit code;
    a traceback only with --debug."""

    def invoke(self, ctx: click.Context):
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
    from netnotes.safetext import printable

    return printable(text, keep_newlines=True)


class _ParsedType(click.ParamType):
    """An option value read by one of our parsers, whose ValueError message is for the user."""

    def __init__(self, name: str, parser_name: str) -> None:
        self.name = name
        self.parser_name = parser_name

    def convert(self, value, param, ctx):
        from netnotes import dates

        if not isinstance(value, str):
            return value
        try:
            return getattr(dates, self.parser_name)(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


DATE = _ParsedType("DATE", "parse_date")
DURATION = _ParsedType("DURATION", "parse_duration")


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

    from netnotes.vault import find_vault_root, open_vault

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
@click.option("--today", type=DATE, help="Compute the digest as of this day (YYYY-MM-DD).")
@click.option("--horizon", type=DURATION, help="How far ahead 'upcoming' reaches (e.g. 14d).")
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
    from netnotes.digest import build_digest, digest_markdown_for_file, write_digest
    from netnotes.render import render_digest_json, render_text

    vault = _vault(ctx)
    result = build_digest(vault, today or _today(), horizon)
    if write:
        written = write_digest(vault, result)
        state = "written" if written else "unchanged"
        click.echo(f"{vault.config.digest}: {state} ({result.summary()})", err=True)
        return
    output_format = output_format or ("text" if sys.stdout.isatty() else "markdown")
    if output_format == "json":
        click.echo(render_digest_json(result), nl=False)
    elif output_format == "markdown":
        # Links are written as the digest file would have them, so output can be saved as is.
        click.echo(digest_markdown_for_file(vault, result), nl=False)
    else:
        style = click.style if _colour_wanted() else None
        click.echo(render_text(result, style), nl=False, color=bool(style))


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate every note: print `path:line: severity: message`; exit 1 on errors.

    Example: netnotes check
    """
    from netnotes.checks import check_vault
    from netnotes.model import Severity

    vault = _vault(ctx)
    report = check_vault(vault)
    for problem in report.problems:
        click.echo(problem.format())
    errors = sum(problem.severity is Severity.ERROR for problem in report.problems)
    warnings = len(report.problems) - errors
    click.echo(
        f"{report.notes} notes checked: {errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}",
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

    from netnotes import index as cache

    vault = _vault(ctx)
    if rebuild:
        report = cache.rebuild(vault, progress=vault.progress)
        click.echo(f"index rebuilt: {report.parsed} notes parsed")
    if show_stats or not rebuild:
        click.echo(json.dumps(cache.stats(vault), indent=2))


def _today() -> date:
    """Today, or $NETNOTES_TODAY (YYYY-MM-DD) so scripts and tests can pin the date."""
    from netnotes.dates import parse_date

    pinned = os.environ.get("NETNOTES_TODAY")
    return parse_date(pinned) if pinned else date.today()


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--no-git", is_flag=True, help="Do not run git init nor set up the merge driver.")
def init(directory: str, no_git: bool) -> None:
    """Create a vault, or finish setting up a fresh clone of one.

    Writes netnotes.toml, contacts/, a contact template, .gitignore and
    .gitattributes; runs git init when the folder is not in a repository and
    registers the merge driver in this clone's git config. Safe to run again:
    it adds only what is missing and never overwrites a file.

    Example: netnotes init ~/network
    """
    from netnotes.actions import init_vault

    done = init_vault(Path(directory), git=not no_git)
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
    from netnotes.gitmerge import run_driver

    ctx.exit(run_driver(base, ours, theirs))


@cli.command()
@click.argument("name")
@click.option("--email", "emails", multiple=True, help="An email address (repeatable).")
@click.option("--company")
@click.option("--role")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--cadence", help="How often to keep in touch, e.g. '3 months'.")
@click.option("--birthday", help="YYYY-MM-DD, MM-DD or --MM-DD.")
@click.option("--met", type=DATE, help="The day you met (YYYY-MM-DD).")
@click.option("--edit", "open_editor", is_flag=True, help="Open the new note in $EDITOR.")
@click.pass_context
def add(ctx, name, emails, company, role, tags, cadence, birthday, met, open_editor) -> None:
    """Add a contact from the vault's template (templates/contact.md).

    Example: netnotes add "Jill Moreno" --company "Brightside PR" --tag pr --cadence "3 months"
    """
    from netnotes.actions import NewContact, add_contact

    vault = _vault(ctx)
    new = NewContact(name, tuple(emails), company, role, tuple(tags), cadence, birthday,
                     met.isoformat() if met else None)  # fmt: skip
    path = add_contact(vault, new, _today())
    click.echo(f"created {vault.relative(path)}")
    if open_editor:
        _open_in_editor(path, None)


@cli.command()
@click.argument("name")
@click.argument("text", required=False, default="")
@click.option("--kind", help="One word: coffee, email, call, lunch, ...")
@click.option("--out", "direction", flag_value="out", help="I reached out and await an answer.")
@click.option("--in", "direction", flag_value="in", help="They reached out or replied.")
@click.option("--date", "on", type=DATE, help="The day it happened (default: today).")
@click.option("--next", "next_when", help="Set follow_up: a date or a duration ('3 months').")
@click.pass_context
def log(ctx, name, text, kind, direction, on, next_when) -> None:
    """Record an interaction in the contact's Log section. TEXT '-' reads standard input.

    Example: netnotes log jill "talked about Berlin" --kind coffee --next "3 months"
    """
    from netnotes.actions import log_interaction, parse_when

    if text == "-":
        text = sys.stdin.read()
    vault = _vault(ctx)
    today = _today()
    follow_up = parse_when(next_when, today) if next_when else None
    written = log_interaction(vault, name, text, on=on or today, kind=kind,
                              direction=direction or "", next_follow_up=follow_up)  # fmt: skip
    click.echo(f"{written.contact.path}:{written.line}: {written.summary}")


@cli.command()
@click.argument("name")
@click.argument("match", required=False)
@click.pass_context
def done(ctx, name, match) -> None:
    """Check off the contact's one open task (or the one whose text contains MATCH).

    Example: netnotes done jill article
    """
    from netnotes.actions import complete_task

    written = complete_task(_vault(ctx), name, match, _today())
    click.echo(f"{written.contact.path}:{written.line}: {written.summary}")


@cli.command()
@click.argument("name")
@click.argument("when", required=False)
@click.option("--clear", is_flag=True, help="Remove the snooze.")
@click.pass_context
def snooze(ctx, name, when, clear) -> None:
    """Hide a contact's items (but its birthday) until WHEN: a date or a duration.

    Example: netnotes snooze raj 2026-12-15    (or: netnotes snooze raj "3 weeks")
    """
    from netnotes.actions import parse_when, snooze_contact

    if clear == bool(when):
        raise click.UsageError("give WHEN, or --clear")
    until = None if clear else parse_when(when, _today())
    written = snooze_contact(_vault(ctx), name, until)
    click.echo(f"{written.contact.path}: {written.summary}")


@cli.command()
@click.argument("name")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def show(ctx, name, output_format) -> None:
    """A contact's card: fields, last contact, what is due, open tasks, recent log.

    Example: netnotes show jill --format json
    """
    from netnotes.lookup import find_contact
    from netnotes.render import render_json
    from netnotes.vault import load_contacts
    from netnotes.views import contact_document, render_card

    vault = _vault(ctx)
    contacts, _ = load_contacts(vault)
    document = contact_document(find_contact(name, contacts), _today(), vault.config)
    if output_format == "json":
        click.echo(render_json(document), nl=False)
    else:
        click.echo(render_card(document, _today()), nl=False)


@cli.command(name="list")
@click.option("--tag", help="Only contacts with this tag.")
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

    from netnotes.vault import load_contacts
    from netnotes.views import contact_rows

    vault = _vault(ctx)
    contacts, _ = load_contacts(vault)
    rows = contact_rows(contacts, _today(), vault.config, tag=tag, company=company, due=due)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif output_format == "paths":
        for row in rows:
            click.echo(row["path"])
    else:
        width = max((len(row["name"]) for row in rows), default=0)
        for row in rows:
            details = "  ".join(filter(None, [row["last_contact"] or "never", row["company"] or "",
                                              ", ".join(row["tags"])]))  # fmt: skip
            click.echo(f"{row['name'].ljust(width)}  {details}  {row['path']}")


@cli.command()
@click.argument("query")
@click.pass_context
def find(ctx, query) -> None:
    """Search names, aliases, company, tags, notes and log text (case and accents ignored).

    Example: netnotes find berlin
    """
    from netnotes.vault import load_contacts
    from netnotes.views import find_hits

    vault = _vault(ctx)
    contacts, _ = load_contacts(vault)
    texts = {}
    for contact in contacts:
        try:
            texts[contact.path] = (vault.root / contact.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
    hits = find_hits(query, contacts, texts)
    for hit in hits:
        where = hit.contact.path if hit.line is None else f"{hit.contact.path}:{hit.line}"
        click.echo(f"{where}: {hit.contact.name}: {hit.text}")
    if not hits:
        click.echo(f"nothing matches '{query}'", err=True)
        ctx.exit(1)


@cli.command()
@click.argument("name")
@click.pass_context
def edit(ctx, name) -> None:
    """Open the contact's note in $VISUAL or $EDITOR, at its Log section when the editor can.

    Example: EDITOR=vim netnotes edit jill
    """
    from netnotes.lookup import find_contact
    from netnotes.parse import first_log_section
    from netnotes.vault import load_contacts

    vault = _vault(ctx)
    contacts, _ = load_contacts(vault)
    contact = find_contact(name, contacts)
    path = vault.root / contact.path
    section = first_log_section(path.read_text(encoding="utf-8"))
    _open_in_editor(path, section.heading + 1 if section else None)


# Editors that take `+N file` to open at a line; VS Code-likes take `-g file:N`.
_PLUS_LINE_EDITORS = {"vi", "vim", "nvim", "gvim", "nano", "emacs", "emacsclient", "micro", "kak",
                      "hx", "helix", "joe", "ne", "mg", "jed"}  # fmt: skip
_GOTO_EDITORS = {"code", "codium", "code-insiders", "cursor"}


def editor_command(editor: str, path: Path, line: int | None) -> list[str]:
    import shlex

    command = shlex.split(editor)
    program = Path(command[0]).name
    if line and program in _PLUS_LINE_EDITORS:
        return [*command, f"+{line}", str(path)]
    if line and program in _GOTO_EDITORS:
        return [*command, "-g", f"{path}:{line}"]
    return [*command, str(path)]


def _open_in_editor(path: Path, line: int | None) -> None:
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise NetnotesError(f"set $EDITOR (or $VISUAL) to open {path}")
    status = subprocess.call(editor_command(editor, path, line))
    if status:
        raise NetnotesError(f"the editor exited with status {status}")


@cli.command()
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, containers).")
@click.pass_context
def watch(ctx, poll) -> None:
    """Keep the digest file current: rewrite it when notes change and when the day changes.

    Runs until Ctrl-C or SIGTERM. One log line per regeneration on stderr.

    Example: netnotes watch &
    """
    import signal

    from netnotes.watch import Watcher, start_observer

    vault = _vault(ctx)

    def say(line: str) -> None:
        click.echo(line, err=True)

    watcher = Watcher(vault.root, log=say)
    watcher.start()
    observers = [start_observer(watcher, poll=poll, warn=say)]

    def re_point() -> None:  # the contacts folder moved in netnotes.toml
        observers[0].stop()
        observers[0] = start_observer(watcher, poll=poll, warn=say)

    watcher.on_reload = re_point
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: watcher.stop())
    say(f"watching {vault.contacts_dir} (Ctrl-C to stop)")
    try:
        watcher.run()
    finally:
        observers[0].stop()
        observers[0].join(timeout=5)
    say("stopped")


def main() -> None:
    cli(prog_name="netnotes")
