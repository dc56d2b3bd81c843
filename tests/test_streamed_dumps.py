"""A big store's dumps are streamed out of the store; with the store's directory they are
written by several processes at once, and the files are the same as one process writes."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, parse

from tests.helpers import W3C
from uasa.ingest.pipeline import dumps


def _store(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "db"
    db = Store(str(path))
    for n in (1, 2, 3):
        db.bulk_load(
            path=str(W3C / "protocol" / f"data{n}.nt"),
            format=RdfFormat.N_TRIPLES,
            to_graph=NamedNode(f"http://example.org/g{n}"),
        )
    return db, path


def test_parallel_streamed_dumps_equal_the_sequential_ones(tmp_path: Path) -> None:
    db, path = _store(tmp_path)
    del db  # the writer closes before readers open it, as in `uasa build`
    db = Store.read_only(str(path))
    lines: list[str] = []
    extra = {"name": "extra.csv", "size": 0, "sha256": "-", "format": "text/csv"}
    one = dumps.write_streamed_dumps(db, tmp_path / "one", lines.append, meanwhile=lambda: [extra])
    many = dumps.write_streamed_dumps(
        db, tmp_path / "many", lines.append, path, processes=2, meanwhile=lambda: [extra]
    )
    assert one[-1] == many[-1] == extra  # what ran meanwhile comes after the dumps
    one, many = one[:-1], many[:-1]
    assert [e["name"] for e in one] == [e["name"] for e in many]
    assert len(one) == 2 * len(dumps.DUMP_FORMATS)  # each format and its gzip
    for a, b in zip(one, many, strict=True):
        assert a == b, a["name"]  # name, size, sha256, format
        assert (tmp_path / "one" / a["name"]).read_bytes() == (
            tmp_path / "many" / b["name"]
        ).read_bytes()
    assert any("own process" in line for line in lines)
    assert (tmp_path / "many" / "uasa.nq").stat().st_size > 0


def test_streamed_dumps_begin_with_the_licence_and_parse(tmp_path: Path) -> None:
    db, _ = _store(tmp_path)
    quads = list(db)
    triples = {q.triple for q in quads}
    dumps.write_streamed_dumps(db, tmp_path / "out", lambda _: None)
    for fmt in dumps.DUMP_FORMATS:
        path = tmp_path / "out" / f"uasa.{fmt.suffix}"
        assert path.read_bytes().startswith(dumps.header(fmt.fmt)), fmt.suffix
        read = list(parse(path=str(path), format=fmt.fmt))
        assert len(read) == (len(quads) if fmt.quads else len(triples)) > 0, fmt.suffix
