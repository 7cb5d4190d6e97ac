"""Parallax ingest: read articles in every form they come in, clean them, deduplicate, store."""
