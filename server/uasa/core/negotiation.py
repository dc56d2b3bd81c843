"""The one content-negotiation table and the one function every route decides with.

:data:`FORMATS` lists what the server can send: SPARQL results, RDF, the HTML page and a
plain JSON document (the query catalogue). :func:`negotiate` picks from it for an Accept
header, as RFC 9110 §12.5.1 says:

- the most specific range that matches a type gives its q (``text/turtle`` over ``text/*``
  over ``*/*``; a range with parameters over the same range without);
- parameters other than q never make a type unacceptable (``text/turtle; charset=utf-8``,
  ``application/ld+json; profile="…#expanded"``), except a charset other than UTF-8, the only
  one we send;
- wildcards match a format's own media type only, never an alias: ``application/*`` is RDF,
  not ``application/xhtml+xml``, and ``text/*`` is Turtle or CSV, not ``text/plain``/``text/xml``;
- on a tie the more specific range wins, then the earlier format of the table (so SELECT/ASK
  answer in SPARQL JSON and CONSTRUCT/DESCRIBE in Turtle when the client does not mind).

HTML is one entry of the table, offered in one of two ways (``html=``): ``"first"`` (the
page wins ties, so ``*/*`` gets the page on /id/…, as on Wikidata) or ``"named"`` (the page
only when a range names it exactly with a q above every other format's: the /sparql editor,
which curl and SPARQL libraries sending ``*/*`` must never get).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.http import parse_options_header

from uasa.core.errors import UasaError

Kind = Literal["results", "graph", "page", "document"]
Html = Literal["no", "first", "named"]


@dataclass(frozen=True)
class Format:
    name: str
    kind: Kind
    media_type: str  # what we send in Content-Type (without parameters)
    suffix: str  # file suffix, also accepted as a `format=` value
    aliases: tuple[str, ...] = ()  # other media types and short names that select it
    text: bool = True  # add "; charset=utf-8" to Content-Type

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def is_quads(self) -> bool:
        return self.name in {"nquads", "trig"}

    def oxigraph(self) -> QueryResultsFormat | RdfFormat:
        fmt = (
            QueryResultsFormat.from_media_type(self.media_type)
            if self.kind == "results"
            else RdfFormat.from_media_type(self.media_type)
        )
        assert fmt is not None, self.media_type  # the table lists only types Oxigraph knows
        return fmt

    def rdf(self) -> RdfFormat:
        """The Oxigraph RDF format of a graph format."""
        fmt = RdfFormat.from_media_type(self.media_type)
        if fmt is None:
            raise ValueError(f"{self.name} is not an RDF format")
        return fmt


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "results",
        "application/sparql-results+json",
        "srj",
        ("application/json", "json"),
        text=False,
    ),
    Format(
        "xml",
        "results",
        "application/sparql-results+xml",
        "srx",
        ("application/xml", "text/xml", "xml"),
        text=False,
    ),
    Format("csv", "results", "text/csv", "csv", ("csv",)),
    Format("tsv", "results", "text/tab-separated-values", "tsv", ("tsv",)),
    Format(
        "turtle", "graph", "text/turtle", "ttl", ("application/x-turtle", "text/n3", "turtle", "n3")
    ),
    # text/plain is N-Triples' old media type; rdflib's parse(format="nt") still asks for it.
    Format(
        "ntriples",
        "graph",
        "application/n-triples",
        "nt",
        ("text/plain", "ntriples", "n-triples"),
    ),
    Format("nquads", "graph", "application/n-quads", "nq", ("nquads", "n-quads")),
    Format("trig", "graph", "application/trig", "trig", ("trig",)),
    Format(
        "jsonld",
        "graph",
        "application/ld+json",
        "jsonld",
        ("application/json", "json-ld", "json"),
        text=False,
    ),
    Format(
        "rdfxml",
        "graph",
        "application/rdf+xml",
        "rdf",
        ("application/xml", "text/xml", "rdf+xml", "xml"),
        text=False,
    ),
    Format("html", "page", "text/html", "html", ("application/xhtml+xml",)),
    Format("document", "document", "application/json", "json", text=False),
)
HTML = next(f for f in FORMATS if f.kind == "page")
RDFXML = next(f for f in FORMATS if f.name == "rdfxml")


def formats(kind: Kind) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]


# A parsed Accept range: (type, subtype, q, specificity); specificity orders ranges that match
# the same type: exact type with parameters > exact type > `type/*` > `*/*`.
_Range = tuple[str, str, float, int]
_UTF8 = {"utf-8", "utf8"}


def _parse(header: str) -> list[_Range]:
    ranges: list[_Range] = []
    for item in header.split(","):
        media, params = parse_options_header(item.strip())
        if "/" not in media:
            continue
        main, _, sub = media.lower().partition("/")
        try:
            q = float(params.pop("q", 1))
        except ValueError:
            q = 1.0
        if not 0 <= q <= 1:
            q = 1.0 if q > 1 else 0.0
        charset = params.get("charset")
        if charset is not None and charset.lower() not in _UTF8:
            continue  # asks for an encoding we never send: matches nothing of ours
        if main == "*":
            specificity = 0
        elif sub == "*":
            specificity = 1
        else:
            specificity = 3 if params else 2
        ranges.append((main, sub, q, specificity))
    return ranges


def _match(ranges: list[_Range], fmt: Format) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching the format; (0, -1) if none."""
    best = (0.0, -1)
    exact = {fmt.media_type, *(a for a in fmt.aliases if "/" in a)}
    main = fmt.media_type.partition("/")[0]
    for r_main, r_sub, q, specificity in ranges:
        if r_main == "*" or r_sub == "*":
            hit = r_main == "*" or r_main == main
        else:
            hit = f"{r_main}/{r_sub}" in exact
        if hit and specificity > best[1]:
            best = (q, specificity)
    return best


