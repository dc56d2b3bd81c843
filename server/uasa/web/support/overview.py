"""The names the table modules (`agreements`, `commitments`) still import from here; the
helpers themselves are in `lookup`. Remove once those modules import `lookup` directly."""

from __future__ import annotations

from uasa.core.iris import sparql_prefixes
from uasa.web.support.lookup import cached, facet_filters, href, labels, linked, val
from uasa.web.support.lookup import run as _run

PREFIXES = sparql_prefixes()

__all__ = ["PREFIXES", "_run", "cached", "facet_filters", "href", "labels", "linked", "val"]
