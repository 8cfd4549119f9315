"""Every use case is reachable: `coach playbook check` warns about use cases nothing can complete and refuses
more required use cases than the planner's bit mask holds, each with file:line and a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.playbook import playbook as playbook_cli
from bot.playbook import PlaybookInvalid, load_playbook
from bot.playbook.loader import default_playbook_path, load_playbook_with_warnings
from bot.playbook.schema import MAX_OPTIONAL_ON_HOME, MAX_REQUIRED_USE_CASES
from nudges.planner import _required_bits, next_use_case_expr
from tests.playbook.samples import MINIMAL


def use_case(key: str, criteria: str) -> str:
    return f"""\
      - key: {key}
        title: {{en: "{key}", ja: "{key}"}}
        why: {{en: "Why", ja: "なぜ"}}
        how_to: {{en: "How", ja: "やり方"}}
        training:
          lesson: {{en: "Lesson", ja: "レッスン"}}
          try_it: {{en: "Try", ja: "試す"}}
        criteria: {criteria}
"""


def with_stage(use_cases: list[str], required: list[str] | None = None) -> str:
    """MINIMAL plus a third stage holding `use_cases` (and `required`, when given)."""
    stage = '  - key: extra\n    title: {en: "Extra", ja: "追加"}\n    summary: {en: "More", ja: "もっと"}\n'
    if required is not None:
        stage += f"    required: [{', '.join(required)}]\n"
    stage += "    use_cases:\n" + "".join(use_cases)
    return MINIMAL.replace("channels:\n", stage + "channels:\n", 1)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


REACT = '{event: reaction_added, channel: "#company-news"}'
SELF = "{self_report: true}"


def test_the_default_playbook_has_no_unreachable_use_case() -> None:
    pb, warnings = load_playbook_with_warnings(default_playbook_path())
    assert warnings == []
    optional = [uc.key for uc in pb.optional_use_cases()]
    assert "connect-a-tool" in optional and len(optional) <= MAX_OPTIONAL_ON_HOME
    tool = pb.use_case("connect-a-tool").criteria
    assert tool.self_report and tool.verify is not None and tool.verify.app_used and tool.verify.ambassador
    for uc in pb.all_use_cases():
        # Every use case is observed, or is a required next step with "I did it", or is on the optional list.
        assert uc.criteria.event or uc.key in pb.required_use_case_keys or uc.key in optional, uc.key


def test_an_optional_self_report_past_the_home_list_is_a_warning_not_an_error(tmp_path: Path) -> None:
    keys = [f"extra-{n}" for n in range(1, MAX_OPTIONAL_ON_HOME + 3)]
    # "extra" requires only extra-1; react-to-news (stage 1) is required by default, so the optional ones are
    # extra-2 … extra-10: the ninth optional step is extra-10.
    text = with_stage([use_case(key, SELF) for key in keys], required=["extra-1"])
    path = write(tmp_path, text)
    pb, warnings = load_playbook_with_warnings(path)
    assert [uc.key for uc in pb.optional_use_cases()][MAX_OPTIONAL_ON_HOME:] == ["extra-10"]
    line = line_of(text, "criteria: {self_report: true}", after="key: extra-10")
    assert [str(w) for w in warnings] == [
        f'{path}:{line}: warning: use case "extra-10" is completed only by "I did it", but it is optional step 9 '
        f"and the Home tab lists {MAX_OPTIONAL_ON_HOME} optional steps: nobody sees its button until 1 earlier "
        "optional steps are done; require it in its stage or move it up"
    ]
    result = CliRunner().invoke(playbook_cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == str(warnings[0])
    assert result.output.splitlines()[-1].endswith("; 1 warning")


def test_a_self_report_checked_by_a_channel_pattern_can_never_complete(tmp_path: Path) -> None:
    pattern = '{self_report: true, verify: {channel_member: "#proj-*"}}'
    text = with_stage([use_case("in-a-project", pattern)])
    path = write(tmp_path, text)
    _pb, warnings = load_playbook_with_warnings(path)
    [warning] = warnings
    assert warning.line == line_of(text, "criteria: {self_report: true, verify", after="key: in-a-project")
    assert warning.reason.startswith('warning: use case "in-a-project" can never be completed')
    assert '"#proj-*", which is a pattern' in warning.reason
    # With the ambassador as a fallback it can be completed: no warning.
    confirmed = '{self_report: true, verify: {channel_member: "#proj-*", ambassador: true}}'
    _pb, warnings = load_playbook_with_warnings(write(tmp_path, with_stage([use_case("in-a-project", confirmed)])))
    assert warnings == []


def test_observed_and_early_optional_use_cases_need_no_warning(tmp_path: Path) -> None:
    keys = [f"extra-{n}" for n in range(1, 13)]
    # Twelve optional use cases, but the ones past the Home list are observed: Coach ticks them off itself.
    cases = [use_case(key, SELF if n <= MAX_OPTIONAL_ON_HOME - 1 else REACT) for n, key in enumerate(keys, 1)]
    _pb, warnings = load_playbook_with_warnings(write(tmp_path, with_stage(cases, required=["extra-1"])))
    assert warnings == []


def test_more_required_use_cases_than_the_planner_supports_are_refused(tmp_path: Path) -> None:
    # MINIMAL already requires react-to-news and proj-threads; 61 more make 63.
    keys = [f"step-{n}" for n in range(1, MAX_REQUIRED_USE_CASES)]
    text = with_stage([use_case(key, REACT) for key in keys])
    path = write(tmp_path, text)
    with pytest.raises(PlaybookInvalid) as refused:
        load_playbook(path)
    [error] = refused.value.errors
    assert error.line == line_of(text, "key: step-61")
    assert error.reason.startswith('"step-61" is required use case 63 of 63, but Coach supports at most 62')
    result = CliRunner().invoke(playbook_cli, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{error.line}: " in result.output and "at most 62 required use cases" in result.output


def test_an_explicit_required_list_is_refused_at_the_key_past_the_limit(tmp_path: Path) -> None:
    keys = [f"step-{n}" for n in range(1, MAX_REQUIRED_USE_CASES + 1)]
    text = with_stage([use_case(key, REACT) for key in keys], required=keys)
    path = write(tmp_path, text)
    with pytest.raises(PlaybookInvalid) as refused:
        load_playbook(path)
    [error] = refused.value.errors
    assert error.line == line_of(text, "required: [step-1")
    assert '"step-61" is required use case 63 of 64' in error.reason


def test_exactly_the_limit_loads_and_the_planner_takes_it(tmp_path: Path) -> None:
    keys = [f"step-{n}" for n in range(1, MAX_REQUIRED_USE_CASES - 1)]
    pb = load_playbook(write(tmp_path, with_stage([use_case(key, REACT) for key in keys])))
    assert len(pb.required_use_case_keys) == MAX_REQUIRED_USE_CASES
    bits = _required_bits(pb)
    assert max(bits.values()) == 1 << (MAX_REQUIRED_USE_CASES - 1)
    assert next_use_case_expr(pb, __import__("sqlalchemy").literal(0)) is not None
