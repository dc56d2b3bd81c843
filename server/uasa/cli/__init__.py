"""The `uasa` command."""
