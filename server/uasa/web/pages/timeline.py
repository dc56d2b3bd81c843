"""`/timeline`: events by year, filtered by plain GET parameters: ``show`` (signing,
negotiation, framework; repeatable), ``partner`` (a party's id) and ``years=all`` for the
years before 2024. Without parameters: every kind of event, 2024 on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from uasa.web.pages.overview import Event, timeline
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.ui import UI

GROUPS = ("signing", "negotiation", "framework")
RECENT_FROM = "2024"  # the timeline opens on the agreements' years; older ones are a click away

Args = list[tuple[str, str]]  # the query string, in order, repeated names kept


@dataclass(frozen=True)
class YearLink:
    year: str
    href: str
    here: bool  # on this page (else the link opens every year)


@dataclass(frozen=True)
class TimelinePage:
    title: str
    years: list[tuple[str, list[Event]]]
    count: int
    jump: list[YearLink]
    show: list[str]
    partners: list[tuple[str, str]]  # (id, label) of every partner with an event
    partner: str  # the chosen partner's id, or ""
    all_years: bool
    older_first: str | None  # the first year before RECENT_FROM
    all_href: str
    recent_href: str


def _first(args: Args, name: str) -> str | None:
    return next((v for k, v in args if k == name), None)


def page(lang: str, args: Args, url: Callable[[Args], str]) -> TimelinePage:
    """The page for the query string ``args``; ``url`` makes a link to it with other args."""
    events = timeline(lang)
    show = [v for k, v in args if k == "show" and v in GROUPS] or list(GROUPS)
    partners = {
        local_name(e.partner): e.partner_label or local_name(e.partner) for e in events if e.partner
    }
    partner = _first(args, "partner") or ""
    if partner not in partners:
        partner = ""
    all_years = _first(args, "years") == "all"
    chosen = [
        e
        for e in events
        if e.group in show and (not partner or local_name(e.partner or "") == partner)
    ]
    every_year = sorted({e.year for e in chosen if e.year})
    shown = [e for e in chosen if all_years or e.year >= RECENT_FROM]
    by_year: dict[str, list[Event]] = {}
    for e in shown:
        by_year.setdefault(e.year, []).append(e)
    kept = [(k, v) for k, v in args if k != "years"]
    all_href = url([*kept, ("years", "all")])
    jump = [
        YearLink(y, f"#y{y}" if y in by_year else f"{all_href}#y{y}", y in by_year)
        for y in every_year
    ]
    older = [y for y in every_year if y < RECENT_FROM]
    return TimelinePage(
        title=UI[lang]["timeline"],
        years=sorted(by_year.items()),
        count=len(shown),
        jump=jump,
        show=show,
        partners=sorted(partners.items(), key=lambda p: sort_key(p[1], lang)),
        partner=partner,
        all_years=all_years,
        older_first=older[0] if older else None,
        all_href=all_href,
        recent_href=url(kept),
    )