def negotiate(
    header: str | None,
    kinds: Kind | Sequence[Kind],
    html: Html = "no",
    *,
    graph_query: bool = False,
) -> Format | None:
    """The best format of ``kinds`` (in their order) for an Accept header, HTML offered as
    ``html`` says; None when nothing fits (the route answers 406).

    ``graph_query``: the answer is a CONSTRUCT/DESCRIBE result, so a client naming only SPARQL
    results types (Redland's roqet sends just ``application/sparql-results+xml``) gets
    RDF/XML, which it expects, rather than 406.

    Memoised: clients repeat their headers, and this runs on every request.
    """
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    if header is not None and len(header) > 1024:  # odd; not worth a cache slot
        return _negotiate(header, wanted, html, graph_query)
    return _negotiate_cached(header, wanted, html, graph_query)


@lru_cache(maxsize=1024)
def _negotiate_cached(
    header: str | None, kinds: tuple[Kind, ...], html: Html, graph_query: bool
) -> Format | None:
    return _negotiate(header, kinds, html, graph_query)


def _negotiate(
    header: str | None, kinds: tuple[Kind, ...], html: Html, graph_query: bool
) -> Format | None:
    offers = [f for kind in kinds for f in formats(kind)]
    if html == "first":
        offers.insert(0, HTML)
    ranges = _parse(header) if header and header.strip() else None
    if ranges is None:  # no Accept header: anything goes
        return offers[0] if offers else None
    best: Format | None = None
    best_key = (0.0, -1)
    for fmt in offers:
        key = _match(ranges, fmt)
        if key[0] > 0 and key > best_key:
            best, best_key = fmt, key
    if html == "named":
        page_q, specificity = _match(ranges, HTML)
        if specificity >= 2 and page_q > best_key[0]:
            return HTML
    if best is None and graph_query:
        sparql_results = [f for f in formats("results") if f.name in {"json", "xml"}]
        if any(_match(ranges, f)[0] > 0 for f in sparql_results):
            return RDFXML
    return best


# An error's message as plain text: offered beside the page by `prefers_page` only.
_MESSAGE = Format("message", "document", "text/plain", "txt")


def prefers_page(header: str | None) -> bool:
    """Whether an error should be the HTML page rather than plain text: only when the page's
    q is above plain text's (browsers); curl, scripts and SPARQL clients sending ``*/*`` or
    their own types keep plain text."""
    if not header or not header.strip():
        return False
    ranges = _parse(header)
    return _match(ranges, HTML)[0] > _match(ranges, _MESSAGE)[0]


def page_or_graph(header: str | None) -> Format:
    """What an IRI that names a resource redirects to: its page (HTML first, so ``*/*`` gets
    the page, as on Wikidata) or an RDF document; 406 when neither fits."""
    fmt = negotiate(header, "graph", html="first")
    if fmt is None:
        raise UasaError(
            406,
            f"None of the requested media types can be served. Available: text/html, "
            f"{offered_types('graph')}.",
            headers={"Vary": "Accept"},
        )
    return fmt


def by_name(value: str, kind: Kind) -> Format | None:
    """A format picked by a `format=`/`output=` value (short name, suffix or media type)."""
    wanted = value.strip().lower().split(";")[0].strip()
    for fmt in formats(kind):
        if wanted in {fmt.name, fmt.suffix, fmt.media_type, *fmt.aliases}:
            return fmt
    return None


def by_suffix(suffix: str) -> Iterable[Format]:
    return [f for f in FORMATS if f.suffix == suffix or f.name == suffix]


def offered_types(kind: Kind | None = None) -> str:
    """Media types we can send (SPARQL results and RDF unless ``kind`` says), for 406s."""
    kinds = {kind} if kind else {"results", "graph"}
    return ", ".join(f.media_type for f in FORMATS if f.kind in kinds)
