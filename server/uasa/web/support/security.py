"""Response headers that harden every page: a strict Content-Security-Policy on HTML, and
``nosniff`` and a referrer policy on everything.

The pages load scripts, styles and data only from this server: no inline script (page
configuration travels in ``data-`` attributes), no framing by other sites.
"""

from __future__ import annotations

from flask import Flask, Response, request

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CSP = "; ".join((*DIRECTIVES, "style-src 'self'"))
# The YASGUI editor (/sparql) and cytoscape's graph (resource pages) write style attributes
# from their scripts (and so does /network's); only those pages allow inline styles. Scripts
# never run inline anywhere.
CSP_INLINE_STYLES = "; ".join((*DIRECTIVES, "style-src 'self' 'unsafe-inline'"))
INLINE_STYLE_ENDPOINTS = {"sparql.endpoint", "pages.page", "network.network_page"}
REFERRER_POLICY = "strict-origin-when-cross-origin"
# On every response: the envelope (uasa.web.envelope) adds them, short path or Flask.
EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", REFERRER_POLICY))


def harden(response: Response) -> Response:
    if response.mimetype == "text/html":
        loose = request.endpoint in INLINE_STYLE_ENDPOINTS
        response.headers.setdefault("Content-Security-Policy", CSP_INLINE_STYLES if loose else CSP)
    return response


def register(app: Flask) -> None:
    app.after_request(harden)
