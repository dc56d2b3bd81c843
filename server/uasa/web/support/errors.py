"""Every error is a short plain-text message with the right status, never a traceback.

Routes and the layers below raise :class:`UasaError`; this module turns it into the response,
in one place, and counts failed queries (from the endpoint and from pages alike).
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, InternalServerError

from uasa.core.errors import UasaError
from uasa.query.types import QueryError
from uasa.web.support import observability

log = logging.getLogger(__name__)


def text_error(status: int, message: str, **headers: str) -> Response:
    response = Response(
        message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    response.headers.update(headers)
    return response


def register(app: Flask) -> None:
    @app.errorhandler(UasaError)
    def uasa_error(exc: UasaError) -> Response:
        if isinstance(exc, QueryError):
            observability.metrics().query_errors.labels(exc.reason).inc()
        return text_error(exc.status, exc.message, **exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = text_error(exc.code or 500, f"{exc.code} {exc.name}: {exc.description}")
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
