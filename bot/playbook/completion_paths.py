# How each use case can be completed, and warnings for the ones nothing can complete.
#
# A use case is completed by (1) an observed event matching its criteria, (2) "I did it" — on the Home tab as
# the person's next step when it is required, or in the "Optional steps" list (the first MAX_OPTIONAL_ON_HOME
# optional use cases not yet done) — checked by `verify` (channel membership, an observed app or workflow use)
# or taken on the person's word, or (3) an ambassador's confirmation (`verify.ambassador`, or `/coach confirm`).
# `coach playbook check` prints these warnings and still accepts the file: an admin may mean it.

from __future__ import annotations

from collections.abc import Iterator

from bot.playbook.paths import Path
from bot.playbook.schema import MAX_OPTIONAL_ON_HOME, Playbook

Warning = tuple[Path, str]
_PATTERN_CHARS = frozenset("*?[")


def _paths(pb: Playbook) -> dict[str, Path]:
    return {
        uc.key: ("stages", s, "use_cases", u, "criteria")
        for s, stage in enumerate(pb.stages)
        for u, uc in enumerate(stage.use_cases)
    }


def completion_warnings(pb: Playbook) -> list[Warning]:
    """Use cases no criterion, self-report or confirmation can complete (or that people may never be offered)."""
    return [*_unverifiable(pb), *_hidden_optional(pb)]


def _unverifiable(pb: Playbook) -> Iterator[Warning]:
    """A self-report whose only check is membership of a channel pattern: Coach cannot check a pattern."""
    paths = _paths(pb)
    for uc in pb.all_use_cases():
        verify = uc.criteria.verify
        if not uc.criteria.self_report or verify is None or verify.app_used or verify.ambassador:
            continue
        member = verify.channel_member
        if member and _PATTERN_CHARS & set(member):
            yield (
                (*paths[uc.key], "verify", "channel_member"),
                f'warning: use case "{uc.key}" can never be completed: "I did it" is checked by membership of '
                f'"{member}", which is a pattern, not one channel; name one channel or add "ambassador: true"',
            )


def _hidden_optional(pb: Playbook) -> Iterator[Warning]:
    """An optional "I did it" use case past the Home tab's list: only shown once earlier optional steps are done."""
    paths = _paths(pb)
    for position, uc in enumerate(pb.optional_use_cases(), 1):
        if position <= MAX_OPTIONAL_ON_HOME or not uc.criteria.self_report:
            continue
        yield (
            (*paths[uc.key], "self_report"),
            f'warning: use case "{uc.key}" is completed only by "I did it", but it is optional step {position} and '
            f"the Home tab lists {MAX_OPTIONAL_ON_HOME} optional steps: nobody sees its button until "
            f"{position - MAX_OPTIONAL_ON_HOME} earlier optional steps are done; require it in its stage or move "
            "it up",
        )
