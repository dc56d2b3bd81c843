"""What every subcommand module shares: the type of the `sub` its ``register`` receives."""

from __future__ import annotations

import argparse
from typing import TypeAlias

# A string: argparse's class is generic only to type checkers, not at run time.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
