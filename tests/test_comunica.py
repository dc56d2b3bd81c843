"""Comunica's link-traversal engine (`@comunica/query-sparql-link-traversal`, from npm, run
with the Node 22 that npm installs) answering a query by dereferencing /id/ IRIs on a real
server on loopback, as a Linked Data client on the Web would.

Comunica asks for N-Quads first and matches a document's default graph, so this fails when a
resource document puts its triples in named graphs. The dataset's IRIs must dereference on
the loopback server, so the test copies the small linked-data fixture with its `/id/` IRIs
minted under the server's own base (UASA_PUBLIC_BASE), as a deployment publishing its own data
would.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, ROOT, LiveServer, free_port
from uasa.core.iris import Graphs
from uasa.ingest.pipeline import build, file_input

NODE = ROOT / "node_modules" / "node" / "bin" / "node"
COMUNICA = ROOT / "node_modules" / "@comunica" / "query-sparql-link-traversal" / "bin" / "query.js"
if not (NODE.is_file() and COMUNICA.is_file()):
    pytest.skip(
        "node@22 or Comunica is missing: run `make setup` (npm ci)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    folder = tmp_path_factory.mktemp("comunica")
    inputs = []
    for name, graph in [
        ("ontology.ttl", Graphs.ONTOLOGY),
        ("concepts.ttl", Graphs.CONCEPTS),
        ("data.ttl", Graphs.CURATED),
    ]:
        text = (
            (FIXTURES / name).read_text("utf-8").replace("https://w3id.org/uasa/id/", base + "id/")
        )
        (folder / name).write_text(text, "utf-8")
        inputs.append(file_input(folder / name, graph))
    store = str(folder / "store")
    build(inputs, store, out=lambda *_: None)
    live = LiveServer(store, env={"UASA_PUBLIC_BASE": base}, port=port)
    yield live
    live.stop()


def traverse(query: str, start: str) -> list[dict[str, str]]:
    """Run Comunica's command-line link-traversal engine; its SPARQL JSON answer as rows."""
    done = subprocess.run(
        [
            str(NODE),
            str(COMUNICA),
            start,
            query,
            "--lenient",
            "-t",
            "application/sparql-results+json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(ROOT),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def test_comunica_follows_links_from_an_agreement_to_its_parties(server: LiveServer) -> None:
    agreement = f"{server.url}/id/agreement/xyz-2024-01-01"
    # Each party's type is only in the party's own document, and the membership only in the
    # party's: both need a link followed from the agreement.
    rows = traverse(
        f"""PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?party ?type ?organisation WHERE {{
  <{agreement}> uasa:party ?party .
  ?party a ?type .
  OPTIONAL {{ ?membership org:member ?party ; org:organization ?organisation }}
}}""",
        agreement,
    )
    found = {(r["party"], r["type"], r.get("organisation")) for r in rows}
    party = f"{server.url}/id/party/"
    state = "https://w3id.org/uasa/def#State"
    assert found == {(party + "ukr", state, None), (party + "xyz", state, party + "g7")}
