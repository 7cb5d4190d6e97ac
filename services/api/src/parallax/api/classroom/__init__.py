"""The classroom pages: events seen through every outlet's eyes, for media-literacy classes."""
