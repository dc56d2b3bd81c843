"""The app's parts as typed accessors, so routes never index `current_app.extensions` by hand."""

from __future__ import annotations

from typing import cast

from flask import current_app

from uasa.core.settings import Settings
from uasa.core.store_layout import BuiltStore
from uasa.query.catalogue import Catalogue
from uasa.query.types import Executor


def settings() -> Settings:
    return cast(Settings, current_app.config["UASA"])


def executor() -> Executor:
    return cast(Executor, current_app.extensions["uasa.executor"])


def built() -> BuiltStore:
    return cast(BuiltStore, current_app.extensions["uasa.store"])


def catalogue() -> Catalogue:
    return cast(Catalogue, current_app.extensions["uasa.catalogue"])


def build_hash() -> str | None:
    """The content hash of the build being served: it names every cached answer."""
    value = built().manifest.get("content_hash")
    return str(value) if value else None
