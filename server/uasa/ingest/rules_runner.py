"""Running the derivation rules (``rules/*.ru``, SPARQL Update) against a store being built.

Oxigraph evaluates an update's WHERE clause inside its write transaction, where every read
goes through the pending writes: on a million-triple store the display-label rule took over
five minutes that way, against seconds for the same pattern as a query. So each operation of
the form ``INSERT { GRAPH <g> { template } } WHERE { pattern }`` runs as the equivalent
``CONSTRUCT { template } WHERE { pattern }`` on the committed store, and its triples are then
added to ``<g>``. That is what the update means: the WHERE clause is evaluated first, then
the template is instantiated, and each operation sees the ones before it. ``DROP [SILENT]
GRAPH <g>`` removes the graph; any other operation runs as SPARQL Update, unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import NamedNode, Quad, Store

PROLOGUE = re.compile(r"^\s*(PREFIX|BASE)\b", re.I)
INSERT = re.compile(r"^\s*INSERT\s*\{\s*GRAPH\s*<([^>]+)>\s*\{", re.I)
DROP = re.compile(r"^\s*DROP\s+(SILENT\s+)?GRAPH\s*<([^>]+)>\s*$", re.I)


@dataclass(frozen=True)
class Operation:
    text: str  # the operation alone, without the prologue
    kind: str  # "insert", "drop" or "update"
    graph: str | None = None
    template: str = ""
    pattern: str = ""


def _strip_comments(text: str) -> str:
    """Whole-line comments only: a '#' inside an IRI or a string must stay."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _closing_brace(text: str, start: int) -> int:
    """The index of the '}' that closes the '{' before ``start``, skipping strings and IRIs."""
    depth, i, quote = 1, start, ""
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":  # a comment, to the end of the line
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i = text.index(">", i)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces")


def split(text: str) -> tuple[str, list[Operation]]:
    """The rule file's prologue and its operations (separated by a line holding only ';')."""
    body = _strip_comments(text)
    prologue = "\n".join(line for line in body.splitlines() if PROLOGUE.match(line))
    body = "\n".join(line for line in body.splitlines() if not PROLOGUE.match(line))
    operations = []
    for chunk in re.split(r"^\s*;\s*$", body, flags=re.M):
        if chunk.strip():
            operations.append(_operation(chunk.strip()))
    return prologue, operations


def _operation(text: str) -> Operation:
    if drop := DROP.match(text):
        return Operation(text, "drop", graph=drop.group(2))
    insert = INSERT.match(text)
    if insert is None:
        return Operation(text, "update")
    inner_end = _closing_brace(text, insert.end())
    outer = re.match(r"\s*\}", text[inner_end + 1 :])
    rest = text[inner_end + 1 + (outer.end() if outer else 0) :]
    where = re.match(r"\s*WHERE\s*\{", rest, re.I)
    if outer is None or where is None:
        return Operation(text, "update")
    pattern_end = _closing_brace(rest, where.end())
    if rest[pattern_end + 1 :].strip():  # a solution modifier or more: leave it to the engine
        return Operation(text, "update")
    return Operation(
        text,
        "insert",
        graph=insert.group(1),
        template=text[insert.end() : inner_end],
        pattern=rest[where.end() : pattern_end],
    )


def run(db: Store, text: str, base_iri: str) -> int:
    """Run one rule file; returns how many triples its INSERTs produced (before duplicates)."""
    prologue, operations = split(text)
    produced = 0
    for op in operations:
        if op.kind == "drop":
            assert op.graph is not None
            graph = NamedNode(op.graph)
            if graph in set(db.named_graphs()):
                db.remove_graph(graph)
        elif op.kind == "insert":
            assert op.graph is not None
            graph = NamedNode(op.graph)
            query = f"{prologue}\nCONSTRUCT {{{op.template}}} WHERE {{{op.pattern}}}"
            triples = db.query(query, base_iri=base_iri)
            # Read all before writing: the query reads the store it would otherwise change.
            quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]  # type: ignore[union-attr]
            produced += len(quads)
            # The store being built has no readers yet: no transaction needed, as in loading.
            db.bulk_extend(quads)
        else:
            db.update(f"{prologue}\n{op.text}", base_iri=base_iri)
    return produced
