"""Parallax cluster: finds every outlet's article about the same event, across languages, as a stream."""
