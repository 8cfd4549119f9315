"""Answers to the feedback gate's question: the rules for a rating and a comment, and a round's summary.

Pure: plain values in and out. A comment is trimmed, never refused: anything a person took the time to write
(emoji only included) is kept up to COMMENT_MAX characters, and the reply names how long it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

COMMENT_MAX = 2000
SCORES = range(1, 6)
COMMENTS_SHOWN = 5


@dataclass(frozen=True)
class CleanComment:
    text: str | None  # None: no comment (empty or only whitespace)
    original_length: int  # characters as written (after trimming surrounding whitespace)

    @property
    def trimmed(self) -> bool:
        return self.original_length > COMMENT_MAX


def clean_comment(raw: str | None) -> CleanComment:
    """Strip surrounding whitespace; keep at most COMMENT_MAX characters; blank means no comment."""
    text = (raw or "").strip()
    if not text:
        return CleanComment(None, 0)
    return CleanComment(text[:COMMENT_MAX].rstrip() or text[:COMMENT_MAX], len(text))


def parse_score(value: object) -> int | None:
    """A rating 1–5 from a button or an option value ("4"), or None when it is anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value in SCORES else None
    if isinstance(value, str) and value.strip().isdigit():
        score = int(value.strip())
        return score if score in SCORES else None
    return None


@dataclass(frozen=True)
class Comment:
    text: str
    slack_user_id: str | None  # only when the person ticked "show my name"


@dataclass(frozen=True)
class FeedbackSummary:
    """What members said in one gate round: answered of asked, average, the 1–5 spread, comments."""

    round: int
    asked: int
    answered: int
    average: float | None
    distribution: dict[int, int] = field(default_factory=dict)
    comment_count: int = 0
    comments: list[Comment] = field(default_factory=list)  # newest first, at most COMMENTS_SHOWN


def summarise(
    round_: int, asked: int, score_counts: Iterable[tuple[int, int]], comment_count: int, comments: list[Comment]
) -> FeedbackSummary:
    """A round's summary from (score, answers) counts."""
    distribution = {s: 0 for s in SCORES}
    for score, n in score_counts:
        if score in distribution:
            distribution[score] += n
    answered = sum(distribution.values())
    average = sum(s * n for s, n in distribution.items()) / answered if answered else None
    return FeedbackSummary(
        round_, max(asked, answered), answered, average, distribution, comment_count, comments[:COMMENTS_SHOWN]
    )
