"""The one rule for choosing a resource's label among its candidates.

Label properties (`rdfs:label`, `skos:prefLabel`) come before names and titles; then the page's
language, English, no language, any other. Ties go to the smallest property IRI and text, so the
same data always gives the same label (pages, search results and network exports agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from uasa.core.iris import DCT, FOAF, LABEL_PROPERTIES, SCHEMA

# Used when a resource has no label: a title or a name.
NAME_PROPERTIES = (DCT + "title", SCHEMA + "name", FOAF + "name")
NAMING_PROPERTIES = (*LABEL_PROPERTIES, *NAME_PROPERTIES)

Candidate = tuple[str, str | None, str]  # (property IRI, language tag or None, text)


def rank(candidate: Candidate, lang: str) -> tuple[int, int, str, str]:
    prop, language, text = candidate
    prop_rank = 0 if prop in LABEL_PROPERTIES else 1
    lang_rank = {lang: 0, "en": 1, "": 2}.get(language or "", 3)
    return (prop_rank, lang_rank, prop, text)


def best(candidates: Iterable[Candidate], lang: str) -> Candidate | None:
    """The candidate a person should see, or None when there is none."""
    return min(candidates, key=lambda c: rank(c, lang), default=None)
