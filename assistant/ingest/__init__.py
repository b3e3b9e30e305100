"""Ingestion: read article files, strip boilerplate, extract metadata, cut passages."""
