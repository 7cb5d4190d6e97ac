"""Readers: each turns one kind of input into drafts (articles as found) or refusals."""
