"""Saved-query parameter types: checking a value and turning it into an RDF term.

A value arrives as text (a URL query string, a `--param k=v`). It is checked against the
declared type and converted to a pyoxigraph term, which the query receives through
``substitutions=`` — the query text itself is never touched. The same table gives the JSON
Schema used in the OpenAPI description, so the two cannot disagree.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode

from uasa.core.iris import XSD

Term = NamedNode | Literal

_INTEGER = r"[+-]?[0-9]+"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_YEAR = r"[0-9]{4}"
# BCP 47 in the shape RDF accepts: letters, then letter/digit subtags.
_LANG = r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*"
_SLUG = r"[A-Za-z0-9._~\-]+"  # a name appended to an iri parameter's base
# An absolute IRI (RFC 3987, without IPv6 hosts and the astral planes), written so that the same
# text serves Python and the ECMA regexes of JSON Schema: what the OpenAPI documents is exactly
# what is accepted.
_U = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]|%[0-9A-Fa-f]{2})"
_P = rf"(?:{_U}|[:@])"
_IRI = (
    rf"[A-Za-z][A-Za-z0-9+.\-]*:"
    rf"(?://(?:(?:{_U}|:)*@)?{_U}*(?::[0-9]*)?(?:/{_P}*)*|(?!//)(?:{_P}|/)*)"
    rf"(?:\?(?:{_P}|[/?])*)?(?:#(?:{_P}|[/?])*)?"
)
_ABSOLUTE_IRI = re.compile(_IRI)


class ParamError(ValueError):
    """A value that does not fit its parameter; the message names both."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    example: str
    required: bool = False
    default: str | None = None
    enum: tuple[str, ...] = ()
    lang: str | None = None  # lang-string: language for a value without "@tag"
    base: str | None = None  # iri: base a relative value (a slug) is appended to

    def convert(self, value: str) -> Term:
        """The RDF term for ``value``, or ParamError naming the parameter and expected type."""
        try:
            return TYPES[self.type].convert(value, self)
        except ParamError as exc:
            raise ParamError(
                f"parameter {self.name!r}: {exc} (expected {self.expected()})"
            ) from None

    def expected(self) -> str:
        if self.type == "enum":
            return "one of " + ", ".join(self.enum)
        what = TYPES[self.type].expected
        if self.type == "iri" and self.base:
            what += f", or a name appended to {self.base}"
        if self.type == "lang-string" and self.lang:
            what += f" (language {self.lang} when no @tag is given)"
        return what

    def schema(self) -> dict[str, Any]:
        """JSON Schema (OpenAPI 3.1) of the parameter's text form."""
        schema = dict(TYPES[self.type].schema)
        if self.type == "enum":
            schema["enum"] = list(self.enum)
        if self.type == "iri" and self.base:
            schema.pop("format", None)  # a bare slug is accepted too
            schema["pattern"] = f"^(?:{_IRI}|{_SLUG})$"
        elif self.type == "iri":
            schema["pattern"] = f"^{_IRI}$"
        if self.type == "lang-string" and not self.lang:
            schema["pattern"] = f"@{_LANG}$"
        if self.default is not None:
            schema["default"] = int(self.default) if self.type == "integer" else self.default
        return schema


def _text(value: str, _: Param) -> Term:
    return Literal(value)


def _lang_string(value: str, param: Param) -> Term:
    text, at, tag = value.rpartition("@")
    if at and re.fullmatch(_LANG, tag):
        return Literal(text, language=tag.lower())
    if param.lang:
        return Literal(value, language=param.lang)
    raise ParamError(f"{value!r} has no language tag")


def _iri(value: str, param: Param) -> Term:
    if param.base and not _ABSOLUTE_IRI.fullmatch(value):
        if not re.fullmatch(_SLUG, value):
            raise ParamError(f"{value!r} is neither an absolute IRI nor a plain name")
        value = param.base + value
    if not _ABSOLUTE_IRI.fullmatch(value):
        raise ParamError(f"{value!r} is not an absolute IRI")
    try:
        return NamedNode(value)
    except ValueError as exc:
        raise ParamError(f"{value!r} is not a valid IRI: {exc}") from None


def _typed(pattern: str, datatype: str, check: Callable[[str], object] | None = None) -> Any:
    def convert(value: str, _: Param) -> Term:
        if not re.fullmatch(pattern, value):
            raise ParamError(f"{value!r} is not well-formed")
        if check is not None:
            try:
                check(value)
            except ValueError as exc:
                raise ParamError(f"{value!r} is not valid: {exc}") from None
        return Literal(value, datatype=NamedNode(XSD + datatype))

    return convert


def _enum(value: str, param: Param) -> Term:
    if value not in param.enum:
        raise ParamError(f"{value!r} is not allowed")
    # An enum of IRIs binds IRIs, so the query can use the value as a node directly.
    if all(_ABSOLUTE_IRI.fullmatch(v) for v in param.enum):
        return NamedNode(value)
    return Literal(value)


@dataclass(frozen=True)
class ParamType:
    expected: str
    convert: Callable[[str, Param], Term]
    schema: dict[str, Any]


TYPES: dict[str, ParamType] = {
    "iri": ParamType("an absolute IRI", _iri, {"type": "string", "format": "iri"}),
    "string": ParamType("a string", _text, {"type": "string"}),
    "lang-string": ParamType(
        "text with a language tag, like text@uk",
        _lang_string,
        {"type": "string"},
    ),
    "integer": ParamType("an integer", _typed(_INTEGER, "integer"), {"type": "integer"}),
    "decimal": ParamType(
        "a decimal number like 12.50",
        _typed(_DECIMAL, "decimal"),
        {"type": "string", "pattern": f"^{_DECIMAL}$"},
    ),
    "date": ParamType(
        "a date YYYY-MM-DD",
        _typed(_DATE, "date", datetime.date.fromisoformat),
        {"type": "string", "format": "date"},
    ),
    "year": ParamType(
        "a year YYYY", _typed(_YEAR, "gYear"), {"type": "string", "pattern": f"^{_YEAR}$"}
    ),
    "enum": ParamType("one of the listed values", _enum, {"type": "string"}),
}


def bind(params: Sequence[Param], values: dict[str, str]) -> dict[str, Term]:
    """Check request values against the declared parameters; the substitutions to run with.

    Raises ParamError for an unknown parameter, a missing required one, or a wrong type.
    A parameter left out with no default stays unbound in the query.
    """
    declared = {p.name: p for p in params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise ParamError(f"unknown parameter {unknown[0]!r} (this query takes: {known})")
    bound: dict[str, Term] = {}
    for p in params:
        value = values.get(p.name)
        if value is None:
            if p.required:
                raise ParamError(f"parameter {p.name!r} is required (expected {p.expected()})")
            value = p.default
        if value is not None:
            bound[p.name] = p.convert(value)
    return bound
