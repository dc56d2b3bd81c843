"""The app's parts as typed accessors, so routes never index `current_app.extensions` by hand."""

from __future__ import annotations

from typing import cast

from flask import current_app, g

from uasa.core.settings import Settings
from uasa.core.store_layout import BuiltStore
from uasa.query.catalogue import Catalogue
from uasa.query.types import Executor
from uasa.web.support.serving import Serving


def settings() -> Settings:
    return cast(Settings, current_app.config["UASA"])


def serving() -> Serving:
    """The build this request took at its start (one request sees one build)."""
    held = g.get("uasa_serving")
    if held is None:  # outside a request, or before the hook ran
        held = current_app.extensions["uasa.follower"].current
    return cast(Serving, held)


def executor() -> Executor:
    return serving().executor


def built() -> BuiltStore:
    return serving().built


def catalogue() -> Catalogue:
    return cast(Catalogue, current_app.extensions["uasa.catalogue"])


def build_hash() -> str | None:
    """The content hash of the build being served: it names every cached answer."""
    return serving().build_hash
