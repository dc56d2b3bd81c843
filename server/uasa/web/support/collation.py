# ruff: noqa: RUF002 (Ukrainian letters are meant here)
"""Alphabetical order for people: the Unicode Collation Algorithm (pyuca, the DUCET table), so
Ukrainian Є, І and Ї sort beside Е and И instead of after Я, as they do by code point.

PyICU (CLDR's Ukrainian tailoring) has no wheels on PyPI; DUCET still sorts ї as a variant
of і and ґ of г, a difference the tailoring would settle.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyuca


@lru_cache(maxsize=1)
def _collator() -> Any:
    return pyuca.Collator()  # loads the table once: a moment


@lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple[int, ...]:
    """A key that orders texts alphabetically, case and accents second."""
    return tuple(_collator().sort_key(text))
