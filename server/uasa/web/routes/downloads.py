"""`/dumps/` (the build's dump files, with ETag and Content-Length) and `/.well-known/void`
(a VoID and DCAT description of the dataset, its graphs and its dumps).

The statistics were computed with SPARQL when the store was built and sit in its manifest;
URLs are made from the request, so the description is right behind any proxy.
"""

from __future__ import annotations

import re
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
from werkzeug.security import safe_join

from uasa import __version__
from uasa.core import negotiation as conneg
from uasa.core.dataset import (
    DESCRIPTION,
    HOMEPAGE,
    KEYWORDS,
    LICENSE,
    PUBLISHER,
    PUBLISHER_NAME,
    TITLE,
)
from uasa.core.errors import UasaError
from uasa.core.iris import BASE, DATASET, DCAT, DCT, FOAF, OWL, RDF, SD, SKOS, VOID, XSD
from uasa.core.store_layout import BuiltStore
from uasa.ingest import dumps as dump_files
from uasa.ingest import releases
from uasa.query.rows import select
from uasa.web.support import context
from uasa.web.support.i18n import choose_lang
from uasa.web.support.stable_nodes import labelled as _label
from uasa.web.support.ui import UI

blueprint = Blueprint("downloads", __name__)

SPDX = "http://spdx.org/rdf/terms#"
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
    folder = dumps_folder()
    # A file's SHA-256 from the build is its ETag: the same bytes give the same tag on every
    # server and every build (mtime and inode would not); SHA256SUMS keeps Werkzeug's own.
    digests = {str(e["name"]): str(e["sha256"]) for e in _entries()}
    packed = f"{name}.gz"
    if (
        suffix != "gz"
        and request.accept_encodings["gzip"] > 0
        and safe_join(str(folder), packed) is not None
        and (folder / packed).is_file()
    ):
        # The same bytes, already gzip'd by the build: its own ETag (another file), no CPU.
        response = send_from_directory(
            folder,
            packed,
            mimetype=media,
            etag=digests.get(packed) or True,
            conditional=True,
            max_age=3600,
        )
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response
    # send_from_directory refuses any name that would leave the folder (safe_join).
    response = send_from_directory(
        folder, name, mimetype=media, etag=digests.get(name) or True, conditional=True, max_age=3600
    )
    response.vary.add("Accept-Encoding")
    return response


SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
DCATAP = "http://data.europa.eu/r5r/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ADMS_LICENCE = "http://purl.org/adms/licencetype/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
AVAILABILITY = AUTHORITY + "planned-availability/"
FILE_TYPE = AUTHORITY + "file-type/"
DATA_THEME = AUTHORITY + "data-theme/"
# The algorithm IRI the DCAT-AP 3 shapes expect (https, in the SPDX namespace).
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
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


PERIOD = BlankNode("period")
CONTACT = BlankNode("contact")


def catalogue_triples(
    dataset: NamedNode,
    service: BlankNode,
    built: str | None,
    versions: tuple[NamedNode, ...] = (),
) -> list[Triple]:
    """The DCAT-AP 3 catalogue around the dataset and its SPARQL service: publisher, contact
    point, keywords, coverage and themes, as the project's README states them."""
    catalog = NamedNode(CATALOG)
    out = _catalog_record(catalog, dataset, service)
    out += _publisher_and_contact()
    out += _coverage_period(dataset)
    out += _concept(NamedNode(LICENSE), DCT + "type", ADMS_LICENCE, "Attribution")
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
    for version in versions:  # each release is a dataset with the same catalogue attributes
        out.append(Triple(version, NamedNode(DCT + "temporal"), PERIOD))
    for node in (catalog, dataset, *versions):
        for scheme, code in (("country/", "UKR"), ("continent/", "EUROPE")):
            out += _concept(node, DCT + "spatial", AUTHORITY + scheme, code, DCT + "Location")
    owners: list[NamedNode | BlankNode] = [dataset, service, *versions]
    for owner in owners:
        out += _owned(owner)
    return out


