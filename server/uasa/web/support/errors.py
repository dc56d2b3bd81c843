"""Every error is a short message with the right status, never a traceback.

Routes and the layers below raise :class:`UasaError`; this module turns it into the response,
in one place, and counts failed queries (from the endpoint and from pages alike). Clients get
the message as plain text; a browser (its Accept prefers text/html to anything else) gets it
as an HTML page with the site's navigation, in its language.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.query.types import QueryError
from uasa.web.support import observability
from uasa.web.support.i18n import choose_lang
from uasa.web.support.ui import UI

log = logging.getLogger(__name__)


def text_error(status: int, message: str, **headers: str) -> Response:
    response = Response(
        message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    response.headers.update(headers)
    return response


def html_error(status: int, message: str, **headers: str) -> Response:
    """The error as a page with the site's navigation (plain text if the page cannot render)."""
    try:
        lang = choose_lang()
        body = render_template(
            "error.html",
            lang=lang,
            t=UI[lang],
            other_lang="uk" if lang == "en" else "en",
            page={"title": f"{status} · {UI[lang].get(f'error_{status}', UI[lang]['error'])}"},
            status=status,
            message=message.rstrip(),
        )
    except Exception:  # an error page must never fail in turn
        log.exception("the HTML error page failed; answering in plain text")
        return text_error(status, message, **headers)
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(headers)
    response.content_language = [lang]
    response.vary.update(["Accept", "Accept-Language"])
    return response


def error_response(status: int, message: str, **headers: str) -> Response:
    if conneg.prefers_page(request.headers.get("Accept")):
        return html_error(status, message, **headers)
    response = text_error(status, message, **headers)
    response.vary.add("Accept")
    return response


def register(app: Flask) -> None:
    @app.errorhandler(UasaError)
    def uasa_error(exc: UasaError) -> Response:
        if isinstance(exc, QueryError):
            observability.metrics().query_errors.labels(exc.reason).inc()
        return error_response(exc.status, exc.message, **exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = error_response(exc.code or 500, f"{exc.code} {exc.name}: {exc.description}")
        allowed = getattr(exc, "valid_methods", None)  # only MethodNotAllowed has them
        if exc.code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return http_error(exc)
        if isinstance(exc, UasaError):
            return uasa_error(exc)
        log.exception("unhandled error")
        return http_error(InternalServerError("The server hit an unexpected error; it is logged."))
