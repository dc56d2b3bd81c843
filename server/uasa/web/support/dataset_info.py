"""What the dataset says about itself, once: the title, description, licence, keywords and
publisher that VoID/DCAT (`/.well-known/void`), the dumps' header lines and the schema.org
`Dataset` markup on the landing page all state."""

from __future__ import annotations

import json
from typing import Any

from uasa import __version__
from uasa.core.iris import BASE, DATASET

TITLE = {
    "en": "Ukraine's bilateral security agreements",
    "uk": "Двосторонні безпекові угоди України",
}
DESCRIPTION = (
    "Ukraine's bilateral security agreements (2024-2025), their parties, signatories, "
    "provisions and commitments, and the frameworks around them, every fact sourced."
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
KEYWORDS = (
    "Ukraine",
    "security agreements",
    "international agreements",
    "security assistance",
    "knowledge graph",
)
# The publisher the ontology names (ontology/uasa.ttl), with its foaf:name there.
PUBLISHER = BASE + "id/org/uasa-project"
PUBLISHER_NAME = "uasa project"
HOMEPAGE = "https://w3id.org/uasa/"


def schema_dataset(root: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """schema.org `Dataset` JSON-LD for the landing page, as Google Dataset Search reads it:
    name, description, licence, publisher, coverage and one `DataDownload` per RDF dump."""
    downloads = [
        {
            "@type": "DataDownload",
            "contentUrl": f"{root}dumps/{entry['name']}",
            "encodingFormat": entry.get("format", entry["media_type"]),
            "contentSize": f"{entry['bytes']} B",
        }
        for entry in manifest.get("dumps", [])
        if not entry["name"].endswith(".gz")
    ]
    markup: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": DATASET,
        "name": TITLE["en"],
        "alternateName": TITLE["uk"],
        "description": DESCRIPTION,
        "url": root,
        "license": LICENSE,
        "isAccessibleForFree": True,
        "keywords": list(KEYWORDS),
        "inLanguage": ["en", "uk"],
        "version": __version__,
        "temporalCoverage": "2023/2025",
        "spatialCoverage": {"@type": "Place", "name": "Ukraine"},
        "creator": {"@type": "Organization", "@id": PUBLISHER, "name": PUBLISHER_NAME},
        "publisher": {"@type": "Organization", "@id": PUBLISHER, "name": PUBLISHER_NAME},
        "distribution": downloads,
        "subjectOf": {"@type": "DataCatalog", "url": f"{root}.well-known/void"},
    }
    if manifest.get("built"):
        markup["dateModified"] = manifest["built"]
    if manifest.get("content_hash"):
        markup["identifier"] = manifest["content_hash"]
    return markup


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: no `</` can close it early."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
