# ruff: noqa: RUF001, RUF002 (Cyrillic letters are meant here)
"""Numbers, dates, months and plurals in the page language, by Babel (CLDR data).

"9,972 triples" in English is "9 972 трійки" in Ukrainian: digit groups and plural forms both
follow the locale. Dates that are not full dates (a year, a year-month) are shown as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_date, format_skeleton, get_month_names
from babel.numbers import format_decimal

LOCALES = {"en": "en_GB", "uk": "uk_UA"}
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "en_GB")


def number(value: int | str | Decimal | None, lang: str) -> str:
    """A number with the locale's digit grouping; text that is not a number comes back as is."""
    if value is None or value == "":
        return ""
    try:
        return format_decimal(Decimal(str(value)), locale=_locale(lang))
    except InvalidOperation:
        return str(value)


def date(value: str | None, lang: str) -> str:
    """A full xsd:date in the locale's long form (13 June 2024, 13 червня 2024 р.)."""
    if not value:
        return ""
    m = DATE.fullmatch(value[:10])
    if m is None:
        return value
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return value
    return format_date(day, "long", locale=_locale(lang))


def month(value: str, lang: str) -> str:
    """A year-month (2024-06) as the locale says it: June 2024, червень 2024 р."""
    m = YEAR_MONTH.fullmatch(value)
    if m is None or not 1 <= int(m[2]) <= 12:
        return value
    return format_skeleton("yMMMM", dt.date(int(m[1]), int(m[2]), 1), locale=_locale(lang))


def when(value: str | None, lang: str) -> str:
    """A date, a year-month or a year, each in the locale's form; anything else as it is."""
    if not value:
        return ""
    if DATE.fullmatch(value[:10]):
        return date(value, lang)
    if YEAR_MONTH.fullmatch(value):
        return month(value, lang)
    return value


def plural(count: int, forms: dict[str, str], lang: str) -> str:
    """The form of a noun for ``count`` by CLDR plural rules (one/few/many/other)."""
    form = Locale.parse(_locale(lang)).plural_form(count)
    return forms.get(form) or forms.get("other") or next(iter(forms.values()))


def counted(count: int, forms: dict[str, str], lang: str) -> str:
    """ "9 972 трійки": the number with its noun in the right plural form."""
    return f"{number(count, lang)} {plural(count, forms, lang)}"


def _month_words() -> dict[str, int]:
    """Month names in English and Ukrainian, in every form Babel knows (червень, червня)."""
    words: dict[str, int] = {}
    for loc in ("en", "uk"):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number_, name in get_month_names(width, context, locale=loc).items():
                    words[name.casefold().rstrip(".")] = number_
    return words


MONTH_WORDS = _month_words()
PERIOD = re.compile(
    r"(?:(?P<word>[^\W\d_]+)\.?\s+)?(?P<year>(?:19|20)\d\d)(?:\s*(?:р\.?|року|рік))?"
)


def period(q: str) -> tuple[str, str | None] | None:
    """A search that names a year or a month of a year ("2025", "June 2024", "червень 2024"):
    the year and, if named, the month as YYYY-MM; anything else is None."""
    m = PERIOD.fullmatch(q.strip().casefold())
    if m is None:
        return None
    year = m["year"]
    if m["word"] is None:
        return year, None
    found = MONTH_WORDS.get(m["word"])
    if found is None:
        return None
    return year, f"{year}-{found:02d}"
