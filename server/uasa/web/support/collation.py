# ruff: noqa: RUF002 (Ukrainian letters are meant here)
"""Alphabetical order in the page's language: ICU's collators (PyICU), i.e. the Unicode
Collation Algorithm with CLDR's tailoring for the language. Ukrainian has its own letters in
their own places (Г < Ґ, Е < Є, И < І < Ї < Й), not after Я as by code point nor as variants of
Г and І as in the untailored table; English uses CLDR's root order.

One collator per language, made once and shared by every thread: ``getSortKey`` is a const
method of ICU's ``Collator``, and ICU's design guide ("Thread-safe const APIs") makes a service
object usable from many threads as long as all of them call only const methods. Nothing here
changes a collator after it is made (no ``setStrength``/``setAttribute``), and PyICU holds the
GIL for the whole call, writing the key into a buffer of its own, so no lock or per-thread clone
is needed.
"""

from __future__ import annotations

from functools import cache, lru_cache

import icu


@cache
def _collator(lang: str) -> icu.Collator:
    # An unknown language falls back to CLDR's root order, which is English's.
    return icu.Collator.createInstance(icu.Locale(lang))


@lru_cache(maxsize=65536)
def sort_key(text: str, lang: str) -> bytes:
    """A key that orders texts alphabetically in ``lang`` ("en", "uk"), case and accents
    second."""
    key: bytes = _collator(lang).getSortKey(text)
    return key
