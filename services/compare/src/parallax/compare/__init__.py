"""Parallax compare: what differs between the articles of one event, with the evidence."""
