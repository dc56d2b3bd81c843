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
from uasa.web.support.editor import DOCUMENT_DESTS
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


SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
DCATAP = "http://data.europa.eu/r5r/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ADMS_LICENCE = "http://purl.org/adms/licencetype/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
AVAILABILITY = AUTHORITY + "planned-availability/"
FILE_TYPE = AUTHORITY + "file-type/"
DATA_THEME = AUTHORITY + "data-theme/"
# The algorithm IRI the DCAT-AP 3 shapes expect (https, in the SPDX namespace).
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
HOMEPAGE = "https://w3id.org/uasa/"
CATALOG = BASE + "catalog"
# Dump suffix → the EU file-type authority table's code (only formats it certainly lists).
FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "nq": "RDF_N_QUADS",
    "trig": "RDF_TRIG",
    "jsonld": "JSON_LD",
    "rdf": "RDF_XML",
    "csv": "CSV",
}
SCHEMES = {ADMS_LICENCE: ADMS_LICENCE + "1.0"}
# A scheme's dct:title (DCAT-AP makes it mandatory) is its label in the official table, as in
# the extract tests/dcat-ap/vocabularies.ttl (test_dcat_ap checks they agree). The language and
# planned-availability tables were not at hand, so those schemes get no title (test documents).
SCHEME_TITLES = {
    AUTHORITY + "country": "Country",
    AUTHORITY + "continent": "Continent Named Authority List",
    AUTHORITY + "data-theme": "Data theme Named Authority List",
    AUTHORITY + "file-type": "File type",
    ADMS_LICENCE + "1.0": "Licence Type",
}
KEYWORDS = (
    "Ukraine",
    "security agreements",
    "international agreements",
    "security assistance",
    "knowledge graph",
)


def _concept(
    subject: Any, prop: str, scheme_ns: str, code: str, kind: str | None = None
) -> list[Triple]:
    """`subject prop <scheme/code>`, with the concept typed and placed in its EU scheme (true of
    the EU vocabularies; stated so that the description validates without importing them)."""
    concept = NamedNode(scheme_ns + code)
    scheme = NamedNode(SCHEMES.get(scheme_ns, scheme_ns.rstrip("/")))
    typed = [Triple(concept, NamedNode(RDF + "type"), NamedNode(kind))] if kind else []
    title = SCHEME_TITLES.get(scheme.value)
    if title:
        typed.append(Triple(scheme, NamedNode(DCT + "title"), Literal(title, language="en")))
    return [
        *typed,
        Triple(subject, NamedNode(prop), concept),
        Triple(concept, NamedNode(RDF + "type"), NamedNode(SKOS + "Concept")),
        Triple(concept, NamedNode(SKOS + "inScheme"), scheme),
        Triple(scheme, NamedNode(RDF + "type"), NamedNode(SKOS + "ConceptScheme")),
    ]


def _dump_description(entry: dict[str, Any]) -> str:
    name = str(entry["name"])
    if name.startswith("uasa-"):
        return f"The resource network of the dataset, for graph tools ({name})."
    zipped = ", gzipped" if name.endswith(".gz") else ""
    return f"The whole dataset as {entry.get('format', entry['media_type'])}{zipped}."


