"""`uasa build`: the project's store (ontology, data, saved queries, SHACL), built anew."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from uasa.cli.common import Subparsers
from uasa.core.settings import load


def register(sub: Subparsers) -> None:
    b = sub.add_parser("build", help="parse, validate and load the RDF files into a new store")
    b.add_argument(
        "files",
        nargs="*",
        help="extra RDF files (Turtle, TriG, N-Triples, N-Quads, "
        "JSON-LD, RDF/XML); triples go to the curated graph, quads keep their graphs",
    )
    b.add_argument("--store", help="store location (default: UASA_STORE or var/store)")
    b.add_argument("--ontology", default="ontology", help="ontology folder (default: ontology)")
    b.add_argument("--no-ontology", action="store_true", help="load no ontology folder")
    b.add_argument(
        "--data", action="append", metavar="DIR", help="data folder, repeatable (default: data)"
    )
    b.add_argument(
        "--graph-file",
        nargs=2,
        action="append",
        default=[],
        metavar=("GRAPH_IRI", "FILE"),
        help="load FILE into the named graph GRAPH_IRI",
    )
    b.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    b.add_argument(
        "--to",
        metavar="URL",
        help="also load every graph into a remote store by the Graph Store Protocol "
        "(e.g. http://host:7878/store for Oxigraph server)",
    )
    b.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from uasa.ingest.pipeline import BuildError, file_input
    from uasa.ingest.project import build_project
    from uasa.query.catalogue import CatalogueError

    settings = load(store=args.store)
    # The default data folder may be absent (an ontology-only build); a named one may not.
    data = [Path(d) for d in (args.data if args.data is not None else ["data"])]
    try:
        build_project(
            settings.store,
            ontology=None if args.no_ontology else Path(args.ontology),
            data=[d for d in data if d.is_dir() or args.data],
            files=[
                *(file_input(Path(f), None) for f in args.files),
                *(file_input(Path(path), graph) for graph, path in args.graph_file),
            ],
            queries=settings.queries or None,
            validate=not args.no_validate,
            upload_to=args.to,
        )
    except (BuildError, CatalogueError) as exc:
        print(f"uasa build: error: {exc}", file=sys.stderr)
        print("uasa build: the served store was not changed.", file=sys.stderr)
        return 1
    return 0
