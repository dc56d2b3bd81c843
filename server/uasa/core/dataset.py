"""What the dataset says about itself, once: the title, description, licence, keywords and
publisher that VoID/DCAT, the schema.org markup on the landing page and the licence line at
the head of every dump and graph-tool export state."""

from __future__ import annotations

from uasa import __version__
from uasa.core.iris import BASE

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
HOMEPAGE = BASE
PUBLISHER_NAME = "uasa project"


def notice() -> str:
    """The licence and source line every downloaded file carries (as a comment, or in the
    format's own metadata field). No build date: two builds of the same data give the same
    files."""
    return (
        f"{TITLE['en']} (uasa {__version__}). Licence: CC BY 4.0, {LICENSE} . "
        f"Source: {HOMEPAGE} (dataset {HOMEPAGE}dataset, publisher {PUBLISHER})."
    )
