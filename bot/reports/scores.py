"""Interim 0-100 scores for the report, until `bot.services.metrics` defines Adoption, Maturity and Sentiment.

Each function is small and named `interim_*` so the lead can swap it for the metrics module's definition at merge
(issue 12 item 1: one definition of every metric). The rules here, stated so a reader can recompute them:
- Adoption (person): 100 × min(active days among the last 7 days of the window, 3) / 3 — 100 exactly when the
  person meets the issue's rule "active on at least 3 of the last 7 days". A group's Adoption is the share of
  its people who meet that rule.
- Maturity (person): 60 × stage / number of stages, plus 10 for each kind of use beyond chat seen in the window:
  thread replies, files, apps, workflows (workflows only Slack's member analytics can see).
- Sentiment: the mean of 1-5 answers (pulse, training and feedback-gate ratings, help satisfaction) mapped to
  0-100 ((mean - 1) / 4 × 100); None from fewer than `MIN_ANSWERS` answers (privacy, and honesty).
"""

from __future__ import annotations

from collections.abc import Sequence

ADOPTION_DAYS = 3  # active on at least this many …
ADOPTION_OF_LAST = 7  # … of the last this many days
MIN_ANSWERS = 3


def interim_person_adoption(active_days_last_7: int) -> int:
    """0-100: how close the person is to being active on 3 of the last 7 days."""
    return round(100 * min(max(active_days_last_7, 0), ADOPTION_DAYS) / ADOPTION_DAYS)


def interim_adopted(active_days_last_7: int) -> bool:
    """The person meets the Adoption rule (a group's Adoption is the share who do)."""
    return active_days_last_7 >= ADOPTION_DAYS


def interim_person_maturity(
    stage: int, stage_total: int, *, replies: int, files: int, apps: int, workflows: int
) -> int:
    """0-100: stage reached (60) and breadth beyond chat (10 each: threads, files, apps, workflows)."""
    ladder = 60 * min(max(stage, 0), stage_total) / stage_total if stage_total else 0
    breadth = 10 * sum(1 for used in (replies, files, apps, workflows) if used > 0)
    return round(ladder + breadth)


def interim_sentiment(scores: Sequence[int]) -> int | None:
    """0-100 from 1-5 answers, or None when fewer than MIN_ANSWERS answered."""
    if len(scores) < MIN_ANSWERS:
        return None
    mean = sum(scores) / len(scores)
    return round((mean - 1) / 4 * 100)
