"""`/sparql` opened in a browser: the YASGUI query editor, prefilled from `?query=` or one of
the saved queries, with every saved query as an example.

Only a real page navigation gets the editor (`support.navigation.wants_editor`); every other
client keeps the SPARQL Protocol:

- the request is a GET with no `update` and no `format`/`output`/`results` parameter;
- `text/html` (or XHTML) has a higher q than every SPARQL result or RDF type named
  explicitly, so curl and SPARQLWrapper (`*/*` or SPARQL media types) still get results;
- with a `query`, the browser must also say it is loading a document (`Sec-Fetch-Dest:
  document`, sent by Chromium, Firefox and Safari on navigation). A script's fetch() or a
  library that copies a browser's Accept header still runs the query.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from pyoxigraph import Store

from uasa.core.iris import BASE, DEF, RDFS
from uasa.web.support import context
from uasa.web.support.sparql import body
from uasa.web.support.ui import UI

# The editor's first query, with the two prefixes it uses written out for the reader.
DEFAULT_QUERY = f"PREFIX uasa: <{DEF}>\nPREFIX rdfs: <{RDFS}>\n\n" + body("editor_default")


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    tags: list[str]
    query: str


@dataclass(frozen=True)
class EditorPage:
    title: str
    query: str  # the text the editor opens with
    endpoint: str
    examples: list[Example]
    config: dict[str, Any]  # for editor.js, as JSON


def _is_valid(query: str) -> bool:
    try:
        Store().query(query)
    except SyntaxError:
        return False
    return True


@cache
def _example_text(body: str, bindings: tuple[tuple[str, str, str], ...]) -> str:
    """The saved query, runnable as is: its required parameters bound to their examples by a
    trailing VALUES clause (valid after any query form), checked to parse."""
    text = body.strip()
    if not bindings:
        return text + "\n"
    notes = "\n".join(f"# ?{name}: {description}" for name, _, description in bindings)
    names = " ".join(f"?{name}" for name, _, _ in bindings)
    terms = " ".join(term for _, term, _ in bindings)
    bound = f"{text}\n\n# Parameters, bound to their examples; edit the values to ask again.\n"
    bound += f"{notes}\nVALUES ({names}) {{ ({terms}) }}\n"
    return bound if _is_valid(bound) else text + "\n"


def examples(lang: str) -> list[Example]:
    """The saved-query catalogue as editor examples (empty when there is none)."""
    out = []
    for q in context.catalogue():
        bindings = []
        for p in q.params:
            if not p.required or p.example is None:
                continue
            try:
                term = str(p.convert(str(p.example)))
            except ValueError:
                continue
            bindings.append((p.name, term, re.sub(r"\s+", " ", p.description or "")))
        title = q.summary.get(lang) or q.summary.get("en") or q.name
        out.append(Example(q.name, title, list(q.tags), _example_text(q.body, tuple(bindings))))
    return out


def page(lang: str, asked: str | None, example: str | None, endpoint: str, root: str) -> EditorPage:
    """The editor on ``asked`` (the `query` parameter), else on the saved query named
    ``example``, else on `DEFAULT_QUERY`; ``root`` is the request's path prefix."""
    saved = examples(lang)
    query = asked or DEFAULT_QUERY
    if example and asked is None:
        query = next((e.query for e in saved if e.name == example), query)
    config = {
        "endpoint": endpoint,
        "examples": [asdict(e) for e in saved],
        "lang": lang,
        # IRIs under these bases open their local page (/page/…) in the results.
        "bases": sorted({BASE, context.settings().public_base}),
        "pageRoot": f"{root}/page/",
        "text": {k[3:]: v for k, v in UI[lang].items() if k.startswith("ed_")},
    }
    return EditorPage(UI[lang]["editor"], query, endpoint, saved, config)
