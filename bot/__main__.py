"""`python -m bot ...` is `powerbot ...` (the bot starts its own retraining this way)."""

from bot.cli import cli

cli()