def _catalog_record(catalog: NamedNode, dataset: NamedNode, service: BlankNode) -> list[Triple]:
    a, n = NamedNode(RDF + "type"), NamedNode
    description = (
        "The uasa knowledge graph of Ukraine's bilateral security agreements, its SPARQL "
        "endpoint and its dumps."
    )
    return [
        Triple(catalog, a, n(DCAT + "Catalog")),
        Triple(catalog, n(DCT + "title"), Literal("uasa catalogue", language="en")),
        Triple(catalog, n(DCT + "description"), Literal(description, language="en")),
        Triple(catalog, n(DCT + "publisher"), n(PUBLISHER)),
        Triple(catalog, n(DCAT + "dataset"), dataset),
        Triple(catalog, n(DCAT + "service"), service),
        Triple(catalog, n(DCT + "license"), n(LICENSE)),
        Triple(catalog, n(FOAF + "homepage"), n(HOMEPAGE)),
        Triple(catalog, n(DCAT + "themeTaxonomy"), n(DATA_THEME.rstrip("/"))),
        Triple(n(DATA_THEME.rstrip("/")), a, n(SKOS + "ConceptScheme")),
    ]


def _publisher_and_contact() -> list[Triple]:
    a, n = NamedNode(RDF + "type"), NamedNode
    homepage, publisher = n(HOMEPAGE), n(PUBLISHER)
    return [
        Triple(homepage, a, n(FOAF + "Document")),
        Triple(n(LICENSE), a, n(DCT + "LicenseDocument")),
        Triple(publisher, a, n(FOAF + "Agent")),
        Triple(publisher, n(FOAF + "name"), Literal(PUBLISHER_NAME)),
        Triple(publisher, n(FOAF + "homepage"), homepage),
        Triple(CONTACT, a, n(VCARD + "Kind")),
        Triple(CONTACT, n(VCARD + "fn"), Literal("uasa")),
        Triple(CONTACT, n(VCARD + "hasURL"), homepage),
    ]


def _coverage_period(dataset: NamedNode) -> list[Triple]:
    a, n = NamedNode(RDF + "type"), NamedNode
    return [
        Triple(PERIOD, a, n(DCT + "PeriodOfTime")),
        Triple(PERIOD, n(DCAT + "startDate"), Literal("2023", datatype=n(XSD + "gYear"))),
        Triple(PERIOD, n(DCAT + "endDate"), Literal("2025", datatype=n(XSD + "gYear"))),
        Triple(dataset, n(DCT + "temporal"), PERIOD),
    ]


def _owned(owner: NamedNode | BlankNode) -> list[Triple]:
    """What the dataset, the service and each release share: publisher, contact, keywords,
    themes."""
    n = NamedNode
    out = [
        Triple(owner, n(DCT + "publisher"), n(PUBLISHER)),
        Triple(owner, n(DCAT + "contactPoint"), CONTACT),
    ]
    out += [Triple(owner, n(DCAT + "keyword"), Literal(k, language="en")) for k in KEYWORDS]
    for theme in ("GOVE", "INTR", "JUST"):
        out += _concept(owner, DCAT + "theme", DATA_THEME, theme)
    return out


ADMS = "http://www.w3.org/ns/adms#"


