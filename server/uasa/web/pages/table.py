"""A faceted table: rows from the store, facets with counts, sorting, and the same rows as CSV
and JSON, as datasette's table views have them. `/agreements` and `/commitments` are two specs
of it (`pages.agreements.TABLE`, `pages.commitments.TABLE`).

A table page is its spec alone: every module of the ``uasa.web.pages`` package that defines a
module-level ``TABLE: FacetedTable`` (found by `spec_modules`, with pkgutil) gets ``/<name>``,
``/<name>.csv`` and ``/<name>.json`` from ``routes/tables.py``, drawn by the one template
``templates/table_page.html``; its title, intro, count line and headings are spec fields (with
their texts in both languages in `FacetedTable.strings`, or in ``web/support/ui.py``).

Every combination of facets is a plain URL of GET parameters (``/agreements?year=2024&
category=training``); the rows come from SELECTs without user input (kept per build and
language), and filtering, counting and sorting happen here, on those rows, so a request's
parameters never reach a query text. ``/<name>.csv`` and ``/<name>.json`` with
the same parameters return exactly the rows the page shows, in its order.

A spec names, in order: the facets (a GET parameter each, its values read from a row), the
columns (a heading from ``web/support/ui.py`` and a cell macro in
``templates/table_cells.html``), the sorts, how repeated values of one facet combine and how
facets are counted; ``templates/table.html`` draws the filters, facets, sorts and headings.

Adding a column with a facet is one spec, in one place. A column of links to resources (a
list per row, as the provision categories are) names the SPARQL path from the row to them; the
table fetches them (``table-links.rq``), puts them in each row under its key (so in the JSON),
writes them in the CSV, shows them as links that filter, and adds the facet; its headings in
both languages come with it (or from ``web/support/ui.py`` by its keys)::

    # pages/agreements.py, in COLUMNS:
    Links("sources", path="prov:wasDerivedFrom", facet="source", title="sources",
          csv_ids="sources", csv_labels="source_labels",
          headings={"en": ("Sources", "Source"), "uk": ("Джерела", "Джерело")}),

``/agreements?source=…`` then filters, ``/agreements.csv`` has the two columns, and the facet
lists the sources with their counts. A column shaped otherwise is a `Column`, its value from
the page model's row query (its facet, if any, a `Facet` in the spec): a link, a number, a date
or a text under the row's `key` has a generic cell (``link``, ``number``, ``day``, ``text``);
anything else its own cell macro.
"""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal, TypeAlias
from urllib.parse import urlencode

from pyoxigraph import NamedNode

from uasa.core.errors import UasaError
from uasa.query.catalogue import parses
from uasa.web.support import formats, lookup, sparql
from uasa.web.support.collation import sort_key
from uasa.web.support.lookup import val
from uasa.web.support.ui import PLURALS, UI

# One row as the page, the CSV and the JSON read it: the JSON export writes it as it is.
Row: TypeAlias = dict[str, Any]
Args: TypeAlias = list[tuple[str, str]]


def _no_label(row: Row, value: str) -> str | None:
    return None


def _no_data(row: Row) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True)
class Facet:
    """A GET parameter that filters the rows, listed beside the table with its counts."""

    name: str
    values: Callable[[Row], list[str]]  # a row's values for it, as written in URLs
    # The data's own label of a value, read from a row that has it (None: the value itself).
    label: Callable[[Row, str], str | None] = _no_label
    # The text shown for a value, from (value, label, lang): where a value needs a translation.
    shown: Callable[[str, str, str], str] | None = None
    by_value: bool = False  # listed in the values' own order (years), else most rows first
    title: str = ""  # the heading's key in web/support/ui.py; "facet_<name>" if empty

    @property
    def title_key(self) -> str:
        return self.title or f"facet_{self.name}"

    def text(self, value: str, label: str, lang: str) -> str:
        return self.shown(value, label, lang) if self.shown else label


def field_facet(
    name: str,
    *,
    by_value: bool = False,
    shown: Callable[[str, str, str], str] | None = None,
    title: str = "",
) -> Facet:
    """A facet on a row's plain value under its name (a year, "yes"/"no"); an empty value is
    no value."""
    return Facet(
        name,
        lambda row: [row[name]] if row[name] else [],
        shown=shown,
        by_value=by_value,
        title=title,
    )


