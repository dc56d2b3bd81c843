"""What a crawler reads first: `/robots.txt` (keep out of the endpoint and the search, whose
URLs never end; the sitemap is here) and `/sitemap.xml` (the landing pages and the page of
every resource the dataset mints, dated by the build)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from uasa.core.iris import BASE
from uasa.query.rows import select
from uasa.web.support import context

blueprint = Blueprint("crawl", __name__)

# The sitemap protocol's limit for one file (sitemaps.org); a bigger store lists its first
# resources in IRI order, which is what the query asks for and the protocol allows.
MAX_URLS = 50_000
PAGES = ("", "agreements", "timeline", "commitments", "page/def", "dumps/", "queries", "releases")
RESOURCES = f"""\
SELECT DISTINCT ?s WHERE {{
  ?s ?p ?o
  FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "{BASE}id/") || STRSTARTS(STR(?s), "{BASE}concept/")))
}} ORDER BY ?s LIMIT {MAX_URLS - len(PAGES)}
"""


def _cached(body: str, media_type: str) -> ResponseReturnValue:
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)


@blueprint.get("/robots.txt")
def robots() -> ResponseReturnValue:
    lines = [
        "User-agent: *",
        f"Disallow: {request.script_root}/sparql",
        f"Disallow: {request.script_root}/search",
        f"Sitemap: {request.url_root}sitemap.xml",
    ]
    return _cached("\n".join(lines) + "\n", "text/plain")


@blueprint.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    root = request.url_root
    rows = select(context.executor(), RESOURCES, context.settings().query_timeout)
    urls = [root + page for page in PAGES]
    urls += [root + "page/" + r["s"]["value"][len(BASE) :] for r in rows]
    built = context.built().manifest.get("built")
    lastmod = f"<lastmod>{escape(built)}</lastmod>" if built else ""
    body = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
            *(f"<url><loc>{escape(url)}</loc>{lastmod}</url>\n" for url in urls),
            "</urlset>\n",
        ]
    )
    return _cached(body, "application/xml")
