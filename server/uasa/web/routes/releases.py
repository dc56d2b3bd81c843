"""The release history (`uasa.ingest.releases`): `/releases` (the changelog page), its Atom feed
`/releases.atom`, each release's dump and change set under `/releases/<n>/`, and on every
resource page the release that last changed it."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, request, send_from_directory
from flask.typing import ResponseReturnValue

from uasa.core.dataset import TITLE
from uasa.ingest import releases
from uasa.web.support import context
from uasa.web.support.i18n import choose_lang, render

blueprint = Blueprint("releases", __name__)
PATCH_MEDIA_TYPE = "application/rdf-patch"


def _folder() -> Path:
    return releases.folder_of(context.settings().store)


def _entries() -> list[dict[str, Any]]:
    return releases.index(_folder())


def _last_release(iri: str) -> dict[str, Any] | None:
    """The release that last changed a triple about ``iri`` and where its change is shown:
    the change set filtered to the resource, or the release itself for the first."""
    number = releases.last_changed(_folder(), iri)
    if number is None:
        return None
    if releases.changes_for(_folder(), number, None) is None:
        href = f"{request.script_root}/releases#r{number}"
    else:
        query = urlencode({"resource": iri})
        href = f"{request.script_root}/releases/{number}/{releases.CHANGES}?{query}"
    return {"number": number, "href": href}


@blueprint.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"last_release": _last_release}


@blueprint.get("/releases")
def changelog() -> ResponseReturnValue:
    lang = choose_lang()
    response = render(
        "releases.html",
        lang,
        page={"title": "Releases"},
        releases=list(reversed(_entries())),
        patch_kept={
            e["number"]: (_folder() / str(e["number"]) / releases.CHANGES).is_file()
            for e in _entries()
        },
    )
    response.headers["Link"] = (
        f'<{request.script_root}/releases.atom>; rel="alternate"; type="application/atom+xml"'
    )
    return response


@blueprint.get("/releases.atom")
def feed() -> ResponseReturnValue:
    """Atom 1.0 (RFC 4287): one entry per release, newest first."""
    root = request.url_root
    entries = list(reversed(_entries()))
    updated = entries[0]["date"] if entries else "1970-01-01T00:00:00Z"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom">\n',
        f"<title>{escape(TITLE['en'])}: releases</title>\n",
        f"<id>{escape(root)}releases</id>\n",
        f'<link rel="self" href="{escape(root)}releases.atom"/>\n',
        f'<link rel="alternate" type="text/html" href="{escape(root)}releases"/>\n',
        f"<updated>{escape(updated)}</updated>\n",
        "<author><name>uasa project</name></author>\n",
    ]
    for e in entries:
        n = e["number"]
        summary = f"Release {n} (uasa {e.get('version')}): {e.get('triples')} quads"
        if "added" in e:
            summary += f", {e['added']} added and {e['removed']} removed since release {n - 1}"
        parts += [
            "<entry>\n",
            f"<title>Release {n}</title>\n",
            f"<id>{escape(root)}releases/{n}</id>\n",
            f"<updated>{escape(e['date'])}</updated>\n",
            f'<link rel="alternate" type="text/html" href="{escape(root)}releases#r{n}"/>\n',
            f'<link rel="enclosure" type="application/gzip" '
            f'href="{escape(root)}releases/{n}/{releases.DUMP}"/>\n',
            f"<summary>{escape(summary)}.</summary>\n",
            "</entry>\n",
        ]
    parts.append("</feed>\n")
    response = Response("".join(parts), content_type="application/atom+xml; charset=utf-8")
    response.add_etag()
    return response.make_conditional(request)


@blueprint.get("/releases/<int:number>/<name>")
def release_file(number: int, name: str) -> ResponseReturnValue:
    if name == releases.CHANGES:
        text = releases.changes_for(_folder(), number, request.args.get("resource"))
        if text is None:
            abort(404)
        response = Response(text, content_type=f"{PATCH_MEDIA_TYPE}; charset=utf-8")
        response.add_etag()
        return response.make_conditional(request)
    if name != releases.DUMP:
        abort(404)
    # send_from_directory refuses any name that would leave the folder (safe_join).
    return send_from_directory(
        _folder() / str(number), name, mimetype="application/gzip", etag=True, max_age=3600
    )