def link_facet(name: str, key: str = "", title: str = "") -> Facet:
    """A facet on a row's link (``{"id", "label", …}`` or None), by its id."""
    key = key or name
    return Facet(
        name,
        lambda row: [row[key]["id"]] if row[key] else [],
        label=lambda row, value: str(row[key]["label"]),
        title=title,
    )


@dataclass(frozen=True)
class Column:
    """A column of the HTML table: its heading and the macro of templates/table_cells.html
    that writes its cell (the row's value comes from the page model's row query)."""

    title: str  # the heading's key in web/support/ui.py
    cell: str
    numeric: bool = False  # static/tables.js sorts it as a number (the cell's data-value)
    shown: bool = True
    head_class: str = ""  # the heading's class (e.g. "num")
    # The row's key a generic cell shows (`link`: {"href", "label"}, `number`, `day`, `text`),
    # so a new table needs no macro of its own.
    key: str = ""


@dataclass(frozen=True)
class Links:
    """A column of links to the resources a SPARQL path reaches from the row, with a facet on
    them (a row must have each value asked for, or one of them, as the table combines)."""

    # The row's key: a list of {"iri", "id", "label", "href"}, sorted by label, and "lang"
    # where the label is in another language than the page's.
    key: str
    path: str  # from the row to the resources; from code only, it is written into a query
    facet: str  # the facet's GET parameter
    title: str  # the heading's key in web/support/ui.py; the facet's is "facet_<facet>"
    csv_ids: str  # the CSV column of the ids, "; " between them
    csv_labels: str = ""  # the CSV column of the labels, if any
    shown: bool = True  # a column of the HTML table (else the facet, CSV and JSON only)
    cell: str = "links"
    numeric: bool = False
    head_class: str = ""
    # The column's and its facet's headings by language, {"en": ("Sources", "Source"), …}:
    # given here, the column needs no entry in web/support/ui.py.
    headings: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def as_facet(self) -> Facet:
        key = self.key

        def label(row: Row, value: str) -> str | None:
            return next((str(i["label"]) for i in row[key] if i["id"] == value), None)

        return Facet(self.facet, lambda row: [i["id"] for i in row[key]], label=label)

    def flat(self, row: Row) -> dict[str, str]:
        out = {self.csv_ids: "; ".join(i["id"] for i in row[self.key])}
        if self.csv_labels:
            out[self.csv_labels] = "; ".join(i["label"] for i in row[self.key])
        return out


@dataclass(frozen=True)
class Sort:
    """An order of the rows the page offers (``?sort=<name>``)."""

    name: str
    key: Callable[[Row, str], Any]  # from a row and the page's language (for collation)
    title: str  # its key in web/support/ui.py
    reverse: bool = False


@dataclass(frozen=True)
class PageLink:
    """A link of the page's count line after CSV and JSON (the agreements' matrix)."""

    id: str  # the link's HTML id
    title: str  # its text's key in web/support/ui.py (or the spec's `strings`)
    href: Callable[[TableView, str], str]  # from the page's view and language