def _distribution(
    owner: NamedNode, url: NamedNode, access: NamedNode, entry: dict[str, Any]
) -> list[Triple]:
    """A file as a DCAT-AP distribution of ``owner``: media type, size, licence, checksum."""
    a, n = NamedNode(RDF + "type"), NamedNode
    checksum = _label("checksum", url.value)
    media = n(IANA + entry.get("format", entry["media_type"]))
    out = [
        Triple(owner, n(DCAT + "distribution"), url),
        Triple(url, a, n(DCAT + "Distribution")),
        Triple(url, n(DCAT + "downloadURL"), url),
        Triple(url, n(DCAT + "accessURL"), access),
        Triple(url, n(DCAT + "mediaType"), media),
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
        Triple(media, a, n(DCT + "MediaType")),
    ]
    out += _concept(url, DCATAP + "availability", AVAILABILITY, "STABLE")
    file_type = FILE_TYPES.get(entry["name"].removesuffix(".gz").rsplit(".", 1)[-1])
    if file_type:
        # DCAT-AP's range for dct:format is dct:MediaTypeOrExtent.
        out += _concept(url, DCT + "format", FILE_TYPE, file_type, DCT + "MediaTypeOrExtent")
    if entry["name"].endswith(".gz"):
        out.append(Triple(url, n(DCAT + "compressFormat"), n(IANA + "application/gzip")))
        out.append(Triple(n(IANA + "application/gzip"), a, n(DCT + "MediaType")))
    return out


def _versions(root: str, history: list[dict[str, Any]]) -> tuple[NamedNode, ...]:
    return tuple(NamedNode(f"{root}releases#r{e['number']}") for e in history)


def _release_triples(dataset: NamedNode, root: str, history: list[dict[str, Any]]) -> list[Triple]:
    """The releases as versions of the dataset (DCAT 3's versioning with ADMS's notes), each
    named by its entry on the changelog page."""
    out: list[Triple] = []
    for entry in history:
        n = entry["number"]
        version = NamedNode(f"{root}releases#r{n}")
        notes = f"Release {n}: {entry.get('triples')} quads"
        if "added" in entry:
            notes += f"; {entry['added']} added, {entry['removed']} removed since release {n - 1}"
        out += [
            Triple(dataset, NamedNode(DCT + "hasVersion"), version),
            Triple(version, NamedNode(RDF + "type"), NamedNode(DCAT + "Dataset")),
            Triple(
                version,
                NamedNode(DCT + "title"),
                Literal(f"{TITLE['en']}, release {n}", language="en"),
            ),
            Triple(version, NamedNode(DCT + "description"), Literal(notes, language="en")),
            Triple(version, NamedNode(DCT + "license"), NamedNode(LICENSE)),
            Triple(version, NamedNode(DCAT + "version"), Literal(str(n))),
            Triple(version, NamedNode(ADMS + "versionNotes"), Literal(notes, language="en")),
            Triple(
                version,
                NamedNode(DCT + "issued"),
                Literal(str(entry["date"]), datatype=NamedNode(XSD + "dateTime")),
            ),
        ]
        if entry.get("sha256"):
            dump = {
                "name": releases.DUMP,
                "media_type": "application/gzip",
                "format": "application/n-quads",
                "bytes": entry["bytes"],
                "sha256": entry["sha256"],
            }
            url = NamedNode(f"{root}releases/{n}/{releases.DUMP}")
            out += _distribution(version, url, NamedNode(f"{root}releases"), dump)
        if n > 1:
            previous = NamedNode(f"{root}releases#r{n - 1}")
            out.append(Triple(version, NamedNode(DCAT + "previousVersion"), previous))
    return out


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


# Manifest statistics key → the VoID property that states it.
STATISTICS = {
    "triples": "triples",
    "entities": "entities",
    "classes": "classes",
    "properties": "properties",
    "subjects": "distinctSubjects",
    "objects": "distinctObjects",
}


