"""Parallax shared core: settings, storage, interchange types and text normalisation."""
