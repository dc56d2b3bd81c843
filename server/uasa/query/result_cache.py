"""An in-process cache of query results, keyed by the request and the build.

The served store never changes between builds, so a result stays right for as long as the
build it came from is served: the key includes the build's content hash, and a new build
(a new server start) starts with an empty cache. Only successful results are kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from uasa.query.types import Executor, QueryRequest, QueryResult

MAX_ENTRY_FRACTION = 8  # one result may take at most 1/8 of the cache
# What an entry costs besides its body: the 64-character key, the result object, its media
# type and the dict's slot: ~280 bytes under tracemalloc, doubled for safety. Counting
# it keeps the bound true for many tiny results (an ASK answer is ~50 bytes).
ENTRY_OVERHEAD = 512


def entry_size(result: QueryResult) -> int:
    return len(result.body) + ENTRY_OVERHEAD


def request_key(req: QueryRequest, build: str) -> str:
    """A stable digest of everything that can change a result: the build, query and options."""
    parts = [
        build,
        req.query,
        str(req.base_iri),
        str(req.use_default_graph_as_union),
        repr(req.default_graph),
        repr(req.named_graphs),
        repr(sorted((name, str(term)) for name, term in req.substitutions.items())),
        str(req.results_media_type),
        str(req.graph_media_type),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class CachingExecutor:
    """Wraps a :class:`QueryExecutor` with an LRU cache of results bounded in bytes, keys and
    bookkeeping included."""

    def __init__(self, inner: Executor, build: str, max_bytes: int) -> None:
        self.inner = inner
        self.build = build
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, QueryResult] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def execute(self, request: QueryRequest, timeout: float) -> QueryResult:
        key = request_key(request, self.build)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return cached
            self.misses += 1
        result = self.inner.execute(request, timeout)
        if entry_size(result) <= self.max_bytes // MAX_ENTRY_FRACTION:
            with self._lock:
                if key not in self._entries:
                    self._entries[key] = result
                    self._size += entry_size(result)
                while self._size > self.max_bytes:
                    _, evicted = self._entries.popitem(last=False)
                    self._size -= entry_size(evicted)
        return result

    def close(self) -> None:
        self.inner.close()