def void_triples(
    built: BuiltStore,
    root: str,
    examples: list[str],
    history: list[dict[str, Any]] | None = None,
) -> list[Triple]:
    """The VoID and DCAT-AP description: the dataset, its SPARQL service, the catalogue, the
    build's statistics, its dumps and its releases."""
    manifest = built.manifest
    stats = manifest.get("statistics", {})
    dataset, service = NamedNode(DATASET), BlankNode("sparql-service")
    n = NamedNode
    out = _dataset_triples(dataset, manifest, root)
    out += _service_triples(dataset, service, root)
    out += catalogue_triples(
        dataset, service, manifest.get("built"), _versions(root, history or [])
    )
    out += _statistics_triples(dataset, stats)
    out += _linkset_triples(dataset, stats.get("links", {}))
    out += [Triple(dataset, n(VOID + "vocabulary"), n(v)) for v in stats.get("vocabularies", [])]
    out += [Triple(dataset, n(VOID + "exampleResource"), n(e)) for e in examples]
    for entry in manifest.get("dumps", []):
        url = n(f"{root}dumps/{entry['name']}")
        out += _distribution(dataset, url, n(f"{root}dumps/"), entry)
        if entry.get("format") in {f.media_type for f in dump_files.DUMP_FORMATS}:
            out.append(Triple(dataset, n(VOID + "dataDump"), url))
    out += _release_triples(dataset, root, history or [])
    # The EU concepts and schemes are stated once for each use: keep each statement once.
    return list(dict.fromkeys(out))


def _dataset_triples(dataset: NamedNode, manifest: dict[str, Any], root: str) -> list[Triple]:
    """The dataset itself: titles, licence, version, IRI space, endpoint, build date and hash."""
    a, n = NamedNode(RDF + "type"), NamedNode
    out = [
        Triple(dataset, a, n(VOID + "Dataset")),
        Triple(dataset, a, n(DCAT + "Dataset")),
        Triple(dataset, n(DCT + "title"), Literal(TITLE["en"], language="en")),
        Triple(dataset, n(DCT + "title"), Literal(TITLE["uk"], language="uk")),
        Triple(dataset, n(DCT + "description"), Literal(DESCRIPTION, language="en")),
        Triple(dataset, n(DCT + "license"), n(LICENSE)),
        Triple(dataset, n(DCAT + "version"), Literal(__version__)),
        Triple(dataset, n(OWL + "versionInfo"), Literal(__version__)),
        Triple(dataset, n(VOID + "uriSpace"), Literal(BASE)),
        Triple(dataset, n(VOID + "uriRegexPattern"), Literal("^" + re.escape(BASE))),
        Triple(dataset, n(VOID + "sparqlEndpoint"), n(root + "sparql")),
        Triple(dataset, n(VOID + "rootResource"), n(BASE + "def")),
    ]
    if manifest.get("built"):
        stamp = Literal(manifest["built"], datatype=n(XSD + "dateTime"))
        out.append(Triple(dataset, n(DCT + "modified"), stamp))
    if manifest.get("content_hash"):
        out.append(Triple(dataset, n(DCT + "identifier"), Literal(manifest["content_hash"])))
    return out


def _service_triples(dataset: NamedNode, service: BlankNode, root: str) -> list[Triple]:
    """The SPARQL endpoint as the dataset's DCAT data service."""
    a, n = NamedNode(RDF + "type"), NamedNode
    return [
        Triple(dataset, n(DCAT + "accessService"), service),
        Triple(service, a, n(DCAT + "DataService")),
        Triple(service, n(DCAT + "endpointURL"), n(root + "sparql")),
        Triple(service, n(DCAT + "endpointDescription"), n(root + "sparql")),
        Triple(service, n(DCAT + "servesDataset"), dataset),
        Triple(service, n(DCT + "conformsTo"), n(SPARQL_PROTOCOL)),
        Triple(n(SPARQL_PROTOCOL), a, n(DCT + "Standard")),
        Triple(service, n(DCT + "title"), Literal("uasa SPARQL endpoint", language="en")),
        Triple(service, n(DCT + "license"), n(LICENSE)),
    ]


