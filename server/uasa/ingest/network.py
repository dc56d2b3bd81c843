"""The resource network for graph tools (Gephi, Cytoscape, yEd): GraphML, GEXF and CSV.

Nodes are the things people explore: agreements, parties, people, frameworks, places and
concepts (provision categories …), typed and labelled in English and Ukrainian. Edges are
the direct links between them, plus one edge per link of a part that belongs to a node
(a signature, provision, commitment, membership …), drawn from the owner: a signature
becomes `agreement → person` labelled "Signature: signatory", a provision becomes
`agreement → category` labelled "Provision: subject". Each edge has a `kind` (its property's
local name, after the part's type for an edge drawn from a part: `Signature.signatory`), so
that Gephi keeps parallel edges apart instead of merging them.

Node ids are the same in every file (`id.party.gbr`, the IRI in `iri`); agreements carry their
signing `year` as a number to lay out or filter by. (No money totals: which commitments add up
without counting a fund twice is the /agreements table's rule, in SPARQL.) GraphML and GEXF
carry the licence and source line in their own metadata fields.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

import networkx as nx
from pyoxigraph import Literal, NamedNode, Quad

from uasa.core import labels as labels_rule
from uasa.core.dataset import HOMEPAGE, LICENSE, TITLE, notice
from uasa.core.iris import (
    BASE,
    CONCEPT,
    DEF,
    ID,
    LABEL_PROPERTIES,
    OWNING_PROPERTIES,
    RDF,
)

TYPE = RDF + "type"
SIGNING_DATE = DEF + "signingDate"

# /id/<kind>/… that become nodes; everything else under /id/ is a part or a record.
NODE_KINDS = ("agreement", "party", "person", "framework", "body", "place", "series")
FILES = {
    "graphml": "uasa-network.graphml",
    "gexf": "uasa-network.gexf",
    "csv-nodes": "uasa-nodes.csv",
    "csv-edges": "uasa-edges.csv",
    # CSV has no place for a licence line a spreadsheet importer would not take for the header
    # row: the W3C CSV on the Web metadata beside the two tables carries it, with their schema.
    "csv-metadata": "uasa-network-csv-metadata.json",
}


def node_kind(iri: str) -> str | None:
    if iri.startswith(ID):
        kind = iri[len(ID) :].split("/", 1)[0]
        return kind if kind in NODE_KINDS else None
    if iri.startswith(CONCEPT):
        rest = iri[len(CONCEPT) :]
        return rest.split("/", 1)[0] if "/" in rest else None  # a concept, not its scheme
    return None


def _local(iri: str) -> str:
    return iri.replace("#", "/").rstrip("/").rsplit("/", 1)[-1]


@dataclass
class _Facts:
    """What the network is drawn from: each IRI subject's links to IRIs (sorted as the N-Quads
    lines of the canonical dump are, so that the files come out the same from every build of
    the same data), its label candidates and its signing year."""

    links: dict[str, dict[str, list[NamedNode]]]
    labels: dict[str, set[labels_rule.Candidate]]
    years: dict[str, int]

    def label(self, iri: str, lang: str = "en") -> str:
        chosen = labels_rule.best(self.labels.get(iri, ()), lang)
        return chosen[2] if chosen else _local(iri)


def _facts(quads: Iterable[Quad]) -> _Facts:
    out: dict[str, dict[str, set[NamedNode]]] = defaultdict(lambda: defaultdict(set))
    label_sets: dict[str, set[labels_rule.Candidate]] = defaultdict(set)
    years: dict[str, int] = {}
    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        if not isinstance(s, NamedNode):
            continue
        if isinstance(o, NamedNode):
            out[s.value][p].add(o)
        elif p in LABEL_PROPERTIES and isinstance(o, Literal):
            label_sets[s.value].add((p, o.language, o.value))
        elif p == SIGNING_DATE and isinstance(o, Literal) and o.value[:4].isdigit():
            years[s.value] = int(o.value[:4])
    links = {
        iri: {p: sorted(values, key=str) for p, values in by_p.items()} for iri, by_p in out.items()
    }
    return _Facts(links, label_sets, years)


def resource_network(quads: Iterable[Quad]) -> nx.MultiDiGraph:
    """The typed, labelled resource network of a dataset (union of its graphs).

    ``quads`` may be a stream straight from the store: only IRI subjects' links to IRIs and
    their labels are kept, so a big store's literals never sit in memory.
    """
    facts = _facts(quads)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="uasa resource network")
    for iri in sorted(set(facts.links) | set(facts.labels)):
        kind = node_kind(iri)
        if kind is None:
            continue
        types = sorted(_local(t.value) for t in facts.links.get(iri, {}).get(TYPE, []))
        label = facts.label
        graph.add_node(
            iri, label=label(iri), label_uk=label(iri, "uk"), kind=kind, type=" ".join(types)
        )
        if iri in facts.years:
            graph.nodes[iri]["year"] = facts.years[iri]
    _add_edges(graph, facts)
    return graph


def _add_edges(graph: nx.MultiDiGraph[str], facts: _Facts) -> None:
    """A node's direct links to other nodes, and its parts' links drawn from it."""
    seen: set[tuple[str, str, str, str]] = set()
    label = facts.label

    def add_edge(source: str, target: str, prop: str, text: str, kind: str) -> None:
        # One edge per (source, target, property, label); its key is the edge's id in GraphML
        # and GEXF, so it is unique and has no spaces: e1, e2 … in this (sorted) order.
        if (source, target, prop, text) not in seen:
            seen.add((source, target, prop, text))
            graph.add_edge(
                source, target, key=f"e{len(seen)}", label=text, property=prop, kind=kind
            )

    for iri, links in sorted(facts.links.items()):
        owner = next((o.value for p in OWNING_PROPERTIES for o in links.get(p, [])), None)
        if iri in graph:
            for prop, values in sorted(links.items()):
                for v in values:
                    if v.value in graph and prop != TYPE:
                        add_edge(iri, v.value, prop, label(prop), _local(prop))
        elif owner in graph:
            part = ", ".join(label(t.value) for t in links.get(TYPE, []))
            part_kind = "+".join(_local(t.value) for t in links.get(TYPE, []))
            for prop, values in sorted(links.items()):
                if prop in OWNING_PROPERTIES or prop == TYPE:
                    continue
                for v in values:
                    if owner and v.value in graph and v.value != owner:
                        add_edge(
                            owner,
                            v.value,
                            prop,
                            f"{part}: {label(prop)}" if part else label(prop),
                            f"{part_kind}.{_local(prop)}" if part_kind else _local(prop),
                        )


def node_token(iri: str) -> str:
    """A node's id in GraphML and GEXF: GraphML ids are XML name tokens, which an IRI's `/` is
    not, so `https://w3id.org/uasa/id/party/gbr` becomes `id.party.gbr`. The IRI itself is the
    node's `iri` attribute."""
    rest = iri[len(BASE) :] if iri.startswith(BASE) else iri
    return re.sub(r"[^\w.:-]", "_", rest.replace("/", "."))


