"""`uasa export --format F [--graph G] --out PATH`: one dump or graph-tool export of the
served store, written the same way `uasa build` writes `dumps/`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyoxigraph import Store

from uasa.cli.common import Subparsers
from uasa.core import store_layout
from uasa.core.settings import load
from uasa.ingest import dumps
from uasa.ingest import network as export

RDF_FORMATS = {f.suffix: f for f in dumps.DUMP_FORMATS}
NETWORK_FORMATS = ("graphml", "gexf", "csv")
ALIASES = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "json-ld": "jsonld", "rdfxml": "rdf"}


def register(sub: Subparsers) -> None:
    e = sub.add_parser("export", help="write the store as one RDF dump or a graph-tool export")
    e.add_argument(
        "--format",
        required=True,
        choices=sorted([*RDF_FORMATS, *ALIASES, *NETWORK_FORMATS]),
        help="RDF: nq, trig, nt, ttl, jsonld, rdf; networks: graphml, gexf, "
        "csv (PATH is then a folder that gets uasa-nodes.csv and uasa-edges.csv)",
    )
    e.add_argument("--graph", help="only this named graph (IRI); default: all graphs")
    e.add_argument("--out", required=True, help="output file ('-' for standard output)")
    e.add_argument("--gzip", action="store_true", help="gzip the output (no name, no time)")
    e.add_argument("--store", help="store location (default: UASA_STORE or var/store)")
    e.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load(store=args.store)
    try:
        built = store_layout.locate(settings.store)
    except store_layout.StoreError as exc:
        print(f"uasa export: {exc}", file=sys.stderr)
        return 1
    db = Store.read_only(str(built.db_path))
    quads = dumps.graph_quads(dumps.store_quads(db), args.graph)
    if args.graph and not quads:
        print(f"uasa export: no graph {args.graph} in the store", file=sys.stderr)
        return 1
    quads = dumps.canonical_quads(quads)
    name = ALIASES.get(args.format, args.format)
    if name == "csv":
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        graph = export.resource_network(quads)
        (folder / export.FILES["csv-nodes"]).write_bytes(export.nodes_csv(graph))
        (folder / export.FILES["csv-edges"]).write_bytes(export.edges_csv(graph))
        (folder / export.FILES["csv-metadata"]).write_bytes(export.csv_metadata(graph))
        print(
            f"uasa export: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
            f"→ {folder}",
            file=sys.stderr,
        )
        return 0
    if name in NETWORK_FORMATS:
        data = export.RENDER[name](export.resource_network(quads))
    else:
        data = dumps.serialize_dump(quads, RDF_FORMATS[name], dumps.context_of(db))
    if args.gzip:
        data = dumps.gzipped(data)
    if args.out == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.out).write_bytes(data)
        print(f"uasa export: {len(data)} bytes → {args.out}", file=sys.stderr)
    return 0