def _statistics_triples(dataset: NamedNode, stats: dict[str, Any]) -> list[Triple]:
    """The build's counts: the whole dataset, each graph as a subset, class and property
    partitions."""
    a, n = NamedNode(RDF + "type"), NamedNode
    total = stats.get("total", {})
    out = [
        Triple(dataset, n(VOID + prop), _integer(total[key]))
        for key, prop in STATISTICS.items()
        if key in total
    ]
    for graph, numbers in stats.get("graphs", {}).items():
        subset = n(graph)
        out += [
            Triple(dataset, n(VOID + "subset"), subset),
            Triple(subset, a, n(VOID + "Dataset")),
            Triple(subset, n(SD + "name"), subset),
        ]
        out += [
            Triple(subset, n(VOID + prop), _integer(numbers[key]))
            for key, prop in STATISTICS.items()
            if key in numbers
        ]
    # void:classPartition with void:class and void:entities; void:propertyPartition with
    # void:property and void:triples.
    for kind, key, counted in (
        ("class", "classes", "entities"),
        ("property", "properties", "triples"),
    ):
        for term, count in stats.get(key, {}).items():
            part = _label(kind, term)
            out += [
                Triple(dataset, n(VOID + kind + "Partition"), part),
                Triple(part, n(VOID + kind), n(term)),
                Triple(part, n(VOID + counted), _integer(count)),
            ]
    return out


def _linkset_triples(dataset: NamedNode, links: dict[str, int]) -> list[Triple]:
    """One linkset per namespace the dataset's owl:sameAs links point into (Wikidata …)."""
    a, n = NamedNode(RDF + "type"), NamedNode
    out: list[Triple] = []
    for target, count in links.items():
        linkset, other = _label("linkset", target), _label("target", target)
        out += [
            Triple(dataset, n(VOID + "subset"), linkset),
            Triple(linkset, a, n(VOID + "Linkset")),
            Triple(linkset, n(VOID + "linkPredicate"), n(OWL + "sameAs")),
            Triple(linkset, n(VOID + "subjectsTarget"), dataset),
            Triple(linkset, n(VOID + "objectsTarget"), other),
            Triple(linkset, n(VOID + "triples"), _integer(count)),
            Triple(other, a, n(VOID + "Dataset")),
            Triple(other, n(VOID + "uriSpace"), Literal(target)),
        ]
    return out


@blueprint.get("/.well-known/void")
def void() -> ResponseReturnValue:
    # A browser (text/html named above its */*) gets the Turtle shown in a page; curl's */* and
    # RDF clients get RDF.
    fmt = conneg.negotiate(request.headers.get("Accept"), "graph", html="named")
    if fmt is None:
        raise UasaError(
            406,
            f"Available: text/html, {conneg.offered_types('graph')}.",
            headers={"Vary": "Accept"},
        )
    page = fmt is conneg.HTML
    if page:
        fmt = conneg.by_name("turtle", "graph")
        assert fmt is not None
    rows = select(context.executor(), EXAMPLES, context.settings().query_timeout)
    examples = [r["s"]["value"] for r in rows if r["s"]["type"] == "uri"]
    root = request.url_root
    history = releases.index(releases.folder_of(context.settings().store))
    triples = void_triples(_built(), root, examples, history)
    prefixes = {
        "void": VOID,
        "dcat": DCAT,
        "dct": DCT,
        "spdx": SPDX,
        "xsd": XSD,
        "owl": OWL,
        "sd": SD,
        "adms": ADMS,
    }
    options: dict[str, Any] = {"format": fmt.rdf()}
    if fmt.name in {"turtle", "trig", "rdfxml"}:
        options["prefixes"] = prefixes
    if fmt.name in {"nquads", "trig"}:
        quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
        body = serialize(quads, **options)
    else:
        body = serialize(triples, **options)
    if page:
        lang = choose_lang()
        response = Response(
            render_template(
                "void.html",
                page={"title": "VoID / DCAT"},
                turtle=bytes(body or b"").decode("utf-8"),
                lang=lang,
                t=UI[lang],
                other_lang="uk" if lang == "en" else "en",
            ),
            content_type="text/html; charset=utf-8",
        )
        response.vary.add("Accept-Language")
    else:
        response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    # The description changes only with the build (and the request's root): a validator for
    # a harvester's conditional GET.
    response.add_etag()
    return response.make_conditional(request)
