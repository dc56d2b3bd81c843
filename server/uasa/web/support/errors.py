"""Every error is a short plain-text message with the right status, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def text_error(status: int, message: str, **headers: str) -> Response:
    response = Response(
        message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    response.headers.update(headers)
    return response


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = text_error(exc.code or 500, f"{exc.code} {exc.name}: {exc.description}")
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error")
        return http_error(InternalServerError("The server hit an unexpected error; it is logged."))
