"""The docs keep up with the code: every command is documented with an example."""

from netnotes.cli import cli

from .conftest import ROOT


def test_every_command_has_a_section_with_an_example_in_the_command_reference():
    reference = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in cli.commands:
        heading = f"## `netnotes {name}"
        assert heading in reference, f"docs/commands.md lacks a section for '{name}'"
        section = reference.split(heading, 1)[1].split("\n## ", 1)[0]
        assert "Example" in section, f"docs/commands.md: '{name}' has no example"


def test_every_command_docstring_has_an_example():
    for name, command in cli.commands.items():
        assert "Example:" in (command.help or ""), name