@dataclass(frozen=True)
class FacetedTable:
    """The spec of one faceted table and its page (see the module's docstring)."""

    name: str  # its path and file name: /<name>, /<name>.csv, /<name>.json
    row_class: str  # the IRI of the class of the rows' resources (for `Links` columns)
    facets: tuple[Facet, ...]  # then one per `Links` column, in `all_facets`
    columns: tuple[Column | Links, ...]
    # Every row (each with its "iri"), in the page's order, for a language: the page model's
    # row query and shaping. `rows` adds the `Links` columns and keeps the result per build.
    build: Callable[[str], list[Row]]
    # One CSV row and the CSV's columns; the `Links` columns' own are added where `flat` does
    # not write them already (after the others).
    flat: Callable[[Row], dict[str, str]]
    fields: tuple[str, ...]
    # "all": a row must have every value asked for of a facet (datasette); "any": one of them.
    combine: Literal["all", "any"] = "all"
    # "shown": how many of the rows shown have a value; "click": how many rows the page would
    # show with that value chosen (the other facets' filters kept), what a click gives.
    counts: Literal["shown", "click"] = "shown"
    sorts: tuple[Sort, ...] = ()
    default_sort: str = ""
    # Rows in groups (one table each, as commitments per currency), sorted within a group
    # only; the groups in the order of their names, the empty name last.
    group: Callable[[Row], str] | None = None
    # The page: its heading's and intro paragraphs' keys in web/support/ui.py (or `strings`).
    title: str = ""
    intro: tuple[str, ...] = ()
    # The count line: "<n> <noun>" (a PLURALS key) and "of <total>" when filtered, or a text
    # (a key) with {shown} and {total}.
    noun: str = ""
    shown_text: str = ""
    page_links: tuple[PageLink, ...] = ()  # more links after CSV and JSON
    row_data: Callable[[Row], Mapping[str, str]] = _no_data  # a row's data-* attributes
    # A macro of templates/table.html drawing the rows in place of the one table (as
    # commitments' tables per currency), given `body(selection)`.
    body_macro: str = ""
    body: Callable[[Selection], Any] | None = None
    # Texts by language, {"en": {"partners_title": …}, …}, over web/support/ui.py's.
    strings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    all_facets: tuple[Facet, ...] = field(init=False)
    csv_fields: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        links = tuple(c.as_facet() for c in self.links)
        object.__setattr__(self, "all_facets", self.facets + links)
        extra = [f for c in self.links for f in (c.csv_ids, c.csv_labels) if f]
        fields = self.fields + tuple(f for f in extra if f not in self.fields)
        object.__setattr__(self, "csv_fields", fields)

    @property
    def links(self) -> tuple[Links, ...]:
        return tuple(c for c in self.columns if isinstance(c, Links))

    def text(self, lang: str) -> dict[str, str]:
        """The texts the spec gives itself (`strings`, `Links.headings`), by their ui.py keys."""
        out = dict(self.strings.get(lang, {}))
        for c in self.links:
            if lang in c.headings:
                out[c.title], out[f"facet_{c.facet}"] = c.headings[lang]
        return out

    @property
    def shown_columns(self) -> tuple[Column | Links, ...]:
        return tuple(c for c in self.columns if c.shown)

    def facet(self, name: str) -> Facet:
        return next(f for f in self.all_facets if f.name == name)

    # --- the rows a request asks for ---------------------------------------------------------

    def select(self, args: Args, lang: str) -> Selection:
        """The rows the request's parameters choose; ``args`` as the query string has them."""
        multi: dict[str, list[str]] = defaultdict(list)
        for key, value in args:
            multi[key].append(value)
        chosen = lookup.facet_filters(multi, [f.name for f in self.all_facets])
        everything = self.rows(lang)
        sort = (multi.get("sort") or [self.default_sort])[0]
        if sort not in {s.name for s in self.sorts}:
            sort = self.default_sort
        shown = self.apply(everything, chosen)
        return Selection(self, lang, args, chosen, everything, shown, sort)

    def apply(self, rows: Iterable[Row], chosen: Mapping[str, list[str]]) -> list[Row]:
        """The rows that have the values chosen, combined as `combine` says."""
        wanted = [(self.facet(name), set(values)) for name, values in chosen.items()]

        def keep(row: Row) -> bool:
            for facet, values in wanted:
                has = set(facet.values(row))
                if not (values <= has if self.combine == "all" else values & has):
                    return False
            return True

        return [row for row in rows if keep(row)]

    def groups(self, rows: Sequence[Row], sort: str, lang: str) -> list[tuple[str, list[Row]]]:
        """The rows in their groups (one group, named "", without `group`), each sorted."""
        spec = next((s for s in self.sorts if s.name == sort), None)
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            grouped[self.group(row) if self.group else ""].append(row)
        return [
            (
                name,
                sorted(grouped[name], key=lambda r: spec.key(r, lang), reverse=spec.reverse)
                if spec
                else grouped[name],
            )
            for name in sorted(grouped, key=lambda g: (g == "", g))
        ]

    # --- the rows, and the data behind `Links` columns ---------------------------------------

    def rows(self, lang: str) -> list[Row]:
        """Every row, with its `Links` columns, kept per build and language."""

        def compute() -> list[Row]:
            rows = self.build(lang)
            self._add_links({row["iri"]: row for row in rows}, lang)
            return rows

        found: list[Row] = lookup.cached(("table", self.name, lang), compute)
        return found

    def csv_row(self, row: Row) -> dict[str, str]:
        out = self.flat(row)
        for column in self.links:
            out.update(column.flat(row))
        return out

    def _links_query(self, column: Links) -> str:
        return sparql.query("table-links").replace(" ?path ?value", f" {column.path} ?value")

    def _add_links(self, table: Mapping[str, Row], lang: str) -> None:
        """Put each `Links` column's resources in the rows (keyed by IRI), sorted by label."""
        found = {}
        for column in self.links:
            subs = {"class": NamedNode(self.row_class)}
            result = lookup.run(self._links_query(column), **subs)
            found[column.key] = [(val(r, "row") or "", val(r, "value") or "") for r in result]
        best = lookup.best_labels((v for pairs in found.values() for _, v in pairs), lang)
        names = {iri: c[2] for iri, c in best.items()}
        for column in self.links:
            for row in table.values():
                row[column.key] = []
            for iri, value in found[column.key]:
                owner, item = table.get(iri), lookup.linked(value, names)
                if owner is None or item is None:
                    continue
                if item["id"] not in {x["id"] for x in owner[column.key]}:
                    label_lang = best[value][1] if value in best else None
                    if label_lang and label_lang != lang:  # marked so on the page
                        item["lang"] = label_lang
                    owner[column.key].append(item)
            for row in table.values():
                row[column.key].sort(key=lambda c: sort_key(c["label"], lang))

    def check(self) -> None:
        """Raise `sparql.PageQueryError` if a `Links` column's query does not parse."""
        for column in self.links:
            error = parses(self._links_query(column))
            if error is not None:
                raise sparql.PageQueryError(f"{self.name}, column {column.key}: {error}")


