"""The project's store, built one way: by `uasa build` and by every test and benchmark that
builds the project, so that the store the tests query is the store the server serves.

The ontology modules and the data folders, each file in its named graph; the saved-query
catalogue in the meta graph; SHACL over the whole store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import Store

from uasa.core import paths, store_layout
from uasa.ingest.pipeline import BuildError, Input, Validator, build, project_inputs
from uasa.query.catalogue import catalogue_quads
from uasa.query.catalogue import load as load_catalogue


def validator(out: Callable[[str], None] = print) -> Validator:
    """SHACL over the whole new store: Violations become build errors, Warnings are printed."""

    def check(db: Store) -> list[str]:
        from uasa.ingest.validate import validate  # pyshacl and rdflib: only when validating

        report = validate(db)
        for w in report.warnings:
            out(f"  warning: {w.focus_node} {w.path}: {w.message}")
        return [f"{v.focus_node} {v.path}: {v.message}" for v in report.violations]

    return check


def build_project(
    store: str,
    *,
    ontology: Path | None = paths.ONTOLOGY,
    data: Sequence[Path] = (paths.DATA,),
    files: Sequence[Input] = (),
    queries: Path | str | None = None,
    validate: bool = True,
    out: Callable[[str], None] = print,
    upload_to: str | None = None,
) -> store_layout.BuiltStore:
    """Build the project into ``store`` and make it the served build.

    ``ontology`` (None: none) and the ``data`` folders go through :func:`project_inputs`,
    ``files`` after them; ``queries`` is the saved-query folder (None: the repository's
    `queries/`). Raises BuildError, or CatalogueError for a broken saved query.
    """
    if ontology is not None and not ontology.is_dir():
        raise BuildError(f"{ontology}: no such ontology folder (use --no-ontology to skip)")
    inputs = [*project_inputs(ontology, data), *files]
    for item in inputs:
        if not item.path.is_file():
            raise BuildError(f"{item.path}: no such file")
    out(f"uasa build: {len(inputs)} files → {store}")
    extra = catalogue_quads(load_catalogue(queries))  # checked before anything is loaded
    return build(
        inputs,
        store,
        validator=validator(out) if validate else None,
        out=out,
        extra_quads=extra,
        upload_to=upload_to,
    )
