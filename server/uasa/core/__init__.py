"""Leaf modules shared by every layer: IRIs, settings, errors, negotiation, store layout."""
