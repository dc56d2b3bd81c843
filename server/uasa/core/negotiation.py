"""The one content-negotiation table every route shares.

Accept headers are parsed by Werkzeug's ``MIMEAccept`` (q-values, wildcards, specificity).
When the client states no preference the first format of a kind wins, so SELECT/ASK answer
in SPARQL JSON and CONSTRUCT/DESCRIBE in Turtle (not N-Quads, Oxigraph server's default).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

Kind = Literal["results", "graph"]


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
    Format("ntriples", "graph", "application/n-triples", "nt", ("ntriples", "n-triples")),
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
)


def formats(kind: Kind) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]


def _media_types(fmt: Format) -> list[str]:
    return [fmt.media_type, *(a for a in fmt.aliases if "/" in a)]


def negotiate_header(header: str | None, kind: Kind) -> Format | None:
    """As :func:`negotiate`, from the raw header; memoised, since clients repeat theirs."""
    if header is not None and len(header) <= 512:  # longer ones are odd: not worth a slot
        return _negotiate_cached(header, kind)
    return negotiate(parse_accept_header(header, MIMEAccept), kind)


@lru_cache(maxsize=256)
def _negotiate_cached(header: str, kind: Kind) -> Format | None:
    return negotiate(parse_accept_header(header, MIMEAccept), kind)


def negotiate(accept: MIMEAccept, kind: Kind) -> Format | None:
    """The best format of ``kind`` for an Accept header, or None when nothing fits."""
    candidates = formats(kind)
    if not accept:  # no Accept header at all means anything goes
        return candidates[0]
    # Canonical types first: on a tie (say `text/*`) werkzeug keeps the earliest offer, and
    # we would rather answer text/csv than an alias such as text/xml.
    owner: dict[str, Format] = {}
    for fmt in candidates:
        owner.setdefault(fmt.media_type, fmt)
    for fmt in candidates:
        for media in _media_types(fmt):
            owner.setdefault(media, fmt)
    best = accept.best_match(list(owner))
    return owner[best] if best else None


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
    """Media types we can send, for 406 messages."""
    return ", ".join(f.media_type for f in FORMATS if kind is None or f.kind == kind)
