"""gzip for text answers (HTML, CSS, JS, JSON, SPARQL results, RDF) by flask-compress.

Only gzip: every client that compresses at all reads it, and one encoding keeps the kept
answers of the short path (keyed on the request's Accept-Encoding) few. Every answer says
``Vary: Accept-Encoding``. A compressed answer's ETag gains ``:gzip`` (flask-compress does this
for strong ETags only; ours are weak), so a cache never mistakes one encoding for the other.
Streamed answers (assets) are compressed chunk by chunk; a dump is never compressed here: it
is sent from the ``.gz`` file the build wrote beside it (uasa.web.routes.downloads).
"""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

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

    # Registered before Compress, so it runs after it (Flask runs these in reverse).
    @app.after_request
    def tag_weak_etag(response: Response) -> Response:
        if response.headers.get("Content-Encoding") == ENCODING:
            etag, weak = response.get_etag()
            if etag and weak and not etag.endswith(f":{ENCODING}"):
                response.set_etag(tagged(etag), weak=True)
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
