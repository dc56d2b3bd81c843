# ruff: noqa: RUF001, RUF002 (Ukrainian letters are meant here)
"""Lists are alphabetical in the page's language (web/support/collation.py, ICU with CLDR's
tailoring): Ukrainian's own letters in their own places, English in Latin order."""

from __future__ import annotations

import random
import threading

import pytest

from uasa.web.support.collation import sort_key

# The Ukrainian alphabet, in order (CLDR's uk tailoring; the apostrophe is not a letter).
UK_ALPHABET = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"
# Words in Ukrainian order, each pair differing where the tailoring matters.
UK_WORDS = [
    "Гана",
    "Ґана",
    "Данія",
    "Естонія",
    "Єгипет",
    "Ивано",
    "Ірландія",
    "Італія",
    "Їжак",
    "Йорданія",
    "Киргизстан",
    "Ямайка",
]


def shuffled(items: list[str], seed: int = 7) -> list[str]:
    out = list(items)
    random.Random(seed).shuffle(out)
    assert out != items
    return out


def uk(text: str) -> bytes:
    return sort_key(text, "uk")


def en(text: str) -> bytes:
    return sort_key(text, "en")


def test_ukrainian_letters_in_alphabet_order() -> None:
    letters = list(UK_ALPHABET)
    assert sorted(shuffled(letters), key=uk) == letters
    lower = [c.lower() for c in letters]
    assert sorted(shuffled(lower), key=uk) == lower


@pytest.mark.parametrize(
    ("before", "after"),
    [("Г", "Ґ"), ("Е", "Є"), ("И", "І"), ("І", "Ї"), ("Ї", "Й"), ("Гя", "Ґа"), ("Ія", "Їа")],
)
def test_ukrainian_tailored_letters_are_letters_of_their_own(before: str, after: str) -> None:
    """Ґ after every word in Г, Ї after every word in І: letters, not accented variants (the
    untailored table sorts "Ґа" before "Гя")."""
    assert uk(before) < uk(after)
    assert uk(before.lower()) < uk(after.lower())


def test_ukrainian_words_in_order() -> None:
    assert sorted(shuffled(UK_WORDS), key=uk) == UK_WORDS
    assert all(uk(w) < uk("Я") for w in UK_WORDS if not w.startswith("Я"))


def test_english_is_latin_order_case_and_accents_second() -> None:
    words = ["a", "A", "b", "B", "eclair", "éclair", "Eve", "Ölaf", "Oscar", "zebra", "Zed"]
    assert sorted(shuffled(words), key=en) == words
    # Code-point order would put every capital before every small letter.
    assert sorted(words) != words


def test_each_language_has_its_own_order() -> None:
    """The same words sort differently by language: the tailoring is used for "uk" only."""
    assert uk("Ґа") > uk("Гя")
    assert en("Ґа") < en("Гя")


def test_shared_collators_give_the_same_keys_from_many_threads() -> None:
    """One collator per language serves every thread (getSortKey is a const ICU method)."""
    words = [f"{w}{i}" for i in range(300) for w in UK_WORDS]
    expected = [sort_key.__wrapped__(w, "uk") for w in words]
    found: list[list[bytes]] = []

    def work() -> None:
        found.append([sort_key.__wrapped__(w, "uk") for w in words])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == [expected] * 8
