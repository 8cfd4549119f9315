from pathlib import Path

from click.testing import CliRunner

from bot.cli.playbook import playbook
from bot.playbook.loader import default_playbook_path
from tests.playbook.samples import MINIMAL


def test_check_prints_ok_summary_for_the_default() -> None:
    result = CliRunner().invoke(playbook, ["check", str(default_playbook_path())])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 4 stages, 14 use cases, locales en, ja"


def test_check_prints_each_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    broken = MINIMAL.replace("tz: Asia/Tokyo", "tz: Mars/Base").replace(
        '    title: {en: "First', '    titel: {en: "First'
    )
    path.write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(playbook, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f'{path}:7: stage "first-steps" is missing the field "title"',
        f'{path}:8: unknown field "titel" in stage "first-steps" (did you mean "title"?)',
        f'{path}:50: "tz" of "hours" in contact 1 of help topic "how-to": "Mars/Base" is not a time zone '
        'Coach knows; use an IANA name such as "Asia/Tokyo"',
    ]
    assert "3 problems found." in result.output


def test_check_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(playbook, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "cannot read the file" in result.output


def test_check_refuses_recursive_yaml_with_file_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("version: 1\na: &x [*x]\n", encoding="utf-8")
    result = CliRunner().invoke(playbook, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: an alias refers to a node that contains it (recursive YAML)" in result.stdout
    assert "RecursionError" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_check_allows_a_shared_alias_that_is_not_a_loop(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(MINIMAL + "\nx-shared: &s {a: 1}\nx-again: *s\n", encoding="utf-8")
    result = CliRunner().invoke(playbook, ["check", str(path)])
    assert "recursive YAML" not in result.output
