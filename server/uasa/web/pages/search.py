# ruff: noqa: RUF001, RUF002 (Ukrainian apostrophes and dashes are meant here)
"""Search by name: whole words and word prefixes of labels, titles and skos:altLabel, with
Ukrainian words lemmatised (pymorphy3), so "Великої Британії" finds "Велика Британія".

The labels come from one SELECT without user input, indexed once per build; the query is
matched here, in Python, so a search term never reaches a query text. An agreement is also
found by its partner's names ("Britain" finds the UK–Ukraine agreement). A query word of one
or two letters must be a whole word ("UK" never matches inside "Ukraine"); longer ones may also
be the start of a word, or a name's word with one letter wrong, missing or extra (rapidfuzz:
"Gemany"), or two of a name's words written as one ("Великобританія"). A state is also found
by its names in CLDR, English and Ukrainian (Babel's territory names, by its ISO code), and by
its official names in ISO 3166-1 (the iso-codes list and its Ukrainian translation, through
pycountry: "Федеративна Республіка Німеччина"); a query word in capitals is also matched
against the initials of a name's capitalised words, so "ФРН" finds Germany and "EU" the
European Union. Anything is found by the words of its description ("ППО"), ranked after every
name.
"""

from __future__ import annotations

import gettext
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

import pycountry
from babel import Locale
from rapidfuzz.distance import OSA

from uasa.core.iris import DCT, RDFS, SKOS
from uasa.query.types import QueryError
from uasa.web.pages import agreements as table
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.lookup import KIND_RANK, KINDS, cached, href, kind_of, run, val
from uasa.web.support.sparql import query

WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
MIN_PREFIX = 3
MIN_FUZZY = 4  # shorter words have too many one-letter neighbours ("NATO", "EU")
LIMIT = 100
# How good a match is, by where it was found: the resource's own label before its other names,
# those before the names of an agreement's partner.
WHERE_RANK = {"label": 0, "alt": 1, "partner": 2, "text": 3}
DESCRIPTION = DCT + "description"
SNIPPET = 90
MAIN_LABELS = {RDFS + "label", SKOS + "prefLabel"}


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3  # imported on first use: the dictionaries take a moment to load

    return pymorphy3.MorphAnalyzer(lang="uk")


@lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """The word (case-folded) and, for a Ukrainian word, every dictionary form it may be of."""
    folded = word.casefold().replace("’", "'").replace("ʼ", "'")
    if not CYRILLIC.search(folded):
        return frozenset({folded})
    return frozenset({folded, *(p.normal_form for p in _morph().parse(folded))})


def words(text: str) -> list[str]:
    return [w.casefold().replace("’", "'").replace("ʼ", "'") for w in WORD.findall(text)]


def typo(query_word: str, word: str) -> bool:
    """One letter wrong, missing or extra, or two swapped (optimal string alignment distance
    1), in a word long enough."""
    return (
        len(query_word) >= MIN_FUZZY
        and abs(len(query_word) - len(word)) <= 1
        and OSA.distance(query_word, word, score_cutoff=1) <= 1
    )


def word_match(query_word: str, label_word: str, fuzzy: bool = True) -> int:
    """2 for the same word (or the same lemma), 1 for a prefix or a typo, 0 for no match."""
    if query_word == label_word or lemmas(query_word) & lemmas(label_word):
        return 2
    if len(query_word) >= MIN_PREFIX and label_word.startswith(query_word):
        return 1
    if fuzzy and typo(query_word, label_word):
        return 1
    return 0


def initials(text: str) -> str:
    """The first letters of a name's capitalised words, case-folded ("Федеративна Республіка
    Німеччина": "фрн"); empty for a name of one such word."""
    letters = [w[0] for w in WORD.findall(text) if w[0].isupper()]
    return "".join(letters).casefold() if len(letters) > 1 else ""


def official_names(alpha2: str) -> list[str]:
    """A state's official names in ISO 3166-1 (iso-codes via pycountry), English and Ukrainian;
    none for a state whose short name is its official one."""
    country = pycountry.countries.get(alpha_2=alpha2)
    official = getattr(country, "official_name", None) if country else None
    if not official:
        return []
    return [official, _iso_uk().gettext(official)]


@lru_cache(maxsize=1)
def _iso_uk() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, ["uk"], fallback=True)


def acronym(q: str) -> str:
    """The query, case-folded, when it is one word of two capitals or more ("ФРН"), else ""."""
    found = words(q)
    return found[0] if len(found) == 1 and len(found[0]) > 1 and q.strip().isupper() else ""


def text_match(query_words: list[str], text: str, fuzzy: bool = True, initialism: str = "") -> int:
    """Every query word must match some word of the text; the score sums the best matches.
    A query in capitals (``initialism``, from `acronym`) may instead be the name's initials."""
    if fuzzy and initialism and initialism == initials(text):
        return 2
    label_words = words(text)
    joined = [a + b for a, b in pairwise(label_words)] if fuzzy else []
    total = 0
    for q in query_words:
        best = max((word_match(q, w, fuzzy) for w in label_words), default=0)
        if best == 0 and any(q == j or typo(q, j) for j in joined):
            best = 1  # two words of the name written as one: "Великобританія"
        if best == 0:
            return 0
        total += best
    return total


