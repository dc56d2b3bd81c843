"""The `uasa` command: build the store, serve it, export it, run its saved queries."""

from __future__ import annotations

import argparse
import sys

from uasa import __version__
from uasa.cli import build, export, queries, serve
from uasa.core.settings import SettingsError

# Each subcommand is a module with `register(sub)`, which adds its parser and sets `func`.
COMMANDS = (build, serve, export, queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="uasa", description=__doc__)
    parser.add_argument("--version", action="version", version=f"uasa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:  # a bad UASA_* variable: one line, as argparse does for usage
        print(f"uasa {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
