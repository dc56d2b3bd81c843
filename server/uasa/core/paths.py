"""Where a source checkout keeps the folders the package reads by default.

The package lives in `server/uasa/`; the ontology, data, saved queries and front-end packages sit
at the repository root beside `server/`.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ONTOLOGY = ROOT / "ontology"
SHAPES = ONTOLOGY / "shapes"
DATA = ROOT / "data"
QUERIES = ROOT / "queries"
NODE_MODULES = ROOT / "node_modules"
