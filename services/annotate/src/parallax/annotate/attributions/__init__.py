"""Attributions: who speaks in an article, how, and what they say."""
