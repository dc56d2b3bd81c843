"""An OpenAPI 3.1 description of the saved queries, generated from their headers."""

from __future__ import annotations

from typing import Any

from uasa import __version__
from uasa.core import negotiation as conneg
from uasa.query.catalogue import Catalogue, SavedQuery
from uasa.query.params import Param

ERROR = {"content": {"text/plain": {"schema": {"type": "string"}}}}
MAX_PAGING = 2**31 - 1  # limit and offset; the store's own bound is far beyond any real page
PAGING = {
    "limit": {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Page size: at most this many results. Adds RFC 8288 Link headers "
        "(first, prev, next); a page shorter than the limit is the last.",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PAGING},
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "required": False,
        "description": "Skip this many results (use with limit).",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PAGING, "default": 0},
    },
}


def _parameter(p: Param) -> dict[str, Any]:
    return {
        "name": p.name,
        "in": "query",
        "required": p.required,
        "description": f"{p.description} An empty value counts as absent.",
        "schema": p.schema(),
        "example": int(p.example) if p.type == "integer" else p.example,
    }


def _body_schema(media_type: str) -> dict[str, Any]:
    """What a result body is, for clients (and validators) that parse JSON ones."""
    if media_type == "application/sparql-results+json":
        return {"type": "object", "required": ["head"]}
    if media_type.endswith("json"):
        return {"type": ["object", "array"]}
    return {"type": "string"}


def _operation(q: SavedQuery) -> dict[str, Any]:
    params = [_parameter(p) for p in q.params]
    if q.pageable:
        params += [{"$ref": f"#/components/parameters/{n}"} for n in PAGING]
    content = {f.media_type: {"schema": _body_schema(f.media_type)} for f in conneg.formats(q.kind)}
    return {
        "operationId": q.name,
        "summary": q.summary["en"],
        "description": q.description,
        "tags": list(q.tags),
        "parameters": params,
        "responses": {
            "200": {
                "description": "The results, in the format chosen by Accept (or a suffix "
                f"such as .{conneg.formats(q.kind)[0].suffix}).",
                "content": content,
            },
            "400": {"description": "An unknown, missing or ill-typed parameter.", **ERROR},
            "406": {"description": "None of the accepted media types can be served.", **ERROR},
            "429": {
                "description": "The client is over a per-client limit; see Retry-After.",
                **ERROR,
            },
            "503": {
                "description": "The query ran out of time or memory, or the server is busy; "
                "see Retry-After.",
                **ERROR,
            },
        },
    }


def document(catalogue: Catalogue, server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "uasa saved queries",
            "version": __version__,
            "summary": "Questions about Ukraine's bilateral security agreements, by name.",
            "description": "Each operation runs one saved SPARQL query from the catalogue. "
            "Parameters are typed and bound to the query's variables; they are never spliced "
            "into the query text. A parameter given with an empty value (`?party=`, an HTML "
            "form's blank field) counts as absent: its default applies, or 400 if it is "
            "required (not so `limit` and `offset`, which must be numbers). The catalogue "
            "page is /queries; the SPARQL endpoint /sparql.",
            "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url}],
        "paths": {f"/queries/{q.name}": {"get": _operation(q)} for q in catalogue},
        "components": {"parameters": PAGING},
    }