@dataclass(frozen=True)
class Selection:
    """What one request asks of a table: its filters, the rows they leave and their order."""

    table: FacetedTable
    lang: str
    args: Args
    chosen: dict[str, list[str]]
    everything: list[Row]
    shown: list[Row]
    sort: str

    def counted(self, facet: Facet) -> list[Row]:
        """The rows a facet's counts are taken from (see `FacetedTable.counts`)."""
        if self.table.counts == "shown":
            return self.shown
        others = {f: v for f, v in self.chosen.items() if f != facet.name}
        return self.table.apply(self.everything, others)

    def facet_items(self, facet: Facet) -> list[tuple[str, str, int]]:
        """A facet's values as (value, label, count), in the order the page lists them."""
        counts: dict[str, int] = defaultdict(int)
        labels: dict[str, str] = {}
        for row in self.counted(facet):
            for value in facet.values(row):
                counts[value] += 1
                labels.setdefault(value, facet.label(row, value) or value)
        items = [(v, labels[v], n) for v, n in counts.items()]
        if facet.by_value:
            items.sort(key=lambda i: i[0])
        else:
            items.sort(key=lambda i: (-i[2], sort_key(i[1], self.lang)))
        return items

    def label(self, facet: Facet, value: str) -> str:
        """A value's label as the page shows it (a value no row has: the value itself)."""
        label = next(
            (facet.label(r, value) or value for r in self.everything if value in facet.values(r)),
            value,
        )
        return facet.text(value, label, self.lang)

    def groups(self) -> list[tuple[str, list[Row]]]:
        return self.table.groups(self.shown, self.sort, self.lang)

    def ordered(self) -> list[Row]:
        """The rows in the order the page shows them."""
        return [row for _, rows in self.groups() for row in rows]

    def csv(self, bom: str = "0") -> str:
        """The rows shown as CSV; ``bom`` is the request's bom parameter."""
        if bom not in ("0", "1"):
            raise UasaError(400, f"bom={bom!r}: give bom=1 (a byte order mark first) or bom=0")
        out = io.StringIO()
        if bom == "1":  # Excel on Windows reads UTF-8 only after a BOM
            out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=list(self.table.csv_fields))
        writer.writeheader()
        for row in self.ordered():
            writer.writerow(self.table.csv_row(row))
        return out.getvalue()

    def json(self) -> dict[str, Any]:
        return {
            "filters": self.chosen,
            "total": len(self.everything),
            "count": len(self.shown),
            "rows": self.shown,
        }

    def hrefs(self, root: str) -> Hrefs:
        return Hrefs(root, f"/{self.table.name}", self.args)

    def view(self, root: str) -> TableView:
        """The page's facet lists, active filters and sort links, linked under ``root``."""
        return TableView.of(self, self.hrefs(root))


@dataclass(frozen=True)
class Hrefs:
    """The page's links: ``root`` (the app's prefix), its path and the request's parameters."""

    root: str
    path: str
    args: Args

    def to(self, args: Args, path: str = "") -> str:
        query = urlencode(args)
        return f"{self.root}{path or self.path}" + (f"?{query}" if query else "")

    def without(self, pair: tuple[str, str]) -> str:
        return self.to([a for a in self.args if a != pair])

    def toggle(self, pair: tuple[str, str], on: bool) -> str:
        return self.without(pair) if on else self.to([*self.args, pair])

    def adding(self, pair: tuple[str, str]) -> str:
        """The page with this value chosen too (as it is, if it is already)."""
        return self.to(self.args if pair in self.args else [*self.args, pair])


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: str  # formatted for the page's language
    selected: bool
    href: str  # the page with this value chosen, or no longer chosen


