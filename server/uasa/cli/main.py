"""The `uasa` command: build the store, serve it, export it, run its saved queries."""

from __future__ import annotations

import argparse
import importlib
import sys

from uasa import __version__
from uasa.core.settings import SettingsError

# Each subcommand is a module of uasa.cli with `register(sub)`, which adds its parser and sets
# `func`. They are imported in main(), not here: the query workers' forkserver imports the
# running script (this module, under `uasa serve`) as __main__, and the subcommands pull in
# networkx, pyld and gunicorn, which doubled the server's cold start.
COMMANDS = ("build", "serve", "export", "queries")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="uasa", description=__doc__)
    parser.add_argument("--version", action="version", version=f"uasa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"uasa.cli.{name}").register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:  # a bad UASA_* variable: one line, as argparse does for usage
        print(f"uasa {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
