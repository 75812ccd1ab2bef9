"""``python -m ecoute.cli``: the command line, as the ``ecoute`` script runs it."""

from ecoute.cli import app

app()
