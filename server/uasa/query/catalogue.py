"""The saved-query catalogue: `queries/*.rq`, each with a grlc-style `#+` YAML header.

The header sits in comment lines, so every file stays valid SPARQL (grlc's convention)::

    #+ summary:
    #+   en: Agreements signed in a given year
    #+   uk: Угоди, підписані в заданому році
    #+ description: One row per agreement, oldest first.
    #+ tags: [agreements, dates]
    #+ params:
    #+   - name: year
    #+     type: year
    #+     required: true
    #+     example: 2024
    #+     description: The signing year.
    SELECT ?agreement ?date WHERE { ... FILTER(YEAR(?date) = YEAR(?year)) }

Each parameter binds the query variable of the same name (``?year``) through pyoxigraph
``substitutions=``; see :mod:`uasa.query.params` for the types. Loading checks every header
strictly and parses every query, so a broken catalogue stops the server at start, with
``file: field: problem`` messages, instead of failing one request at a time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode, Quad, Store, Variable

from uasa.core import paths
from uasa.core.iris import BASE, RDF, RDFS, SCHEMA, SH, Graphs
from uasa.core.negotiation import Kind
from uasa.query import guard as query_guard
from uasa.query.params import TYPES, Param, ParamError
from uasa.query.types import QueryRequest

QUERY = BASE + "query/"

HEADER_FIELDS = frozenset({"summary", "description", "tags", "params", "default_graph", "union"})
PARAM_FIELDS = frozenset(
    {"name", "type", "description", "example", "required", "default", "enum", "lang", "base"}
)
# Every query takes the paging parameters and `format`; `lang` is the HTML page's language switch.
RESERVED = frozenset({"limit", "offset", "format", "lang"})
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")  # URL-safe and free of dots (dots start suffixes)
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FORMS = {"SELECT": "select", "CONSTRUCT": "construct", "ASK": "ask", "DESCRIBE": "describe"}


class _HeaderLoader(yaml.SafeLoader):
    """YAML without timestamps: `2024-02-30` stays the text the author wrote, to be checked
    as a date parameter value (PyYAML would raise on it, or turn a good one into a date)."""


_HeaderLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CatalogueError(Exception):
    """One or more files of the catalogue are invalid; each line names file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SavedQuery:
    name: str
    text: str  # the whole file, header included: what `/queries/<name>.rq` returns
    body: str  # the SPARQL without the header lines
    summary: Mapping[str, str]  # language → title; "en" and "uk" always present
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    form: str  # select, construct, ask or describe
    pageable: bool  # no LIMIT/OFFSET/VALUES of its own, so paging can be appended
    default_graph: tuple[str, ...] | None = None
    union: bool | None = None  # None: the server's setting

    @property
    def iri(self) -> str:
        return QUERY + self.name

    @property
    def kind(self) -> Kind:
        """The conneg kind of its results."""
        return "results" if self.form in {"select", "ask"} else "graph"

    def paged(self, limit: int | None, offset: int | None) -> str:
        """The query text with LIMIT/OFFSET appended (on a new line: the body may end in a
        comment). Only for pageable queries, whose top level has no solution modifier that
        would clash; the load step checked that the appended form parses."""
        text = self.body.rstrip()
        if limit is not None:
            text += f"\nLIMIT {int(limit)}"
        if offset:
            text += f"\nOFFSET {int(offset)}"
        return text

    def request(
        self,
        substitutions: Mapping[str, Any],
        *,
        limit: int | None = None,
        offset: int | None = None,
        union_default_graph: bool = True,
        base_iri: str | None = None,
        results_media_type: str | None = None,
        graph_media_type: str | None = None,
    ) -> QueryRequest:
        """The executor request for one run; shared by the HTTP route and the CLI."""
        if self.default_graph:
            union = False
        elif self.union is not None:
            union = self.union
        else:  # as on /sparql: the union would hide the query's own FROM clauses
            union = union_default_graph and not query_guard.inspect(self.body).has_dataset_clause
        return QueryRequest(
            query=self.paged(limit, offset) if limit is not None or offset else self.body,
            base_iri=base_iri,
            use_default_graph_as_union=union,
            default_graph=list(self.default_graph) if self.default_graph else None,
            substitutions=dict(substitutions),  # typed terms: the text is never edited
            results_media_type=results_media_type,
            graph_media_type=graph_media_type,
        )


