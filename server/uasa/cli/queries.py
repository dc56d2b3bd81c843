"""`uasa queries` lists the saved queries; `uasa query` runs one and prints the results.

The query runs in-process on a read-only opening of the built store, with the same parameter
typing, substitutions and serialisation as `/queries/<name>`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyoxigraph import Store

from uasa.cli.common import Subparsers
from uasa.core import negotiation as conneg
from uasa.core import store_layout
from uasa.core.settings import Settings, load
from uasa.query import catalogue
from uasa.query.catalogue import CatalogueError, SavedQuery
from uasa.query.params import ParamError, bind
from uasa.query.types import QueryError
from uasa.query.worker import run as run_request


def register(sub: Subparsers) -> None:
    ls = sub.add_parser("queries", help="list the saved queries")
    ls.add_argument("--queries", metavar="DIR", help="query folder (default: UASA_QUERIES)")
    ls.set_defaults(func=list_queries)

    q = sub.add_parser("query", help="run a saved query, or a query file, and print the results")
    q.add_argument("name", nargs="?", help="the saved query's name (see `uasa queries`)")
    q.add_argument("--file", type=Path, help="run this .rq file instead (a #+ header is optional)")
    q.add_argument(
        "--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="repeatable"
    )
    q.add_argument(
        "--format",
        help="csv, tsv, json, xml for tables; ttl, nt, nq, trig, jsonld, rdf for graphs "
        "(default: csv or ttl)",
    )
    q.add_argument("--limit", type=int, help="at most this many results")
    q.add_argument("--offset", type=int, help="skip this many results")
    q.add_argument("--store", help="store location (default: UASA_STORE or var/store)")
    q.add_argument("--queries", metavar="DIR", help="query folder (default: UASA_QUERIES)")
    q.set_defaults(func=run_saved_query)


def _settings(args: argparse.Namespace) -> Settings:
    return load(store=getattr(args, "store", None), queries=args.queries)


def list_queries(args: argparse.Namespace) -> int:
    try:
        cat = catalogue.load(_settings(args).queries or None)
    except CatalogueError as exc:
        print(f"uasa queries: invalid catalogue:\n{exc}", file=sys.stderr)
        return 1
    for q in cat:
        params = " ".join(f"{p.name}={p.type}" + ("" if p.required else "?") for p in q.params)
        print(f"{q.name}\t{q.summary['en']}\t{params}")
    return 0


def _adhoc(path: Path) -> SavedQuery:
    """A query file; its `#+` header, when it has one, declares typed parameters."""
    text = path.read_text("utf-8")
    name = path.stem.lower()
    header, _ = catalogue.split_header(text)
    if not header.strip():  # no header: a plain query without parameters
        text = "#+ summary: {en: ad hoc, uk: ad hoc}\n#+ description: ad hoc\n" + text
    name = name if catalogue.NAME.fullmatch(name) else "adhoc"
    return catalogue.parse_query(name, text, str(path))


def _fail(message: str) -> int:
    print(f"uasa query: {message}", file=sys.stderr)
    return 1


def run_saved_query(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if (args.name is None) == (args.file is None):
        return _fail("give a saved query's name or --file, not both")
    try:
        if args.file is not None:
            q = _adhoc(args.file)
        else:
            found = catalogue.load(settings.queries or None).get(args.name)
            if found is None:
                return _fail(f"no saved query named {args.name!r} (see `uasa queries`)")
            q = found
    except CatalogueError as exc:
        return _fail(f"invalid query:\n{exc}")
    except OSError as exc:
        return _fail(str(exc))

    values: dict[str, str] = {}
    for item in args.param:
        key, eq, value = item.partition("=")
        if not eq:
            return _fail(f"--param {item!r}: expected NAME=VALUE")
        values[key] = value
    try:
        substitutions = bind(q.params, values)
        if (args.limit is not None or args.offset) and not q.pageable:
            raise ParamError(f"query {q.name!r} cannot be paged")
        for key in ("limit", "offset"):
            if (getattr(args, key) or 0) < 0:
                raise ParamError(f"--{key} must be >= 0")
    except ParamError as exc:
        return _fail(str(exc))

    wanted = args.format or ("csv" if q.kind == "results" else "ttl")
    fmt = conneg.by_name(wanted, q.kind)
    if fmt is None:
        offered = ", ".join(f.suffix for f in conneg.formats(q.kind))
        return _fail(f"no format {wanted!r} for this query; use one of {offered}")
    req = q.request(
        substitutions,
        limit=args.limit,
        offset=args.offset,
        union_default_graph=settings.union_default_graph,
        base_iri=settings.public_base,
        results_media_type=fmt.media_type if fmt.kind == "results" else None,
        graph_media_type=fmt.media_type if fmt.kind == "graph" else None,
    )
    try:
        db = Store.read_only(str(store_layout.locate(settings.store).db_path))
    except (store_layout.StoreError, OSError) as exc:
        return _fail(str(exc))
    reply = run_request(db, req)
    if isinstance(reply, QueryError):
        return _fail(reply.message)
    sys.stdout.buffer.write(reply.body)
    sys.stdout.flush()
    return 0