def _for_xml(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph with token node ids (the IRI kept as `iri`), for the XML formats."""
    tokens: dict[str, str] = {}
    used: set[str] = set()  # a set: looking in tokens.values() made this quadratic
    for iri in graph.nodes:
        token = node_token(iri)
        while token in used:  # never for this dataset's IRIs, but stay unique
            token += "_"
        tokens[iri] = token
        used.add(token)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=graph.graph.get("name"))
    for iri, data in graph.nodes(data=True):
        out.add_node(tokens[iri], iri=iri, **data)
    for source, target, key, data in graph.edges(keys=True, data=True):
        out.add_edge(tokens[source], tokens[target], key=key, **data)
    return out


def graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML, the licence and source line as the graph's `description` attribute."""
    copy = _for_xml(graph)
    copy.graph["description"] = notice()
    text = "\n".join(nx.generate_graphml(copy, prettyprint=True))
    return text.encode("utf-8") + b"\n"


def gexf(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.3. GEXF names the label attribute itself; networkx takes it from the "label"
    node and edge attributes, and the edge id from the "id" one (here: the edge's key)."""
    copy = _for_xml(graph)
    kinds = {}
    for _, _, key, data in copy.edges(keys=True, data=True):
        data["id"] = key
        kinds[key] = data.pop("kind")  # GEXF 1.3's own `kind` attribute of <edge>, below
    text = "\n".join(nx.generate_gexf(copy, prettyprint=True, version="1.3"))
    text = re.sub(
        r'<edge ([^>]*?)id="([^"]+)"',
        lambda m: f'<edge {m.group(1)}id="{m.group(2)}" kind="{escape(kinds[m.group(2)])}"',
        text,
    )
    # GEXF 1.3 has no name attribute on <graph> (networkx writes one, empty or not).
    text = re.sub(r'(<graph [^>]*?) name="[^"]*"', r"\1", text, count=1)
    # networkx 3.6 misspells the XML Schema instance namespace in its GEXF 1.3 header.
    text = text.replace(
        'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"',
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        1,
    )
    # networkx stamps today's date; drop it so two builds of the same input give the same file.
    # The licence and source line is the meta's description (GEXF's creator names networkx).
    text = re.sub(
        r'<meta lastmodifieddate="[^"]*">(\s*)<creator>([^<]*)</creator>',
        lambda m: (
            f"<meta>{m.group(1)}<creator>{m.group(2)}</creator>"
            f"{m.group(1)}<description>{escape(notice())}</description>"
        ),
        text,
        count=1,
    )
    # networkx also writes each multigraph key as an edge attribute "networkx_key": the key is
    # the edge's id already, so the attribute and its values go.
    found = re.search(r'\n *<attribute id="(\d+)" title="networkx_key" type="string" */>', text)
    if found:
        text = text.replace(found.group(0), "", 1)
        text = re.sub(rf'\n *<attvalue for="{found.group(1)}" value="[^"]*" */>', "", text)
    return text.encode("utf-8") + b"\n"


NODE_COLUMNS = ("id", "iri", "label", "label_uk", "kind", "type", "year")
EDGE_COLUMNS = ("id", "source", "target", "label", "property", "kind")


def nodes_csv(graph: nx.MultiDiGraph) -> bytes:
    """Gephi's and Cytoscape's node table: the same ids as GraphML and GEXF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(NODE_COLUMNS)
    for token, data in _for_xml(graph).nodes(data=True):
        writer.writerow([token, *(data.get(c, "") for c in NODE_COLUMNS[1:])])
    return buffer.getvalue().encode("utf-8")


def edges_csv(graph: nx.MultiDiGraph) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    for source, target, key, data in _for_xml(graph).edges(keys=True, data=True):
        writer.writerow([key, source, target, data["label"], data["property"], data["kind"]])
    return buffer.getvalue().encode("utf-8")


def _column(name: str, datatype: str = "string", required: bool = False) -> dict[str, object]:
    return {"name": name, "titles": name, "datatype": datatype, "required": required}


def csv_metadata(graph: nx.MultiDiGraph) -> bytes:
    """CSVW metadata (W3C "CSV on the Web") for the node and edge tables: licence and source,
    the columns with their datatypes, and the edges' source and target as foreign keys."""
    nodes, edges = FILES["csv-nodes"], FILES["csv-edges"]
    node_columns = [_column("id", required=True), _column("iri", "anyURI", True)]
    node_columns += [_column(c) for c in NODE_COLUMNS[2:-1]] + [_column("year", "integer")]
    edge_columns = [_column(c, required=c in {"id", "source", "target"}) for c in EDGE_COLUMNS]
    edge_columns[EDGE_COLUMNS.index("property")]["datatype"] = "anyURI"
    keys = [
        {"columnReference": end, "reference": {"resource": nodes, "columnReference": "id"}}
        for end in ("source", "target")
    ]
    document = {
        "@context": "http://www.w3.org/ns/csvw",
        "dc:title": f"{TITLE['en']}: the resource network",
        "dc:license": {"@id": LICENSE},
        "dc:source": {"@id": HOMEPAGE},
        "dc:description": notice(),
        "tables": [
            {"url": nodes, "tableSchema": {"columns": node_columns, "primaryKey": "id"}},
            {
                "url": edges,
                "tableSchema": {"columns": edge_columns, "primaryKey": "id", "foreignKeys": keys},
            },
        ],
    }
    return json.dumps(document, indent=1).encode("utf-8") + b"\n"


RENDER = {
    "graphml": graphml,
    "gexf": gexf,
    "csv-nodes": nodes_csv,
    "csv-edges": edges_csv,
    "csv-metadata": csv_metadata,
}


def export_files(quads: Iterable[Quad]) -> dict[str, bytes]:
    """Every network export of the data, by file name (the build writes them with the dumps)."""
    graph = resource_network(quads)
    return {FILES[name]: render(graph) for name, render in RENDER.items()}