@dataclass(frozen=True)
class Catalogue:
    queries: Mapping[str, SavedQuery]

    def __iter__(self) -> Iterator[SavedQuery]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def get(self, name: str) -> SavedQuery | None:
        return self.queries.get(name)


def default_folder() -> Path:
    """The repository's `queries/` (the package lives in server/uasa/)."""
    return paths.QUERIES


def split_header(text: str) -> tuple[str, str]:
    """The YAML of the leading `#+` lines, and the rest of the file.

    The header is every `#+` line before the first line that is neither blank nor a comment.
    """
    header: list[str] = []
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#+"):
            rest = stripped[2:]
            header.append(rest[1:] if rest.startswith(" ") else rest)
        elif stripped and not stripped.startswith("#"):
            return "\n".join(header), "".join(lines[number:])
    return "\n".join(header), ""


def _scalar(value: Any) -> str | None:
    """YAML turns `2024` into an int and `2024-01-12` into a date; parameters are text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float | datetime.date):
        return str(value)
    return None


def _param(raw: Any, where: str, problems: list[str]) -> Param | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with name, type, description, example")
        return None
    for key in sorted(set(raw) - PARAM_FIELDS, key=str):
        problems.append(
            f"{where}: unknown field {key!r} (allowed: {', '.join(sorted(PARAM_FIELDS))})"
        )
    name = raw.get("name")
    if not isinstance(name, str) or not VARIABLE.fullmatch(name):
        problems.append(f"{where}.name: expected a SPARQL variable name, got {name!r}")
        return None
    where = f"{where} ({name})"
    if name in RESERVED:
        problems.append(f"{where}.name: {name!r} is reserved (paging, format, page language)")
    kind = raw.get("type")
    if kind not in TYPES:
        problems.append(f"{where}.type: expected one of {', '.join(TYPES)}, got {kind!r}")
        return None
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(f"{where}.description: expected a non-empty string")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        problems.append(f"{where}.required: expected true or false, got {required!r}")
        required = False
    default = _default(raw, required, where, problems)
    enum = _enum(raw, kind, where, problems)
    for key, needs in (("lang", "lang-string"), ("base", "iri")):
        if key in raw and kind != needs:
            problems.append(f"{where}.{key}: only a parameter of type {needs} takes {key}")
        elif key in raw and not isinstance(raw[key], str):
            problems.append(f"{where}.{key}: expected a string")
    example = _scalar(raw.get("example"))
    if example is None:
        problems.append(f"{where}.example: expected an example value, got {raw.get('example')!r}")
        example = ""
    param = Param(
        name=name,
        type=kind,
        description=description if isinstance(description, str) else "",
        example=example,
        required=required,
        default=default,
        enum=enum,
        lang=raw.get("lang") if isinstance(raw.get("lang"), str) else None,
        base=raw.get("base") if isinstance(raw.get("base"), str) else None,
    )
    _check_values(param, where, problems)
    return param


def _default(raw: dict[Any, Any], required: bool, where: str, problems: list[str]) -> str | None:
    if "default" not in raw:
        return None
    default = _scalar(raw["default"])
    if default is None:
        problems.append(f"{where}.default: expected a single value, got {raw['default']!r}")
    if required:
        problems.append(f"{where}: a required parameter cannot have a default")
    return default


def _enum(raw: dict[Any, Any], kind: str, where: str, problems: list[str]) -> tuple[str, ...]:
    if kind != "enum":
        if "enum" in raw:
            problems.append(f"{where}.enum: only a parameter of type enum lists values")
        return ()
    values = raw.get("enum")
    if not isinstance(values, list) or not values:
        problems.append(f"{where}.enum: type enum needs a non-empty list of values")
        return ()
    enum = tuple(v for v in (_scalar(x) for x in values) if v is not None)
    if len(enum) != len(values) or len(set(enum)) != len(enum):
        problems.append(f"{where}.enum: expected distinct single values, got {values!r}")
    return enum


def _check_values(param: Param, where: str, problems: list[str]) -> None:
    """The language tag, and the example and default, must themselves be valid values."""
    if param.lang is not None:
        try:
            Literal("x", language=param.lang)
        except ValueError:
            problems.append(f"{where}.lang: {param.lang!r} is not a language tag")
    for key, value in (("example", param.example), ("default", param.default)):
        if value:
            try:
                param.convert(value)
            except ParamError as exc:
                problems.append(f"{where}.{key}: {exc}")


def parses(text: str) -> str | None:
    """Oxigraph's own parser has the last word (it runs the query); an empty store is cheap."""
    try:
        Store().query(text)
    except SyntaxError as exc:
        return str(exc)
    return None