@dataclass(frozen=True)
class FacetList:
    name: str
    title: str  # its heading's key in web/support/ui.py
    values: list[FacetValue]


@dataclass(frozen=True)
class ActiveFilter:
    facet: str
    title: str
    label: str
    href: str  # the page without this filter


@dataclass(frozen=True)
class SortLink:
    value: str
    title: str  # its key in web/support/ui.py
    selected: bool
    href: str


@dataclass(frozen=True)
class TableView:
    """What the page's facets, filters and sorts show, with their links."""

    facets: list[FacetList]
    active: list[ActiveFilter]
    sorts: list[SortLink]
    hrefs: Hrefs
    clear_href: str
    csv_href: str
    json_href: str

    @classmethod
    def of(cls, selection: Selection, hrefs: Hrefs) -> TableView:
        table, lang, chosen = selection.table, selection.lang, selection.chosen
        facets = [
            FacetList(
                facet.name,
                facet.title_key,
                [
                    FacetValue(
                        value=value,
                        label=facet.text(value, label, lang),
                        count=formats.number(count, lang),
                        selected=value in chosen.get(facet.name, []),
                        href=hrefs.toggle((facet.name, value), value in chosen.get(facet.name, [])),
                    )
                    for value, label, count in selection.facet_items(facet)
                ],
            )
            for facet in table.all_facets
        ]
        active = [
            ActiveFilter(
                name,
                table.facet(name).title_key,
                selection.label(table.facet(name), value),
                hrefs.without((name, value)),
            )
            for name, values in chosen.items()
            for value in values
        ]
        sorts = [
            SortLink(
                s.name,
                s.title,
                s.name == selection.sort,
                hrefs.to([a for a in hrefs.args if a[0] != "sort"] + [("sort", s.name)]),
            )
            for s in table.sorts
        ]
        names = {f.name for f in table.all_facets}
        return cls(
            facets=facets,
            active=active,
            sorts=sorts,
            hrefs=hrefs,
            clear_href=hrefs.to([a for a in hrefs.args if a[0] not in names]),
            csv_href=hrefs.to(hrefs.args, f"/{table.name}.csv"),
            json_href=hrefs.to(hrefs.args, f"/{table.name}.json"),
        )


@dataclass(frozen=True)
class PageLinkView:
    id: str
    title: str  # its key in web/support/ui.py (or the spec's `strings`)
    href: str


@dataclass(frozen=True)
class TablePage:
    """What ``templates/table_page.html`` draws for one request of a table."""

    table: FacetedTable
    view: TableView
    title: str  # the page's heading, in its language
    rows: list[Row]  # the rows shown, in the page's order
    total: int
    shown_text: str  # the count line's strong part
    of_total: bool  # "of <total>" follows it
    links: list[PageLinkView]
    body: Any  # the spec's `body` of the selection, for its `body_macro`
    text: dict[str, str]  # the spec's own texts, over web/support/ui.py's

    @classmethod
    def of(cls, selection: Selection, root: str) -> TablePage:
        table, lang = selection.table, selection.lang
        view, text = selection.view(root), table.text(lang)
        shown, total = len(selection.shown), len(selection.everything)
        strings = {**UI[lang], **text}
        if table.shown_text:
            shown_text = strings[table.shown_text].format(
                shown=formats.number(shown, lang), total=formats.number(total, lang)
            )
        else:
            shown_text = formats.counted(shown, PLURALS[lang][table.noun], lang)
        return cls(
            table=table,
            view=view,
            title=strings[table.title],
            rows=selection.ordered(),
            total=total,
            shown_text=shown_text,
            of_total=bool(view.active) and not table.shown_text,
            links=[PageLinkView(x.id, x.title, x.href(view, lang)) for x in table.page_links],
            body=table.body(selection) if table.body else None,
            text=text,
        )


def spec_modules() -> list[ModuleType]:
    """Every module of ``uasa.web.pages`` defining a module-level ``TABLE: FacetedTable``, by
    the table's name."""
    package = importlib.import_module(__package__ or "uasa.web.pages")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if isinstance(getattr(module, "TABLE", None), FacetedTable):
            found.append(module)
    return sorted(found, key=lambda m: str(m.TABLE.name))
