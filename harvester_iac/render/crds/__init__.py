"""Vendored CRD schemas (data only; see PROVENANCE.md). A package so wheels ship the JSON."""
