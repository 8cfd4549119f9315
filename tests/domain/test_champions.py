"""Who may be invited to the champions network again: never after accepting or while waiting; after a decline
only once the playbook's waiting time has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.champions import InviteState, may_invite_again

NOW = datetime(2026, 12, 7, 11, tzinfo=UTC)


def test_a_decline_holds_re_invites_for_the_waiting_days() -> None:
    assert may_invite_again(InviteState.NONE, None, NOW, 90)
    assert not may_invite_again(InviteState.INVITED, None, NOW, 90)
    assert not may_invite_again(InviteState.ACCEPTED, NOW - timedelta(days=400), NOW, 90)
    assert not may_invite_again(InviteState.DECLINED, NOW - timedelta(days=89, hours=23), NOW, 90)
    assert may_invite_again(InviteState.DECLINED, NOW - timedelta(days=90), NOW, 90)
