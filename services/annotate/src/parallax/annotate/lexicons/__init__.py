"""Loaded and distancing language: curated lexicons per language, and scare quotes."""
