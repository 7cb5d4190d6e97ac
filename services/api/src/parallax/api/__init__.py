"""Parallax API: where measurements become framing scores, each linked to its evidence."""
