"""Which requests are a reader's page navigation (they get an HTML page where a script gets
data), and the links that open or run a saved query."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from uasa.core import negotiation as conneg
from uasa.query.catalogue import SavedQuery

PROTOCOL_PARAMS = ("update", "format", "output", "results")
DOCUMENT_DESTS = frozenset({"document", "iframe"})


def is_document() -> bool:
    """The browser says it is loading a document (`Sec-Fetch-Dest`, sent by Chromium, Firefox
    and Safari on navigation); a script's fetch() says otherwise."""
    return request.headers.get("Sec-Fetch-Dest", "").lower() in DOCUMENT_DESTS


def wants_editor() -> bool:
    """`/sparql` gets the editor: a GET with no protocol parameter that prefers HTML to every
    type the endpoint serves and, with a `query`, a document navigation (see `editor`)."""
    if request.method not in {"GET", "HEAD"} or any(p in request.args for p in PROTOCOL_PARAMS):
        return False
    if len(request.args.getlist("query")) > 1:
        return False  # the protocol's 400 explains this better than an editor could
    # Only the types this endpoint serves compete: browsers also list images at q=1.
    accept = request.headers.get("Accept")
    if conneg.negotiate(accept, ("results", "graph"), html="named") is not conneg.HTML:
        return False
    if "query" in request.args:
        return is_document()
    return True


def wants_page(q: SavedQuery) -> bool:
    """`/queries/<name>` gets its page (see `saved_query`): a document navigation, no suffix
    or `format=`, HTML preferred to every format the query offers."""
    if request.method not in {"GET", "HEAD"} or "format" in request.args:
        return False
    if not is_document():
        return False
    # The one negotiation: HTML only when named and preferred to every type the query offers.
    chosen = conneg.negotiate(request.headers.get("Accept"), q.kind, html="named")
    return chosen is conneg.HTML


def editor_href(text: str) -> str:
    """The query editor opened on ``text``."""
    return f"{request.script_root}/sparql?{urlencode({'query': text.strip()})}"


def run_href(q: SavedQuery) -> str:
    """The link that runs a saved query: with its required parameters' examples, so that a
    link checker (or a script) following it gets results, not 400."""
    # Built by hand: a parameter may be called `name`, like the route's own argument.
    examples = urlencode([(p.name, p.example) for p in q.params if p.required])
    run = f"{request.script_root}/queries/{q.name}"
    return f"{run}?{examples}" if examples else run
