"""Building a store: load, validate, derive, dump, export."""
