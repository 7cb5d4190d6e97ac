"""The `parallax` command: thin shells over the services, run in-process."""
