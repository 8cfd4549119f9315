"""Services take a session and return plain results: load and save through models, decide through the
domain; they never call Slack and never commit (bot/flows/ does both)."""
