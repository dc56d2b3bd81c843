"""The page language (English or Ukrainian) and rendering a page in it.

The language is ``?lang=`` if given, else the ``uasa_lang`` cookie, else the browser's
Accept-Language. A request with ``?lang=`` (the language switch) sets the cookie, so every
later page and link keeps the language without carrying the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, render_template, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pyoxigraph import Literal

from uasa.web.support import formats
from uasa.web.support.ui import PLURALS, UI

LANGS = ("en", "uk")
COOKIE = "uasa_lang"
COOKIE_AGE = 365 * 24 * 3600
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def written_lang(text: str, tag: str | None) -> str | None:
    """The language a text is written in: its language tag, else English for a text in Latin
    letters only. The data's untagged strings (publishers' names, period labels) are English;
    marked, a screen reader on a Ukrainian page reads them as English."""
    if tag:
        return tag
    if LATIN.search(text) and not CYRILLIC.search(text):
        return "en"
    return None


@pass_context
def lang_attr(ctx: Context, text: Any, tag: str | None = None) -> Markup:
    """` lang="…"` for a text (or an RDF literal) not in the page's language, else nothing."""
    if isinstance(text, Literal):
        text, tag = text.value, text.language
    written = written_lang(str(text or ""), tag)
    if written and written != ctx.get("lang"):
        return Markup(' lang="{}"').format(written)
    return Markup("")


def choose_lang() -> str:
    for wanted in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if wanted in LANGS:
            return wanted
    return request.accept_languages.best_match(LANGS, default="en") or "en"


def remember(response: Response) -> Response:
    """Set the language cookie when ``?lang=`` chose a language; HTML varies by the cookie."""
    wanted = request.args.get("lang")
    if wanted in LANGS and request.cookies.get(COOKIE) != wanted:
        response.set_cookie(
            COOKIE,
            wanted,
            max_age=COOKIE_AGE,
            path=request.script_root or "/",
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
    return response


def register(app: Flask) -> None:
    app.after_request(remember)
    app.jinja_env.globals["lang_attr"] = lang_attr  # a global: macros imported without context too

    @app.context_processor
    def helpers() -> dict[str, Any]:
        """For every template: Babel formatting (numbers, dates, plurals) by page language."""
        return {"fmt": formats, "plurals_of": PLURALS}


def lang_href(lang: str) -> str:
    """This URL with ``lang`` switched and the other parameters (a search term) kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])  # relative: the path stays as it is


def render(
    template: str, lang: str, text: Mapping[str, str] | None = None, **context: Any
) -> Response:
    """The page in ``lang``; ``text``: translations a page model gives itself, over ui.py's."""
    body = render_template(
        template,
        lang=lang,
        t={**UI[lang], **text} if text else UI[lang],
        other_lang="uk" if lang == "en" else "en",
        lang_href=lang_href("uk" if lang == "en" else "en"),
        **context,
    )
    response = current_app.make_response(body)
    response.content_type = "text/html; charset=utf-8"
    response.content_language = [lang]
    response.vary.add("Accept-Language")
    return response
