"""`python -m bot` is the same as the `coach` command."""

from bot.cli import main

main()
