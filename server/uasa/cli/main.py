"""The `uasa` command: build the store, serve it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Store

from uasa import __version__
from uasa.core.settings import load


def _build(args: argparse.Namespace) -> int:
    from uasa.ingest.pipeline import BuildError, build, file_input, project_inputs
    from uasa.query.catalogue import CatalogueError, catalogue_quads
    from uasa.query.catalogue import load as load_catalogue

    settings = load(store=args.store)
    try:
        ontology = None if args.no_ontology else Path(args.ontology)
        if ontology is not None and not ontology.is_dir():
            raise BuildError(f"{ontology}: no such ontology folder (use --no-ontology to skip)")
        data = [Path(d) for d in (args.data if args.data is not None else ["data"])]
        inputs = project_inputs(ontology, [d for d in data if d.is_dir() or args.data])
        inputs += [file_input(Path(f), None) for f in args.files]
        inputs += [file_input(Path(path), graph) for graph, path in args.graph_file]
        for item in inputs:
            if not item.path.is_file():
                raise BuildError(f"{item.path}: no such file")
        print(f"uasa build: {len(inputs)} files → {settings.store}")
        build(
            inputs,
            settings.store,
            validator=None if args.no_validate else validator(),
            extra_quads=catalogue_quads(load_catalogue(settings.queries or None)),
            upload_to=args.to,
        )
    except (BuildError, CatalogueError) as exc:
        print(f"uasa build: error: {exc}", file=sys.stderr)
        print("uasa build: the served store was not changed.", file=sys.stderr)
        return 1
    return 0


def validator() -> Callable[[Store], list[str]]:
    """SHACL over the whole new store: Violations become build errors, Warnings are printed."""
    from uasa.ingest.validate import validate

    def check(db: Store) -> list[str]:
        report = validate(db)
        for w in report.warnings:
            print(f"  warning: {w.focus_node} {w.path}: {w.message}")
        return [f"{v.focus_node} {v.path}: {v.message}" for v in report.violations]

    return check


def _serve(args: argparse.Namespace) -> int:
    from uasa.cli.serve import serve
    from uasa.core import store_layout
    from uasa.query.catalogue import CatalogueError
    from uasa.query.catalogue import load as load_catalogue
    from uasa.web.pages import sparql as page_queries

    settings = load(store=args.store, host=args.host, port=args.port)
    try:
        built = store_layout.locate(settings.store)
        store_layout.check_readable(built)
        saved = load_catalogue(settings.queries or None)  # a broken one stops start-up here
        page_queries.check_all()
    except (store_layout.StoreError, CatalogueError, page_queries.PageQueryError) as exc:
        print(f"uasa serve: {exc}", file=sys.stderr)
        return 1
    triples = built.triples if built.triples is not None else "an unknown number of"
    print(f"uasa serve: {triples} triples from {built.root}", flush=True)
    print(
        f"uasa serve: listening on http://{settings.host}:{settings.port}/ "
        f"(SPARQL endpoint http://{settings.host}:{settings.port}/sparql)",
        flush=True,
    )
    serve(settings, saved)  # the gunicorn worker inherits it: not loaded a second time
    return 0


def _export(args: argparse.Namespace) -> int:
    from uasa.cli.export import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="uasa", description=__doc__)
    parser.add_argument("--version", action="version", version=f"uasa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

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
    b.set_defaults(func=_build)

    s = sub.add_parser("serve", help="serve the store over HTTP with gunicorn")
    s.add_argument("--store", help="store location (default: UASA_STORE or var/store)")
    s.add_argument("--host", help="listen address (default: UASA_HOST or 127.0.0.1)")
    s.add_argument("--port", type=int, help="listen port (default: UASA_PORT or 8000)")
    s.set_defaults(func=_serve)

    from uasa.cli.export import add_parser

    add_parser(sub, _export)

    from uasa.cli import queries as queries_cli

    queries_cli.add_parser(sub)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
