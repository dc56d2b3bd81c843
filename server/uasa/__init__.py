"""uasa: a knowledge graph of Ukraine's bilateral security agreements, served over SPARQL."""

# A literal, read by setuptools for the package metadata: asking importlib.metadata instead
# cost every process (the query workers' forkserver included) ~50 ms of imports at start.
__version__ = "0.1.0"
