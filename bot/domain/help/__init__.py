"""Help requests: every question reaches a named person, and the asker always knows who has it.

Pure rules only (no Slack, no database, time passed in as ``now``), one module per concern:

- ``directory``: the help directory (topics, contacts, FAQ) as small frozen dataclasses the playbook adapts into;
- ``matching``: ``suggest_topic`` / ``match_faq``, keyword matching that also works for Japanese text without spaces;
- ``routing``: who owns a new question (primary → backup → ambassador → admin channel), with a reason for
  every person skipped, and the business-time deadlines;
- ``state``: a request's state, the *effects* the flows carry out, and the results of a transition;
- ``actions`` (``open_request``, ``take``, ``answer``, ``hand_over``, ``confirm``, ``rate``) and
  ``escalation`` (``tick``): the transitions, each returning a new ``HelpState`` plus effects;
- ``question``: ``clean_question`` for user input; ``metrics``: KPIs over request records.

Invariant kept by every transition: a request that is not closed has exactly one current owner (a user
id, or the admin channel) and a next deadline (``HelpState.next_deadline``); its history only grows.
"""
