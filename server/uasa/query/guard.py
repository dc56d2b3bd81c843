"""Decide, before a query reaches the store, whether it may run.

pyoxigraph has no switch for SERVICE: it really fetches any IRI a query names (loopback
included), so a SERVICE clause must be found by reading the query, not by a substring test.
A small SPARQL tokenizer separates keywords from strings, IRIs, comments, variables and
prefixed names; only a bare ``SERVICE`` token can start a SERVICE clause, so with no
allow-list (the default) that token alone refuses the query. With an allow-list, rdflib's
SPARQL parser reads the endpoints from the parse tree.
The same tokens tell whether the query has a dataset clause (FROM / FROM NAMED), which the
union-default-graph mode would otherwise override, and whether the text is an update.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

# Order matters: the first alternative that matches at a position wins.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w:%\\.\-]|\\.)*|_:[\w.\-]+)
  | (?P<word>[^\W\d][\w]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# pyparsing, under rdflib's SPARQL grammar, is not thread-safe: two threads parsing at once
# can break the shared grammar for good (pyparsing/pyparsing#89), after which every parse in
# the process fails. The soak test found this as 500s for SERVICE queries.
_RDFLIB_PARSE = threading.Lock()

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


def keywords(text: str) -> list[str]:
    """The bare words of a query (upper-cased), in order: keywords and function names."""
    words = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            words.append(match.group().upper())
    return words


_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")


def nesting_problem(text: str, limit: int) -> str | None:
    """Why the query is nested too deeply for the store's parser, or None.

    The parser recurses once per nested group, bracket, `!` and sub-SELECT, and a deep enough
    text overflows its stack and kills the process; counting tokens costs next to nothing.
    A run of `!` counts its length; each SELECT inside a group counts once more.
    """
    depth = deepest = bangs = 0
    selects: list[int] = []  # the group depth of each sub-SELECT still open
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in {"ws", "comment"}:
            continue
        if kind == "other" and value == "!":
            bangs += 1
            deepest = max(deepest, depth + bangs + len(selects))
            continue
        bangs = 0
        if kind == "other":
            if value in _OPEN:
                depth += 1
                deepest = max(deepest, depth + len(selects))
            elif value in _CLOSE:
                depth = max(0, depth - 1)
                while selects and selects[-1] > depth:
                    selects.pop()
        elif kind == "word" and depth and value.upper() == "SELECT":
            selects.append(depth)
            deepest = max(deepest, depth + len(selects))
        if deepest > limit:
            return (
                f"The query is nested more than {limit} levels deep (groups, brackets, `!` and "
                f"sub-SELECTs count; UASA_MAX_QUERY_DEPTH). Flatten it."
            )
    return None


def variables(text: str) -> set[str]:
    """The names of the variables a query mentions (`?x` and `$x` both give `x`)."""
    return {m.group()[1:] for m in _TOKEN.finditer(text) if m.lastgroup == "var"}


def where_group_start(text: str) -> int | None:
    """Offset just inside the `{` that opens the query's WHERE group, found on tokens so
    braces in strings, IRIs and comments don't count; None when there is no such group."""
    seen_where = False
    first_brace = None
    words = []
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word":
            words.append(value.upper())
            seen_where = seen_where or value.upper() == "WHERE"
        elif kind == "other" and value == "{":
            if seen_where:
                return match.end()
            if first_brace is None:
                first_brace = match.end()
    form = next((w for w in words if w in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}), "")
    # Without the WHERE keyword, the first group of a SELECT or ASK is its WHERE clause.
    return first_brace if form in {"SELECT", "ASK"} else None


@dataclass(frozen=True)
class Verdict:
    """What the guard found in one query text."""

    is_update: bool = False
    service: str | None = None  # why the query was refused for SERVICE, if it was
    has_dataset_clause: bool = False


