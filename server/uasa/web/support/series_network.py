"""The network of the whole series for `/network`: every security agreement, its partner and
the frameworks it implements or refers to, as cytoscape.js elements and as rows for the page's
table (the same links, readable without scripts)."""

from __future__ import annotations

from typing import Any

from uasa.web.support import overview

PARTNER = "https://w3id.org/uasa/def#partner"
SERIES = (
    overview.PREFIXES
    + """
SELECT ?agreement ?date ?partner ?link ?framework WHERE {
  ?agreement a uasa:SecurityAgreement .
  OPTIONAL { ?agreement uasa:signingDate ?date }
  OPTIONAL { ?agreement uasa:partner ?partner }
  OPTIONAL { ?agreement ?link ?framework . VALUES ?link { uasa:implements uasa:refersTo } }
}"""
)


def series(lang: str) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        rows = overview._run(SERIES)
        val = overview.val
        iris = [val(r, v) for r in rows for v in ("agreement", "partner", "framework", "link")]
        iris.append(PARTNER)
        names = overview.labels(iris, lang)
        nodes: dict[str, dict[str, Any]] = {}
        edges: dict[tuple[str, str, str], str] = {}
        table: dict[str, dict[str, Any]] = {}

        def node(iri: str, kind: str) -> None:
            nodes.setdefault(
                iri,
                {
                    "id": iri,
                    "label": names.get(iri) or iri,
                    "kind": kind,
                    "href": overview.href(iri),
                },
            )

        for r in rows:
            agreement = val(r, "agreement")
            if agreement is None:
                continue
            node(agreement, "agreement")
            entry = table.setdefault(
                agreement,
                {
                    "label": names.get(agreement) or agreement,
                    "href": overview.href(agreement),
                    "date": val(r, "date") or "",
                    "partner": None,
                    "frameworks": {},
                },
            )
            partner = val(r, "partner")
            if partner:
                node(partner, "party")
                edges[(agreement, PARTNER, partner)] = names.get(PARTNER, "partner")
                entry["partner"] = {
                    "label": names.get(partner) or partner,
                    "href": overview.href(partner),
                }
            framework, link = val(r, "framework"), val(r, "link")
            if framework and link:
                node(framework, "framework")
                edges[(agreement, link, framework)] = names.get(link) or link
                entry["frameworks"][framework] = {
                    "label": names.get(framework) or framework,
                    "href": overview.href(framework),
                }
        return {
            "elements": {
                "nodes": [{"data": n} for n in nodes.values()],
                "edges": [
                    {"data": {"id": f"e{i}", "source": s, "target": t, "label": label}}
                    for i, ((s, _, t), label) in enumerate(sorted(edges.items()))
                ],
            },
            "rows": sorted(
                (
                    {**e, "frameworks": sorted(e["frameworks"].values(), key=lambda f: f["label"])}
                    for e in table.values()
                ),
                key=lambda e: (e["date"], e["label"]),
            ),
        }

    found: dict[str, Any] = overview.cached(("series-network", lang), compute)
    return found
