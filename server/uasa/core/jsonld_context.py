"""The published JSON-LD context and compaction with it, shared by the server (`/context.jsonld`,
the `/data/….jsonld` views) and the build (the JSON-LD dump).

The context is made from a build: a term for every class and property the ontology defines
(object properties coerce to IRIs, datatype properties with an XSD range to that datatype), and
a prefix for every vocabulary the data uses (the build's VoID statistics). Triples become
expanded JSON-LD here directly (pyld's own N-Quads reader took 5 s for 4,000 triples), and
pyld compacts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from uasa.core.iris import BASE, DEF, Graphs

PATH = "/context.jsonld"
# Well-known prefixes; the context keeps those whose namespace the data uses, plus these.
KNOWN = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
    "uasa": DEF,
}
ALWAYS = {"rdf", "rdfs", "xsd", "uasa"}
TERMS = f"""\
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind ?range WHERE {{
  GRAPH <{Graphs.ONTOLOGY}> {{
    VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
    ?term a ?kind .
    OPTIONAL {{
      ?term rdfs:range ?range .
      FILTER(STRSTARTS(STR(?range), "http://www.w3.org/2001/XMLSchema#"))
    }}
    FILTER(STRSTARTS(STR(?term), "{DEF}"))
  }}
}} ORDER BY ?term ?range
"""
VERSION = f"""\
SELECT ?version WHERE {{ GRAPH <{Graphs.ONTOLOGY}> {{
  <{BASE}def> <http://www.w3.org/2002/07/owl#versionInfo> ?version }} }}
"""
RDF_TYPE = KNOWN["rdf"] + "type"
XSD_STRING = KNOWN["xsd"] + "string"


def context_document(
    terms: Iterable[Mapping[str, str]], version: str | None, used: Iterable[str]
) -> dict[str, Any]:
    """The context document from the TERMS rows (term, kind, range as strings), the ontology
    version and the namespaces the data uses."""
    used = set(used)
    out: dict[str, Any] = {name: ns for name, ns in KNOWN.items() if name in ALWAYS or ns in used}
    for row in terms:
        iri = row["term"]
        name = iri.removeprefix(DEF)
        if not name or name in out:
            continue  # a second range: keep the first (ORDER BY makes it stable)
        kind = row["kind"].rsplit("#", 1)[-1]
        if kind == "ObjectProperty":
            out[name] = {"@id": iri, "@type": "@id"}
        elif kind == "DatatypeProperty" and row.get("range"):
            out[name] = {"@id": iri, "@type": row["range"]}
        else:
            out[name] = iri
    doc: dict[str, Any] = {"@context": out}
    if version:
        # Ignored by JSON-LD processors (only "@context" counts); says what the terms are from.
        doc["ontology"] = {"@id": f"{BASE}def/{version}", "version": version}
    return doc


def _term(node: NamedNode | BlankNode) -> str:
    return node.value if isinstance(node, NamedNode) else f"_:{node.value}"


def expanded(triples: Iterable[Triple]) -> list[dict[str, Any]]:
    """Expanded JSON-LD node objects of the triples (what pyld's from_rdf gives, without
    turning rdf:type into @type's literals or lists into @list: the same triples)."""
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        subject = _term(t.subject)  # type: ignore[arg-type]
        node = nodes.setdefault(subject, {"@id": subject})
        p, o = t.predicate.value, t.object
        if p == RDF_TYPE and not isinstance(o, Literal):
            node.setdefault("@type", []).append(_term(o))  # type: ignore[arg-type]
            continue
        if isinstance(o, Literal):
            value: dict[str, Any] = {"@value": o.value}
            if o.language:
                value["@language"] = o.language
            elif o.datatype.value != XSD_STRING:
                value["@type"] = o.datatype.value
        else:
            value = {"@id": _term(o)}  # type: ignore[arg-type]
        node.setdefault(p, []).append(value)
    return [nodes[k] for k in sorted(nodes)]


def pyld() -> Any:
    """pyld's `jsonld` module, imported on first use: with `requests` under it, it would add
    ~100 ms to every server start for the few requests that compact JSON-LD."""
    from pyld import jsonld  # type: ignore[import-untyped]

    return jsonld


def compact(nodes: list[dict[str, Any]], document: dict[str, Any]) -> dict[str, Any]:
    """`{"@context": …, "@graph": […]}` compacted with the context document, no remote load."""

    def refuse(url: str, options: Any = None) -> dict[str, Any]:
        raise pyld().JsonLdError(f"no remote contexts: {url}", "loading document failed")

    return dict(
        pyld().compact(
            {"@graph": nodes},
            {"@context": document["@context"]},
            {"documentLoader": refuse, "graph": True},
        )
    )
