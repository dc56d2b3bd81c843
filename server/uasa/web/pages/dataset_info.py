"""The schema.org `Dataset` markup of the landing page, from what the dataset says about itself
(`uasa.core.dataset`)."""

from __future__ import annotations

import json
from typing import Any

from uasa import __version__
from uasa.core.dataset import DESCRIPTION, KEYWORDS, LICENSE, PUBLISHER, PUBLISHER_NAME, TITLE
from uasa.core.iris import DATASET, SCHEMA


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
        "@context": SCHEMA,
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
