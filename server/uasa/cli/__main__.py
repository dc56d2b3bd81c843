"""`python -m uasa.cli` runs the `uasa` command."""

from uasa.cli.main import main

raise SystemExit(main())
