"""The page language (English or Ukrainian) and rendering a page in it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from uasa.web.support.ui import UI

LANGS = ("en", "uk")


def choose_lang() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGS:
        return wanted
    return request.accept_languages.best_match(LANGS, default="en") or "en"


def lang_href(lang: str) -> str:
    """This URL with ``lang`` switched and the other parameters (a search term) kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])  # relative: the path stays as it is


def render(template: str, lang: str, **context: Any) -> ResponseReturnValue:
    body = render_template(
        template,
        lang=lang,
        t=UI[lang],
        other_lang="uk" if lang == "en" else "en",
        lang_href=lang_href("uk" if lang == "en" else "en"),
        **context,
    )
    response = current_app.make_response(body)
    response.content_type = "text/html; charset=utf-8"
    response.content_language = [lang]
    response.vary.add("Accept-Language")
    return response