def _walk(node: object) -> list[Any]:
    """Every rdflib CompValue in a parse tree or algebra, depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    nodes: list[Any] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            nodes.append(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return nodes


def _service_endpoints(tree: Any) -> list[object]:
    """The endpoint term of every SERVICE in a parsed query (IRIs resolved, or Variables)."""
    from rdflib.plugins.sparql.algebra import translateQuery

    algebra = translateQuery(tree).algebra
    return [n.get("term") for n in _walk(algebra) if n.name == "ServiceGraphPattern"]


def _service_in_parse_tree(text: str, allow: frozenset[str]) -> str | None:
    # rdflib's parser is imported on first use: loading it costs 0.3 s of start-up.
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    try:
        with _RDFLIB_PARSE:
            tree = parseQuery(text)
    except ParseException as exc:
        # The text names SERVICE and cannot be read fully: refuse rather than guess.
        return (
            f"SERVICE is not allowed (and the query could not be read: {exc.msg}, "
            f"line {exc.lineno})"
        )
    except RecursionError:  # rdflib's parser recurses; very deep nesting ends here
        return "SERVICE is not allowed (and the query is nested too deeply to check)"
    services = sum(n.name == "ServiceGraphPattern" for n in _walk(tree))
    if not services:
        return None
    if not allow:
        return NO_SERVICE
    try:
        endpoints = _service_endpoints(tree)
    except Exception:  # rdflib's algebra fails on odd but valid text: refuse, don't guess
        endpoints = []
    if len(endpoints) != services:  # every SERVICE must be accounted for, or none runs
        return "SERVICE is not allowed here (the query's SERVICE endpoints could not be read)"
    for endpoint in endpoints:
        if not isinstance(endpoint, URIRef):
            return "SERVICE with a variable endpoint is not allowed"
        if str(endpoint) not in allow:
            return (
                f"SERVICE <{endpoint}> is not allowed: this server only queries the endpoints "
                f"listed in UASA_SERVICE_ALLOW"
            )
    return None


NO_SERVICE = "SERVICE is not allowed: this endpoint does not query other endpoints"
VERDICTS = 4096  # verdicts kept, keyed by a 32-byte digest: bounded whatever the texts' size
_verdicts: OrderedDict[bytes, Verdict] = OrderedDict()
_verdicts_lock = threading.Lock()


def inspect(text: str, service_allow: frozenset[str] = frozenset()) -> Verdict:
    """What the query is; ``service_allow`` lists the SERVICE endpoints it may name.

    Remembered by a digest of the text, never the text itself, so distinct huge queries
    cannot grow the memory the guard keeps.
    """
    key = hashlib.blake2b(
        "\0".join([text, *sorted(service_allow)]).encode("utf-8", "surrogatepass"),
        digest_size=32,
    ).digest()
    with _verdicts_lock:
        known = _verdicts.get(key)
        if known is not None:
            _verdicts.move_to_end(key)
            return known
    verdict = _inspect(text, service_allow)
    with _verdicts_lock:
        _verdicts[key] = verdict
        while len(_verdicts) > VERDICTS:
            _verdicts.popitem(last=False)
    return verdict


def _inspect(text: str, service_allow: frozenset[str]) -> Verdict:
    words = keywords(text)
    first = next((w for w in words if w not in {"PREFIX", "BASE"}), "")
    if first in UPDATE_KEYWORDS:
        return Verdict(is_update=True)
    service = None
    if "SERVICE" in words:
        # A bare SERVICE word can only start a SERVICE clause (or make the text invalid), so
        # with no allow-list the tokens decide, and no parser runs in the HTTP worker.
        service = _service_in_parse_tree(text, service_allow) if service_allow else NO_SERVICE
    return Verdict(service=service, has_dataset_clause="FROM" in words)


def looks_like_update(text: str) -> bool:
    """True when rdflib reads the text as a SPARQL Update (used after a query syntax error)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    if not text.strip():  # an empty text is a valid (empty) update, but not one anybody sent
        return False
    try:
        with _RDFLIB_PARSE:
            parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True
