"""Blank nodes labelled from what they stand for, so that a generated RDF document (VoID, the
SPARQL service description) has the same labels, hence the same bytes and ETag, on every
request: a harvester can diff two fetches and revalidate with If-None-Match."""

from __future__ import annotations

import hashlib

from pyoxigraph import BlankNode


def labelled(kind: str, key: str) -> BlankNode:
    """The blank node for the ``kind`` of thing about ``key`` (e.g. a graph's IRI)."""
    return BlankNode(f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}")