def _unbindable(text: str, params: list[Param]) -> list[str]:
    """Parameters that pyoxigraph cannot substitute, found by a trial run on an empty store.

    ``substitutions=`` binds a variable only where the query's result exposes it: a SELECT
    must project it (or use SELECT *), and CONSTRUCT, ASK and DESCRIBE need it bound by the
    WHERE pattern, not only mentioned in a FILTER.
    """
    bad = []
    for p in params:
        try:
            Store().query(text, substitutions={Variable(p.name): p.convert(p.example)})
        except (SyntaxError, ValueError, RuntimeError, ParamError):
            bad.append(p.name)
    return bad


def parse_query(name: str, text: str, source: str = "") -> SavedQuery:
    """Check one file's header and query; raises CatalogueError listing every problem."""
    where = source or f"{name}.rq"
    problems: list[str] = []
    if not NAME.fullmatch(name):
        problems.append(f"{where}: the file name must be lower-case letters, digits, - or _")
    header, body = _header(text, where)
    for key in sorted(set(header) - HEADER_FIELDS, key=str):
        problems.append(
            f"{where}: unknown header field {key!r} (allowed: {', '.join(sorted(HEADER_FIELDS))})"
        )
    summary, description, tags = _texts(header, where, problems)
    raw_params = header.get("params", [])
    if not isinstance(raw_params, list):
        problems.append(f"{where}: params: expected a list")
        raw_params = []
    params = [_param(p, f"{where}: params[{i}]", problems) for i, p in enumerate(raw_params)]
    declared = [p for p in params if p]
    names = [p.name for p in declared]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{where}: params: {dup!r} is declared twice")
    graphs, union = _dataset(header, where, problems)
    form, pageable = _check_body(body, declared, where, problems)
    if problems:
        raise CatalogueError(problems)
    return SavedQuery(
        name=name,
        text=text,
        body=body,
        summary=summary,
        description=description,
        tags=tags,
        params=tuple(declared),
        form=form,
        pageable=pageable,
        default_graph=graphs,
        union=union,
    )


def _header(text: str, where: str) -> tuple[dict[Any, Any], str]:
    """The `#+` header as a YAML mapping, and the query; a file without one is an error."""
    header_text, body = split_header(text)
    if not header_text.strip():
        raise CatalogueError([f"{where}: no '#+' YAML header"])
    try:
        header = yaml.load(header_text, Loader=_HeaderLoader)  # a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as exc:
        raise CatalogueError([f"{where}: header is not valid YAML: {exc}"]) from None
    if not isinstance(header, dict):
        raise CatalogueError([f"{where}: header must be a YAML mapping"])
    return header, body


def _texts(
    header: dict[Any, Any], where: str, problems: list[str]
) -> tuple[dict[str, str], str, tuple[str, ...]]:
    """The summary (en and uk), the description and the tags."""
    summary = header.get("summary")
    if not isinstance(summary, dict) or not all(
        isinstance(summary.get(lang), str) and summary[lang].strip() for lang in ("en", "uk")
    ):
        problems.append(f"{where}: summary: expected a mapping with non-empty 'en' and 'uk' text")
        summary = {}
    description = header.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(f"{where}: description: expected a non-empty string")
        description = ""
    tags = header.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        problems.append(f"{where}: tags: expected a list of strings")
        tags = []
    return {k: str(v) for k, v in summary.items()}, description, tuple(tags)


