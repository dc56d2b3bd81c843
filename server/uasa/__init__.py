"""uasa: a knowledge graph of Ukraine's bilateral security agreements, served over SPARQL."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("uasa")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
