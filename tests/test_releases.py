"""Release history across three builds of changing data (and one that changes nothing): the
versioned dumps, the change sets (RDF Patch, checked against a diff of the dumps made here),
the changelog page, its Atom feed (read with feedparser), the resource page's "last changed in
release N" and the versions in VoID."""

from __future__ import annotations

import gzip
import itertools
import shutil
from pathlib import Path

import feedparser
import pytest
import rdflib
from pyoxigraph import RdfFormat, parse

from tests.helpers import FIXTURES, ld_inputs, quiet, running_app
from uasa.ingest import releases
from uasa.ingest.pipeline import build

XYZ = "https://w3id.org/uasa/id/party/xyz"
UKR = "https://w3id.org/uasa/id/party/ukr"


def _build(folder: Path, store: str) -> None:
    build(ld_inputs(folder), store, out=quiet)


def _quads(data: bytes) -> set[str]:
    return {str(q) for q in parse(data, format=RdfFormat.N_QUADS)}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("releases")
    for name in ("ontology.ttl", "concepts.ttl", "data.ttl"):
        shutil.copy(FIXTURES / name, folder / name)
    store = str(folder / "var" / "store")
    data = folder / "data.ttl"
    _build(folder, store)  # release 1
    _build(folder, store)  # the same data: no release
    text = data.read_text("utf-8")
    data.write_text(text.replace('"Xland"@en', '"Xlandia"@en'), "utf-8")
    _build(folder, store)  # release 2: Xland renamed
    text = data.read_text("utf-8")
    data.write_text(text.replace('"Ukraine"@en ,', '"Ukraine"@en , "UA"@en ,'), "utf-8")
    _build(folder, store)  # release 3: a label added to Ukraine
    return store, releases.folder_of(store)


def test_three_releases_with_their_dumps_and_change_sets(history: tuple[str, Path]) -> None:
    _, folder = history
    entries = releases.index(folder)
    assert [e["number"] for e in entries] == [1, 2, 3]
    assert "added" not in entries[0]
    for previous, entry in itertools.pairwise(entries):
        old = _quads(
            gzip.decompress((folder / str(previous["number"]) / releases.DUMP).read_bytes())
        )
        new = _quads(gzip.decompress((folder / str(entry["number"]) / releases.DUMP).read_bytes()))
        patch = (folder / str(entry["number"]) / releases.CHANGES).read_text("utf-8").splitlines()
        assert patch[0] == f"H id <urn:uasa:release:{entry['number']}> ."
        added = {ln[2:] for ln in patch if ln.startswith("A ")}
        removed = {ln[2:] for ln in patch if ln.startswith("D ")}
        assert _quads("\n".join(added).encode()) == new - old
        assert _quads("\n".join(removed).encode()) == old - new
        assert (entry["added"], entry["removed"]) == (len(new - old), len(old - new)) != (0, 0)
    assert releases.last_changed(folder, XYZ) == 2
    assert releases.last_changed(folder, UKR) == 3
    assert releases.last_changed(folder, "https://w3id.org/uasa/id/person/ann-example") == 1


def test_the_changelog_the_feed_and_the_resource_pages(history: tuple[str, Path]) -> None:
    store, _ = history
    with running_app(store) as app:
        client = app.test_client()
        page = client.get("/releases").get_data(as_text=True)
        assert all(f'id="r{n}"' in page for n in (1, 2, 3))
        feed = feedparser.parse(client.get("/releases.atom").data)
        assert not feed.bozo, feed.get("bozo_exception")
        assert [e.title for e in feed.entries] == ["Release 3", "Release 2", "Release 1"]
        with client.get("/releases/2/uasa.nq.gz") as dump:
            assert dump.status_code == 200
        only_xyz = client.get("/releases/2/changes.rdfp", query_string={"resource": XYZ})
        lines = [
            ln for ln in only_xyz.get_data(as_text=True).splitlines() if ln[:2] in {"A ", "D "}
        ]
        assert lines and all(ln[2:].startswith(f"<{XYZ}> ") for ln in lines)
        assert client.get("/releases/1/changes.rdfp").status_code == 404  # the first has none
        xyz = client.get("/page/id/party/xyz").get_data(as_text=True)
        assert "last changed in release 2" in xyz
        assert "last changed in release 3" in client.get("/page/id/party/ukr").get_data(
            as_text=True
        )
        void = rdflib.Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    versions = set(
        void.objects(rdflib.URIRef("https://w3id.org/uasa/dataset"), rdflib.DCTERMS.hasVersion)
    )
    assert {str(void.value(v, dcat.version)) for v in versions} == {"1", "2", "3"}
    chain = {
        str(void.value(v, dcat.version)): void.value(v, dcat.previousVersion) for v in versions
    }
    assert chain["1"] is None and str(void.value(chain["3"], dcat.version)) == "2"
