"""The published JSON-LD context (`/context.jsonld`) and the framing of `/data/….jsonld` views.

The context is generated from the served build (`uasa.core.jsonld_context`, which the build's
JSON-LD dump uses too). It names the ontology version it was made from. A resource view is
compacted with it (pyld) and framed by hand: the resource is one node object, with the nodes it
owns (those pointing at it by an owning property of `query.resource_view`) embedded under
`@reverse`, and blank nodes used once embedded where they are used. Expanding the result
gives back exactly the view's triples.
"""

from __future__ import annotations

import json
from typing import Any

from pyoxigraph import RdfFormat, parse

from uasa.core import jsonld_context as jc
from uasa.core.iris import OWNING_PROPERTIES
from uasa.query.rows import select
from uasa.web.support import context

PATH = jc.PATH

_cache: dict[str | None, dict[str, Any]] = {}


def document() -> dict[str, Any]:
    """The context document for the served build (made once per build)."""
    key = context.build_hash()
    if key not in _cache:
        _cache.clear()
        _cache[key] = _make()
    return _cache[key]


def _make() -> dict[str, Any]:
    timeout = context.settings().query_timeout
    used = context.built().manifest.get("statistics", {}).get("vocabularies", [])
    rows = [
        {k: v["value"] for k, v in row.items()}
        for row in select(context.executor(), jc.TERMS, timeout)
    ]
    versions = select(context.executor(), jc.VERSION, timeout)
    version = versions[0]["version"]["value"] if versions else None
    return jc.context_document(rows, version, used)


def body() -> bytes:
    return json.dumps(document(), ensure_ascii=False, indent=1, sort_keys=True).encode()


def _loader(url: str, url_root: str) -> Any:
    def load(requested: str, options: Any = None) -> dict[str, Any]:
        if requested != url:
            raise jc.pyld().JsonLdError(
                f"no remote contexts: {requested}", "loading document failed"
            )
        return {"contextUrl": None, "documentUrl": url, "document": document()}

    return load


Node = dict[str, Any]  # an expanded JSON-LD node object


def _embed_parts(by_id: dict[str, Node], topic: str, embedded: set[str]) -> Node:
    """The topic's node, with the nodes pointing at it by an owning property moved under its
    `@reverse` (that link dropped from them)."""
    main = by_id.get(topic, {"@id": topic})
    by_id[topic] = main
    for prop in OWNING_PROPERTIES:
        parts = []
        for node in list(by_id.values()):
            refs = node.get(prop, [])
            if node["@id"] in embedded or {"@id": topic} not in refs:
                continue
            rest = [r for r in refs if r != {"@id": topic}]
            if rest:
                node[prop] = rest
            else:
                del node[prop]
            parts.append(node)
            embedded.add(node["@id"])
        if parts:
            main.setdefault("@reverse", {})[prop] = parts
    return main


def _blank_uses(by_id: dict[str, Node]) -> dict[str, int]:
    """How many times each blank node is used as a value."""
    uses: dict[str, int] = {}
    for node in by_id.values():
        for key, values in node.items():
            if key.startswith("@"):
                continue
            for v in values:
                if isinstance(v, dict) and v.get("@id", "").startswith("_:"):
                    uses[v["@id"]] = uses.get(v["@id"], 0) + 1
    return uses


def _embed_blanks(
    node: Node, depth: int, by_id: dict[str, Node], uses: dict[str, int], embedded: set[str]
) -> None:
    """Blank nodes used exactly once go where they are used (to a depth of 8)."""
    for key, values in list(node.items()):
        if key == "@reverse":
            for parts in values.values():
                for part in parts:
                    _embed_blanks(part, depth + 1, by_id, uses, embedded)
            continue
        if key.startswith("@"):
            continue
        for i, v in enumerate(values):
            ref = v.get("@id", "") if isinstance(v, dict) else ""
            once = ref.startswith("_:") and uses.get(ref) == 1 and ref in by_id
            if once and ref not in embedded and depth < 8:
                embedded.add(ref)
                values[i] = by_id[ref]
                _embed_blanks(by_id[ref], depth + 1, by_id, uses, embedded)


def framed(ntriples: str, topic: str, context_url: str) -> dict[str, Any]:
    """The view's triples as one node object for `topic` with its parts embedded."""
    nodes = jc.expanded(parse(ntriples.encode(), format=RdfFormat.N_TRIPLES))
    by_id = {n["@id"]: n for n in nodes}
    embedded: set[str] = {topic}
    main = _embed_parts(by_id, topic, embedded)
    uses = _blank_uses(by_id)
    _embed_blanks(main, 0, by_id, uses, embedded)
    rest = [n for i, n in sorted(by_id.items()) if i not in embedded]
    for node in rest:
        _embed_blanks(node, 1, by_id, uses, embedded)
    rest = [n for n in rest if n["@id"] not in embedded or n is main]
    graph = [main, *[n for n in rest if n is not main]]
    ctx = document()["@context"]
    compacted = jc.pyld().compact(
        {"@graph": graph},
        {"@context": ctx},
        {"documentLoader": _loader(context_url, ""), "graph": True},
    )
    compacted["@context"] = context_url
    return dict(compacted)
