"""Block Kit builders: pure functions from plain state to Slack's dicts, validated in tests."""
