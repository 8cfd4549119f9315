"""Flows: what happens when someone acts, from the request to Slack.

The rule: services take a session and return plain results, never call Slack and never commit; flows
take the dependencies (`Deps`), own the transaction (`session_scope`), call the gateway (`deps.slack`)
and render views. Handlers and jobs call flows; flows call services; services never call flows.
"""