def _dataset(
    header: dict[Any, Any], where: str, problems: list[str]
) -> tuple[tuple[str, ...] | None, bool | None]:
    """The query's own default graph(s) and union setting, when its header names them."""
    graphs = header.get("default_graph")
    if graphs is not None:
        graphs = [graphs] if isinstance(graphs, str) else graphs
        if not isinstance(graphs, list) or not all(
            isinstance(g, str) and re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+$", g) for g in graphs
        ):
            problems.append(f"{where}: default_graph: expected an absolute IRI or a list of them")
            graphs = None
    union = header.get("union")
    if union is not None and not isinstance(union, bool):
        problems.append(f"{where}: union: expected true or false")
        union = None
    return (tuple(graphs) if graphs else None), union


def _check_body(
    body: str, params: list[Param], where: str, problems: list[str]
) -> tuple[str, bool]:
    """The query's form and whether it can be paged; problems if it does not parse, does not
    use or cannot bind a parameter, or names a SERVICE the guard refuses.

    Oxigraph's parser checks the query (it is what runs it) and the tokenizer of the query
    guard reads its form and variables: rdflib's parser took 2 s for the catalogue, the
    better part of the server's start-up."""
    error = parses(body)
    if error:
        problems.append(f"{where}: query does not parse: {error}")
        return "select", False
    form = next((FORMS[w] for w in query_guard.keywords(body) if w in FORMS), "select")
    used = query_guard.variables(body)
    for p in params:
        if p.name not in used:
            problems.append(f"{where}: params: ?{p.name} does not occur in the query")
    for n in _unbindable(body, [p for p in params if p.name in used]):
        problems.append(
            f"{where}: params: ?{n} cannot be bound: project it in the SELECT clause "
            "(for CONSTRUCT, ASK or DESCRIBE, bind it in the WHERE pattern, not only "
            "in a FILTER)"
        )
    verdict = query_guard.inspect(body)
    if verdict.service:
        problems.append(f"{where}: {verdict.service}")
    # Paging appends LIMIT/OFFSET, which only parses when the query ends without its
    # own LIMIT, OFFSET or trailing VALUES block.
    pageable = form != "ask" and parses(body.rstrip() + "\nLIMIT 1\nOFFSET 1") is None
    return form, pageable


def load(folder: Path | str | None = None) -> Catalogue:
    """Every `*.rq` in ``folder`` (default: the repository's `queries/`), checked.

    A missing folder is an empty catalogue; any invalid file raises CatalogueError.
    """
    folder = Path(folder) if folder else default_folder()
    queries: dict[str, SavedQuery] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            queries[path.stem] = parse_query(path.stem, path.read_text("utf-8"), str(path))
        except CatalogueError as exc:
            problems.extend(exc.problems)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: {exc}")
    if problems:
        raise CatalogueError(problems)
    return Catalogue(queries)


def catalogue_quads(catalogue: Catalogue) -> list[Quad]:
    """The catalogue as SHACL executables in the meta graph (the SIB sparql-examples style)."""
    graph = NamedNode(Graphs.META)
    a = RDF + "type"
    quads: list[Quad] = []
    for q in catalogue:
        node = NamedNode(q.iri)

        def add(predicate: str, obj: NamedNode | Literal, node: NamedNode = node) -> None:
            quads.append(Quad(node, NamedNode(predicate), obj, graph))

        add(a, NamedNode(SH + "SPARQLExecutable"))
        if q.form != "describe":  # SHACL names no executable class for DESCRIBE
            add(a, NamedNode(SH + f"SPARQL{q.form.capitalize()}Executable"))
        add(SH + q.form, Literal(q.body.strip()))
        for lang, label in sorted(q.summary.items()):
            add(RDFS + "label", Literal(label, language=lang))
        add(RDFS + "comment", Literal(q.description.strip(), language="en"))
        for tag in q.tags:
            add(SCHEMA + "keywords", Literal(tag))
    return quads
