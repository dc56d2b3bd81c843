"""Dumps of the whole store, written by `uasa build` into `<build>/dumps/`, and the VoID
statistics that describe them.

Every dump comes from one canonicalised copy of the data (RDFC-1.0 blank node labels, lines
sorted), so the N-Quads dump is byte-identical across builds of the same input and the
formats agree with each other blank node for blank node. Gzip files carry no name or time.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Quad,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from uasa.core import jsonld_context, results
from uasa.core.dataset import notice
from uasa.core.iris import BASE
from uasa.core.results import solutions, to_bytes

DUMPS_DIR = "dumps"
NAME = "uasa"
CHECKSUMS = "SHA256SUMS"
PREFIXES = {
    "uasa": "https://w3id.org/uasa/def#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
}


@dataclass(frozen=True)
class DumpFormat:
    suffix: str
    fmt: RdfFormat
    media_type: str
    quads: bool  # keeps the named graphs; the others hold the union of all graphs


DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("nq", RdfFormat.N_QUADS, "application/n-quads", True),
    DumpFormat("trig", RdfFormat.TRIG, "application/trig", True),
    DumpFormat("nt", RdfFormat.N_TRIPLES, "application/n-triples", False),
    DumpFormat("ttl", RdfFormat.TURTLE, "text/turtle", False),
    DumpFormat("jsonld", RdfFormat.JSON_LD, "application/ld+json", False),
    DumpFormat("rdf", RdfFormat.RDF_XML, "application/rdf+xml", False),
)
MEDIA_TYPES = {
    **{f.suffix: f.media_type for f in DUMP_FORMATS},
    "gz": "application/gzip",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "text/csv",
    "json": "application/csvm+json",  # the CSV tables' CSVW metadata
}


def canonical_quads(quads: Iterable[Quad]) -> list[Quad]:
    """The quads with RDFC-1.0 blank node labels, in N-Quads line order."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def nquads(quads: Iterable[Quad]) -> bytes:
    """Canonical N-Quads: one quad per line, lines sorted bytewise."""
    lines = to_bytes(quads, RdfFormat.N_QUADS).splitlines(keepends=True)
    return b"".join(sorted(set(lines)))


def union_triples(quads: Iterable[Quad]) -> list[Triple]:
    return sorted({q.triple for q in quads}, key=str)


def graph_quads(quads: Iterable[Quad], graph: str | None) -> list[Quad]:
    """The quads of one named graph (None: all)."""
    if graph is None:
        return list(quads)
    return [
        q
        for q in quads
        if not isinstance(q.graph_name, DefaultGraph) and q.graph_name.value == graph
    ]


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def header(fmt: RdfFormat) -> bytes:
    """The licence and source line at the head of a dump: a comment where the syntax has one
    (JSON-LD has none; its dump states the licence in its own way)."""
    if fmt == RdfFormat.RDF_XML:
        return XML_DECLARATION + f"<!-- {notice()} -->\n".encode()
    if fmt == RdfFormat.JSON_LD:
        return b""
    return f"# {notice()}\n".encode()


class _Headed:
    """A binary file that begins with the dump's header: a serializer's own XML declaration
    is dropped, since the header already wrote it before its comment."""

    def __init__(self, raw: BinaryIO, fmt: RdfFormat) -> None:
        self.raw, self.pending = raw, fmt == RdfFormat.RDF_XML
        self.head = b""  # the serializer's first bytes, until its declaration can be dropped
        raw.write(header(fmt))

    def write(self, data: bytes) -> int:
        if self.pending:  # the serializer may write its declaration in several pieces
            self.head += bytes(data)
            if len(self.head) < len(XML_DECLARATION):
                return len(data)
            self.pending = False
            self.raw.write(self.head.removeprefix(XML_DECLARATION))
            return len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        if self.pending:
            self.raw.write(self.head)
            self.pending, self.head = False, b""
        self.raw.flush()


def context_of(db: Store) -> dict[str, Any]:
    """The JSON-LD context document the server publishes at /context.jsonld for this store."""
    terms = [
        {k: term.value for k in ("term", "kind", "range") if (term := row[k]) is not None}
        for row in solutions(db, jsonld_context.TERMS)
    ]
    versions = [row["version"].value for row in solutions(db, jsonld_context.VERSION)]
    used = {_namespace(row["term"].value) for row in solutions(db, VOCABULARIES)}
    return jsonld_context.context_document(terms, versions[0] if versions else None, used)


