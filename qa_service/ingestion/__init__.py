"""Ingestion: load -> clean -> split -> enrich -> embed -> upsert, used by the CLI (`python -m ingest`) and by uploads."""
