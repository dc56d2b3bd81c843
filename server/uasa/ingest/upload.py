"""`uasa build --to URL`: load the build's graphs into a remote store."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import requests
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

from uasa.core.urls import redact


def upload(db: Store, graph_store_url: str, out: Callable[[str], None] = print) -> None:
    """Replace each graph of the remote store with the build's, by Graph Store Protocol PUT.

    Each graph is written to a temporary N-Triples file by Oxigraph and streamed from there,
    so a big graph never sits in memory.
    """
    graphs: list[NamedNode | DefaultGraph] = [
        g for g in db.named_graphs() if isinstance(g, NamedNode)
    ]
    graphs.append(DefaultGraph())
    with requests.Session() as session, tempfile.TemporaryDirectory(prefix="uasa-put-") as tmp:
        for graph in graphs:
            path = Path(tmp) / "graph.nt"
            db.dump(path, RdfFormat.N_TRIPLES, from_graph=graph)
            with path.open("rb") as f:
                triples = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            if not triples and isinstance(graph, DefaultGraph):
                continue
            params = {"default": ""} if isinstance(graph, DefaultGraph) else {"graph": graph.value}
            try:
                with path.open("rb") as body:
                    response = session.put(
                        graph_store_url,
                        params=params,
                        data=body,
                        headers={"Content-Type": "application/n-triples"},
                        timeout=600,
                    )
            except requests.RequestException as exc:
                raise OSError(f"cannot reach {redact(graph_store_url)}: {exc}") from None
            if response.status_code >= 300:
                raise OSError(
                    f"{redact(graph_store_url)} refused graph {params}: "
                    f"{response.status_code} {response.text.strip()[:200]}"
                )
            name = "(default graph)" if isinstance(graph, DefaultGraph) else graph.value
            out(f"  uploaded {triples:>9} triples  {name}")
