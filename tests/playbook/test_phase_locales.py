"""`coach playbook check` refuses phase content that lacks a locale or a phase, with file, line and reason."""

from __future__ import annotations

from pathlib import Path

from bot.playbook.loader import check_playbook, default_playbook_path


def test_a_phase_intro_without_japanese_is_refused_with_its_line(tmp_path: Path) -> None:
    text = default_playbook_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("  refreeze:")
    ja = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("ja:"))
    del lines[ja]
    broken = tmp_path / "pb.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = check_playbook(broken)
    assert errors, "a phase intro without Japanese must be refused"
    assert any(e.file.endswith("pb.yaml") and "Japanese" in e.reason and e.line > start for e in errors), errors


def test_a_missing_phase_is_refused(tmp_path: Path) -> None:
    text = default_playbook_path().read_text(encoding="utf-8")
    head, _, rest = text.partition("  feedback:\n")
    tail = rest.split("\n\n", 1)[1]
    broken = tmp_path / "pb.yaml"
    broken.write_text(head + "\n" + tail, encoding="utf-8")
    errors = check_playbook(broken)
    assert any("feedback" in e.reason for e in errors), errors
