"""The CLI reference page, generated from the click commands (used by the docs build)."""

from __future__ import annotations

from collections.abc import Iterator

import click

__all__ = ["command_paths", "render_reference"]


def _walk(
    command: click.Command, parent: click.Context | None, name: str
) -> Iterator[tuple[str, click.Context]]:
    context = click.Context(command, info_name=name, parent=parent, terminal_width=100)
    yield context.command_path, context
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(context):
            sub = command.get_command(context, sub_name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, context, sub_name)


def command_paths() -> list[str]:
    """Every command, as typed: ``bisnap``, ``bisnap headers transaction``, ..."""
    from bisnap.cli.app import cli

    return [path for path, _ in _walk(cli, None, "bisnap")]


def render_reference() -> str:
    """Markdown: one section per command with its complete ``--help`` text."""
    from bisnap.cli.app import cli

    sections: list[str] = []
    for path, context in _walk(cli, None, "bisnap"):
        level = "##" if path.count(" ") <= 1 else "###"
        help_text = context.command.get_help(context).rstrip()
        sections.append(f"{level} `{path}`\n\n```text\n{help_text}\n```\n")
    return "\n".join(sections)