@dataclass
class Entry:
    """One resource in the search index: its names (text → where it was found), its labels by
    language, its types and kind, and, for an agreement, its partner's names."""

    iri: str
    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    partners: list[str] = field(default_factory=list)
    kind: str = "other"


@dataclass(frozen=True)
class Result:
    iri: str
    href: str | None
    label: str
    label_lang: str | None
    matched: str | None  # the name that matched, when it is not the label shown
    kind: str
    date: str
    partner: dict[str, Any] | None  # an agreement's partner, as the agreements table links it
    rank: tuple[int, int, int, bytes]


def _names(entries: dict[str, Entry]) -> None:
    """Every label, title and description of the resources with a page."""
    for row in run(query("search_index")):
        iri = val(row, "s") or ""
        if href(iri) is None:
            continue
        entry = entries.setdefault(iri, Entry(iri))
        label = row["l"]
        prop = val(row, "p")
        where = "label" if prop in MAIN_LABELS else "text" if prop == DESCRIPTION else "alt"
        text = label["value"]
        if where == "label" or text not in entry.names:
            entry.names[text] = where
        if where == "label":
            entry.labels[label.get("xml:lang", "")] = text
        if val(row, "type"):
            entry.types.add(val(row, "type") or "")


def _index() -> dict[str, Entry]:
    def compute() -> dict[str, Entry]:
        entries: dict[str, Entry] = {}
        _names(entries)
        for row in run(query("search_codes")):
            state = entries.get(val(row, "s") or "")
            code = (val(row, "code") or "").upper()
            if state is None:
                continue
            cldr = [Locale(locale).territories.get(code) for locale in ("en", "uk")]
            for name in [*cldr, *official_names(code)]:
                if name and name not in state.names:
                    state.names[name] = "alt"
        for row in run(query("search_partners")):
            a, partner = val(row, "a") or "", val(row, "partner") or ""
            if a in entries and partner in entries:
                names = entries[partner].names
                entries[a].partners.extend(n for n in names if names[n] != "text")
        for entry in entries.values():
            entry.kind = kind_of(entry.types)
        return entries

    index: dict[str, Entry] = cached(("search-index",), compute)
    return index


def _candidates(
    query_words: list[str], entry: Entry, initialism: str = ""
) -> tuple[int, int, str] | None:
    """The best (place rank, -score, matched text) of an entry, or None if nothing matches."""
    best: tuple[int, int, str] | None = None
    found: Iterable[tuple[str, str]] = [
        *entry.names.items(),
        *((p, "partner") for p in entry.partners),
    ]
    for text, where in found:
        score = text_match(query_words, text, fuzzy=where != "text", initialism=initialism)
        if score:
            key = (WHERE_RANK[where], -score, text)
            if best is None or key < best:
                best = key
    return best


def snippet(text: str) -> str:
    return text if len(text) <= SNIPPET else text[:SNIPPET].rsplit(" ", 1)[0] + " …"


def _result(entry: Entry, hit: tuple[int, int, str], agreement: Any, lang: str) -> Result:
    where, score, matched = hit
    labels = entry.labels
    shown_lang = next((k for k in (lang, "en", *labels) if labels.get(k)), None)
    shown = labels[shown_lang] if shown_lang is not None else None
    shown = shown or next(iter(entry.names), None) or local_name(entry.iri)
    return Result(
        iri=entry.iri,
        href=href(entry.iri),
        label=shown,
        label_lang=shown_lang or None,
        matched=None if matched == shown else snippet(matched),
        kind=entry.kind,
        date=agreement["date"] if agreement else "",
        partner=agreement["partner"] if agreement else None,
        rank=(KIND_RANK.get(entry.kind, len(KINDS)), where, score, sort_key(shown, lang)),
    )


def search(q: str, lang: str) -> list[Result]:
    """Resources whose names match ``q``, best first (at most ``LIMIT``)."""
    query_words = words(q)
    if not query_words:
        return []
    try:  # the agreements' dates and partners, shown beside them
        agreements = {r["iri"]: r for r in table.rows(lang)}
    except QueryError:
        agreements = {}  # an extra: the search still answers without it
    results = []
    for entry in _index().values():
        hit = _candidates(query_words, entry, acronym(q))
        if hit is not None:
            results.append(_result(entry, hit, agreements.get(entry.iri), lang))
    results.sort(key=lambda r: r.rank)
    return results[:LIMIT]


def grouped(results: list[Result]) -> list[tuple[str, list[Result]]]:
    """Results by kind (agreements, parties, people, …), in the order of lookup.KINDS."""
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[r.kind].append(r)
    return sorted(groups.items(), key=lambda kv: KIND_RANK.get(kv[0], 99))