def compacted_jsonld(triples: Iterable[Triple], context: dict[str, Any]) -> bytes:
    """JSON-LD compacted with the published context, given inline so that the file reads
    offline; `licence` (no term of the context, so dropped by JSON-LD processors, as the
    context's own `ontology` is) is the licence and source line."""
    doc = jsonld_context.compact(jsonld_context.expanded(triples), context)
    out = {"@context": doc["@context"], "licence": notice(), "@graph": doc.get("@graph", [])}
    return json.dumps(out, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def serialize_dump(
    quads: list[Quad], fmt: DumpFormat, context: dict[str, Any] | None = None
) -> bytes:
    """One dump of the quads; with ``context`` (see :func:`context_of`) the JSON-LD dump is
    compacted with it, otherwise expanded."""
    if context is not None and fmt.fmt == RdfFormat.JSON_LD:
        return compacted_jsonld(union_triples(quads), context)
    return _with_header(_serialize_dump(quads, fmt), fmt.fmt)


def _with_header(data: bytes, fmt: RdfFormat) -> bytes:
    return header(fmt) + (data.removeprefix(XML_DECLARATION) if fmt == RdfFormat.RDF_XML else data)


def _serialize_dump(quads: list[Quad], fmt: DumpFormat) -> bytes:
    if fmt.suffix == "nq":
        return nquads(quads)
    if fmt.quads:
        return to_bytes(quads, fmt.fmt, prefixes=PREFIXES)
    triples = union_triples(quads)
    if fmt.fmt == RdfFormat.N_TRIPLES:
        return b"".join(sorted(set(to_bytes(triples, fmt.fmt).splitlines(True))))
    if fmt.fmt in {RdfFormat.TURTLE, RdfFormat.RDF_XML}:
        return to_bytes(triples, fmt.fmt, prefixes=PREFIXES)
    return to_bytes(triples, fmt.fmt)


def gzipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    # No file name and mtime 0, so the same content always gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(name: str, size: int, digest: str) -> dict[str, Any]:
    """A file's manifest entry (served under /dumps/, listed in VoID and SHA256SUMS)."""
    suffix = name.rsplit(".", 1)[-1]
    return {
        "name": name,
        "media_type": MEDIA_TYPES.get(suffix, "application/octet-stream"),
        "bytes": size,
        "sha256": digest,
    }


def write_file(folder: Path, name: str, data: bytes) -> dict[str, Any]:
    (folder / name).write_bytes(data)
    return _entry(name, len(data), sha256(data))


def write_dumps(
    quads: list[Quad], folder: Path, context: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every RDF dump and its gzip; returns one manifest entry per file."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for fmt in DUMP_FORMATS:
        data = serialize_dump(quads, fmt, context)
        entry = write_file(folder, f"{NAME}.{fmt.suffix}", data)
        entry["format"] = fmt.media_type
        entries.append(entry)
        gz = write_file(folder, f"{NAME}.{fmt.suffix}.gz", gzipped(data))
        gz["format"] = fmt.media_type  # what is inside
        entries.append(gz)
    return entries


def write_checksums(folder: Path, entries: Iterable[dict[str, Any]]) -> None:
    lines = sorted(f"{e['sha256']}  {e['name']}\n" for e in entries)
    (folder / CHECKSUMS).write_text("".join(lines), "utf-8")


STATISTICS = """\
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g
"""
ENTITIES = """\
SELECT ?g (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s)) } }
GROUP BY ?g
"""
CLASSES = """\
SELECT ?g (COUNT(DISTINCT ?c) AS ?classes)
WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g
"""
TOTALS = """\
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
       (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?c) AS ?classes)
WHERE {
  ?s ?p ?o
  BIND(IF(isIRI(?s), ?s, ?unbound) AS ?e)
  BIND(IF(?p = <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>, ?o, ?unbound) AS ?c)
}
"""
VOCABULARIES = """\
SELECT DISTINCT ?term WHERE {
  GRAPH ?g { { ?s ?term ?o } UNION { ?s a ?term FILTER(isIRI(?term)) } }
}
"""
STAT_KEYS = ("triples", "entities", "classes", "properties", "subjects", "objects")
# VoID class and property partitions over the union of the graphs (as a triple set).
CLASS_PARTITIONS = """\
SELECT ?class (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s a ?class FILTER(isIRI(?class)) }
GROUP BY ?class
"""
PROPERTY_PARTITIONS = "SELECT ?p (COUNT(*) AS ?triples) WHERE { ?s ?p ?o } GROUP BY ?p"
# Links out: owl:sameAs to IRIs outside the dataset, counted per target namespace (VoID linksets).
LINKS = f"""\
SELECT ?o WHERE {{
  ?s <http://www.w3.org/2002/07/owl#sameAs> ?o
  FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "{BASE}"))
}}
"""


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _link_target(iri: str) -> str:
    """The namespace a link points into; a GeoNames feature IRI ends with "/"
    (https://sws.geonames.org/703448/), so the id before it is not the namespace."""
    return _namespace(iri.rstrip("/"))


def statistics(db: Store) -> dict[str, Any]:
    """VoID statistics over the named graphs, in total (the union, as a triple set) and per
    graph, plus the vocabularies used; computed with SPARQL at build time."""
    per_graph: dict[str, dict[str, int]] = {}
    for query, keys in (
        (STATISTICS, ("triples", "subjects", "properties", "objects")),
        (ENTITIES, ("entities",)),
        (CLASSES, ("classes",)),
    ):
        for row in solutions(db, query):
            stats = per_graph.setdefault(row["g"].value, dict.fromkeys(STAT_KEYS, 0))
            for key in keys:
                stats[key] = int(row[key].value)
    total_row = next(iter(solutions(db, TOTALS, use_default_graph_as_union=True)))
    total = {key: int(total_row[key].value) for key in STAT_KEYS}
    vocabularies = sorted({_namespace(row["term"].value) for row in solutions(db, VOCABULARIES)})
    links: dict[str, int] = {}
    for row in solutions(db, LINKS, use_default_graph_as_union=True):
        target = _link_target(row["o"].value)
        links[target] = links.get(target, 0) + 1
    classes = solutions(db, CLASS_PARTITIONS, use_default_graph_as_union=True)
    properties = solutions(db, PROPERTY_PARTITIONS, use_default_graph_as_union=True)
    return {
        "total": total,
        "graphs": dict(sorted(per_graph.items())),
        "vocabularies": vocabularies,
        "classes": dict(sorted((r["class"].value, int(r["entities"].value)) for r in classes)),
        "properties": dict(sorted((r["p"].value, int(r["triples"].value)) for r in properties)),
        "links": dict(sorted(links.items())),
    }


def store_quads(db: Store) -> list[Quad]:
    return list(db.quads_for_pattern(None, None, None, None))


# Above this many quads the dumps are streamed out of the store by Oxigraph's serializers, in
# store order with the stored blank node labels: canonicalising and sorting in memory costs
# about 2.5 KiB and 0.1 ms per quad (2.9 GiB and 145 s for a million), which a big store
# cannot pay at every build.
CANONICAL_MAX_QUADS = 500_000
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"  # the union of the graphs, as a set
_CHUNK = 1 << 20


def file_entry(path: Path, media_type: str) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {**_entry(path.name, size, digest.hexdigest()), "format": media_type}


def gzip_file(source: Path) -> Path:
    target = source.with_name(source.name + ".gz")
    # Level 6, the gzip tool's default: Python's 9 is about twice as slow for a few % less.
    with (
        source.open("rb") as src,
        target.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        while chunk := src.read(_CHUNK):
            gz.write(chunk)
    return target


def _finish(path: Path, media_type: str) -> list[dict[str, Any]]:
    return [file_entry(path, media_type), file_entry(gzip_file(path), media_type)]


def _streamed_dump(db: Store, folder: Path, fmt: DumpFormat) -> Path:
    path = folder / f"{NAME}.{fmt.suffix}"
    pretty = fmt.fmt in {RdfFormat.TRIG, RdfFormat.TURTLE, RdfFormat.RDF_XML}
    prefixes = PREFIXES if pretty else None
    with path.open("wb") as raw:
        out = _Headed(raw, fmt.fmt)
        if fmt.quads:
            db.dump(out, fmt.fmt, prefixes=prefixes)  # type: ignore[arg-type]
        else:
            triples = results.triples(db, UNION, use_default_graph_as_union=True)
            serialize(triples, out, fmt.fmt, prefixes=prefixes)  # type: ignore[arg-type]
    return path


def _dump_in_process(db_path: str, folder: str, suffix: str) -> tuple[list[dict[str, Any]], float]:
    """One format and its gzip, in a worker process with its own read-only opening."""
    started = time.perf_counter()
    fmt = next(f for f in DUMP_FORMATS if f.suffix == suffix)
    path = _streamed_dump(Store.read_only(db_path), Path(folder), fmt)
    return _finish(path, fmt.media_type), time.perf_counter() - started


def write_streamed_dumps(
    db: Store,
    folder: Path,
    out: Callable[[str], None],
    db_path: Path | None = None,
    processes: int | None = None,
    meanwhile: Callable[[], list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Every RDF dump and its gzip, written straight from the store without holding it.

    With ``db_path`` (the store's directory; ``db`` must be a read-only opening of it, as no
    process may write a store that others open read-only) each format is written and
    compressed by its own worker process, ``processes`` at a time (default: one per core), each
    with a read-only opening of the store: serialising is single-threaded in Oxigraph, so this
    is what uses more than one core. The files are the same as one process writes. Without
    it, zlib and Oxigraph's serializers both release the GIL, so each file is compressed on a
    second thread while the next one is written. ``meanwhile`` (more files to write, such as
    the network exports) runs in this process while the worker processes write; its entries
    come after the dumps'.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if db_path is not None:
        workers = min(len(DUMP_FORMATS), processes or os.cpu_count() or 1)
        # spawn: a fresh interpreter, no copy of this process's open RocksDB handles
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            jobs = [
                (f, pool.submit(_dump_in_process, str(db_path), str(folder), f.suffix))
                for f in DUMP_FORMATS
            ]
            started = time.perf_counter()
            extra = meanwhile() if meanwhile is not None else []
            if meanwhile is not None:
                out(f"  meanwhile, in this process: {time.perf_counter() - started:.1f} s")
            entries = []
            for fmt, job in jobs:
                written, seconds = job.result()
                out(f"  dump {NAME}.{fmt.suffix} (+ .gz, own process): {seconds:.1f} s")
                entries += written
            return entries + extra
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="uasa-gzip") as pool:
        pending = []
        for fmt in DUMP_FORMATS:
            started = time.perf_counter()
            path = _streamed_dump(db, folder, fmt)
            out(f"  dump {path.name}: {time.perf_counter() - started:.1f} s")
            pending.append(pool.submit(_finish, path, fmt.media_type))
        extra = meanwhile() if meanwhile is not None else []
        return [entry for job in pending for entry in job.result()] + extra


def _write_exports(quads: Iterable[Quad], folder: Path) -> list[dict[str, Any]]:
    # Imported here: networkx costs a sixth of the web app's start, which needs only the names
    # above (the app serves the dumps this module writes).
    from uasa.ingest import network

    return [write_file(folder, name, data) for name, data in network.export_files(quads).items()]


def write_all(
    db: Store,
    build_dir: Path,
    quad_count: int,
    out: Callable[[str], None] = print,
    db_path: Path | None = None,
) -> dict[str, Any]:
    """The build hook: dumps, graph exports, checksums and statistics for the manifest.
    ``db_path``: the store's directory, so that a big store's dumps are written by several
    processes at once."""
    folder = build_dir / DUMPS_DIR
    if quad_count <= CANONICAL_MAX_QUADS:
        quads = canonical_quads(store_quads(db))
        entries = write_dumps(quads, folder, context_of(db))
        entries += _write_exports(quads, folder)
    else:
        out(f"  {quad_count} quads: streaming the dumps (not canonicalised)")
        entries = write_streamed_dumps(
            db,
            folder,
            out,
            db_path,
            meanwhile=lambda: _write_exports(db.quads_for_pattern(None, None, None, None), folder),
        )
    write_checksums(folder, entries)
    out(f"  dumps: {len(entries)} files written (served at /dumps/)")
    started = time.perf_counter()
    stats = statistics(db)
    out(f"  VoID statistics: {time.perf_counter() - started:.1f} s")
    return {"dumps": entries, "statistics": stats}
