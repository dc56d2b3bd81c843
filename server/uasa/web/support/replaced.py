"""IRIs the data says are replaced (`<old> dct:isReplacedBy <new>`): dereferencing the old one
answers 303 to the new one, so that links minted before a rename keep working."""

from __future__ import annotations

from flask import request
from pyoxigraph import NamedNode

from uasa.core.iris import BASE
from uasa.query.rows import select
from uasa.web.support import context, sparql


def replacement(iri: str) -> str | None:
    """Where to send a client asking for ``iri``: a local path when the new IRI is under one of
    our bases (so a deployment keeps clients on itself), else the new IRI itself."""
    rows = select(
        context.executor(),
        sparql.query("replacement"),
        context.settings().query_timeout,
        substitutions={"this": NamedNode(iri)},
    )
    if not rows:
        return None
    new = str(rows[0]["new"]["value"])
    for base in {BASE, context.settings().public_base}:
        if new.startswith(base):
            return f"{request.script_root}/{new[len(base) :]}"
    return new
