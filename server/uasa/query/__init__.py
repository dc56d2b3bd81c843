"""Running SPARQL: the killable worker pool, the remote store, the cache, the guard, saved
queries."""
