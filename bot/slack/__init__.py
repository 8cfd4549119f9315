"""The one way out to Slack."""
