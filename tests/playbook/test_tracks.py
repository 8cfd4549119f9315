"""The playbook's role tracks: the default ships one per role (en/ja), and a broken track is refused with file,
line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.playbook.loader import check_playbook, default_playbook_path, load_playbook
from bot.playbook.schema import TRACK_ROLES
from tests.playbook.samples import MINIMAL

TRACKS = """
tracks:
  sponsor:
    title: {en: "Sponsor", ja: "スポンサー"}
    summary: {en: "Lead visibly", ja: "見える形で"}
    lessons:
      - key: post-the-purpose
        title: {en: "Post the purpose", ja: "目的を投稿"}
        body: {en: "Post why", ja: "理由を投稿"}
  employee:
    title: {en: "Everyone", ja: "全員"}
    summary: {en: "The ladder", ja: "ステージ"}
    ladder: true
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_playbook_has_a_track_for_every_role_in_both_languages() -> None:
    pb = load_playbook(default_playbook_path())
    assert list(pb.tracks) == list(TRACK_ROLES)
    assert pb.tracks["employee"].ladder and not pb.tracks["employee"].lessons
    for role in ("sponsor", "ambassador", "admin"):
        lessons = pb.tracks[role].lessons
        assert 3 <= len(lessons) <= 5
        for lesson in lessons:
            assert lesson.title["en"] and lesson.title["ja"] and lesson.body["en"] and lesson.body["ja"]


def test_a_valid_track_loads(tmp_path: Path) -> None:
    pb = load_playbook(_write(tmp_path, MINIMAL + TRACKS))
    assert pb.tracks["sponsor"].lesson("post-the-purpose") is not None


@pytest.mark.parametrize(
    ("old", "new", "marker", "reason"),
    [
        (
            'body: {en: "Post why", ja: "理由を投稿"}',
            'body: {en: "Post why"}',
            "body:",
            'Japanese ("ja") text of "body"',
        ),
        ("  sponsor:\n", "  ceo:\n", "tracks:", '"ceo" is not a role with a track'),
        (
            "    ladder: true\n",
            "    ladder: true\n    lessons: [{key: x, title: {en: a, ja: a}, body: {en: b, ja: b}}]\n",
            "  employee:",
            "has no lessons of its own",
        ),
    ],
)
def test_a_broken_track_is_refused_with_its_line(tmp_path: Path, old: str, new: str, marker: str, reason: str) -> None:
    text = (MINIMAL + TRACKS).replace(old, new, 1)
    [error] = check_playbook(_write(tmp_path, text))
    assert reason in error.reason, error
    lines = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert error.line in lines, (error, lines)
