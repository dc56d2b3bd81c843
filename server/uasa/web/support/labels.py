"""Names for IRIs when the data gives no label."""

from __future__ import annotations


def local_name(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]
