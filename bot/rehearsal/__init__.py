"""The rehearsal: run the real app against a simulated Slack and clock, and report what a rollout would do."""
