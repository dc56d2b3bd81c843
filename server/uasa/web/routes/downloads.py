"""`/dumps/` (the build's dump files, with ETag and Content-Length) and `/.well-known/void`
(a VoID and DCAT description of the dataset, its graphs and its dumps).

The statistics were computed with SPARQL when the store was built and sit in its manifest;
URLs are made from the request, so the description is right behind any proxy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from flask.typing import ResponseReturnValue
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple, serialize

from uasa import __version__
from uasa.build import dumps as dump_files
from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.core.iris import BASE, DATASET, DCT, RDF, VOID, XSD
from uasa.core.store_layout import BuiltStore
from uasa.query.rows import select
from uasa.web.support import context
from uasa.web.support.i18n import choose_lang
from uasa.web.support.ui import UI

blueprint = Blueprint("downloads", __name__)

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
OWL = "http://www.w3.org/2002/07/owl#"
SD = "http://www.w3.org/ns/sparql-service-description#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
EXAMPLES = """\
SELECT DISTINCT ?s WHERE {
  ?s a ?type .
  VALUES ?type { <https://w3id.org/uasa/def#SecurityAgreement> <https://w3id.org/uasa/def#State> }
} ORDER BY ?type ?s LIMIT 3
"""


def _built() -> BuiltStore:
    return context.built()


def dumps_folder() -> Path:
    return _built().root / dump_files.DUMPS_DIR


def _entries() -> list[dict[str, Any]]:
    return list(_built().manifest.get("dumps", []))


@blueprint.get("/dumps/")
def listing() -> ResponseReturnValue:
    lang = choose_lang()
    body = render_template(
        "dumps.html",
        page={"title": UI[lang]["dumps"]},
        entries=_entries(),
        checksums=(dumps_folder() / dump_files.CHECKSUMS).is_file(),
        lang=lang,
        t=UI[lang],
        other_lang="uk" if lang == "en" else "en",
    )
    response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/dumps")
def listing_slash() -> ResponseReturnValue:
    return redirect(request.script_root + "/dumps/", code=308)


@blueprint.get("/dumps/<name>")
def download(name: str) -> ResponseReturnValue:
    suffix = name.rsplit(".", 1)[-1]
    # Werkzeug adds "; charset=utf-8" to a text/* type itself: name the bare type.
    media = dump_files.MEDIA_TYPES.get(suffix, "text/plain")
    # send_from_directory refuses any name that would leave the folder (safe_join).
    return send_from_directory(
        dumps_folder(), name, mimetype=media, etag=True, conditional=True, max_age=3600
    )


def void_triples(built: BuiltStore, root: str, examples: list[str]) -> list[Triple]:
    manifest = built.manifest
    stats = manifest.get("statistics", {})
    a = NamedNode(RDF + "type")
    dataset = NamedNode(DATASET)

    def n(term: str) -> NamedNode:
        return NamedNode(term)

    def integer(value: int) -> Literal:
        return Literal(str(value), datatype=n(XSD + "integer"))

    out = [
        Triple(dataset, a, n(VOID + "Dataset")),
        Triple(dataset, a, n(DCAT + "Dataset")),
        Triple(
            dataset,
            n(DCT + "title"),
            Literal("Ukraine's bilateral security agreements", language="en"),
        ),
        Triple(
            dataset, n(DCT + "title"), Literal("Двосторонні безпекові угоди України", language="uk")
        ),
        Triple(
            dataset,
            n(DCT + "description"),
            Literal(
                "Ukraine's bilateral security agreements (2024-2025), their parties, signatories, "
                "provisions and commitments, and the frameworks around them, every fact sourced.",
                language="en",
            ),
        ),
        Triple(dataset, n(DCT + "license"), n(LICENSE)),
        Triple(dataset, n(DCAT + "version"), Literal(__version__)),
        Triple(dataset, n(OWL + "versionInfo"), Literal(__version__)),
        Triple(dataset, n(VOID + "uriSpace"), Literal(BASE)),
        Triple(dataset, n(VOID + "sparqlEndpoint"), n(root + "sparql")),
        Triple(dataset, n(VOID + "rootResource"), n(BASE + "def")),
    ]
    if manifest.get("built"):
        out.append(
            Triple(
                dataset,
                n(DCT + "modified"),
                Literal(manifest["built"], datatype=n(XSD + "dateTime")),
            )
        )
    if manifest.get("content_hash"):
        out.append(Triple(dataset, n(DCT + "identifier"), Literal(manifest["content_hash"])))
    service = BlankNode()
    out += [
        Triple(dataset, n(DCAT + "accessService"), service),
        Triple(service, a, n(DCAT + "DataService")),
        Triple(service, n(DCAT + "endpointURL"), n(root + "sparql")),
        Triple(service, n(DCAT + "servesDataset"), dataset),
        Triple(service, n(DCT + "conformsTo"), n("https://www.w3.org/TR/sparql11-protocol/")),
    ]
    keys = {
        "triples": "triples",
        "entities": "entities",
        "classes": "classes",
        "properties": "properties",
        "subjects": "distinctSubjects",
        "objects": "distinctObjects",
    }
    for key, prop in keys.items():
        if key in stats.get("total", {}):
            out.append(Triple(dataset, n(VOID + prop), integer(stats["total"][key])))
    for graph, numbers in stats.get("graphs", {}).items():
        subset = n(graph)
        out += [
            Triple(dataset, n(VOID + "subset"), subset),
            Triple(subset, a, n(VOID + "Dataset")),
            Triple(subset, n(SD + "name"), subset),
        ]
        out += [
            Triple(subset, n(VOID + prop), integer(numbers[key]))
            for key, prop in keys.items()
            if key in numbers
        ]
    out += [Triple(dataset, n(VOID + "vocabulary"), n(v)) for v in stats.get("vocabularies", [])]
    out += [Triple(dataset, n(VOID + "exampleResource"), n(e)) for e in examples]
    for entry in manifest.get("dumps", []):
        url = n(f"{root}dumps/{entry['name']}")
        checksum = BlankNode()
        out += [
            Triple(dataset, n(DCAT + "distribution"), url),
            Triple(url, a, n(DCAT + "Distribution")),
            Triple(url, n(DCAT + "downloadURL"), url),
            Triple(url, n(DCAT + "accessURL"), n(f"{root}dumps/")),
            Triple(url, n(DCAT + "mediaType"), n(IANA + entry.get("format", entry["media_type"]))),
            Triple(
                url,
                n(DCAT + "byteSize"),
                Literal(str(entry["bytes"]), datatype=n(XSD + "nonNegativeInteger")),
            ),
            Triple(url, n(DCT + "license"), n(LICENSE)),
            Triple(url, n(SPDX + "checksum"), checksum),
            Triple(checksum, a, n(SPDX + "Checksum")),
            Triple(checksum, n(SPDX + "algorithm"), n(SPDX + "checksumAlgorithm_sha256")),
            Triple(
                checksum,
                n(SPDX + "checksumValue"),
                Literal(entry["sha256"], datatype=n(XSD + "hexBinary")),
            ),
        ]
        if entry["name"].endswith(".gz"):
            out.append(Triple(url, n(DCAT + "compressFormat"), n(IANA + "application/gzip")))
        if entry.get("format") in {f.media_type for f in dump_files.FORMATS}:
            out.append(Triple(dataset, n(VOID + "dataDump"), url))
    return out


@blueprint.get("/.well-known/void")
def void() -> ResponseReturnValue:
    fmt = conneg.negotiate(request.headers.get("Accept"), "graph")
    if fmt is None:
        raise UasaError(
            406, f"Available: {conneg.offered_types('graph')}.", headers={"Vary": "Accept"}
        )
    rows = select(context.executor(), EXAMPLES, context.settings().query_timeout)
    examples = [r["s"]["value"] for r in rows if r["s"]["type"] == "uri"]
    root = request.url_root
    triples = void_triples(_built(), root, examples)
    prefixes = {
        "void": VOID,
        "dcat": DCAT,
        "dct": DCT,
        "spdx": SPDX,
        "xsd": XSD,
        "owl": OWL,
        "sd": SD,
    }
    options: dict[str, Any] = {"format": fmt.rdf()}
    if fmt.name in {"turtle", "trig", "rdfxml"}:
        options["prefixes"] = prefixes
    if fmt.name in {"nquads", "trig"}:
        quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
        body = serialize(quads, **options)
    else:
        body = serialize(triples, **options)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
