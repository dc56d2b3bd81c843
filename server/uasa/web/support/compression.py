"""gzip for text answers (HTML, CSS, JS, JSON, SPARQL results, RDF) by flask-compress.

Only gzip: every client that compresses at all reads it, and one encoding keeps the kept
answers of the short path (keyed on the request's Accept-Encoding) few. Every answer says
``Vary: Accept-Encoding``. A compressed answer's ETag gains ``:gzip`` (flask-compress does this
for strong ETags only; ours are weak), so a cache never mistakes one encoding for the other.
Streamed answers (assets) are compressed chunk by chunk; a dump is never compressed here: it
is sent from the ``.gz`` file the build wrote beside it (uasa.web.routes.downloads).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.http import parse_etags

from uasa.core import negotiation as conneg

ENCODING = "gzip"
TYPES = sorted(
    {
        *(f.media_type for f in conneg.FORMATS),
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "text/plain",
        "application/xml",
        "application/graphml+xml",
        "application/gexf+xml",
        "application/schema+json",
    }
)


def tagged(etag: str) -> str:
    """The ETag of the gzip encoding of an answer whose ETag is ``etag`` (unquoted)."""
    return f"{etag}:{ENCODING}"


# Set on a request whose If-None-Match holds an encoded tag: its 304 carries that tag back.
HELD_ENCODED = "uasa.held_encoded_etag"


def offer_plain_tags() -> None:
    """A client sent a gzipped answer holds its `tagged()` ETag, while every route makes and
    compares the plain one (its own, or werkzeug's `make_conditional`). So each encoded tag in
    If-None-Match is offered to the routes plain as well: one place, not a check per route."""
    header = request.environ.get("HTTP_IF_NONE_MATCH", "")
    suffix = f":{ENCODING}"
    if suffix not in header:  # every request passes here: most hold no encoded tag
        return
    encoded = [t for t in parse_etags(header).as_set(include_weak=True) if t.endswith(suffix)]
    if encoded:
        plain = ", ".join(f'W/"{t.removesuffix(suffix)}"' for t in encoded)
        request.environ["HTTP_IF_NONE_MATCH"] = f"{header}, {plain}"
        request.environ[HELD_ENCODED] = True
        request.__dict__.pop("if_none_match", None)  # werkzeug caches the parsed header


def register(app: Flask) -> None:
    app.config.update(
        COMPRESS_ALGORITHM=[ENCODING],
        COMPRESS_ALGORITHM_STREAMING=[ENCODING],
        COMPRESS_MIMETYPES=TYPES,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,  # below one packet compression gains nothing
        # The routes answer conditional requests themselves (the result cache's ETags).
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,
    )

    app.before_request(offer_plain_tags)

    # Registered before Compress, so it runs after it (Flask runs these in reverse).
    @app.after_request
    def tag_etag(response: Response) -> Response:
        etag, weak = response.get_etag()
        if not etag or etag.endswith(f":{ENCODING}"):
            return response
        if response.headers.get("Content-Encoding") == ENCODING and weak:
            response.set_etag(tagged(etag), weak=True)  # flask-compress tags strong ones
        elif response.status_code == 304 and request.environ.get(HELD_ENCODED):
            response.set_etag(tagged(etag), weak=bool(weak))  # the tag the client holds
        return response

    Compress(app)

    # Registered after Compress, so it runs before it: a streamed body Compress wraps (a file)
    # is still closed when the answer is.
    @app.after_request
    def keep_closing(response: Response) -> Response:
        inner = response.response
        if response.is_streamed and hasattr(inner, "close"):
            response.call_on_close(inner.close)
        return response
