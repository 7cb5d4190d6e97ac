"""Canonical actors: the curated actor file and linking mentions in a text to it."""