def catalogue_triples(dataset: NamedNode, service: BlankNode, built: str | None) -> list[Triple]:
    """The DCAT-AP 3 catalogue around the dataset and its SPARQL service: publisher, contact
    point, keywords, coverage and themes, as the project's README states them."""
    a = NamedNode(RDF + "type")
    catalog = NamedNode(CATALOG)
    publisher, contact, period = BlankNode(), BlankNode(), BlankNode()
    homepage, licence = NamedNode(HOMEPAGE), NamedNode(LICENSE)
    out = [
        Triple(catalog, a, NamedNode(DCAT + "Catalog")),
        Triple(catalog, NamedNode(DCT + "title"), Literal("uasa catalogue", language="en")),
        Triple(
            catalog,
            NamedNode(DCT + "description"),
            Literal(
                "The uasa knowledge graph of Ukraine's bilateral security agreements, its SPARQL "
                "endpoint and its dumps.",
                language="en",
            ),
        ),
        Triple(catalog, NamedNode(DCT + "publisher"), publisher),
        Triple(catalog, NamedNode(DCAT + "dataset"), dataset),
        Triple(catalog, NamedNode(DCAT + "service"), service),
        Triple(catalog, NamedNode(DCT + "license"), licence),
        Triple(catalog, NamedNode(FOAF + "homepage"), homepage),
        Triple(catalog, NamedNode(DCAT + "themeTaxonomy"), NamedNode(DATA_THEME.rstrip("/"))),
        Triple(NamedNode(DATA_THEME.rstrip("/")), a, NamedNode(SKOS + "ConceptScheme")),
        Triple(homepage, a, NamedNode(FOAF + "Document")),
        Triple(licence, a, NamedNode(DCT + "LicenseDocument")),
        Triple(publisher, a, NamedNode(FOAF + "Agent")),
        Triple(publisher, NamedNode(FOAF + "name"), Literal("uasa contributors")),
        Triple(publisher, NamedNode(FOAF + "homepage"), homepage),
        Triple(contact, a, NamedNode(VCARD + "Kind")),
        Triple(contact, NamedNode(VCARD + "fn"), Literal("uasa")),
        Triple(contact, NamedNode(VCARD + "hasURL"), homepage),
        Triple(period, a, NamedNode(DCT + "PeriodOfTime")),
        Triple(
            period,
            NamedNode(DCAT + "startDate"),
            Literal("2023", datatype=NamedNode(XSD + "gYear")),
        ),
        Triple(
            period, NamedNode(DCAT + "endDate"), Literal("2025", datatype=NamedNode(XSD + "gYear"))
        ),
        Triple(dataset, NamedNode(DCT + "temporal"), period),
    ]
    out += _concept(licence, DCT + "type", ADMS_LICENCE, "Attribution")
    if built:
        # dct:issued: the store keeps no record of earlier builds, so the catalogue's issue date
        # is this build's (the manifest's `built`), the same as dct:modified: never earlier than
        # the truth. (The earliest dct:issued in the data dates a source document, not this
        # catalogue.)
        stamp = Literal(built, datatype=NamedNode(XSD + "dateTime"))
        out.append(Triple(catalog, NamedNode(DCT + "modified"), stamp))
        out.append(Triple(catalog, NamedNode(DCT + "issued"), stamp))
    for lang in ("ENG", "UKR"):
        out += _concept(
            catalog, DCT + "language", AUTHORITY + "language/", lang, DCT + "LinguisticSystem"
        )
    for node in (catalog, dataset):
        for scheme, code in (("country/", "UKR"), ("continent/", "EUROPE")):
            out += _concept(node, DCT + "spatial", AUTHORITY + scheme, code, DCT + "Location")
    for owner in (dataset, service):
        out += [
            Triple(owner, NamedNode(DCT + "publisher"), publisher),
            Triple(owner, NamedNode(DCAT + "contactPoint"), contact),
        ]
        out += [
            Triple(owner, NamedNode(DCAT + "keyword"), Literal(k, language="en")) for k in KEYWORDS
        ]
        for theme in ("GOVE", "INTR", "JUST"):
            out += _concept(owner, DCAT + "theme", DATA_THEME, theme)
    return out


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
        Triple(service, n(DCAT + "endpointDescription"), n(root + "sparql")),
        Triple(service, n(DCAT + "servesDataset"), dataset),
        Triple(service, n(DCT + "conformsTo"), n(SPARQL_PROTOCOL)),
        Triple(n(SPARQL_PROTOCOL), a, n(DCT + "Standard")),
        Triple(
            service,
            n(DCT + "title"),
            Literal("uasa SPARQL endpoint", language="en"),
        ),
        Triple(service, n(DCT + "license"), n(LICENSE)),
    ]
    out += catalogue_triples(dataset, service, manifest.get("built"))
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
            Triple(url, n(DCT + "description"), Literal(_dump_description(entry), language="en")),
            Triple(url, n(SPDX + "checksum"), checksum),
            Triple(checksum, a, n(SPDX + "Checksum")),
            Triple(checksum, n(SPDX + "algorithm"), n(SHA256)),
            Triple(n(SHA256), a, n(SPDX + "ChecksumAlgorithm")),
            Triple(
                checksum,
                n(SPDX + "checksumValue"),
                Literal(entry["sha256"], datatype=n(XSD + "hexBinary")),
            ),
        ]
        media = n(IANA + entry.get("format", entry["media_type"]))
        out.append(Triple(media, a, n(DCT + "MediaType")))
        out += _concept(url, DCATAP + "availability", AVAILABILITY, "STABLE")
        file_type = FILE_TYPES.get(entry["name"].removesuffix(".gz").rsplit(".", 1)[-1])
        if file_type:
            # DCAT-AP's range for dct:format is dct:MediaTypeOrExtent.
            out += _concept(url, DCT + "format", FILE_TYPE, file_type, DCT + "MediaTypeOrExtent")
        if entry["name"].endswith(".gz"):
            out.append(Triple(url, n(DCAT + "compressFormat"), n(IANA + "application/gzip")))
            out.append(Triple(n(IANA + "application/gzip"), a, n(DCT + "MediaType")))
        if entry.get("format") in {f.media_type for f in dump_files.DUMP_FORMATS}:
            out.append(Triple(dataset, n(VOID + "dataDump"), url))
    return out


@blueprint.get("/.well-known/void")
def void() -> ResponseReturnValue:
    accept = request.headers.get("Accept")
    # A browser following the site menu's link gets the Turtle as text to read, not a download.
    shown = request.headers.get("Sec-Fetch-Dest", "").lower() in DOCUMENT_DESTS and (
        conneg.negotiate(accept, "graph", html="named") is conneg.HTML
    )
    fmt = conneg.by_name("turtle", "graph") if shown else conneg.negotiate(accept, "graph")
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
    response = Response(
        body, content_type="text/plain; charset=utf-8" if shown else fmt.content_type
    )
    response.vary.update(["Accept", "Sec-Fetch-Dest"])
    return response
