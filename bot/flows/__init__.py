"""Flows: take the dependencies (``Deps``), own the transaction, call services, call Slack, render views."""
