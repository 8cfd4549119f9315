"""The "I did it" path: verify what can be verified, ask the ambassador for the rest.

Policy: a self-report use case with `verify.channel_member` is checked with conversations.members, with
`verify.app_used` against the app and workflow uses Coach has observed (the daily `apps` counter); when one
of those holds it is done at once. Otherwise, with `verify.ambassador` it waits as *pending* until an
ambassador of the person's department (or an admin) confirms; with only unmet checks it is not verified;
without `verify` the person's word is taken. For observed use cases Coach checks membership criteria directly
and otherwise explains that it will notice by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.db import session_scope
from bot.deps import Deps
from bot.playbook.schema import UseCase
from bot.services.channels import channel_id_named
from bot.services.help_directory import ambassadors_of
from bot.services.people import get_person
from bot.services.progress import Outcome, complete_by, mark_pending, person_progress, used_an_app
from bot.slack.gateway import SlackError


@dataclass
class SelfReport:
    """The outcome, as a message key for the person plus who to ask for a confirmation."""

    result: str  # completed | pending | not_verified | watching | already_done | unknown
    use_case: UseCase | None = None
    ambassadors: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    newly_pending: bool = False  # False when an earlier "I did it" already asked the ambassadors


def _is_member(deps: Deps, channel_name: str, user_id: str) -> bool:
    with session_scope(deps.session_factory) as session:
        channel_id = channel_id_named(session, channel_name)
    if channel_id is None:
        return False
    try:
        return user_id in deps.slack.channel_members(channel_id)
    except SlackError:
        return False


def _used_an_app(deps: Deps, user_id: str) -> bool:
    with session_scope(deps.session_factory) as session:
        return used_an_app(session, user_id)


def report_done(deps: Deps, *, user_id: str, use_case_key: str) -> SelfReport:
    """Handle "I did it" for one use case; completes, parks as pending, or explains."""
    playbook = deps.playbook
    if use_case_key not in playbook.ladder_index:
        return SelfReport("unknown")
    use_case = playbook.use_case(use_case_key)
    criteria = use_case.criteria
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None:
            return SelfReport("unknown", use_case)
        if use_case_key in person_progress(session, person).completed:
            return SelfReport("already_done", use_case)
    if criteria.self_report:
        verify = criteria.verify
        if verify and verify.channel_member and _is_member(deps, verify.channel_member, user_id):
            return _complete(deps, user_id, use_case, "verified")
        if verify and verify.app_used and _used_an_app(deps, user_id):
            return _complete(deps, user_id, use_case, "verified")
        if verify and verify.ambassador:
            with session_scope(deps.session_factory) as session:
                person = get_person(session, user_id)
                assert person is not None
                newly = mark_pending(session, person=person, use_case_key=use_case_key, now=deps.clock.now())
                ambassadors = ambassadors_of(session, person.department)
            return SelfReport("pending", use_case, ambassadors=ambassadors, newly_pending=newly)
        if verify and (verify.channel_member or verify.app_used):
            return SelfReport("not_verified", use_case)
        return _complete(deps, user_id, use_case, "self_report")
    if criteria.event == "member_joined_channel" and criteria.channel and "*" not in criteria.channel:
        if _is_member(deps, criteria.channel, user_id):
            return _complete(deps, user_id, use_case, "verified")
        return SelfReport("not_verified", use_case)
    return SelfReport("watching", use_case)


def _complete(deps: Deps, user_id: str, use_case: UseCase, source: str) -> SelfReport:
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        assert person is not None
        outcome = complete_by(
            session,
            playbook=deps.playbook,
            person=person,
            use_case_key=use_case.key,
            source=source,
            now=deps.clock.now(),
        )
    return SelfReport("completed", use_case, outcome=outcome)
