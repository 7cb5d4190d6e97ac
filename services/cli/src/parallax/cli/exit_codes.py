"""Exit codes of the `parallax` command, so scripts can tell outcomes apart."""

OK = 0
"""Everything asked for was done."""
FAILURE = 1
"""Nothing was done: every input was refused, or the command could not run (database down …)."""
USAGE = 2
"""The command line itself was wrong (click's own code for usage errors)."""
PARTIAL = 3
"""Some inputs went in and some were refused; the refusals are recorded and listed."""
