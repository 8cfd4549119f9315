"""Alembic environment and revisions (a package so the installed app can find them)."""
