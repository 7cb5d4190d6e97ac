"""Parallax annotate: the per-article language analysis every comparison rests on."""
