"""Every note of a vault, through the index cache: contacts, problems, and the vault-wide checks.

Above `vault` (which finds and reads notes) and `index` (which caches their
parses), so that neither needs the other's caller.
"""

from __future__ import annotations

from netnotes.core.config import CONFIG_NAME
from netnotes.core.identity import Identity, Summary, duplicate_problems, identity_of
from netnotes.core.model import Contact, Problem, Severity
from netnotes.store import index
from netnotes.store.vault import Vault


def load_notes(vault: Vault) -> list:
    """Every note of the vault as an index Record (path, contact or None, problems)."""
    if not vault.contacts_dir.is_dir():
        return []
    return index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records


def load_contacts(vault: Vault) -> tuple[list[Contact], list[Problem]]:
    """All contacts of the vault and every problem found reading them."""
    contacts, problems, _ = read_vault(vault)
    return contacts, problems


def read_vault(vault: Vault) -> tuple[list[Contact], list[Problem], int]:
    """`load_contacts` and the number of notes read (broken ones included)."""
    contacts: list[Contact] = []
    problems: list[Problem] = []
    if not vault.contacts_dir.is_dir():
        problems.append(
            Problem(
                CONFIG_NAME,
                None,
                Severity.ERROR,
                f"the contacts folder '{vault.config.contacts}' does not exist",
            )
        )
        return contacts, vault_problems(vault, [], problems), 0
    records = index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records
    for record in records:
        problems.extend(record.problems)
        if record.contact is not None:
            contacts.append(record.contact)
    identities = [identity_of(contact) for contact in contacts]
    return contacts, vault_problems(vault, identities, problems), len(records)


def load_summaries(
    vault: Vault, *, vault_wide: bool = True
) -> tuple[list[Summary], list[Problem], int]:
    """`read_vault` for `list` and `check`: summaries instead of contacts, read from the
    cached values without building any contact (several times cheaper on a large vault).
    `vault_wide=False` skips the duplicate check (for `list`, which shows no problems)."""
    if not vault.contacts_dir.is_dir():
        _, problems, notes = read_vault(vault)
        return [], problems, notes
    summaries: list[Summary] = []
    problems: list[Problem] = []
    records = index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records
    for record in records:
        summary, own = record.summary()
        problems.extend(own)
        if summary is not None:
            summaries.append(summary)
    identities = [summary.identity() for summary in summaries] if vault_wide else []
    return summaries, vault_problems(vault, identities, problems), len(records)


def vault_problems(vault: Vault, identities: list[Identity], note_problems: list[Problem]):
    """The notes' own problems plus the config's and the vault-wide ones, sorted."""
    problems = [*vault.config_problems, *note_problems, *duplicate_problems(identities)]
    return sorted(problems, key=Problem.sort_key)
