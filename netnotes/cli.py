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

import click

from netnotes.dates import Duration, parse_date, parse_duration
from netnotes.errors import NetnotesError
from netnotes.model import Severity
from netnotes.vault import Vault, find_vault_root, open_vault


class _NetnotesGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NetnotesError as error:
            if ctx.params.get("debug"):
                raise
            failure = click.ClickException(str(error))
            failure.exit_code = error.exit_code
            raise failure from None


class _DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class _DurationType(click.ParamType):
    name = "DURATION"

    def convert(self, value, param, ctx) -> Duration:
        if isinstance(value, Duration):
            return value
        try:
            return parse_duration(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


DATE = _DateType()
DURATION = _DurationType()


@click.group(cls=_NetnotesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--vault",
    "vault_dir",
    type=click.Path(file_okay=False),
    help="The vault folder (default: $NETNOTES_VAULT, else the nearest folder with netnotes.toml).",
)
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.version_option(package_name="netnotes")
@click.pass_context
def cli(ctx: click.Context, vault_dir: str | None, debug: bool) -> None:
    """netnotes: a plain-text personal CRM. Who do you owe a message today?

    Each contact is a Markdown file with YAML front matter in the vault's
    contacts folder. See docs/format.md for the file format.
    """
    ctx.obj = {"vault_dir": vault_dir}


def _vault(ctx: click.Context) -> Vault:
    root = find_vault_root(ctx.obj["vault_dir"], os.environ, Path.cwd())
    return open_vault(root)


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
    from netnotes.render import digest_document, render_json, render_text

    vault = _vault(ctx)
    result = build_digest(vault, today or date.today(), horizon)
    if write:
        written = write_digest(vault, result)
        state = "written" if written else "unchanged"
        click.echo(f"{vault.config.digest}: {state} ({result.summary()})", err=True)
        return
    output_format = output_format or ("text" if sys.stdout.isatty() else "markdown")
    if output_format == "json":
        click.echo(render_json(digest_document(result)), nl=False)
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


def main() -> None:
    cli(prog_name="netnotes")
